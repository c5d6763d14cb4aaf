// Resolved rules -> AssemblyScript source. Each distinct comparison becomes one small check
// function (macros repeat the same checks across rules, so they are shared), each rule a boolean
// expression over checks, and evaluation a switch on the event type that runs only the rules whose
// inferred event-type set holds the type, in Falco's order (evttype_index_ruleset): rules with
// known types first, by rule id; the rules that run for every type only when none of those
// matched (with `all` too).
import type { BinaryCheckExpr, Expr, FieldExpr, TransformerExpr, ValueExpr } from '../../condition/ast.js';
import { valueToBytes } from '../../condition/bytes.js';
import { defaultRegistry } from '../../fields/registry.js';
import type { FieldType, ResolvedField } from '../../fields/types.js';
import { parseOutputTemplate, type FieldToken } from '../../output/template.js';
import type { ResolvedRule } from '../../rules/ruleset.js';
import { EVENT_TYPES, eventTypeByName } from '../event-types.js';
import { fieldAccess, HelperRegistry, type FieldAccess, type ValueKind } from './field-access.js';
import { fitToFieldType, parseIpLiteral, parseNetLiteral, parseNumberLiteral } from './literals.js';
import { regexCodegen } from './regex-hook.js';

export type RuleMatchingMode = 'first' | 'all';

/** One output field of a rule, in template order, as the extractor writes it. */
export interface OutputFieldPlan {
  /** The key in output_fields: the reference as written, with transformers (`proc.aname[2]`). */
  key: string;
  /** Type of the value after transformers. */
  type: FieldType;
  kind: ValueKind;
  /** Set for a field of an append_output extra field's format: that extra field's name. */
  extra?: string;
}

export interface RulePlan {
  id: number;
  outputs: OutputFieldPlan[];
}

function templateFields(format: string): FieldToken[] {
  try {
    return parseOutputTemplate(format).tokens.filter((t): t is FieldToken => t.kind === 'field');
  } catch {
    return [];
  }
}

export interface GeneratedModule {
  source: string;
  rules: RulePlan[];
  /** Constructs compiled as never-true, with the reason (fields the batch cannot carry are not listed). */
  notes: string[];
  /** The names the rules compare fd.*ip.name fields with, sorted: the host resolves them into the DNS table. */
  dnsNames: string[];
}

export class CodegenError extends Error {}

interface Value {
  kind: ValueKind;
  access: FieldAccess;
  /** Transformer calls applied after the read, innermost first (`F.toLower()`, ...). */
  post: string[];
}

const STRING_OPS = new Set(['=', '==', '!=', '<', '<=', '>', '>=', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'glob', 'iglob', 'in', 'intersects', 'pmatch', 'regex']);

class Generator {
  private readonly helpers = new HelperRegistry();
  private readonly decls: string[] = [];
  private readonly inits: string[] = [];
  private readonly checks = new Map<string, string>(); // body -> name
  private readonly checkBodies = new Map<string, string>(); // name -> body
  private readonly checkUses = new Map<string, number>();
  private readonly literals = new Map<string, number>(); // hex -> offset in the literal blob
  private readonly blob: number[] = [];
  readonly notes: string[] = [];
  private counter = 0;

  constructor(private readonly mode: RuleMatchingMode) {}

  private fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  /** A static byte literal in the module's literal blob: [address expression, length]. */
  literal(bytes: Uint8Array): [string, number] {
    if (bytes.length === 0) return ['0', 0];
    const hex = Buffer.from(bytes).toString('hex');
    let off = this.literals.get(hex);
    if (off === undefined) {
      off = this.blob.length;
      this.literals.set(hex, off);
      for (const b of bytes) this.blob.push(b);
    }
    return [`(LIT + ${off})`, bytes.length];
  }

  private check(body: string): string {
    let name = this.checks.get(body);
    if (name === undefined) {
      name = this.fresh('c');
      this.checks.set(body, name);
      this.checkBodies.set(name, body);
      this.costs.set(name, this.checkCost(body));
    }
    this.checkUses.set(name, (this.checkUses.get(name) ?? 0) + 1);
    return name;
  }

  private readonly costs = new Map<string, number>();
  /** `and` checks -> their first conjunct that is a plain check call (a gate for the rules). */
  private readonly firstOperand = new Map<string, string>();

