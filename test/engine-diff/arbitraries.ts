// fast-check arbitraries for the differential test: random conditions over a chosen set of fields,
// operators, modifiers and transformers, and random events whose values are drawn from the same
// pools as the literals, so that a good share of checks match.
import fc from 'fast-check';
import type { BinaryCheckExpr, BinaryOperator, Expr, FieldExpr, OperatorModifier, Pos, ValueExpr } from '../../host/condition/ast.js';
import type { EventInput, FdInput, ProcessInput } from '../../host/engine/batch-encoder.js';

const POS: Pos = { idx: 0, line: 1, col: 1 };

// Value pools shared by literals and events.
export const WORDS = [
  'bash', 'sh', 'nginx', 'Bash', 'BASH', 'cat', 'python3', 'node', 'sshd', 'runc', '', 'x', 'ab', 'a b',
  'héllo', 'ÉTÉ', '日本', 'tab\there', 'a*b', 'back\\slash', 'quo"te', `${'long'.repeat(1200)}bash`, '🙂',
];
export const PATHS = [
  '/etc/passwd', '/etc/shadow', '/etc', '/etc/', '/tmp/x', '/tmp', '/usr/bin/ls', '/usr/bin', '/bin/sh', '/',
  '/root/.ssh/id_rsa', '/home/u/.bashrc', '/var/run/docker.sock', '/dev/shm/a.sh', 'relative/p', '//etc//passwd',
  '/proc/1/environ', '/usr/lib/x86_64-linux-gnu/libc.so.6', `/tmp/${'d/'.repeat(2000)}x`,
];
const STRINGS = [...WORDS, ...PATHS];
const GLOBS = ['*', '/etc/*', '*sh', '/tmp/?', '[a-c]*', '*[!a]', '/usr/*/ls', 'b*h', '\\*', '[[:alpha:]]*', '*.so*'];
const REGEXES = ['ba.*', '[a-z]+', '.*sh', '/etc/.*', 'x|y', '(ab)+', '.', '/tmp/[a-z]', '日本', 'h.llo', ''];
// Boundaries included; literals stay within 64 bits, where libs' scanf and two's-complement wrapping agree.
const NUMBERS = ['0', '1', '-1', '3', '10', '65535', '4294967295', '100', '22', '443', '010', '2147483647', '4294967296', '9223372036854775807', '-9223372036854775808'];
const IPS = ['10.0.0.1', '192.168.1.20', '1.2.3.4', '127.0.0.1', '::1', '2001:db8::1', 'fe80::5'];
const NETS = ['10.0.0.0/8', '192.168.0.0/16', '1.2.3.0/24', '127.0.0.1/32', '0.0.0.0/0', '2001:db8::/32', '::1/128'];
const TYPES = ['open', 'openat', 'execve', 'connect', 'accept', 'chmod', 'unlink', 'setuid'];
/** libs' DNS cache for fd.*ip.name: names over the IPS pool (overlapping, so the smallest name matters). */
export const DNS_TABLE: Readonly<Record<string, readonly string[]>> = {
  'a.example': ['10.0.0.1', '1.2.3.4'], 'b.example': ['10.0.0.1', '2001:db8::1'], 'k8s.local': ['192.168.1.20'],
  'v6.example': ['::1', 'fe80::5'], 'gone.example': [],
};
const DNS_NAMES = [...Object.keys(DNS_TABLE), 'other.example', 'a.'];
const FDCHARS = ['f', 'd', '4', '6', 'u', 'p'];

type Kind = 'string' | 'path' | 'number' | 'bool' | 'ip' | 'net' | 'evttype' | 'fdchar' | 'dnsname';
interface FieldSpec {
  field: string;
  arg?: string;
  kind: Kind;
  /** proc.aname and friends take no transformers and no right-hand fields. */
  plain?: boolean;
}

