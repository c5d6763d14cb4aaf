// Subset construction: NFA -> full-match DFA over byte classes.
//
// A DFA state is a set of NFA states plus the bits of the previous byte that assertions look at
// (at start of text, previous byte was \n, previous byte was a word byte). Assertions are resolved
// when the next byte is known, so the tables need no look-ahead at run time: acceptance is decided
// by a per-state "accepts at end of text" bit.
import type { AssertKind } from './ast.js';
import { RegexUnsupportedError } from './errors.js';
import type { Nfa } from './nfa.js';
import { isWordByte } from './runes.js';

export interface Dfa {
  /** classOf[byte] = byte class. */
  readonly classOf: Uint8Array;
  readonly numClasses: number;
  /** State 0 is the dead state. */
  readonly numStates: number;
  readonly start: number;
  /** next[state * numClasses + class]. */
  readonly next: Uint32Array;
  /** 1 if the text may end in this state. */
  readonly accept: Uint8Array;
}

export interface DfaOptions {
  /** Subset-construction budget before minimisation (default 3000). */
  maxStates?: number;
}

const AT_START = 1;
const PREV_NL = 2;
const PREV_WORD = 4;

interface Context {
  bol: boolean;
  eol: boolean;
  bot: boolean;
  eot: boolean;
  prevWord: boolean;
  nextWord: boolean;
}

function holds(a: AssertKind, ctx: Context): boolean {
  switch (a) {
    case 'bol':
      return ctx.bol;
    case 'eol':
      return ctx.eol;
    case 'bot':
      return ctx.bot;
    case 'eot':
      return ctx.eot;
    case 'word':
      return ctx.prevWord !== ctx.nextWord;
    case 'notWord':
      return ctx.prevWord === ctx.nextWord;
  }
}

export function buildDfa(nfa: Nfa, options: DfaOptions = {}): Dfa {
  const maxStates = options.maxStates ?? 3000;
  const { states } = nfa;
  const usesLine = nfa.asserts.has('bol') || nfa.asserts.has('eol');
  const usesWord = nfa.asserts.has('word') || nfa.asserts.has('notWord');
  const usesStart = nfa.asserts.size > 0;

  // Epsilon closure; with a context, satisfied assertions are followed too (and dropped).
  // `seen` is stamped per call instead of reallocated.
  const seen = new Uint32Array(states.length);
  let stamp = 0;
  const stack: number[] = [];
  const closure = (seed: Iterable<number>, ctx: Context | null): number[] => {
    stamp++;
    const out: number[] = [];
    for (const id of seed) stack.push(id);
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen[id] === stamp) continue;
      seen[id] = stamp;
      const s = states[id]!;
      if (s.kind === 'eps') for (const o of s.out) stack.push(o);
      else if (s.kind === 'assert') {
        if (ctx === null) out.push(id);
        else if (holds(s.assert, ctx)) stack.push(s.out);
      } else out.push(id);
    }
    return out.sort((a, b) => a - b);
  };

  // Byte classes: bytes no transition or assertion can tell apart.
  const cut = new Set<number>([0, 256]);
  for (const s of states) {
    if (s.kind === 'byte') {
      cut.add(s.lo);
      cut.add(s.hi + 1);
    }
  }
  if (usesLine) {
    cut.add(0x0a);
    cut.add(0x0b);
  }
  if (usesWord) for (const b of [0x30, 0x3a, 0x41, 0x5b, 0x5f, 0x60, 0x61, 0x7b]) cut.add(b);
  const bounds = [...cut].sort((a, b) => a - b);
  const rawClassOf = new Uint8Array(256);
  const reps: number[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    for (let b = bounds[k]!; b < bounds[k + 1]!; b++) rawClassOf[b] = reps.length;
    reps.push(bounds[k]!);
  }

  const keys = new Map<string, number>();
  const sets: { ids: number[]; flags: number }[] = [{ ids: [], flags: 0 }]; // 0: dead
  const intern = (ids: number[], flags: number): number => {
    if (ids.length === 0) return 0;
    const key = `${flags}|${ids.join(',')}`;
    let id = keys.get(key);
    if (id === undefined) {
      if (sets.length >= maxStates) {
        throw new RegexUnsupportedError('too-complex', `regex needs more than ${maxStates} DFA states`);
      }
      id = sets.length;
      keys.set(key, id);
      sets.push({ ids, flags });
    }
    return id;
  };
  const start = intern(closure([nfa.start], null), usesStart ? AT_START : 0);

  // Byte states by the raw classes they accept (a byte range covers a run of classes).
  const classSpan = new Map<number, readonly [number, number]>();
  states.forEach((s, id) => {
    if (s.kind === 'byte') classSpan.set(id, [rawClassOf[s.lo]!, rawClassOf[s.hi]!]);
  });
  // Assertions look at the next byte only through "is it \n" and "is it a word byte".
  const lookKinds = reps.map((b) => (b === 0x0a ? 1 : 0) | (isWordByte(b) ? 2 : 0));

  const rows: number[][] = [];
  const accept: number[] = [];
  for (let d = 0; d < sets.length; d++) {
    const { ids, flags } = sets[d]!;
    const ctxBase = {
      bol: (flags & (AT_START | PREV_NL)) !== 0,
      bot: (flags & AT_START) !== 0,
      prevWord: (flags & PREV_WORD) !== 0,
    };
    const atEnd = usesStart ? closure(ids, { ...ctxBase, eol: true, eot: true, nextWord: false }) : ids;
    accept.push(atEnd.some((id) => states[id]!.kind === 'match') ? 1 : 0);
    // Live NFA states before the next byte, per look-ahead kind (without assertions: the set
    // itself); each live byte state feeds the classes it spans.
    const buckets: number[][] = reps.map(() => []);
    for (const look of new Set(lookKinds)) {
      const live = usesStart ? closure(ids, { ...ctxBase, eol: (look & 1) !== 0, eot: false, nextWord: (look & 2) !== 0 }) : ids;
      for (const id of live) {
        const span = classSpan.get(id);
        if (span === undefined) continue;
        const out = (states[id] as { out: number }).out;
        for (let c = span[0]; c <= span[1]; c++) if (lookKinds[c] === look) buckets[c]!.push(out);
      }
    }
    const row: number[] = reps.map((b, c) => {
      const nextFlags = (usesLine && b === 0x0a ? PREV_NL : 0) | (usesWord && isWordByte(b) ? PREV_WORD : 0);
      return buckets[c]!.length === 0 ? 0 : intern(closure(buckets[c]!, null), nextFlags);
    });
    rows.push(row);
  }

  const next = new Uint32Array(rows.length * reps.length);
  rows.forEach((row, s) => row.forEach((t, c) => (next[s * reps.length + c] = t)));
  const raw = { classOf: rawClassOf, numClasses: reps.length, numStates: rows.length, start, next, accept: Uint8Array.from(accept) };
  return mergeClasses(minimize(raw));
}