  /** A rough cost of running a check, for ordering the operands of and/or cheapest first. */
  private checkCost(body: string): number {
    const refs = [...body.matchAll(/\b(c\d+)\(ev\)/g)].map((m) => m[1]!);
    if (refs.length > 0) return refs.reduce((sum, r) => sum + (this.costs.get(r) ?? 5), 1);
    let cost = 1;
    if (/for \(/.test(body)) cost += 20;
    if (/F\.proc(Joined|Caps|EnvVar)|F\.containerMounts/.test(body)) cost += 12;
    if (/F\.argFlags|F\.resErrno|F\.evtRes|F\.argDec|F\.argId|F\.fdParam|p_arg_/.test(body)) cost += 6;
    if (/X\.|G\.|R\.|PM\d/.test(body)) cost += 6;
    if (/SET\d/.test(body)) cost += 4;
    if (/S\./.test(body)) cost += 2;
    if (/F\.proc|F\.container/.test(body)) cost += 1;
    return cost;
  }

  /** Cost of an expression made of check calls (`c1(ev)`, `!c2(ev)`, `false`). */
  private exprCost(code: string): number {
    const refs = [...code.matchAll(/\b(c\d+)\(ev\)/g)].map((m) => m[1]!);
    return refs.reduce((sum, r) => sum + (this.costs.get(r) ?? 5), 0);
  }

  /**
   * Check functions. A check that several rules share and that costs more than a flag test
   * (string, set, glob, regex work) is memoised per event: its result is stored with the event's
   * epoch, so macros repeated across rules run once per event.
   */
  private checkFunctions(): string[] {
    const out: string[] = [];
    let slot = 0;
    for (const [name, body] of this.checkBodies) {
      const shared = (this.checkUses.get(name) ?? 0) > 1;
      const costly = /S\.|X\.|G\.|SET|PM|R\.|F\.proc(Joined|Caps|Env)|F\.arg|F\.p_|p_arg|for \(|c\d+\(ev\)/.test(body);
      if (shared && costly) {
        const at = slot++ * 4;
        out.push(`function ${name}_eval(ev: usize): bool {\n${body}\n}`);
        out.push(`function ${name}(ev: usize): bool {\n  const m = load<u32>(MEMO + ${at});\n  if ((m >> 1) == epoch) return (m & 1) != 0;\n  const r = ${name}_eval(ev);\n  store<u32>(MEMO + ${at}, (epoch << 1) | (r ? 1 : 0));\n  return r;\n}`);
      } else {
        out.push(`function ${name}(ev: usize): bool {\n${body}\n}`);
      }
    }
    this.memoSlots = slot;
    return out;
  }

  private memoSlots = 0;

  // ---- operands ----

  private resolve(f: FieldExpr): ResolvedField {
    const text = f.arg === undefined ? f.field : `${f.field}[${f.arg}]`;
    const r = defaultRegistry.lookup(text) ?? defaultRegistry.lookup(f.field);
    if (r === undefined) throw new CodegenError(`unknown field '${text}'`);
    if (f.arg !== undefined && r.argument === undefined && r.def.arg === undefined) return r;
    if (f.arg !== undefined && r.text === f.field) {
      // the registry parsed "field" only; reparse with the bracket argument
      const again = defaultRegistry.lookup(text);
      if (again !== undefined) return again;
    }
    return r;
  }

  operand(e: Expr): Value {
    if (e.kind === 'field') {
      const access = fieldAccess(this.resolve(e), this.helpers);
      return { kind: access.kind, access, post: [] };
    }
    if (e.kind === 'transformer') return this.transformer(e);
    throw new CodegenError(`unsupported operand ${e.kind}`);
  }

  private transformer(e: TransformerExpr): Value {
    const name = e.transformer;
    const inner = e.values[0];
    if (name === 'val') {
      if (inner === undefined) throw new CodegenError('val() needs a field');
      return this.operand(inner);
    }
    if (name === 'join') return this.join(e);
    if (name === 'getopt') return this.getopt(e);
    if (inner === undefined) {
      throw new CodegenError(`transformer '${name}' is not supported by the engine`);
    }
    const v = this.operand(inner);
    if (isMultiValued(v)) throw new CodegenError(`transformer '${name}' over a multi-valued field`);
    switch (name) {
      case 'tolower': return { ...v, post: [...v.post, 'F.toLower()'] };
      case 'toupper': return { ...v, post: [...v.post, 'F.toUpper()'] };
      case 'basename': return { ...v, post: [...v.post, 'F.baseName()'] };
      case 'b64': return { ...v, post: [...v.post, 'F.b64Decode()'] };
      case 'len': {
        const access: FieldAccess = { ...v.access, kind: 'num', signed: false, type: 'PT_UINT64' };
        return { kind: 'num', access, post: [...v.post, 'F.setNum(<u64>F.sl)'] };
      }
      default:
        throw new CodegenError(`unknown transformer '${name}'`);
    }
  }

  /**
   * join(sep, (a, b, ...)): the present values joined by the separator (a missing field adds no
   * value). Parts are read into locals first, because reading a rendered field reuses the
   * string builder that the join then fills.
   */
  private join(e: TransformerExpr): Value {
    const [sepExpr, listExpr] = e.values;
    if (sepExpr === undefined || listExpr === undefined || listExpr.kind !== 'transformer_list') throw new CodegenError('join() needs a separator and a list');
    const lines: string[] = [];
    const part = (x: Expr, k: number): void => {
      lines.push(`  let p${k}: usize = 0; let l${k}: u32 = 0; let h${k} = false;`);
      if (x.kind === 'value') {
        const [l, n] = this.literal(valueToBytes(x.value));
        lines.push(`  p${k} = ${l}; l${k} = ${n}; h${k} = true;`);
        return;
      }
      const v = this.operand(x);
      if (v.kind !== 'str' || isMultiValued(v)) throw new CodegenError('join() over a non-string or multi-valued field');
      lines.push(`  if (${this.readExpr(v, v.access.reads[0]!)}) { p${k} = F.sp; l${k} = F.sl; h${k} = true; }`);
    };
    part(sepExpr, 0);
    listExpr.values.forEach((x, i) => part(x, i + 1));
    const n = listExpr.values.length;
    const total = ['l0 * ' + String(n), ...listExpr.values.map((_, i) => `l${i + 1}`)].join(' + ');
    lines.push(`  F.buildBegin(${total});`, '  let first = true;');
    for (let i = 1; i <= n; i++) {
      lines.push(`  if (h${i}) { if (!first) F.buildBytes(p0, l0); F.buildBytes(p${i}, l${i}); first = false; }`);
    }
    lines.push('  return F.buildFinish();');
    const fn = this.helpers.helper(this.fresh('join'), lines.join('\n'));
    const access: FieldAccess = { kind: 'str', signed: false, type: 'PT_CHARBUF', reads: [`${fn}(ev)`] };
    return { kind: 'str', access, post: [] };
  }

  /**
   * getopt((a, b, ...), "optstring")[c] (libs' multivalue transformer): the present list items
   * are scanned like getopt(3) by engine-as/getopt.ts with an option table built here. With a
   * selector the value is the last argument of option c (missing when c does not occur);
   * without one it is the list of options and arguments.
   */
  private getopt(e: TransformerExpr): Value {
    const [listExpr, optExpr] = e.values;
    if (listExpr === undefined || listExpr.kind !== 'transformer_list') throw new CodegenError('getopt() over a list field');
    if (optExpr === undefined || optExpr.kind !== 'value') throw new CodegenError('getopt() with a non-literal optstring');
    const lines: string[] = [];
    listExpr.values.forEach((x, k) => {
      lines.push(`  let p${k}: usize = 0; let l${k}: u32 = 0; let h${k} = false;`);
      if (x.kind === 'value') {
        const [l, n] = this.literal(valueToBytes(x.value));
        lines.push(`  p${k} = ${l}; l${k} = ${n}; h${k} = true;`);
        return;
      }
      const v = this.operand(x);
      if (v.kind !== 'str' || isMultiValued(v)) throw new CodegenError('getopt() over a non-string or multi-valued item');
      lines.push(`  if (${this.readExpr(v, v.access.reads[0]!)}) { p${k} = F.sp; l${k} = F.sl; h${k} = true; }`);
    });
    lines.push(`  O.begin(${listExpr.values.length});`);
    listExpr.values.forEach((_, k) => lines.push(`  if (h${k}) O.item(p${k}, l${k});`));
    const [table] = this.literal(optionTable(valueToBytes(optExpr.value)));
    const selector = e.arg === undefined ? -1 : Buffer.from(e.arg, 'latin1')[0]!;
    if (e.arg !== undefined && e.arg.length !== 1) throw new CodegenError('getopt() field argument must be a single option character');
    if (selector >= 0) {
      lines.push(`  return O.run(${table}, ${selector}) != 0;`);
      const fn = this.helpers.helper(this.fresh('getopt'), lines.join('\n'));
      return { kind: 'str', access: { kind: 'str', signed: false, type: 'PT_CHARBUF', reads: [`${fn}(ev)`] }, post: [] };
    }
    lines.push(`  return O.run(${table}, -1);`);
    const fn = this.helpers.helper(this.fresh('getopt'), lines.join('\n'), 'u32');
    return { kind: 'str', access: { kind: 'str', signed: false, type: 'PT_CHARBUF', reads: ['O.at(n)'], list: fn }, post: [] };
  }

  /** `read && post...` for alternative `i` (ancestor reads use the loop variable `n`). */
  private readExpr(v: Value, read: string): string {
    return [read, ...v.post].join(' && ');
  }

  /** Wraps a comparison `cmp` (over F.* values) in the read logic: any alternative / ancestor. */
  private valueCheck(v: Value, cmp: string, everyAlternative = false, everyItem = false): string {
    if (everyAlternative && v.access.reads.length > 1) {
      // `fd.ip != x` (libs' compare_ip/net/port): every present endpoint must differ
      const lines = v.access.reads.map((r) => `  if (${this.readExpr(v, r)}) {\n    if (!(${cmp})) return false;\n    any = true;\n  }`);
      return `  let any = false;\n${lines.join('\n')}\n  return any;`;
    }
    if (v.access.list !== undefined && everyItem) {
      return `  const count = ${v.access.list}(ev);\n  for (let n: u32 = 0; n < count; n++) {\n    if (!(${this.readExpr(v, v.access.reads[0]!)} && (${cmp}))) return false;\n  }\n  return true;`;
    }
    if (v.access.list !== undefined) {
      return `  const count = ${v.access.list}(ev);\n  for (let n: u32 = 0; n < count; n++) {\n    if (${this.readExpr(v, v.access.reads[0]!)} && (${cmp})) return true;\n  }\n  return false;`;
    }
    if (v.access.ancestors === true) {
      return `  for (let n: u32 = 1; F.procN(ev, n) != 0; n++) {\n    if (${this.readExpr(v, v.access.reads[0]!)} && (${cmp})) return true;\n  }\n  return false;`;
    }
    if (v.access.reads.length === 1) return `  return ${this.readExpr(v, v.access.reads[0]!)} && (${cmp});`;
    const lines = v.access.reads.map((r) => `  if (${this.readExpr(v, r)} && (${cmp})) return true;`);
    return `${lines.join('\n')}\n  return false;`;
  }

  // ---- conditions ----

  cond(e: Expr): string {
    switch (e.kind) {
      case 'and':
      case 'or': {
        // A sub-expression (usually an expanded macro) becomes a check of its own, so that rules
        // sharing it share its memoised result.
        // Operands are pure, so they may run in any order: cheapest first (stable), which lets
        // cheap type and flag tests cut rules short before string and set work.
        // A negated operand is usually true (rule exceptions rarely hold), a plain one usually false,
        // so `and` tries plain operands first and `or` negated ones: they decide sooner.
        const likelyUndecisive = (code: string): boolean => code.startsWith('!') === (e.kind === 'and');
        const parts = e.children
          .map((c) => this.cond(c))
          .map((code, i) => ({ code, i, cost: this.exprCost(code) * (likelyUndecisive(code) ? 4 : 1) }));
        parts.sort((a, b) => a.cost - b.cost || a.i - b.i);
        const expr = `(${parts.map((p) => p.code).join(e.kind === 'and' ? ' && ' : ' || ')})`;
        if (e.children.length <= 1) return expr;
        const name = this.check(`  return ${expr};`);
        // its first plain check call (any conjunct that is false makes the whole `and` false)
        const gate = e.kind === 'and' ? parts.find((p) => /^c\d+\(ev\)$/.test(p.code)) : undefined;
        if (gate !== undefined) this.firstOperand.set(name, gate.code);
        return `${name}(ev)`;
      }
      case 'not':
        return `!${this.cond(e.child)}`;
      case 'unary': {
        const v = this.operand(e.left);
        if (v.access.list !== undefined) return 'true'; // a list is always extracted (maybe empty)
        return `${this.check(this.valueCheck(v, 'true'))}(ev)`;
      }
      case 'binary':
        return this.binary(e);
      default:
        throw new CodegenError(`unexpected ${e.kind} node in a condition`);
    }
  }

  private binary(e: BinaryCheckExpr): string {
    if (e.left.kind === 'field' && e.left.field === 'evt.type' && e.left.arg === undefined && (e.right.kind === 'value' || e.right.kind === 'list')) {
      const special = this.eventTypeCheck(e);
      if (special !== undefined) return special;
    }
    const enumTest = this.enumCheck(e);
    if (enumTest !== undefined) return enumTest;
    const left = this.operand(e.left);
    if (left.access.reads.length === 1 && left.access.reads[0] === 'false') return 'false';
    const dnsCheck = this.dnsNameCheck(e, left);
    if (dnsCheck !== undefined) return dnsCheck;
    const viaDict = this.dictCheck(e, left);
    if (viaDict !== undefined) return viaDict;
    try {
      const cmp = e.right.kind === 'field' || e.right.kind === 'transformer'
        ? this.fieldToField(e, left)
        : this.valueCmp(e, left);
      // a list value (libs' list filters): `in` holds when every item is in the set, `intersects` when one is
      return `${this.check(this.valueCheck(left, cmp, e.op === '!=', e.op === 'in'))}(ev)`;
    } catch (err) {
      if (err instanceof UnsupportedCheck) {
        this.notes.push(err.message);
        return 'false';
      }
      throw err;
    }
  }

  // ---- DNS-name fields ----

  /** Every name a rule compares an fd.*ip.name field with (libs adds them to its DNS cache). */
  readonly dnsNames = new Set<string>();

  /**
   * fd.cip.name / fd.sip.name / ... against literals (libs' compare_nocache + compare_domain): a
   * name read from the DNS table compares as a string, with the usual code below. When none is
   * read, libs asks the DNS cache whether the address is among the literal's addresses (`=`, `in`)
   * or not (`!=`), adding the literal to the cache; here every such literal is in the table from
   * the start, so a missing name means no literal resolves to the address: `=`/`in` are false and
   * `!=` is true on a connected IP socket with a role. Returns the `!=` check; the rest goes on.
   */
  private dnsNameCheck(e: BinaryCheckExpr, left: Value): string | undefined {
    const ep = left.access.dns;
    if (ep === undefined || e.left.kind !== 'field' || e.modifier !== undefined) return undefined;
    if (e.right.kind !== 'value' && e.right.kind !== 'list') return undefined;
    if (!['=', '==', '!=', 'in'].includes(e.op)) return undefined;
    for (const v of this.values(e)) this.dnsNames.add(v.value);
    if (e.op !== '!=' || e.right.kind !== 'value') return undefined;
    const eq = this.strCmpLit('=', valueToBytes(e.right.value));
    return `${this.check(`  if (${left.access.reads[0]!}) return !(${eq});\n  return F.fdIpNameFallback(ev, ${ep});`)}(ev)`;
  }

  // ---- per-field literal dictionaries ----

  private readonly dicts = new Map<string, FieldDict>();

  /**
   * `field = "x"`, `field != "x"`, `field in (...)` on a plain string field: the field's value is
   * looked up once per event in a dictionary of every literal the rules compare it with, which
   * yields a signature (the set of such checks that hold); each check is then one byte load. With
   * dozens of `proc.name in (...)` lists per exec event this replaces a hash lookup per list.
   */
  private dictCheck(e: BinaryCheckExpr, left: Value): string | undefined {
    if (left.kind !== 'str' || left.post.length > 0 || isMultiValued(left)) return undefined;
    if (e.modifier !== undefined) return undefined;
    const negate = e.op === '!=';
    let values: ValueExpr[];
    if ((e.op === '=' || e.op === '==' || e.op === '!=') && e.right.kind === 'value') values = [e.right];
    else if ((e.op === 'in' || e.op === 'intersects') && e.right.kind === 'list') values = e.right.values;
    else return undefined;
    const read = left.access.reads[0]!;
    let dict = this.dicts.get(read);
    if (dict === undefined) {
      dict = { name: `d${this.dicts.size}`, read, literals: new Map(), checks: [] };
      this.dicts.set(read, dict);
    }
    const members = new Set<number>();
    for (const v of values) {
      const bytes = valueToBytes(v.value);
      const hex = Buffer.from(bytes).toString('hex');
      let lit = dict.literals.get(hex);
      if (lit === undefined) {
        lit = { bytes, index: dict.literals.size };
        dict.literals.set(hex, lit);
      }
      members.add(lit.index);
    }
    const key = [...members].sort((a, b) => a - b).join(',');
    let j = dict.checks.findIndex((c) => c.key === key);
    if (j < 0) {
      j = dict.checks.length;
      dict.checks.push({ key, members });
    }
    const d = dict.name;
    const hit = `(s < ${d}_SIGS && load<u8>(${d}_bm + <usize>s * ${d}_CHECKS + ${j}) != 0)`;
    return `${this.check(`  const s = ${d}(ev);\n  return ${negate ? `s != ${MISSING} && !${hit}` : hit};`)}(ev)`;
  }

  /** The dictionaries' tables and lookup functions (emitted once all rules are generated). */
  private dictCode(): { decls: string[]; inits: string[]; fns: string[] } {
    const decls: string[] = [];
    const inits: string[] = [];
    const fns: string[] = [];
    let procDicts = 0;
    for (const d of this.dicts.values()) {
      // signature of each literal: which checks contain it
      const sigOf = new Map<string, number>();
      const sigs: number[][] = [];
      const litSig: number[] = [];
      for (const lit of d.literals.values()) {
        const checks = d.checks.flatMap((c, j) => (c.members.has(lit.index) ? [j] : []));
        const key = checks.join(',');
        let sig = sigOf.get(key);
        if (sig === undefined) {
          sig = sigs.length;
          sigOf.set(key, sig);
          sigs.push(checks);
        }
        litSig[lit.index] = sig;
      }
      const nChecks = d.checks.length;
      const bitmap = new Array<number>(Math.max(1, sigs.length * nChecks)).fill(0);
      sigs.forEach((checks, sig) => {
        for (const j of checks) bitmap[sig * nChecks + j] = 1;
      });
      decls.push(`const ${d.name}_map = new ByteMap(${d.literals.size});`);
      decls.push(`const ${d.name}_bm: usize = memory.data<u8>([${bitmap.join(',')}]);`);
      decls.push(`let ${d.name}_ep: u32 = 0;`, `let ${d.name}_v: u32 = 0;`);
      decls.push(`const ${d.name}_SIGS: u32 = ${sigs.length};`, `const ${d.name}_CHECKS: u32 = ${nChecks};`);
      for (const lit of d.literals.values()) {
        const [l, n] = this.literal(lit.bytes);
        inits.push(`${d.name}_map.set(${l}, ${n}, ${litSig[lit.index]!});`);
      }
      const sigCount = sigs.length;
      const lookup = `${d.read} ? ${d.name}_map.get(F.sp, F.sl, ${ABSENT}) : ${MISSING}`;
      fns.push(
        `/** Signature of the field's value this event: < ${sigCount}, or ${ABSENT} (no literal), or ${MISSING} (missing). */`,
        `function ${d.name}(ev: usize): u32 {`,
        `  if (${d.name}_ep == epoch) return ${d.name}_v;`,
        `  ${d.name}_ep = epoch;`,
      );
      if (PROCESS_PURE_READ.test(d.read)) {
        // the value depends on the event's process record only: looked up once per process and batch
        const slot = procDicts++;
        fns.push(
          '  const pi = B.evProcIndex(ev);',
          `  if (pi == A.NONE_INDEX) { ${d.name}_v = ${lookup}; return ${d.name}_v; }`,
          `  const at = PD + ((<usize>pi * PD_N + ${slot}) << 2);`,
          '  const known = load<u32>(at);',
          `  if (known != 0) { ${d.name}_v = known - 3; return ${d.name}_v; }`,
          `  ${d.name}_v = ${lookup};`,
          `  store<u32>(at, ${d.name}_v + 3);`,
        );
      } else {
        fns.push(`  ${d.name}_v = ${lookup};`);
      }
      fns.push(`  return ${d.name}_v;`, '}');
    }
    // per-process signatures of process-derived fields, for the current batch: (signature + 3), 0 = not yet
    decls.push(`const PD_N: u32 = ${Math.max(1, procDicts)};`, 'let PD: usize = 0;', 'let pdCap: u32 = 0;');
    fns.push(
      'function procDictsBegin(): void {',
      '  const n = B.processCount() * PD_N;',
      '  if (n > pdCap) {',
      '    pdCap = n + (n >> 1) + 64;',
      '    PD = heap.alloc(<usize>pdCap << 2);',
      '  }',
      `  ${procDicts === 0 ? '// no process-derived dictionaries' : 'memory.fill(PD, 0, <usize>n << 2);'}`,
      '}',
    );
    return { decls, inits, fns };
  }

  /** evt.type = / != / in with event names: compares the type id (names the batch lacks never match). */
  private eventTypeCheck(e: BinaryCheckExpr): string | undefined {
    if (e.modifier !== undefined) return undefined;
    const names = e.right.kind === 'value' ? [e.right.value] : e.right.kind === 'list' ? e.right.values.map((v) => v.value) : [];
    const ids = [...new Set(names.map((n) => eventTypeByName(n)?.id).filter((x): x is number => x !== undefined))];
    let lo = 0n;
    let hi = 0n;
    for (const id of ids) {
      if (id < 64) lo |= 1n << BigInt(id);
      else if (id < 128) hi |= 1n << BigInt(id - 64);
      else throw new CodegenError(`event type id ${id} does not fit the type mask`);
    }
    const anyOf = ids.length === 0 ? 'false' : `F.typeIn(ev, <u64>${lo}, <u64>${hi})`;
    if ((e.op === '=' || e.op === '==') && e.right.kind === 'value') return anyOf;
    if (e.op === '!=' && e.right.kind === 'value') return `!${anyOf}`;
    if ((e.op === 'in' || e.op === 'intersects') && e.right.kind === 'list') return anyOf;
    return undefined;
  }

  /**
   * evt.dir, fd.typechar and fd.type against constants: flag and enum tests inline, without
   * rendering the text (same results: evt.dir is always present, the fd fields need an fd).
   */
  private enumCheck(e: BinaryCheckExpr): string | undefined {
    if (e.left.kind !== 'field' || e.left.arg !== undefined || e.modifier !== undefined) return undefined;
    const values = e.right.kind === 'value' ? [e.right.value] : e.right.kind === 'list' && (e.op === 'in' || e.op === 'intersects') ? e.right.values.map((v) => v.value) : undefined;
    if (values === undefined || !['=', '==', '!=', 'in', 'intersects'].includes(e.op)) return undefined;
    const negate = e.op === '!=';
    const field = e.left.field;
    if (field === 'evt.dir') {
      const enter = values.includes('>');
      const exit = values.includes('<');
      const test = enter && exit ? 'true' : enter ? 'B.evHas(ev, A.EVT_DIR_ENTER)' : exit ? '!B.evHas(ev, A.EVT_DIR_ENTER)' : 'false';
      return negate ? `!(${test})` : `(${test})`;
    }
    const table = field === 'fd.typechar' ? FD_TYPE_CHARS : field === 'fd.type' ? FD_TYPE_NAMES : undefined;
    if (table === undefined) return undefined;
    let mask = 0;
    let valid = 0;
    table.forEach((name, t) => {
      if (t === 0 || name === '') return;
      valid |= 1 << t;
      if (values.includes(name)) mask |= 1 << t;
    });
    return `F.fdTypeIn(ev, ${(negate ? valid & ~mask : mask) >>> 0})`;
  }

  private fieldToField(e: BinaryCheckExpr, left: Value): string {
    const right = this.operand(e.right as FieldExpr | TransformerExpr);
    if (isMultiValued(right)) throw new UnsupportedCheck(`multi-valued right-hand field in ${e.op}`);
    const rread = this.readExpr(right, right.access.reads[0]!);
    if (left.kind === 'str' && right.kind === 'str') {
      const op = this.stringOpOnPair(e.op, 'lp', 'll', 'F.sp', 'F.sl');
      const fn = this.helperPair(`const lp = F.sp; const ll = F.sl; if (!(${rread})) return false; return ${op};`);
      return `${fn}(ev)`;
    }
    if (left.kind === 'num' && right.kind === 'num') {
      const signed = left.access.signed;
      const cmp = numCmp(e.op, signed ? '<i64>lv' : 'lv', signed ? '<i64>F.nv' : 'F.nv');
      const fn = this.helperPair(`const lv = F.nv; if (!(${rread})) return false; return ${cmp};`);
      return `${fn}(ev)`;
    }
    throw new UnsupportedCheck(`field comparison ${e.op} between ${left.kind} and ${right.kind}`);
  }

  private helperPair(body: string): string {
    return this.helpers.helper(this.fresh('pair'), body);
  }

  private stringOpOnPair(op: string, ap: string, al: string, bp: string, bl: string): string {
    switch (op) {
      case '=': case '==': return `S.strEq(${ap}, ${al}, ${bp}, ${bl})`;
      case '!=': return `!S.strEq(${ap}, ${al}, ${bp}, ${bl})`;
      case '<': return `S.strCmp(${ap}, ${al}, ${bp}, ${bl}) < 0`;
      case '<=': return `S.strCmp(${ap}, ${al}, ${bp}, ${bl}) <= 0`;
      case '>': return `S.strCmp(${ap}, ${al}, ${bp}, ${bl}) > 0`;
      case '>=': return `S.strCmp(${ap}, ${al}, ${bp}, ${bl}) >= 0`;
      case 'contains': case 'bcontains': return `X.containsBytes(${ap}, ${al}, ${bp}, ${bl})`;
      case 'icontains': return `S.icontains(${ap}, ${al}, ${bp}, ${bl})`;
      case 'startswith': case 'bstartswith': return `S.startsWith(${ap}, ${al}, ${bp}, ${bl})`;
      case 'endswith': return `S.endsWith(${ap}, ${al}, ${bp}, ${bl})`;
      case 'glob': return `G.glob(${bp}, ${bl}, ${ap}, ${al})`;
      case 'iglob': return `G.iglob(${bp}, ${bl}, ${ap}, ${al})`;
      default: throw new UnsupportedCheck(`operator ${op} between two fields`);
    }
  }

  private values(e: BinaryCheckExpr): ValueExpr[] {
    if (e.right.kind === 'value') return [e.right];
    if (e.right.kind === 'list') return e.right.values;
    return [];
  }

  private valueCmp(e: BinaryCheckExpr, left: Value): string {
    const values = this.values(e);
    const op = e.op;
    if (e.modifier !== undefined) {
      const parts = values.map((v) => this.scalarCmp(left, op, v));
      if (parts.length === 0) return e.modifier === 'allof' ? 'true' : 'false';
      return parts.map((p) => `(${p})`).join(e.modifier === 'allof' ? ' && ' : ' || ');
    }
    if (op === 'in' || op === 'intersects') return this.inCmp(left, values);
    if (op === 'pmatch') return this.pmatchCmp(left, values);
    if (values.length !== 1) throw new UnsupportedCheck(`operator ${op} with a list`);
    return this.scalarCmp(left, op, values[0]!);
  }

  private inCmp(left: Value, values: ValueExpr[]): string {
    if (values.length === 0) return 'false';
    if (left.kind === 'str') {
      const uniq = [...new Map(values.map((v) => [Buffer.from(valueToBytes(v.value)).toString('hex'), valueToBytes(v.value)])).values()];
      if (uniq.length <= 3) return uniq.map((b) => this.strCmpLit('=', b)).join(' || ');
      const set = this.fresh('SET');
      this.decls.push(`const ${set} = new ByteSet(${uniq.length});`);
      for (const b of uniq) {
        const [l, n] = this.literal(b);
        this.inits.push(`${set}.add(${l}, ${n});`);
      }
      return `${set}.mayHaveLength(F.sl) && ${set}.has(F.sp, F.sl)`;
    }
    return values.map((v) => `(${this.scalarCmp(left, '=', v)})`).join(' || ');
  }

  private pmatchCmp(left: Value, values: ValueExpr[]): string {
    if (left.kind !== 'str') throw new UnsupportedCheck('pmatch on a non-string field');
    const set = this.fresh('PM');
    this.decls.push(`const ${set} = new PathPrefixSet();`);
    for (const v of values) {
      const [l, n] = this.literal(valueToBytes(v.value));
      this.inits.push(`${set}.add(${l}, ${n});`);
    }
    return `${set}.match(F.sp, F.sl)`;
  }

  private strCmpLit(op: string, bytes: Uint8Array): string {
    const [l, n] = this.literal(bytes);
    return this.stringOpOnPair(op, 'F.sp', 'F.sl', l, String(n));
  }

  private scalarCmp(left: Value, op: string, v: ValueExpr): string {
    switch (left.kind) {
      case 'str': {
        if (!STRING_OPS.has(op)) throw new UnsupportedCheck(`operator ${op} on a string field`);
        if (op === 'regex') {
          const name = this.fresh('RX');
          const code = regexCodegen(v.value, name);
          this.decls.push(code.declaration);
          return code.matchExpr;
        }
        if (op === 'in' || op === 'intersects') return this.strCmpLit('=', valueToBytes(v.value));
        if (op === 'pmatch') return this.pmatchCmp(left, [v]);
        if (op === 'bcontains' || op === 'bstartswith') {
          const hex = v.value;
          if (!/^([0-9a-fA-F]{2})*$/.test(hex)) return 'false';
          return this.strCmpLit(op, Uint8Array.from(Buffer.from(hex, 'hex')));
        }
        return this.strCmpLit(op, valueToBytes(v.value));
      }
      case 'num': {
        const lit = fitToFieldType(left.access.type, parseNumberLiteral(left.access.type, v.value));
        const o = op === 'in' || op === 'intersects' ? '=' : op;
        if (!['=', '==', '!=', '<', '<=', '>', '>='].includes(o)) throw new UnsupportedCheck(`operator ${op} on a numeric field`);
        return left.access.signed ? numCmp(o, '<i64>F.nv', `<i64>${BigInt.asIntN(64, lit)}`) : numCmp(o, 'F.nv', `<u64>${BigInt.asUintN(64, lit)}`);
      }
      case 'ip': {
        const o = op === 'in' || op === 'intersects' ? '=' : op;
        if (o !== '=' && o !== '==' && o !== '!=') throw new UnsupportedCheck(`operator ${op} on an address field`);
        let test: string;
        if (left.access.net === true || v.value.includes('/')) {
          const net = parseNetLiteral(v.value);
          const [l] = this.literal(padAddress(net.bytes));
          test = net.v6 ? `(F.ip6 && N.ip6InNet(F.ipp, ${l}, ${net.prefix}))` : `(!F.ip6 && N.ip4InNet(F.ipp, ${l}, ${net.prefix}))`;
        } else {
          const addr = parseIpLiteral(v.value);
          const [l] = this.literal(padAddress(addr.bytes));
          test = addr.v6 ? `(F.ip6 && N.ip6Eq(F.ipp, ${l}))` : `(!F.ip6 && N.ip4Eq(F.ipp, ${l}))`;
        }
        return o === '!=' ? `!${test}` : test;
      }
    }
  }

  // ---- outputs ----

  private readonly outFields = new Map<string, { index: number; line: string }>();

  /** The output fields of a rule as indices into the module's shared field extractor. */
  outputPlan(rule: ResolvedRule): { fields: number[]; plans: OutputFieldPlan[] } {
    // The output's fields first, then each append_output extra field's, tagged with its name.
    const tokens: { t: FieldToken; extra?: string }[] = templateFields(rule.output).map((t) => ({ t }));
    for (const [name, format] of Object.entries(rule.extraOutputFields ?? {})) {
      for (const t of templateFields(format)) tokens.push({ t, extra: name });
    }
    const plans: OutputFieldPlan[] = [];
    const fields: number[] = [];
    for (const { t, extra } of tokens) {
      const access = fieldAccess(t.field, this.helpers);
      let kind: ValueKind = access.kind;
      const post: string[] = [];
      // template transformers are outermost first
      for (const tr of [...t.transformers].reverse()) {
        if (tr === 'len') {
          post.push('F.setNum(<u64>F.sl)');
          kind = 'num';
        } else post.push({ tolower: 'F.toLower()', toupper: 'F.toUpper()', basename: 'F.baseName()', b64: 'F.b64Decode()' }[tr]);
      }
      let entry = this.outFields.get(t.raw);
      if (entry === undefined) {
        const reads = access.ancestors === true || access.list !== undefined ? [] : access.reads;
        const out = kind === 'str' ? 'F.outStr(k)' : kind === 'num' ? 'F.outNum(k)' : 'F.outIp(k)';
        const index = this.outFields.size;
        const line = reads.length === 0 || reads[0] === 'false'
          ? `    case ${index}: F.outMissing(k); return;`
          : `    case ${index}: if (${reads.map((r) => `(${[r, ...post].join(' && ')})`).join(' || ')}) ${out}; else F.outMissing(k); return;`;
        entry = { index, line };
        this.outFields.set(t.raw, entry);
      }
      fields.push(entry.index);
      plans.push(extra === undefined ? { key: t.raw, type: t.type, kind } : { key: t.raw, type: t.type, kind, extra });
    }
    return { fields, plans };
  }

  // ---- module ----

  module(rules: ResolvedRule[]): GeneratedModule {
    const ruleFns: string[] = [];
    const ruleCalls = new Map<number, string>(); // rule id -> its condition when it is one check call
    const byType = new Map<number, number[]>();
    const untyped: number[] = [];
    const plans: RulePlan[] = [];
    const outTable: number[] = [];
    const outAt = new Map<number, number>();
    for (const rule of rules) {
      let body: string;
      try {
        body = this.cond(rule.condition);
      } catch (err) {
        if (err instanceof CodegenError || err instanceof UnsupportedCheck) {
          this.notes.push(`rule '${rule.name}': ${err.message}; never matches`);
          body = 'false';
        } else throw err;
      }
      if (/^c\d+\(ev\)$/.test(body)) ruleCalls.set(rule.id, body);
      else ruleFns.push(`function r${rule.id}(ev: usize): bool {\n  return ${body};\n}`);
      if (rule.eventTypes.all) untyped.push(rule.id);
      else {
        for (const n of rule.eventTypes.names) {
          const t = eventTypeByName(n);
          if (t === undefined) continue;
          const list = byType.get(t.id) ?? [];
          if (!list.includes(rule.id)) list.push(rule.id);
          byType.set(t.id, list);
        }
      }
      const ex = this.outputPlan(rule);
      outAt.set(rule.id, outTable.length);
      outTable.push(ex.fields.length, ...ex.fields);
      plans.push({ id: rule.id, outputs: ex.plans });
    }
    const checkFns = this.checkFunctions();
    const dictCode = this.dictCode();
    const first = this.mode === 'first';
    // Falco (evttype_index_ruleset): a rule without an event-type restriction is indexed under
    // every event code, so each type's list is its own rules and the unrestricted ones merged in
    // rule id order; `first` returns at the first match, `all` reports every match.
    // A first operand that several rules of one list share is tested once up front: a rule whose
    // gate is false cannot match, so it is skipped without a call (checks are pure, so testing the
    // gate early changes nothing but the work).
    const gateOf = (id: number): string | undefined => {
      const call = ruleCalls.get(id);
      return call === undefined ? undefined : this.firstOperand.get(call.slice(0, -4));
    };
    const runList = (ids: number[]): string => {
      ids.sort((a, b) => a - b);
      const uses = new Map<string, number>();
      for (const id of ids) {
        const g = gateOf(id);
        if (g !== undefined) uses.set(g, (uses.get(g) ?? 0) + 1);
      }
      const gates = [...uses].filter(([, n]) => n > 1).map(([g]) => g);
      const local = (g: string): string => `g_${g.slice(0, -4)}`;
      const lines = gates.map((g) => `  const ${local(g)} = ${g};`);
      for (const id of ids) {
        const g = gateOf(id);
        const call = ruleCalls.get(id) ?? `r${id}(ev)`;
        const test = g !== undefined && gates.includes(g) ? `${local(g)} && ${call}` : call;
        lines.push(`  if (${test}) { emit(i, ${id});${first ? ' return true;' : ' any = true;'} }`);
      }
      return lines.join('\n');
    };
    const group = (name: string, ids: number[]): string =>
      first
        ? `function ${name}(ev: usize, i: u32): bool {\n${runList(ids)}\n  return false;\n}`
        : `function ${name}(ev: usize, i: u32): bool {\n  let any = false;\n${runList(ids)}\n  return any;\n}`;
    const typeFns = [...byType.entries()].sort((a, b) => a[0] - b[0]).map(([t, ids]) => group(`t${t}`, [...ids, ...untyped]));
    const typeNames = EVENT_TYPES.map((t) => {
      const [l, n] = this.literal(Buffer.from(t.name));
      return `F.registerTypeName(${t.id}, ${l}, ${n});`;
    });
    const dispatch = [...byType.keys()].sort((a, b) => a - b).map((t) => `      case ${t}: t${t}(ev, i); break;`).join('\n');
    const source = [
      '// GENERATED by host/engine/compiler from a rule set: do not edit.',
      "import * as A from './abi_generated';",
      "import * as B from './batch';",
      "import * as F from './fields';",
      "import * as S from './strings';",
      "import * as X from './search';",
      "import * as G from './glob';",
      "import * as N from './net';",
      "import * as R from './regex';",
      "import * as O from './getopt';",
      "import { ByteMap, ByteSet, resetHashCache } from './byteset';",
      "import { PathPrefixSet } from './pmatch';",
      "import { validateBatch } from './validate';",
      "import * as D from './dns';",
      '',
      '// keep every import referenced so unused ones do not warn',
      'export const ABI_VERSION: u32 = A.BATCH_VERSION;',
      `const LIT: usize = memory.data<u8>([${this.blob.length === 0 ? '0' : this.blob.join(',')}]);`,
      `const OUTS: usize = memory.data<u32>([${outTable.length === 0 ? '0' : outTable.join(',')}]);`,
      `const OUT_AT: usize = memory.data<u32>([${outAtTable(outAt).join(',')}]);`,
      `const OUT_AT_LEN: u32 = ${outAtTable(outAt).length};`,
      ...this.decls,
      ...dictCode.decls,
      ...[...this.helpers.bodies.values()].filter((b) => b.startsWith('const ')),
      ...typeNames,
      ...this.inits,
      ...dictCode.inits,
      '',
      ...[...this.helpers.bodies.values()].filter((b) => !b.startsWith('const ')),
      ...dictCode.fns,
      ...checkFns,
      ...ruleFns,
      'function xf(ev: usize, f: u32, k: u32): void {',
      '  switch (f) {',
      ...[...this.outFields.values()].map((e) => e.line),
      '    default: F.outMissing(k);',
      '  }',
      '}',
      '',
      '// per-event memo of shared checks: (epoch << 1) | result; epoch 0 is never current',
      `const MEMO: usize = heap.alloc(${Math.max(1, this.memoSlots) * 4});`,
      `memory.fill(MEMO, 0, ${Math.max(1, this.memoSlots) * 4});`,
      'let epoch: u32 = 0;',
      'let matchPtr: usize = heap.alloc(8 * 1024);',
      'let matchCap: u32 = 1024;',
      'let matchCount: u32 = 0;',
      'function emit(i: u32, rule: u32): void {',
      '  if (matchCount == matchCap) {',
      '    const bigger = heap.alloc(<usize>matchCap * 16);',
      '    memory.copy(bigger, matchPtr, <usize>matchCap * 8);',
      '    matchPtr = bigger;',
      '    matchCap *= 2;',
      '  }',
      '  store<u32>(matchPtr + (<usize>matchCount << 3), i);',
      '  store<u32>(matchPtr + (<usize>matchCount << 3), rule, 4);',
      '  matchCount++;',
      '}',
      ...typeFns,
      group('untyped', untyped),
      '',
      'let batchPtr: usize = 0;',
      'let batchCap: u32 = 0;',
      '/** An 8-aligned buffer of at least len bytes for the host to copy a batch into. */',
      'export function batchBuffer(len: u32): usize {',
      '  if (len > batchCap) {',
      '    batchCap = len + (len >> 1) + 64;',
      '    batchPtr = (heap.alloc(<usize>batchCap + 8) + 7) & ~(<usize>7);',
      '  }',
      '  return batchPtr;',
      '}',
      'export function validate(base: usize, len: u32): u32 {',
      '  return validateBatch(base, len);',
      '}',
      '/** A buffer for the host to write the DNS table into (engine-as/dns.ts); the table in use once written. */',
      'export function dnsTable(len: u32): usize {',
      '  return D.reserve(len);',
      '}',
      'export function matches(): usize {',
      '  return matchPtr;',
      '}',
      '/** Evaluates every event of the (validated) batch at base; returns the number of matches. */',
      'export function evaluate(base: usize): u32 {',
      '  B.beginBatch(base);',
      '  procDictsBegin();',
      '  matchCount = 0;',
      '  const n = B.eventCount();',
      '  for (let i: u32 = 0; i < n; i++) {',
      '    const ev = B.eventAt(i);',
      '    F.scratchReset();',
      '    resetHashCache();',
      '    if (++epoch == 0x7fffffff) {',
      `      memory.fill(MEMO, 0, ${Math.max(1, this.memoSlots) * 4});`,
      '      epoch = 1;',
      '    }',
      '    switch (<u32>B.evType(ev)) {',
      dispatch,
      '      default: untyped(ev, i);',
      '    }',
      '  }',
      '  return matchCount;',
      '}',
      '/** Writes the output fields of `rule` for event i into the output area; returns its address. */',
      'export function extract(base: usize, i: u32, rule: u32): usize {',
      '  B.beginBatch(base);',
      '  const ev = B.eventAt(i);',
      '  F.scratchReset();',
      '  if (rule >= OUT_AT_LEN) return F.outArea(0);',
      '  const at = load<u32>(OUT_AT + (<usize>rule << 2));',
      '  if (at == 0xffffffff) return F.outArea(0);',
      '  const p = OUTS + (<usize>at << 2);',
      '  const n = load<u32>(p);',
      '  const area = F.outArea(n);',
      '  for (let k: u32 = 0; k < n; k++) xf(ev, load<u32>(p + (<usize>(k + 1) << 2)), k);',
      '  return area;',
      '}',
      '',
    ].join('\n');
    return { source, rules: plans, notes: this.notes, dnsNames: [...this.dnsNames].sort() };
  }
}

class UnsupportedCheck extends Error {}

/** Field reads whose value is a function of the event's process record alone (its strings, its ancestors', its container's). */
const PROCESS_PURE_READ = /^F\.(procStr\(ev, \d+, A\.PROCESS_[A-Z_]+\)|containerStr\(ev, A\.CONTAINER_[A-Z_]+\))$/;

const ABSENT = 0xfffffffe;
const MISSING = 0xffffffff;

interface FieldDict {
  name: string;
  /** The AS read expression of the field (sets F.sp/F.sl). */
  read: string;
  literals: Map<string, { bytes: Uint8Array; index: number }>;
  checks: { key: string; members: Set<number> }[];
}

/** fd.typechar and fd.type text by the ABI's fd type enum (engine-as/fields.ts has the same tables). */
const FD_TYPE_CHARS = [...'?fd4646pueslitnburmPoX'].map((c, i) => (i === 0 ? '' : c));
const FD_TYPE_NAMES = ['', 'file', 'directory', 'ipv4', 'ipv6', 'ipv4', 'ipv6', 'pipe', 'unix', 'event', 'signalfd', 'eventpoll', 'inotify', 'timerfd', 'netlink', 'bpf', 'userfaultfd', 'io_uring', 'memfd', 'pidfd', '', ''];

/** Offsets into the OUTS table by rule id (0xffffffff for ids not in the module). */
function outAtTable(outAt: Map<number, number>): number[] {
  const max = Math.max(-1, ...outAt.keys());
  const table: number[] = [];
  for (let id = 0; id <= max; id++) table.push(outAt.get(id) ?? 0xffffffff);
  return table.length === 0 ? [0xffffffff] : table;
}

/** Whether a value can have several values (any of which may satisfy a comparison). */
function isMultiValued(v: Value): boolean {
  return v.access.ancestors === true || v.access.list !== undefined || v.access.reads.length !== 1;
}

/** getopt's option table: 0 not an option, 1 an option, 2 an option taking an argument. */
function optionTable(optstring: Uint8Array): Uint8Array {
  const table = new Uint8Array(256);
  for (let i = optstring[0] === 0x3a ? 1 : 0; i < optstring.length; i++) {
    const c = optstring[i]!;
    if (c === 0x3a) continue;
    table[c] = 1;
    if (optstring[i + 1] === 0x3a) {
      table[c] = 2;
      i++;
    }
  }
  return table;
}

function numCmp(op: string, a: string, b: string): string {
  switch (op) {
    case '=': case '==': return `${a} == ${b}`;
    case '!=': return `${a} != ${b}`;
    case '<': return `${a} < ${b}`;
    case '<=': return `${a} <= ${b}`;
    case '>': return `${a} > ${b}`;
    case '>=': return `${a} >= ${b}`;
    default: throw new UnsupportedCheck(`operator ${op} on a numeric field`);
  }
}

function padAddress(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out.set(b);
  return out;
}

/** Generates the AssemblyScript module for these rules (already filtered to the enabled ones). */
export function generateModule(rules: readonly ResolvedRule[], mode: RuleMatchingMode): GeneratedModule {
  return new Generator(mode).module([...rules].sort((a, b) => a.id - b.id));
}
