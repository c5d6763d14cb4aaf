// Fallback form for patterns whose DFA is over budget: the NFA itself as a table, run by
// simulation (engine-as/regex.ts regexMatchNfa, linear in subject length x NFA size). Same answers
// as the DFA, slower; no allocation either: the caller provides a scratch area of scratchBytes.
//
// Layout (little-endian u32 words):
//   0 numInsts   4 start   8 extraOffset (bytes)   12 0
//   16: numInsts x [op, a, b, c]
//       op 0 byte:   a = lo, b = hi, c = next
//       op 1 eps:    a = index into extra, b = count of next states
//       op 2 assert: a = kind (0 bol, 1 eol, 2 bot, 3 eot, 4 word, 5 notWord), b = next
//       op 3 match
//   extraOffset: u32 next-state lists of the eps instructions
import type { AssertKind } from './ast.js';
import type { Nfa } from './nfa.js';
import { isWordByte } from './runes.js';
import { utf8Step } from './utf8.js';

export const NFA_ASSERT_CODES: Readonly<Record<AssertKind, number>> = { bol: 0, eol: 1, bot: 2, eot: 3, word: 4, notWord: 5 };

export interface NfaTable {
  readonly table: Uint8Array;
  /** Bytes of zero-initialised (or any) scratch memory regexMatchNfa needs, 4-aligned. */
  readonly scratchBytes: number;
}

export function encodeNfaTable(nfa: Nfa): NfaTable {
  const n = nfa.states.length;
  const extra: number[] = [];
  const words: number[] = [];
  for (const s of nfa.states) {
    switch (s.kind) {
      case 'byte':
        words.push(0, s.lo, s.hi, s.out);
        break;
      case 'eps':
        words.push(1, extra.length, s.out.length, 0);
        extra.push(...s.out);
        break;
      case 'assert':
        words.push(2, NFA_ASSERT_CODES[s.assert], s.out, 0);
        break;
      case 'match':
        words.push(3, 0, 0, 0);
        break;
    }
  }
  const extraOffset = 16 + words.length * 4;
  const table = new Uint8Array(extraOffset + extra.length * 4);
  const view = new DataView(table.buffer);
  view.setUint32(0, n, true);
  view.setUint32(4, nfa.start, true);
  view.setUint32(8, extraOffset, true);
  words.forEach((w, k) => view.setUint32(16 + 4 * k, w, true));
  extra.forEach((w, k) => view.setUint32(extraOffset + 4 * k, w, true));
  // Two sparse sets (sparse + dense arrays each) and a closure stack bounded by the edge count.
  const scratchBytes = 4 * (4 * n + n + extra.length + 1);
  return { table, scratchBytes };
}

/** TypeScript reference of regexMatchNfa (same sanitising, same context rules). */
export function matchNfaTable(table: Uint8Array, subject: Uint8Array): boolean {
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const word = (i: number): number => view.getUint32(i, true);
  const start = word(4);
  const extraOffset = word(8);
  const ins = (id: number, k: number): number => word(16 + 16 * id + 4 * k);
  // prev/next: byte value or -1 for the text edge.
  const closure = (seeds: number[], prev: number, next: number): Set<number> => {
    const ctx = [prev < 0 || prev === 0x0a, next < 0 || next === 0x0a, prev < 0, next < 0];
    const pw = prev >= 0 && isWordByte(prev);
    const nw = next >= 0 && isWordByte(next);
    const out = new Set<number>();
    const stack = [...seeds];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (out.has(id)) continue;
      out.add(id);
      const op = ins(id, 0);
      if (op === 1) for (let j = ins(id, 2) - 1; j >= 0; j--) stack.push(word(extraOffset + 4 * (ins(id, 1) + j)));
      else if (op === 2) {
        const a = ins(id, 1);
        if (a <= 3 ? ctx[a] : (pw !== nw) === (a === 4)) stack.push(ins(id, 2));
      }
    }
    return out;
  };
  // The byte stream the matcher sees: sanitised UTF-8.
  const fed: number[] = [];
  for (let i = 0; i < subject.length; ) {
    const n = utf8Step(subject, i);
    if (n > 0) {
      for (let k = 0; k < n; k++) fed.push(subject[i + k]!);
      i += n;
    } else {
      fed.push(0xef, 0xbf, 0xbd);
      i -= n;
    }
  }
  let list = closure([start], -1, fed.length > 0 ? fed[0]! : -1);
  for (let i = 0; i < fed.length && list.size > 0; i++) {
    const b = fed[i]!;
    const seeds: number[] = [];
    for (const id of list) if (ins(id, 0) === 0 && b >= ins(id, 1) && b <= ins(id, 2)) seeds.push(ins(id, 3));
    list = closure(seeds, b, i + 1 < fed.length ? fed[i + 1]! : -1);
  }
  for (const id of list) if (ins(id, 0) === 3) return true;
  return false;
}