const FIELDS: FieldSpec[] = [
  { field: 'proc.name', kind: 'string' }, { field: 'proc.pname', kind: 'string' },
  { field: 'proc.exe', kind: 'path' }, { field: 'proc.cmdline', kind: 'string' }, { field: 'proc.args', kind: 'string' },
  { field: 'proc.aname', kind: 'string', plain: true }, { field: 'proc.aname', arg: '2', kind: 'string', plain: true },
  { field: 'proc.cwd', kind: 'path' }, { field: 'user.name', kind: 'string' }, { field: 'container.id', kind: 'string' },
  { field: 'container.image.repository', kind: 'string' },
  { field: 'fd.name', kind: 'path' }, { field: 'fd.directory', kind: 'path' }, { field: 'fd.filename', kind: 'string' },
  { field: 'evt.type', kind: 'evttype', plain: true }, { field: 'fd.typechar', kind: 'fdchar' },
  { field: 'proc.pid', kind: 'number' }, { field: 'user.uid', kind: 'number' }, { field: 'fd.num', kind: 'number' },
  { field: 'evt.rawres', kind: 'number' }, { field: 'fd.sport', kind: 'number' }, { field: 'proc.tty', kind: 'number' },
  { field: 'evt.is_open_read', kind: 'bool' }, { field: 'fd.connected', kind: 'bool' }, { field: 'container.privileged', kind: 'bool' },
  { field: 'fd.sip', kind: 'ip' }, { field: 'fd.ip', kind: 'ip' }, { field: 'fd.net', kind: 'net' }, { field: 'fd.snet', kind: 'net' },
  // libs takes neither transformers nor right-hand fields on the DNS-name fields
  { field: 'fd.sip.name', kind: 'dnsname', plain: true }, { field: 'fd.cip.name', kind: 'dnsname', plain: true },
  { field: 'fd.lip.name', kind: 'dnsname', plain: true }, { field: 'fd.rip.name', kind: 'dnsname', plain: true },
];

// `<`, `>` and friends only take numbers in the condition grammar, so strings get no ordering.
const STRING_OPS: BinaryOperator[] = ['=', '!=', 'contains', 'icontains', 'startswith', 'endswith', 'glob', 'iglob', 'regex', 'in', 'intersects', 'pmatch'];
const NUMBER_OPS: BinaryOperator[] = ['=', '!=', '<', '<=', '>', '>=', 'in'];
const EQ_OPS: BinaryOperator[] = ['=', '!=', 'in'];
const LIST_OPS = new Set<BinaryOperator>(['in', 'intersects', 'pmatch']);
const MODIFIABLE: BinaryOperator[] = ['=', '!=', 'contains', 'icontains', 'startswith', 'endswith', 'glob'];

const val = (value: string): ValueExpr => ({ kind: 'value', value, quoted: true, pos: POS });
const fieldExpr = (s: FieldSpec): FieldExpr => (s.arg === undefined ? { kind: 'field', field: s.field, pos: POS } : { kind: 'field', field: s.field, arg: s.arg, pos: POS });

function pool(kind: Kind, op: BinaryOperator): string[] {
  if (op === 'glob' || op === 'iglob') return [...GLOBS, ...STRINGS.slice(0, 6)];
  if (op === 'regex') return REGEXES;
  switch (kind) {
    case 'string': return STRINGS;
    case 'path': return PATHS;
    case 'number': return NUMBERS;
    case 'bool': return ['true', 'false'];
    case 'ip': return IPS;
    case 'net': return NETS;
    case 'evttype': return TYPES;
    case 'fdchar': return FDCHARS;
    case 'dnsname': return DNS_NAMES;
  }
}

function opsFor(kind: Kind): BinaryOperator[] {
  switch (kind) {
    case 'number': return NUMBER_OPS;
    case 'bool': case 'ip': case 'net': case 'evttype': return EQ_OPS;
    default: return STRING_OPS;
  }
}

const STRING_KINDS = new Set<Kind>(['string', 'path', 'evttype', 'fdchar', 'dnsname']);

