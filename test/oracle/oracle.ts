// The reference evaluator: interprets a resolved rule set's condition ASTs directly over plain
// EventInput objects, with libs' semantics, for differential tests of the Wasm engine. It is
// meant to be obviously right rather than fast; it shares no code with host/engine/ except the
// event-type table it needs to know the parameters, and throws OracleUnsupported for anything it
// does not model (so that nothing is silently guessed).
import type { BinaryCheckExpr, BinaryOperator, Expr, FieldExpr, TransformerExpr } from '../../host/condition/ast.js';
import { valueToBytes } from '../../host/condition/bytes.js';
import type { EventInput } from '../../host/engine/batch-encoder.js';
import type { Match, RuleMatching } from '../../host/engine/engine-api.js';
import { defaultRegistry } from '../../host/fields/registry.js';
import type { FieldType } from '../../host/fields/types.js';
import { parseLibsInteger, STRING_TYPES } from '../../host/fields/values.js';
import type { ResolvedRule, RuleSet } from '../../host/rules/index.js';
import { fnmatchRef } from '../engine/fnmatch-reference.js';
import { extractField, ipBytes, nameAddress, oracleDns, sameAddress, setOracleDns, type Extracted, type Value } from './fields.js';
import { pathPrefixMatch } from './pmatch.js';
import { OracleUnsupported } from './render.js';

export { OracleUnsupported };

export interface OracleOptions {
  ruleMatching: RuleMatching;
  /** Only these rule ids run; default: every enabled rule. */
  enabledRuleIds?: readonly number[];
  /** libs' DNS cache for fd.*ip.name: name -> resolved addresses (default: empty). */
  dns?: ReadonlyMap<string, readonly string[]>;
}

/** The (event, rule) matches of a batch, in event order and then rule id order. */
export function oracleMatches(ruleset: RuleSet, events: readonly EventInput[], options: OracleOptions): Match[] {
  const active = activeRules(ruleset, options.enabledRuleIds);
  const out: Match[] = [];
  const before = setOracleDns(options.dns ?? new Map());
  try {
    events.forEach((e, i) => {
      for (const rule of active) {
        if (!ruleApplies(rule, e)) continue;
        if (evaluate(rule.condition, e, i)) {
          out.push({ event: i, rule: rule.id });
          if (options.ruleMatching === 'first') break;
        }
      }
    });
  } finally {
    setOracleDns(before);
  }
  return out;
}

export function activeRules(ruleset: RuleSet, enabledRuleIds?: readonly number[]): ResolvedRule[] {
  const ids = enabledRuleIds === undefined ? undefined : new Set(enabledRuleIds);
  return ruleset.rules.filter((r) => (ids === undefined ? r.enabled : ids.has(r.id))).sort((a, b) => a.id - b.id);
}

/** Falco runs a rule only for the event types inferred from its condition. */
export function ruleApplies(rule: ResolvedRule, e: EventInput): boolean {
  return rule.eventTypes.all || rule.eventTypes.names.includes(e.type);
}

/** Evaluates a condition on the `index`-th event of a batch. */
export function evaluate(expr: Expr, e: EventInput, index: number): boolean {
  switch (expr.kind) {
    case 'and':
      return expr.children.every((c) => evaluate(c, e, index));
    case 'or':
      return expr.children.some((c) => evaluate(c, e, index));
    case 'not':
      return !evaluate(expr.child, e, index);
    case 'unary': {
      const v = operand(expr.left, e, index).ext;
      return v !== null && v.values.length > 0;
    }
    case 'binary':
      return binary(expr, e, index);
    default:
      throw new Error(`oracle: unexpected ${expr.kind} node in a condition`);
  }
}

interface Operand {
  type: FieldType;
  ext: Extracted | null;
}

const latin = new TextDecoder('utf-8');

// Memoised per AST node: the answers never change, and the benchmark's baseline should measure
// interpretation, not repeated registry lookups and literal parsing.
const typeOf = new WeakMap<FieldExpr, FieldType>();
function fieldType(f: FieldExpr): FieldType {
  let t = typeOf.get(f);
  if (t === undefined) {
    t = defaultRegistry.resolve(f.arg === undefined ? f.field : `${f.field}[${f.arg}]`).type;
    typeOf.set(f, t);
  }
  return t;
}

