// Which successful opens no loaded rule can ever see, so the kernel may drop them (and the later
// close of the fd they returned) before they cost a ring record. The kernel drops an open only when
// its path is absolute and already normalised (no "//", "/.", "..", no trailing "/"), it is not a
// directory, and the path neither starts with a prefix key nor equals an exact key
// (native/README.md, "open prefilter"). This file proves, per open type and access class, that
// every enabled rule's condition is false for such an open, and that no rule on any other event
// changes its outcome or output when such an fd is unknown to the fd table instead of known.
//
// The proof is a three-valued evaluation of each condition (true, false, unknown): fields this
// file knows something about for the event class are decided, every other check is unknown. A
// rule that is not definitely false blocks dropping for that class, so the result is conservative.
import type { BinaryCheckExpr, Expr, UnaryCheckExpr, ValueExpr } from '../condition/ast.js';
import { walkExpr } from '../condition/walk.js';
import { EVENT_TYPES, eventTypeByName } from '../engine/event-types.js';
import type { ResolvedRule } from '../rules/ruleset.js';
import type { OpenFilter } from '../../native/capture.js';

/** What the kernel is told (Capture.setOpenFilter); ids are batch ABI event type ids. */
export type { OpenFilter };

export interface OpenFilterPlan {
  /** null: nothing may be dropped. */
  filter: OpenFilter | null;
  /** Why nothing (or not every open type) may be dropped: the rules that block, by class. */
  blocked: string[];
}

/** Open types whose successful exit creates a file fd from a path argument. */
export const OPEN_TYPES = ['open', 'openat', 'openat2', 'creat'] as const;
type OpenType = (typeof OPEN_TYPES)[number];
type Access = 'read' | 'write';

/** Keys longer than the kernel's LPM key (255 bytes) make the filter impossible. */
const MAX_KEY_BYTES = 255;
/** The kernel's trie holds this many keys. */
export const MAX_KEYS = 1024;

type Tri = 'T' | 'F' | 'U';
const not3 = (v: Tri): Tri => (v === 'T' ? 'F' : v === 'F' ? 'T' : 'U');
const bool3 = (b: boolean): Tri => (b ? 'T' : 'F');

/** Event parameters whose value is an fd (rendered with the fd table's name for it). */
const FD_PARAMS = new Set([
  'fd', 'fd1', 'fd2', 'fds', 'olddir', 'newdir', 'dirfd', 'olddirfd', 'newdirfd', 'linkdirfd',
  'out_fd', 'in_fd', 'mountfd', 'fdin', 'fdout', 'fd_in', 'fd_out', 'res', 'res_or_fd',
]);

/** Fields whose value comes from the fd table: they differ when a dropped fd is unknown. */
function fdDependent(field: string, arg: string | undefined): boolean {
  if (field.startsWith('fd.') || field.startsWith('fdlist.')) return true;
  if (field === 'proc.fdopencount' || field === 'proc.fdusage') return true;
  if (field === 'evt.args') return true;
  if (field === 'evt.arg' || field === 'evt.rawarg') return true; // evt.arg[N]: any parameter, an fd among them
  const m = /^evt\.(?:raw)?arg\.(.+)$/.exec(field);
  return m !== null && FD_PARAMS.has(m[1]!);
}

/** Fields a rule reads that the prefilter changes for every event, whatever the fd: no filter then. */
const GLOBAL_BLOCKERS = new Set(['proc.fdopencount', 'proc.fdusage']);

/** Whether `s` holds what no droppable path holds ("//", "/.", ".."): the kernel passes those paths. */
const neverInDroppable = (s: string): boolean => s.includes('//') || s.includes('/.') || s.includes('..');

/** True when the path is what the kernel may drop: absolute, normalised, no "/." anywhere. */
function droppableShape(path: string): boolean {
  return path.startsWith('/') && !path.endsWith('/') && !neverInDroppable(path);
}

class Keys {
  prefixes = new Set<string>();
  exact = new Set<string>();

