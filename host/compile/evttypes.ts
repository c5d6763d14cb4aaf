// Event-type inference: the evt.type values a condition can match, computed as libs'
// ppm_event_codes does it (filter/ppm_codes.cpp). `and` intersects, `or` unites, negations are
// pushed down to the leaves (De Morgan), evt.type checks with = / == / != / in give explicit
// sets, `evt.type exists` gives every type, and any other check is neutral (every type, and a
// negation leaves it alone). One addition from newer libs: evt.num can never be 0, so checks such
// as `evt.num = 0` or `evt.num < 1` match no event and `evt.num != 0` matches every event.
import type { Expr } from '../condition/ast.js';
import { SYSCALL_EVENT_TYPES } from '../events/event_types.js';

/** A set of evt.type names over a known universe (all the names of the event source). */
export interface EventTypeSet {
  readonly names: ReadonlySet<string>;
  readonly universe: ReadonlySet<string>;
}

/** libs' inference cannot run on this condition (Falco then fails to load the rule). */
export class EventTypeInferenceError extends Error {}

export function isAllEvents(set: EventTypeSet): boolean {
  if (set.names.size !== set.universe.size) return false;
  for (const n of set.universe) if (!set.names.has(n)) return false;
  return true;
}

export function isNoEvents(set: EventTypeSet): boolean {
  return set.names.size === 0;
}

export function sortedNames(set: EventTypeSet): string[] {
  return [...set.names].sort();
}

/**
 * Falco warns "Rule matches too many evt.type values" when a syscall rule's set is empty or holds
 * more than 100 libs event codes. libs counts codes (most syscalls have an enter and an exit code);
 * without libs' event table this counts two codes per name, which agrees on every upstream rule.
 */
export function matchesTooManyEventTypes(set: EventTypeSet): boolean {
  return set.names.size === 0 || set.names.size * 2 > 100;
}

function makeSet(names: Iterable<string>, universe: ReadonlySet<string>): EventTypeSet {
  const kept = new Set<string>();
  for (const n of names) if (universe.has(n)) kept.add(n);
  return { names: kept, universe };
}

const EVTTYPE_OPS: ReadonlySet<string> = new Set(['=', '==', '!=', 'in']);

/** What an evt.num check can be, given that event numbers start at 1. */
function evtNumOutcome(op: string, values: readonly string[]): 'never' | 'always' | 'unknown' {
  if (values.some((v) => !/^[0-9]+$/.test(v))) return 'unknown';
  const nums = values.map((v) => BigInt(v));
  const only = nums.length === 1 ? nums[0]! : undefined;
  switch (op) {
    case '=':
    case '==':
    case 'in':
    case 'intersects':
      return nums.every((n) => n === 0n) ? 'never' : 'unknown';
    case '!=':
      return only === 0n ? 'always' : 'unknown';
    case '<':
      return only !== undefined && only <= 1n ? 'never' : 'unknown';
    case '<=':
      return only === 0n ? 'never' : 'unknown';
    case '>':
      return only === 0n ? 'always' : 'unknown';
    case '>=':
      return only !== undefined && only <= 1n ? 'always' : 'unknown';
    default:
      return 'unknown';
  }
}

/**
 * A universe's names, numbered, so that the visitor's sets are bit words: it builds and combines a
 * set for every check of every rule (each a copy of the ~400 names when they were Sets of strings,
 * a third of the whole rules load).
 */
class NameBits {
  readonly names: readonly string[];
  private readonly index = new Map<string, number>();
  private readonly words: number;

  constructor(universe: ReadonlySet<string>) {
    this.names = [...universe];
    this.names.forEach((n, i) => this.index.set(n, i));
    this.words = (this.names.length + 31) >>> 5;
  }

  empty(): Uint32Array {
    return new Uint32Array(this.words);
  }

  all(): Uint32Array {
    const bits = new Uint32Array(this.words).fill(0xffffffff);
    const tail = this.names.length & 31;
    if (tail !== 0) bits[this.words - 1] = (1 << tail) - 1;
    return bits;
  }

  of(names: readonly string[]): Uint32Array {
    const bits = this.empty();
    for (const n of names) {
      const i = this.index.get(n);
      if (i !== undefined) bits[i >>> 5]! |= 1 << (i & 31);
    }
    return bits;
  }

  complement(bits: Uint32Array): Uint32Array {
    const out = this.all();
    for (let w = 0; w < out.length; w++) out[w]! &= ~bits[w]!;
    return out;
  }

  toNames(bits: Uint32Array): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.names.length; i++) if (bits[i >>> 5]! & (1 << (i & 31))) out.push(this.names[i]!);
    return out;
  }
}

const nameBitsByUniverse = new WeakMap<ReadonlySet<string>, NameBits>();

function nameBitsOf(universe: ReadonlySet<string>): NameBits {
  let bits = nameBitsByUniverse.get(universe);
  if (bits === undefined) nameBitsByUniverse.set(universe, (bits = new NameBits(universe)));
  return bits;
}

