// Thompson NFA over bytes, built from the regex AST. Code points become UTF-8 byte sequences;
// zero-width assertions stay as their own states (the DFA builder evaluates them in context).
import type { AssertKind, RegexNode } from './ast.js';
import { utf8Sequences } from './utf8.js';

export type NfaState =
  | { kind: 'eps'; out: number[] }
  | { kind: 'byte'; lo: number; hi: number; out: number }
  | { kind: 'assert'; assert: AssertKind; out: number }
  | { kind: 'match' };

export interface Nfa {
  readonly states: readonly NfaState[];
  readonly start: number;
  /** Which assertion kinds occur, so the DFA only tracks the context it needs. */
  readonly asserts: ReadonlySet<AssertKind>;
}

/** Upper bound on NFA states: counted repetition copies its operand (RE2 caps counts at 1000). */
const MAX_NFA_STATES = 1_000_000;

export function buildNfa(root: RegexNode): Nfa {
  const states: NfaState[] = [];
  const asserts = new Set<AssertKind>();
  // Shares identical byte transitions so the suffixes of UTF-8 sequences are built once.
  const byteMemo = new Map<string, number>();
  const add = (s: NfaState): number => {
    if (states.length >= MAX_NFA_STATES) throw new RangeError('regex NFA too large');
    states.push(s);
    return states.length - 1;
  };
  const byte = (lo: number, hi: number, out: number): number => {
    const key = `${lo},${hi},${out}`;
    let id = byteMemo.get(key);
    if (id === undefined) {
      id = add({ kind: 'byte', lo, hi, out });
      byteMemo.set(key, id);
    }
    return id;
  };
  const eps = (out: number[]): number => add({ kind: 'eps', out });

  // Builds `node` so that it continues to state `next`; returns its entry state.
  const build = (node: RegexNode, next: number): number => {
    switch (node.type) {
      case 'empty':
        return next;
      case 'class': {
        const starts: number[] = [];
        for (const [lo, hi] of node.ranges) {
          for (const seq of utf8Sequences(lo, hi)) {
            let s = next;
            for (let k = seq.length - 1; k >= 0; k--) s = byte(seq[k]![0], seq[k]![1], s);
            starts.push(s);
          }
        }
        return starts.length === 1 ? starts[0]! : eps(starts); // no starts: matches nothing
      }
      case 'anyByte':
        return byte(0, 255, next);
      case 'assert':
        asserts.add(node.kind);
        return add({ kind: 'assert', assert: node.kind, out: next });
      case 'group':
        return build(node.item, next);
      case 'concat': {
        let s = next;
        for (let k = node.items.length - 1; k >= 0; k--) s = build(node.items[k]!, s);
        return s;
      }
      case 'alt':
        return eps(node.items.map((item) => build(item, next)));
      case 'repeat': {
        let s: number;
        if (node.max < 0) {
          const loop = eps([]);
          (states[loop] as { out: number[] }).out.push(build(node.item, loop), next);
          s = loop;
        } else {
          s = next;
          for (let k = node.min; k < node.max; k++) s = eps([build(node.item, s), next]);
        }
        for (let k = 0; k < node.min; k++) s = build(node.item, s);
        return s;
      }
    }
  };
  const match = add({ kind: 'match' });
  const start = build(root, match);
  return { states, start, asserts };
}