  copy(): Keys {
    const k = new Keys();
    k.prefixes = new Set(this.prefixes);
    k.exact = new Set(this.exact);
    return k;
  }

  /** Whether no droppable path starts with `p`, given the prefix keys. */
  coversPrefix(p: string): boolean {
    if (!p.startsWith('/')) return p !== ''; // droppable paths start with "/"
    if (neverInDroppable(p)) return true;
    for (const k of this.prefixes) if (p.startsWith(k)) return true;
    return false;
  }

  /** Whether no droppable path equals `v`. */
  coversExact(v: string): boolean {
    return !droppableShape(v) || this.exact.has(v) || this.coversPrefix(v);
  }
}

/** The literal start of a glob pattern, up to its first special character. */
function globLiteralPrefix(pattern: string): string {
  const m = /[*?[\\]/.exec(pattern);
  return m ? pattern.slice(0, m.index) : pattern;
}

function values(right: BinaryCheckExpr['right']): string[] | undefined {
  if (right.kind === 'value') return [right.value];
  if (right.kind === 'list') return right.values.map((v: ValueExpr) => v.value);
  return undefined;
}

/** fd.name, fd.nameraw, and an open's `name` argument all equal the path for a droppable open. */
function isPathField(field: string): boolean {
  return field === 'fd.name' || field === 'fd.nameraw';
}

/** Adds the keys that make a path check decidable: the strings the rules compare paths with. */
function collectKeys(e: Expr, keys: Keys): void {
  walkExpr(e, (c) => {
    if (c.kind !== 'binary' || c.left.kind !== 'field' || c.modifier !== undefined) return;
    const field = c.left.field;
    const vals = values(c.right);
    if (vals === undefined) return;
    const onPath = isPathField(field) || (field === 'evt.arg.name' || field === 'evt.rawarg.name');
    for (const v of vals) {
      if (onPath) {
        if (c.op === '=' || c.op === '==' || c.op === 'in' || c.op === '!=') keys.exact.add(v);
        else if (c.op === 'startswith') keys.prefixes.add(v);
        else if (c.op === 'pmatch') {
          keys.exact.add(v);
          keys.prefixes.add(v.endsWith('/') ? v : `${v}/`);
        } else if (c.op === 'glob') keys.prefixes.add(globLiteralPrefix(v));
      } else if (field === 'fd.directory') {
        if ((c.op === '=' || c.op === '==' || c.op === 'in' || c.op === '!=') && v !== '/' && v.startsWith('/')) {
          keys.prefixes.add(v.endsWith('/') ? v : `${v}/`);
        } else if (c.op === 'startswith') keys.prefixes.add(v);
      }
    }
  });
  // Only keys that can matter to a droppable path are kept (others are decided without a key).
  for (const k of [...keys.prefixes]) if (!k.startsWith('/') || neverInDroppable(k)) keys.prefixes.delete(k);
  for (const k of [...keys.exact]) if (!droppableShape(k)) keys.exact.delete(k);
}

/** The event a condition is evaluated against. */
type World =
  /** A successful open of a droppable path outside the keys, not a directory. */
  | { kind: 'open'; type: OpenType; access: Access }
  /** Any other event, its fd a dropped file: as Falco sees it (`file`) or as Saker does (`missing`). */
  | { kind: 'fd'; fd: 'file' | 'missing' };

/** A path field checked against a droppable path outside the keys. */
function pathCheck(c: BinaryCheckExpr, vals: string[], keys: Keys): Tri {
  switch (c.op) {
    case '=':
    case '==':
    case 'in':
      return vals.every((v) => keys.coversExact(v)) ? 'F' : 'U';
    case '!=':
      return keys.coversExact(vals[0]!) ? 'T' : 'U';
    case 'startswith':
      return vals[0] === '' ? 'T' : keys.coversPrefix(vals[0]!) ? 'F' : 'U';
    case 'pmatch':
      return vals.every((v) => keys.coversExact(v) && keys.coversPrefix(v.endsWith('/') ? v : `${v}/`)) ? 'F' : 'U';
    case 'glob': {
      const lit = globLiteralPrefix(vals[0]!);
      return lit !== '' && keys.coversPrefix(lit) ? 'F' : 'U';
    }
    case 'contains':
      return neverInDroppable(vals[0]!) ? 'F' : 'U';
    default:
      return 'U';
  }
}

/** fd.directory of a droppable path outside the keys. */
function directoryCheck(c: BinaryCheckExpr, vals: string[], keys: Keys): Tri {
  const covered = (d: string): boolean => d !== '/' && (!d.startsWith('/') || keys.coversPrefix(d.endsWith('/') ? d : `${d}/`));
  switch (c.op) {
    case '=':
    case '==':
    case 'in':
      return vals.every(covered) ? 'F' : 'U';
    case '!=':
      return covered(vals[0]!) ? 'T' : 'U';
    case 'startswith':
      return vals[0] === '' ? 'T' : keys.coversPrefix(vals[0]!) ? 'F' : 'U';
    default:
      return 'U';
  }
}

/** A numeric check on a value known to be >= 0 (an fd, a successful result). */
function nonNegativeCheck(op: string, v: string): Tri {
  const n = Number(v);
  if (!Number.isFinite(n) || v.trim() === '') return 'U';
  switch (op) {
    case '=':
    case '==':
      return n < 0 ? 'F' : 'U';
    case '!=':
      return n < 0 ? 'T' : 'U';
    case '>=':
      return n <= 0 ? 'T' : 'U';
    case '>':
      return n < 0 ? 'T' : 'U';
    case '<':
      return n <= 0 ? 'F' : 'U';
    case '<=':
      return n < 0 ? 'F' : 'U';
    default:
      return 'U';
  }
}

/** A string field with a known value. */
function knownString(c: BinaryCheckExpr, vals: string[], actual: string): Tri {
  switch (c.op) {
    case '=':
    case '==':
    case 'in':
      return bool3(vals.includes(actual));
    case '!=':
      return bool3(vals[0] !== actual);
    case 'startswith':
      return bool3(actual.startsWith(vals[0]!));
    case 'contains':
      return bool3(actual.includes(vals[0]!));
    default:
      return 'U';
  }
}

/** A boolean field ("true"/"false") with a known value. */
function knownBool(c: BinaryCheckExpr, vals: string[], actual: boolean): Tri {
  const v = vals[0];
  if (vals.length !== 1 || (v !== 'true' && v !== 'false')) return 'U';
  if (c.op === '=' || c.op === '==') return bool3((v === 'true') === actual);
  if (c.op === '!=') return bool3((v === 'true') !== actual);
  return 'U';
}

function check(c: BinaryCheckExpr | UnaryCheckExpr, w: World, keys: Keys): Tri {
  if (c.left.kind !== 'field') return 'U'; // a transformer's result is not modelled
  const { field, arg } = c.left;
  if (w.kind === 'fd' && w.fd === 'missing' && fdDependent(field, arg)) {
    // libs: a check on a field that cannot be extracted is false, whatever the operator.
    return field.startsWith('fd.') ? 'F' : 'U';
  }
  if (c.kind === 'unary') {
    if (w.kind === 'open' && (isPathField(field) || field === 'fd.directory' || field === 'fd.filename' || field === 'fd.num')) return 'T';
    return 'U';
  }
  if (c.modifier !== undefined) return 'U';
  const vals = values(c.right);
  if (vals === undefined || vals.length === 0) return 'U';
  const fileFd = w.kind === 'open' || w.fd === 'file';
  if (fileFd) {
    if (isPathField(field)) return pathCheck(c, vals, keys);
    if (field === 'fd.directory') return directoryCheck(c, vals, keys);
    if (field === 'fd.typechar') return knownString(c, vals, 'f');
    if (field === 'fd.type') return knownString(c, vals, 'file');
  }
  if (w.kind !== 'open') return 'U';
  switch (field) {
    case 'evt.type':
      return knownString(c, vals, w.type);
    case 'evt.dir':
      return knownString(c, vals, '<');
    case 'evt.arg.name':
    case 'evt.rawarg.name':
      return pathCheck(c, vals, keys);
    case 'evt.is_open_read':
      return w.access === 'read' ? knownBool(c, vals, true) : 'U'; // O_RDWR reads and writes
    case 'evt.is_open_write':
      return w.access === 'read' ? knownBool(c, vals, false) : knownBool(c, vals, true);
    case 'evt.failed':
      return knownBool(c, vals, false);
    case 'evt.arg.flags':
      // The kernel never drops an open with O_TRUNC or O_CREAT (libs adds O_F_CREATED only with O_CREAT).
      return c.op === 'contains' && ['O_TRUNC', 'O_CREAT', 'O_F_CREATED'].includes(vals[0]!) ? 'F' : 'U';
    case 'evt.res':
      return knownString(c, vals, 'SUCCESS');
    case 'fd.num':
    case 'evt.rawres':
      return vals.length === 1 ? nonNegativeCheck(c.op, vals[0]!) : 'U';
    default:
      return 'U';
  }
}

/** Whether some field in `e` (a transformer's operands included) passes `test`. */
function someField(e: Expr, test: (field: string, arg: string | undefined) => boolean): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (found) return false;
    if (x.kind === 'field' && test(x.field, x.arg)) found = true;
    return undefined;
  });
  return found;
}