const literalsOf = new WeakMap<BinaryCheckExpr, Literal[]>();

function operand(x: Expr, e: EventInput, index: number): Operand {
  if (x.kind === 'field') return { type: fieldType(x), ext: extractField(x, e, index) };
  if (x.kind === 'transformer') return transformed(x, e, index);
  throw new Error(`oracle: ${x.kind} is not an operand`);
}

const lowerAscii = (b: Uint8Array): Uint8Array => b.map((c) => (c >= 0x41 && c <= 0x5a ? c + 0x20 : c));
const upperAscii = (b: Uint8Array): Uint8Array => b.map((c) => (c >= 0x61 && c <= 0x7a ? c - 0x20 : c));

function transformed(t: TransformerExpr, e: EventInput, index: number): Operand {
  if (t.transformer === 'val') return operand(t.values[0]!, e, index);
  const inner = operand(t.values[0]!, e, index);
  const map = (f: (b: Uint8Array) => Value | null, type: FieldType): Operand => {
    if (inner.ext === null) return { type, ext: null };
    const values: Value[] = [];
    for (const v of inner.ext.values) {
      if (v.kind !== 'str') throw new OracleUnsupported(`${t.transformer} of a non-string`);
      const out = f(v.bytes);
      if (out === null) return { type, ext: null };
      values.push(out);
    }
    return { type, ext: { values } };
  };
  switch (t.transformer) {
    case 'tolower': return map((b) => ({ kind: 'str', bytes: lowerAscii(b) }), inner.type);
    case 'toupper': return map((b) => ({ kind: 'str', bytes: upperAscii(b) }), inner.type);
    case 'basename': return map((b) => ({ kind: 'str', bytes: b.slice(b.lastIndexOf(0x2f) + 1) }), inner.type);
    case 'len': return map((b) => ({ kind: 'num', n: BigInt(b.length) }), 'PT_UINT64');
    case 'b64': return map((b) => b64decode(b), inner.type);
    default: throw new OracleUnsupported(`transformer ${t.transformer}`);
  }
}

/** Strict base64 (padding required); null when the input is not base64. */
function b64decode(b: Uint8Array): Value | null {
  const text = latin.decode(b);
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  return { kind: 'str', bytes: new Uint8Array(Buffer.from(text, 'base64')) };
}

/** A literal right-hand value in the form of the left operand's type. */
type Literal =
  | { kind: 'str'; bytes: Uint8Array; text: string }
  | { kind: 'num'; n: bigint }
  | { kind: 'bool'; b: boolean }
  | { kind: 'ip'; ip: Uint8Array }
  | { kind: 'net'; ip: Uint8Array; bits: number };

const NUM_WIDTH: Partial<Record<FieldType, [number, boolean]>> = {
  PT_INT8: [8, true], PT_INT16: [16, true], PT_INT32: [32, true], PT_INT64: [64, true], PT_ERRNO: [64, true],
  PT_FD: [64, true], PT_PID: [64, true], PT_UINT8: [8, false], PT_UINT16: [16, false], PT_UINT32: [32, false],
  PT_UINT64: [64, false], PT_RELTIME: [64, false], PT_ABSTIME: [64, false], PT_PORT: [16, false],
  PT_FLAGS8: [8, false], PT_FLAGS16: [16, false], PT_FLAGS32: [32, false], PT_MODE: [32, false],
  PT_SIGTYPE: [8, false], PT_SYSCALLID: [16, false],
};