/** The visitor of libs' ppm_code_visitor, over sets of the universe's names (as bits). */
class EventTypeVisitor {
  lastIsEvttypeField = false;
  lastIsFieldOrTransformer = true;
  insideNegation = false;
  lastHasCodes = false;
  lastCodes: Uint32Array;

  constructor(readonly bits: NameBits) {
    this.lastCodes = bits.empty();
  }

  private all(): Uint32Array {
    return this.bits.all();
  }

  private inversion(types: Uint32Array): Uint32Array {
    // neutral checks are not inverted
    if (!this.lastHasCodes) return types;
    return this.bits.complement(types);
  }

  private tryInversion(types: Uint32Array): Uint32Array {
    return this.insideNegation ? this.inversion(types) : types;
  }

  private conjunction(children: readonly Expr[]): void {
    const types = this.all();
    for (const c of children) {
      this.visit(c);
      for (let w = 0; w < types.length; w++) types[w]! &= this.lastCodes[w]!;
    }
    this.lastCodes = types;
    this.lastIsEvttypeField = false;
  }

  private disjunction(children: readonly Expr[]): void {
    const types = this.bits.empty();
    for (const c of children) {
      this.visit(c);
      for (let w = 0; w < types.length; w++) types[w]! |= this.lastCodes[w]!;
    }
    this.lastCodes = types;
    this.lastIsEvttypeField = false;
  }

  private namesToCodes(names: readonly string[]): Uint32Array {
    return this.bits.of(names);
  }

  visit(e: Expr): void {
    switch (e.kind) {
      case 'and':
        if (this.insideNegation) this.disjunction(e.children);
        else this.conjunction(e.children);
        return;
      case 'or':
        if (this.insideNegation) this.conjunction(e.children);
        else this.disjunction(e.children);
        return;
      case 'not': {
        this.lastCodes = this.bits.empty();
        const inside = this.insideNegation;
        this.insideNegation = !inside;
        this.visit(e.child);
        this.insideNegation = inside;
        this.lastIsEvttypeField = false;
        return;
      }
      case 'binary': {
        this.lastHasCodes = false;
        if (EVTTYPE_OPS.has(e.op)) {
          this.visit(e.left);
          if (this.lastIsEvttypeField) {
            this.lastIsFieldOrTransformer = false;
            this.visit(e.right);
            if (this.lastIsFieldOrTransformer) {
              throw new EventTypeInferenceError(
                'right-hand field comparisons on `evt.type` checks are not supported by event code search',
              );
            }
            if (e.op === '!=') this.lastCodes = this.inversion(this.lastCodes);
            this.lastIsEvttypeField = false;
            return;
          }
        }
        if (e.left.kind === 'field' && e.left.field === 'evt.num' && e.left.arg === undefined) {
          const values = e.right.kind === 'value' ? [e.right.value] : e.right.kind === 'list' ? e.right.values.map((v) => v.value) : undefined;
          const outcome = values === undefined ? 'unknown' : evtNumOutcome(e.op, values);
          if (outcome !== 'unknown') {
            this.lastHasCodes = true;
            this.lastCodes = this.tryInversion(outcome === 'never' ? this.bits.empty() : this.all());
            this.lastIsEvttypeField = false;
            return;
          }
        }
        this.lastCodes = this.tryInversion(this.all());
        this.lastIsEvttypeField = false;
        return;
      }
      case 'unary':
        this.visit(e.left);
        this.lastHasCodes = this.lastIsEvttypeField && e.op === 'exists';
        this.lastCodes = this.tryInversion(this.all());
        this.lastIsEvttypeField = false;
        return;
      case 'identifier':
        this.lastHasCodes = false;
        this.lastCodes = this.tryInversion(this.all());
        this.lastIsEvttypeField = false;
        return;
      case 'value':
        this.lastHasCodes = true;
        this.lastCodes = this.tryInversion(this.namesToCodes([e.value]));
        this.lastIsEvttypeField = false;
        return;
      case 'list':
        this.lastHasCodes = true;
        this.lastCodes = this.tryInversion(this.namesToCodes(e.values.map((v) => v.value)));
        this.lastIsEvttypeField = false;
        return;
      case 'field':
        this.lastHasCodes = false;
        this.lastIsFieldOrTransformer = true;
        this.lastIsEvttypeField = e.field === 'evt.type' && e.arg === undefined;
        this.lastCodes = this.tryInversion(this.all());
        return;
      case 'transformer':
      case 'transformer_list':
        for (const v of e.values) {
          this.visit(v);
          if (this.lastIsEvttypeField) {
            throw new EventTypeInferenceError('event code search does not support `evt.type` checks with transformers');
          }
        }
        this.lastIsFieldOrTransformer = true;
        return;
    }
  }
}

/**
 * The evt.type values `ast` can match. Throws EventTypeInferenceError where libs' search throws
 * (evt.type compared with a field, or under a transformer).
 */
export function inferEventTypes(ast: Expr, universe: ReadonlySet<string> = SYSCALL_EVENT_TYPES): EventTypeSet {
  const v = new EventTypeVisitor(nameBitsOf(universe));
  v.visit(ast);
  return makeSet(v.bits.toNames(v.lastCodes), universe);
}
