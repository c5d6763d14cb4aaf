// A small constraint solver that drafts upstream-rule fixtures: starting from a plain event of the
// rule's first event type, it walks the condition and sets fields so that each check comes out as
// wanted (randomised choices, verified by the oracle, retried until one works). A "miss" flips a
// single check of a hit, exceptions (checks under `not`) first, and must stop the rule. The output
// is reviewed and frozen as data in fixtures/*.ts; the tests never run the solver.
import type { BinaryCheckExpr, Expr, FieldExpr, UnaryCheckExpr } from '../../host/condition/ast.js';
import type { EventInput } from '../../host/engine/batch-encoder.js';
import { eventTypeByName } from '../../host/engine/event-types.js';
import type { ResolvedRule } from '../../host/rules/index.js';
import { evaluate, ruleApplies } from '../oracle/oracle.js';
import { CAPABILITIES } from '../oracle/render.js';
import { buildEvent, setField, type FieldSetting, type Setting } from './event-builder.js';

type Rand = () => number;
export function prng(seed: number): Rand {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

// ---- value choice ----

const NEUTRAL = 'zz-neutral';
const ipv6 = (ip: string): boolean => ip.includes(':');
const fieldText = (f: FieldExpr): string => (f.arg === undefined ? f.field : `${f.field}[${f.arg}]`);

/** Sets a field on the event and records the setting when it took. */
function record(e: EventInput, f: FieldExpr, v: Setting, log: FieldSetting[]): boolean {
  const ok = setField(e, f, v);
  if (ok) log.push([fieldText(f), v]);
  return ok;
}
const OTHER_TYPES = ['close', 'dup', 'fchdir', 'setsid'];

function instantiateGlob(pattern: string, r: Rand): string {
  return pattern
    .replace(/\[!?([^\]])[^\]]*\]/g, (_m, c: string) => (_m.startsWith('[!') ? 'Q' : c))
    .replace(/\*/g, () => pick(r, ['', 'x', 'ab/c']))
    .replace(/\?/g, 'q');
}

/** A value for check `x` that makes it `want`, or undefined when none is known. */
function chooseValue(x: BinaryCheckExpr, want: boolean, r: Rand, kind: string): Setting | undefined {
  const items = x.right.kind === 'list' ? x.right.values.map((v) => v.value) : x.right.kind === 'value' ? [x.right.value] : [];
  if (items.length === 0) return undefined;
  const lit = pick(r, items);
  const isEvtType = x.left.kind === 'field' && x.left.field === 'evt.type';
  const neutral = (): Setting => {
    if (isEvtType) return OTHER_TYPES.find((t) => !items.includes(t))!;
    if (kind === 'num') return 987654;
    if (kind === 'bool') return !(lit === 'true');
    if (kind === 'ip') return items.some((i) => ipv6(i)) ? '2001:db8:ffff::7' : '203.0.113.7';
    return NEUTRAL;
  };
  const num = Number(lit);
  const field = x.left.kind === 'field' ? x.left.field : '';
  if (field.startsWith('thread.cap_') && (x.op === 'contains' || x.op === 'icontains')) {
    const cap = CAPABILITIES.find((c) => c.toLowerCase().includes(lit.toLowerCase()));
    return want ? cap : 'CAP_CHOWN';
  }
  switch (x.op) {
    case '=': case '==': case 'in': case 'intersects':
      if (kind === 'bool') return want ? lit === 'true' : lit !== 'true';
      if (kind === 'num') return want ? num : num + 1000;
      if (kind === 'ip' && lit.includes('/')) return want ? lit.split('/')[0]! : neutral();
      return want ? lit : neutral();
    case '!=':
      if (kind === 'bool') return want ? lit !== 'true' : lit === 'true';
      if (kind === 'num') return want ? num + 1000 : num;
      if (kind === 'ip' && lit.includes('/')) return want ? neutral() : lit.split('/')[0]!;
      return want ? neutral() : lit;
    case '<': return want ? num - 1 : num;
    case '<=': return want ? num : num + 1;
    case '>': return want ? num + 1 : num;
    case '>=': return want ? num : num - 1;
    case 'contains': case 'icontains': case 'bcontains':
      return want ? pick(r, [lit, `a${lit}b`, `${lit}x`]) : neutral();
    case 'startswith': case 'bstartswith': return want ? lit + pick(r, ['', 'x', '/x']) : neutral();
    case 'endswith': return want ? pick(r, ['', 'x', '/x/']) + lit : neutral();
    case 'glob': case 'iglob': return want ? instantiateGlob(lit, r) : neutral();
    case 'pmatch': return want ? `${lit.replace(/\/$/, '')}/x` : '/zz-neutral/x';
    default: return undefined;
  }
}

function valueKind(f: FieldExpr): string {
  if (/^(evt\.rawres|evt\.num|fd\.num|fd\.[slrc]?port|proc\.(tty|vpid|pid|ppid|duration)|user\.(uid|loginuid)|group\.gid)$/.test(f.field)) return 'num';
  if (/^(evt\.is_|fd\.connected|fd\.name_changed|proc\.is_|container\.privileged)/.test(f.field)) return 'bool';
  if (/^fd\.([slrc]?ip|[slrc]?net)$/.test(f.field)) return 'ip';
  return 'str';
}