/** One check: field op value/list, with optional transformer, modifier or right-hand field. */
const checkArb: fc.Arbitrary<Expr> = fc.constantFrom(...FIELDS).chain((spec) => {
  const isString = STRING_KINDS.has(spec.kind);
  return fc.record({
    op: fc.constantFrom(...opsFor(spec.kind)),
    transformer: isString && !spec.plain ? fc.constantFrom(undefined, undefined, undefined, 'tolower', 'toupper', 'basename', 'len') : fc.constant(undefined),
    modifier: fc.constantFrom<OperatorModifier | undefined>(undefined, undefined, undefined, 'anyof', 'allof', 'oneof'),
    rhsField: isString && !spec.plain ? fc.constantFrom(undefined, undefined, undefined, undefined, 'proc.name', 'proc.pname', 'fd.name', 'proc.cwd') : fc.constant(undefined),
    exists: fc.integer({ min: 0, max: 19 }),
    seed: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
  }).map(({ op, transformer, modifier, rhsField, exists, seed }): Expr => {
    const left = transformer === undefined ? fieldExpr(spec) : { kind: 'transformer' as const, transformer, values: [fieldExpr(spec)], pos: POS };
    if (exists === 0) return { kind: 'unary', left, op: 'exists', pos: POS };
    const effectiveKind: Kind = transformer === 'len' ? 'number' : spec.kind;
    let theOp = op;
    if (transformer === 'len' && !NUMBER_OPS.includes(op)) theOp = '=';
    const values = spec.field === 'fd.sport' && transformer === undefined ? NUMBERS.filter((n) => !n.startsWith('-')) : pool(effectiveKind, theOp);
    const pick = (k: number): string => values[seed[k]! % values.length]!;
    if (rhsField !== undefined && transformer !== 'len' && !LIST_OPS.has(theOp) && theOp !== 'regex') {
      return { kind: 'binary', left, op: theOp, right: { kind: 'transformer', transformer: 'val', values: [{ kind: 'field', field: rhsField, pos: POS }], pos: POS }, pos: POS };
    }
    const list = { kind: 'list' as const, values: [0, 1, 2].slice(0, 1 + (seed[3]! % 3)).map((k) => val(pick(k))), pos: POS };
    if (LIST_OPS.has(theOp)) {
      const items = theOp === 'pmatch' ? list.values.map((v) => val(PATHS[Number(v.value.length) % PATHS.length]!)) : list.values;
      return { kind: 'binary', left, op: theOp, right: { ...list, values: theOp === 'pmatch' ? [...items, val(pick(3).startsWith('/') ? pick(3) : '/tmp')] : items }, pos: POS };
    }
    const check: BinaryCheckExpr = { kind: 'binary', left, op: theOp, right: val(pick(0)), pos: POS };
    if (modifier !== undefined && STRING_KINDS.has(effectiveKind) && MODIFIABLE.includes(theOp)) return { ...check, modifier, right: list };
    return check;
  });
});

/** A condition: checks combined with and/or/not, at most a few levels deep. */
export const conditionArb: fc.Arbitrary<Expr> = fc.letrec<{ node: Expr }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: checkArb, weight: 5 },
    { arbitrary: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((children): Expr => ({ kind: 'and', children, pos: POS })), weight: 2 },
    { arbitrary: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((children): Expr => ({ kind: 'or', children, pos: POS })), weight: 2 },
    { arbitrary: tie('node').map((child): Expr => ({ kind: 'not', child, pos: POS })), weight: 1 },
  ),
})).node;

// ---- events ----

const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.oneof({ arbitrary: a, weight: 6 }, { arbitrary: fc.constant(null), weight: 1 });
const word = fc.constantFrom(...WORDS);
const path = fc.constantFrom(...PATHS);
const text = fc.oneof(word, path, fc.tuple(word, path).map(([a, b]) => a + b), fc.tuple(path, word).map(([a, b]) => `${a}/${b}`));

const processArb: fc.Arbitrary<ProcessInput> = fc.record({
  pid: fc.constantFrom(1, 3, 10, 100, 4242, 2147483647),
  name: maybe(word),
  exe: maybe(path),
  args: maybe(fc.array(text, { maxLength: 3 })),
  cwd: maybe(path),
  userName: maybe(word),
  uid: fc.constantFrom(0, 1, 3, 100, 1000, 65535, 2147483647, 4294967295),
  tty: fc.constantFrom(0, 1, 34816),
  containerId: maybe(fc.constantFrom('host', 'abc123', '')),
  container: maybe(fc.record({ imageRepository: maybe(word), privileged: maybe(fc.boolean()) })),
  ancestors: fc.array(maybe(word), { maxLength: 3 }),
}).map(({ ancestors, ...p }) => {
  let parent: ProcessInput | null = null;
  for (const name of ancestors.reverse()) parent = { pid: 2, name, parent };
  return { ...p, parent };
});