/** Kleene's and (stop = F) and or (stop = T): `stop` decides at once, else unknown beats the other. */
function junction(children: readonly Expr[], stop: Tri, w: World, keys: Keys): Tri {
  let out: Tri = not3(stop);
  for (const c of children) {
    const v = evaluate(c, w, keys);
    if (v === stop) return stop;
    if (v === 'U') out = 'U';
  }
  return out;
}

function evaluate(e: Expr, w: World, keys: Keys): Tri {
  switch (e.kind) {
    case 'and':
      return junction(e.children, 'F', w, keys);
    case 'or':
      return junction(e.children, 'T', w, keys);
    case 'not':
      return not3(evaluate(e.child, w, keys));
    case 'binary':
    case 'unary':
      return check(e, w, keys);
    default:
      return 'U';
  }
}

/** Fields an output format names (`%field`, `%field[arg]`, `%transformer(field)`), roughly. */
function outputFields(output: string): { field: string; arg?: string }[] {
  const out: { field: string; arg?: string }[] = [];
  for (const m of output.matchAll(/([a-z][a-z0-9_]*\.[a-zA-Z0-9_.]+)(?:\[([^\]]*)\])?/g)) {
    out.push(m[2] === undefined ? { field: m[1]! } : { field: m[1]!, arg: m[2] });
  }
  return out;
}