function literal(type: FieldType, op: BinaryOperator, text: string): Literal {
  if (STRING_TYPES.has(type)) return { kind: 'str', bytes: valueToBytes(text), text };
  if (type === 'PT_BYTEBUF') {
    if (op === 'bcontains' || op === 'bstartswith') return { kind: 'str', bytes: new Uint8Array(Buffer.from(text, 'hex')), text };
    return { kind: 'str', bytes: valueToBytes(text), text };
  }
  const width = NUM_WIDTH[type];
  if (width !== undefined) {
    if (type === 'PT_PORT' && !/^[0-9]+$/.test(text)) throw new OracleUnsupported(`port name ${text}`);
    const n = parseLibsInteger(text);
    return { kind: 'num', n: width[1] ? BigInt.asIntN(width[0], n) : BigInt.asUintN(width[0], n) };
  }
  switch (type) {
    case 'PT_BOOL':
      return { kind: 'bool', b: text === 'true' };
    case 'PT_IPADDR': case 'PT_IPV4ADDR': case 'PT_IPV6ADDR':
      return { kind: 'ip', ip: ipBytes(text) };
    case 'PT_IPNET': case 'PT_IPV4NET': case 'PT_IPV6NET': {
      const slash = text.indexOf('/');
      const ip = ipBytes(slash < 0 ? text : text.slice(0, slash));
      return { kind: 'net', ip, bits: slash < 0 ? ip.length * 8 : Number(text.slice(slash + 1)) };
    }
    default:
      throw new OracleUnsupported(`literal of type ${type}`);
  }
}