const fdArb: fc.Arbitrary<FdInput> = fc.oneof(
  fc.record({ type: fc.constantFrom('file' as const, 'directory' as const, 'fifo' as const), name: maybe(fc.oneof(path, text)), num: maybe(fc.constantFrom<number | bigint>(-1, 0, 3, 10, 4294967296, 9223372036854775807n)) }),
  fc.record({
    type: fc.constantFrom('ipv4' as const, 'ipv6' as const),
    num: fc.constantFrom(3, 10),
    l4proto: fc.constantFrom('tcp' as const, 'udp' as const),
    client: fc.record({ ip: fc.constantFrom(...IPS), port: fc.constantFrom(22, 443, 4000, 65535) }),
    server: fc.record({ ip: fc.constantFrom(...IPS), port: fc.constantFrom(22, 443, 10, 100) }),
    role: fc.constantFrom('client' as const, 'server' as const, 'client' as const, 'server' as const, null),
    connected: fc.boolean(),
  }).map((fd) => {
    const v6 = fd.type === 'ipv6';
    const fix = (e: { ip: string; port: number }) => ({ ...e, ip: e.ip.includes(':') === v6 ? e.ip : v6 ? '2001:db8::1' : '10.0.0.1' });
    return { ...fd, client: fix(fd.client), server: fix(fd.server), name: `${fd.client.ip}->${fd.server.ip}` };
  }),
  fc.record({ type: fc.constantFrom('ipv4_server' as const), num: fc.constant(5), l4proto: fc.constant('tcp' as const), role: fc.constantFrom('server' as const, null), server: fc.record({ ip: fc.constantFrom('0.0.0.0', '10.0.0.1'), port: fc.constantFrom(22, 443) }) }),
);

export const eventArb: fc.Arbitrary<EventInput> = fc.record({
  type: fc.constantFrom(...TYPES),
  res: maybe(fc.constantFrom<number | bigint>(0, 3, -2, -13, 100, 2147483647, 9223372036854775807n, -9223372036854775808n)),
  flags: fc.constantFrom(0, 1, 2, 3, 1 | 4 | 256),
  name: text,
  fd: maybe(fdArb),
  proc: maybe(processArb),
  dir: fc.constantFrom<'<' | '>'>('<', '<', '>'),
}).map(({ type, res, flags, name, fd, proc, dir }): EventInput => {
  const args: EventInput['args'] = {};
  if (type === 'open' || type === 'openat') Object.assign(args, { flags, name });
  if (type === 'chmod') Object.assign(args, { filename: name, mode: 0o755 });
  if (type === 'unlink') Object.assign(args, { path: name });
  return { type, res, args, fd: type === 'setuid' ? null : fd, proc, dir };
});

/**
 * The names libs' DNS cache holds for a rule set: every literal compared with a plain
 * fd.*ip.name field by `=`, `!=` or `in` (libs adds a name when such a comparison reaches it;
 * the engine resolves them all when it loads), with their DNS_TABLE addresses.
 */
export function dnsCacheFor(conditions: readonly Expr[]): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  const walk = (x: Expr): void => {
    if (x.kind === 'and' || x.kind === 'or') x.children.forEach(walk);
    else if (x.kind === 'not') walk(x.child);
    else if (x.kind === 'binary' && x.left.kind === 'field' && /^fd\.[csrl]ip\.name$/.test(x.left.field) && x.modifier === undefined && ['=', '==', '!=', 'in'].includes(x.op)) {
      const values = x.right.kind === 'value' ? [x.right.value] : x.right.kind === 'list' ? x.right.values.map((v) => v.value) : [];
      for (const v of values) out.set(v, DNS_TABLE[v] ?? []);
    }
  };
  conditions.forEach(walk);
  return out;
}