function solve(x: Expr, want: boolean, e: EventInput, r: Rand, log: FieldSetting[]): void {
  switch (x.kind) {
    case 'and':
    case 'or': {
      const all = (x.kind === 'and') === want;
      if (all) for (const c of r() < 0.5 ? x.children : [...x.children].reverse()) solve(c, want, e, r, log);
      else solve(pick(r, x.children), want, e, r, log);
      return;
    }
    case 'not':
      solve(x.child, !want, e, r, log);
      return;
    case 'unary': {
      const f = (x as UnaryCheckExpr).left;
      if (f.kind === 'field') record(e, f, want ? (valueKind(f) === 'num' ? 1 : valueKind(f) === 'bool' ? true : 'x') : null, log);
      return;
    }
    case 'binary': {
      if (x.left.kind !== 'field') return;
      const kind = valueKind(x.left);
      // sometimes miss a check by making the field missing, as events without the field do
      if (!want && r() < 0.2 && record(e, x.left, null, log)) return;
      let v = chooseValue(x, want, r, kind);
      // keep file names absolute, as the kernel reports them
      if (typeof v === 'string' && /^fd\.(name|nameraw|directory)$/.test(x.left.field) && !v.startsWith('/')) v = `/${v}`;
      if (v !== undefined) record(e, x.left, v, log);
      return;
    }
    default:
      return;
  }
}

const holds = (rule: ResolvedRule, e: EventInput): boolean => ruleApplies(rule, e) && evaluate(rule.condition, e, 0);

export interface Draft {
  type: string;
  hit: FieldSetting[];
}

/** Builds the event, or undefined when a setting cannot be made on that type. */
function tryBuild(type: string, ...settings: (readonly FieldSetting[])[]): EventInput | undefined {
  try {
    return buildEvent(type, ...settings);
  } catch {
    return undefined;
  }
}

/** Drops settings one by one while the rule still triggers without them (fewest settings that matter). */
function minimal(rule: ResolvedRule, type: string, log: FieldSetting[]): FieldSetting[] | undefined {
  const last = new Map<string, number>();
  log.forEach(([f], i) => last.set(f, i));
  let settings = log.filter(([f], i) => f !== 'evt.type' && last.get(f) === i);
  const ok = (ss: FieldSetting[]): boolean => {
    const e = tryBuild(type, ss);
    return e !== undefined && holds(rule, e);
  };
  if (!ok(settings)) return undefined;
  for (let i = settings.length - 1; i >= 0; i--) {
    const without = settings.filter((_, j) => j !== i);
    if (ok(without)) settings = without;
  }
  return settings;
}

/** Settings that make the rule trigger on a base event, or undefined. */
export function findHit(rule: ResolvedRule, seed: number, attempts = 400): Draft | undefined {
  const r = prng(seed);
  const types = rule.eventTypes.all ? ['execve'] : rule.eventTypes.names.filter((t) => eventTypeByName(t));
  for (let i = 0; i < attempts; i++) {
    const e = buildEvent(pick(r, types.length > 0 ? types : ['execve']));
    const log: FieldSetting[] = [];
    for (let pass = 0; pass < 3; pass++) {
      solve(rule.condition, true, e, r, log);
      if (holds(rule, e)) {
        const hit = minimal(rule, e.type, log);
        if (hit !== undefined) return { type: e.type, hit };
        break;
      }
    }
  }
  return undefined;
}

/** The checks of a condition, with whether an odd number of `not`s is above them. */
function checks(x: Expr, negated: boolean, out: { expr: Expr; negated: boolean }[]): void {
  if (x.kind === 'and' || x.kind === 'or') for (const c of x.children) checks(c, negated, out);
  else if (x.kind === 'not') checks(x.child, !negated, out);
  else if (x.kind === 'binary' || x.kind === 'unary') out.push({ expr: x, negated });
}

/** Extra settings that flip one check of the hit (exceptions first, the last one first) so the rule stops. */
export function findMiss(rule: ResolvedRule, draft: Draft, seed: number): FieldSetting[] | undefined {
  const r = prng(seed);
  const all: { expr: Expr; negated: boolean }[] = [];
  checks(rule.condition, false, all);
  const ordered = [...all.filter((c) => c.negated).reverse(), ...all.filter((c) => !c.negated)];
  for (const c of ordered) {
    for (let attempt = 0; attempt < 6; attempt++) {
      const e = buildEvent(draft.type, draft.hit);
      const current = evaluate(c.expr, e, 0);
      const log: FieldSetting[] = [];
      solve(c.expr, !current, e, r, log);
      const miss = log.filter(([f]) => f !== 'evt.type');
      const replay = tryBuild(draft.type, draft.hit, miss);
      if (miss.length > 0 && replay !== undefined && evaluate(c.expr, replay, 0) !== current && !holds(rule, replay)) {
        return shortestMiss(rule, draft, miss);
      }
    }
  }
  return undefined;
}

/** The last setting alone when it already makes the miss, else all of them. */
function shortestMiss(rule: ResolvedRule, draft: Draft, log: FieldSetting[]): FieldSetting[] {
  const last = log.slice(-1);
  const e = tryBuild(draft.type, draft.hit, last);
  return e === undefined || holds(rule, e) ? log : last;
}

/** A drafted fixture for one rule (hit and near miss), or undefined when the solver finds none. */
export function draftFixture(rule: ResolvedRule, seed = 7): { type: string; hit: FieldSetting[]; miss: FieldSetting[] } | undefined {
  const draft = findHit(rule, seed);
  if (draft === undefined) return undefined;
  const miss = findMiss(rule, draft, seed + 4);
  return miss === undefined ? undefined : { type: draft.type, hit: draft.hit, miss };
}