/** A right-hand field's value seen as a literal. */
function valueAsLiteral(v: Value): Literal {
  switch (v.kind) {
    case 'str': return { kind: 'str', bytes: v.bytes, text: latin.decode(v.bytes) };
    case 'num': return { kind: 'num', n: v.n };
    case 'bool': return { kind: 'bool', b: v.b };
    case 'ip': return { kind: 'ip', ip: v.ip };
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function bytesCompare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function inNet(ip: Uint8Array, net: { ip: Uint8Array; bits: number }): boolean {
  if (ip.length !== net.ip.length) return false;
  for (let bit = 0; bit < net.bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((ip[byte]! & mask) !== (net.ip[byte]! & mask)) return false;
  }
  return true;
}

/** Equality of one extracted value and one literal (for =, !=, in, intersects). */
function equal(v: Value, l: Literal): boolean {
  if (v.kind === 'str' && l.kind === 'str') return bytesEqual(v.bytes, l.bytes);
  if (v.kind === 'num' && l.kind === 'num') return v.n === l.n;
  if (v.kind === 'bool' && l.kind === 'bool') return v.b === l.b;
  if (v.kind === 'ip' && l.kind === 'ip') return bytesEqual(v.ip, l.ip);
  if (v.kind === 'ip' && l.kind === 'net') return inNet(v.ip, l);
  throw new Error(`oracle: cannot compare ${v.kind} with ${l.kind}`);
}

function order(v: Value, l: Literal): number {
  if (v.kind === 'num' && l.kind === 'num') return v.n < l.n ? -1 : v.n > l.n ? 1 : 0;
  if (v.kind === 'str' && l.kind === 'str') return bytesCompare(v.bytes, l.bytes);
  throw new OracleUnsupported(`ordering of ${v.kind}`);
}

function regexFullMatch(pattern: string, subject: Uint8Array): boolean {
  return new RegExp(`^(?:${pattern})$`, 'u').test(latin.decode(subject));
}

/** One value against one literal with a scalar operator. */
function check(op: BinaryOperator, v: Value, l: Literal): boolean {
  switch (op) {
    case '=': case '==': return equal(v, l);
    case '!=': return !equal(v, l);
    case '<': return order(v, l) < 0;
    case '<=': return order(v, l) <= 0;
    case '>': return order(v, l) > 0;
    case '>=': return order(v, l) >= 0;
    default:
      break;
  }
  if (v.kind !== 'str' || l.kind !== 'str') throw new OracleUnsupported(`${op} on ${v.kind}`);
  const s = v.bytes;
  const p = l.bytes;
  switch (op) {
    case 'contains': case 'bcontains': return indexOfBytes(s, p) >= 0;
    case 'icontains': return indexOfBytes(lowerAscii(s), lowerAscii(p)) >= 0;
    case 'startswith': case 'bstartswith': return s.length >= p.length && bytesEqual(s.subarray(0, p.length), p);
    case 'endswith': return s.length >= p.length && bytesEqual(s.subarray(s.length - p.length), p);
    case 'glob': return fnmatchRef(p, s, false);
    case 'iglob': return fnmatchRef(p, s, true);
    case 'regex': return regexFullMatch(l.text, s);
    default: throw new Error(`oracle: ${op} is not a scalar operator`);
  }
}

const DNS_NAME_FIELDS: Record<string, 'c' | 's' | 'l' | 'r'> = { 'fd.cip.name': 'c', 'fd.sip.name': 's', 'fd.lip.name': 'l', 'fd.rip.name': 'r' };

/**
 * libs compare_domain: fd.*ip.name could not be extracted. On a connected IP socket with a role,
 * `=`/`in` hold when the address is among the addresses of a literal name, `!=` when it is not;
 * other operators are an error in libs (false here). Names are looked up in the oracle's cache as
 * given (libs would add a missing one to its cache; a name the cache lacks resolves to nothing).
 */
function compareDomain(x: BinaryCheckExpr, e: EventInput, dns: ReadonlyMap<string, readonly string[]>): boolean {
  const which = x.left.kind === 'field' ? DNS_NAME_FIELDS[x.left.field] : undefined;
  if (which === undefined || x.modifier !== undefined) return false;
  if (x.right.kind !== 'value' && x.right.kind !== 'list') return false;
  const ip = nameAddress(e.fd, which, false);
  if (ip === null) return false;
  const resolvesTo = (name: string): boolean => (dns.get(name) ?? []).some((a) => sameAddress(a, ip));
  const names = x.right.kind === 'value' ? [x.right.value] : x.right.values.map((v) => v.value);
  switch (x.op) {
    case '=': case '==': return x.right.kind === 'value' && resolvesTo(names[0]!);
    case 'in': return names.some(resolvesTo);
    case '!=': return x.right.kind === 'value' && !resolvesTo(names[0]!);
    default: return false;
  }
}

function binary(x: BinaryCheckExpr, e: EventInput, index: number): boolean {
  const left = operand(x.left, e, index);
  if (left.ext === null && x.left.kind === 'field' && x.left.field in DNS_NAME_FIELDS) {
    return compareDomain(x, e, oracleDns());
  }
  if (left.ext === null || left.ext.values.length === 0) return false; // cannot extract: false, also for !=
  const values = left.ext.values;

  let literals: Literal[];
  const right = x.right;
  if (right.kind === 'field' || right.kind === 'transformer') {
    const r = operand(right, e, index);
    if (r.ext === null || r.ext.values.length === 0) return false;
    literals = [valueAsLiteral(r.ext.values[0]!)];
  } else {
    const texts = right.kind === 'list' ? right.values.map((v) => v.value) : [right.value];
    if (x.op === 'pmatch') {
      const paths = texts;
      return values.some((v) => v.kind === 'str' && pathPrefixMatch(paths, latin.decode(v.bytes)));
    }
    const known = literalsOf.get(x);
    literals = known ?? texts.map((t) => literal(left.type, x.op, t));
    if (known === undefined) literalsOf.set(x, literals);
  }

  const op = x.op;
  // Any value of the left side may satisfy the check; fd.ip/net/port `!=` needs every endpoint to differ.
  const anyValue = (pred: (v: Value) => boolean): boolean =>
    op === '!=' && left.ext!.endpoints ? values.every(pred) : values.some(pred);

  if (op === 'in' || op === 'intersects') return anyValue((v) => literals.some((l) => equal(v, l)));
  if (x.modifier !== undefined) {
    // libs compares each value (each ancestor, each endpoint) with the whole modified list
    const allOf = x.modifier === 'allof';
    return anyValue((v) => (allOf ? literals.every((l) => check(op, v, l)) : literals.some((l) => check(op, v, l))));
  }
  const l = literals[0];
  if (l === undefined) throw new Error(`oracle: ${op} without a value`);
  return anyValue((v) => check(op, v, l));
}