/** Merges byte classes whose columns agree in every state. */
function mergeClasses(dfa: Dfa): Dfa {
  const { numStates: n, numClasses: k, next } = dfa;
  const ids = new Map<string, number>();
  const remap: number[] = [];
  for (let c = 0; c < k; c++) {
    let key = '';
    for (let s = 0; s < n; s++) key += next[s * k + c] + ',';
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    remap.push(id);
  }
  const numClasses = ids.size;
  const classOf = dfa.classOf.map((c) => remap[c]!);
  const merged = new Uint32Array(n * numClasses);
  for (let s = 0; s < n; s++) for (let c = 0; c < k; c++) merged[s * numClasses + remap[c]!] = next[s * k + c]!;
  return { ...dfa, classOf, numClasses, next: merged };
}

/** Moore partition refinement: merges states no suffix can tell apart; the dead state stays 0. */
export function minimize(dfa: Dfa): Dfa {
  const { numStates: n, numClasses: k, next, accept } = dfa;
  // Block of each state; block 0 always holds the dead state 0.
  let block = new Uint32Array(n);
  for (let s = 0; s < n; s++) block[s] = accept[s] === 1 ? 1 : 0;
  if (accept[0] === 1) throw new Error('dead state accepts');
  let count = -1;
  for (;;) {
    const ids = new Map<string, number>();
    const fresh = new Uint32Array(n);
    const sig = (s: number): string => {
      let key = String(block[s]);
      for (let c = 0; c < k; c++) key += ',' + block[next[s * k + c]!];
      return key;
    };
    ids.set(sig(0), 0);
    for (let s = 0; s < n; s++) {
      const key = sig(s);
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
      }
      fresh[s] = id;
    }
    block = fresh;
    if (ids.size === count) break;
    count = ids.size;
  }
  const minNext = new Uint32Array(count * k);
  const minAccept = new Uint8Array(count);
  for (let s = 0; s < n; s++) {
    const b = block[s]!;
    minAccept[b] = accept[s]!;
    for (let c = 0; c < k; c++) minNext[b * k + c] = block[next[s * k + c]!]!;
  }
  return { ...dfa, numStates: count, start: block[dfa.start]!, next: minNext, accept: minAccept };
}