function outputReadsFd(rule: ResolvedRule): boolean {
  const texts = [rule.output, ...Object.values(rule.extraOutputFields ?? {})];
  return texts.some((t) => outputFields(t).some((f) => fdDependent(f.field, f.arg)));
}

function readsGlobalBlocker(rule: ResolvedRule): boolean {
  return someField(rule.condition, (f) => GLOBAL_BLOCKERS.has(f)) || outputFields(rule.output).some((f) => GLOBAL_BLOCKERS.has(f.field));
}

const isOpenType = (name: string): boolean => (OPEN_TYPES as readonly string[]).includes(name);

/**
 * Event types whose events name an fd that existed before them (libs looks it up in the fd table):
 * an fd parameter other than the result. Not among them:
 * - a result fd (socket, accept, dup's new fd, pipe's and socketpair's pair) was just created, so it
 *   is never a dropped one;
 * - a dirfd names a directory, and directories are never dropped (not modelled: a dropped file's fd
 *   given as dirfd with AT_EMPTY_PATH);
 * - setns takes a namespace fd or a pidfd, and the kernel never drops an open of a namespace file;
 * - dup, dup2, dup3, fcntl, fchmod and finit_module: before their record the kernel replays the
 *   dropped open their fd came from ("late open", native/README.md), so they see the file as Falco
 *   does.
 */
const DIRFD_PARAMS = new Set(['dirfd', 'olddir', 'newdir', 'olddirfd', 'newdirfd', 'linkdirfd']);
const NEVER_A_DROPPED_FD = new Set(['pipe', 'pipe2', 'socketpair', 'setns', 'dup', 'dup2', 'dup3', 'fcntl', 'fchmod', 'finit_module']);
const USES_FD = new Set(
  EVENT_TYPES.filter((t) => !NEVER_A_DROPPED_FD.has(t.name) && t.params.some((p) => p.type === 'FD' && p.slot.kind !== 'res' && !DIRFD_PARAMS.has(p.name))).map(
    (t) => t.name,
  ),
);

/** Whether the rule can match an event that refers to an existing fd, which may be a dropped one. */
const seesFds = (r: ResolvedRule): boolean => r.eventTypes.all || r.eventTypes.names.some((n) => USES_FD.has(n));

/**
 * The filter for the enabled syscall rules. Every rule is checked, so the result is also right for
 * rules whose event types the capture does not produce.
 */
export function planOpenFilter(rules: readonly ResolvedRule[]): OpenFilterPlan {
  const syscallRules = rules.filter((r) => r.source === 'syscall');
  const none = (why: string): OpenFilterPlan => ({ filter: null, blocked: [why] });
  const blocker = syscallRules.find(readsGlobalBlocker);
  if (blocker) return none(`rule "${blocker.name}" reads the count of open fds`);

  // Keys are added only for the rules that need them to be refuted (the fewer, the more is dropped).
  // Adding keys only ever turns unknown checks into known ones, so a refutation stays valid.
  let keys = new Keys();
  const refuted = (r: ResolvedRule, world: World): boolean => {
    if (evaluate(r.condition, world, keys) === 'F') return true;
    const more = keys.copy();
    collectKeys(r.condition, more);
    if (evaluate(r.condition, world, more) !== 'F') return false; // its keys would not help: not kept
    keys = more;
    return true;
  };

  // A dropped fd is unknown to the events that use it later: no rule may tell the difference.
  for (const r of syscallRules) {
    if (!seesFds(r)) continue;
    if (!someField(r.condition, fdDependent) && !outputReadsFd(r)) continue;
    if (!refuted(r, { kind: 'fd', fd: 'file' }) || !refuted(r, { kind: 'fd', fd: 'missing' })) return none(`rule "${r.name}" reads the fd of events other than opens`);
  }

  const blocked: string[] = [];
  const dropRead: number[] = [];
  const dropWrite: number[] = [];
  for (const type of OPEN_TYPES) {
    if (type === 'creat') continue; // creat creates and truncates: the kernel never drops it
    const id = eventTypeByName(type)?.id;
    if (id === undefined) continue;
    for (const access of ['read', 'write'] as const) {
      const world: World = { kind: 'open', type, access };
      const rule = syscallRules.find((r) => (r.eventTypes.all || r.eventTypes.names.includes(type)) && !refuted(r, world));
      if (rule) blocked.push(`${type} ${access}: rule "${rule.name}"`);
      else (access === 'read' ? dropRead : dropWrite).push(id);
    }
  }
  const prefixes = [...keys.prefixes].sort();
  const exact = [...keys.exact].sort();
  if ([...prefixes, ...exact].some((k) => Buffer.byteLength(k) > MAX_KEY_BYTES)) return none('a path the rules compare is longer than 255 bytes');
  if (prefixes.length + exact.length > MAX_KEYS) return none(`the rules compare more than ${MAX_KEYS} paths`);
  dropRead.sort((a, b) => a - b);
  dropWrite.sort((a, b) => a - b);
  if (dropRead.length === 0 && dropWrite.length === 0) return { filter: null, blocked };
  return { filter: { dropRead, dropWrite, prefixes, exact }, blocked };
}
