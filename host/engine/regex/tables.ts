// The compiled form of a regex that generated code embeds as static data, and a TypeScript
// interpreter of it (the reference the Wasm matcher is tested against).
//
// Layout (little-endian; engine-as/regex.ts reads it):
//   0  u32 numStates      (state 0 is dead: every transition stays there, never accepts)
//   4  u32 numClasses
//   8  u32 start state
//  12  u32 transOffset    (bytes from the table start, 4-aligned)
//  16  u32 acceptOffset
//  20  u8[256] class of each byte
//  acceptOffset: u8[numStates]   1 = the text may end here (full match)
//  transOffset:  u16[numStates * numClasses]   next state = trans[state * numClasses + class]
// The matcher reads the subject as libs' sanitised UTF-8: each maximal ill-formed subpart is fed as
// the bytes of U+FFFD (EF BF BD).
import type { Dfa } from './dfa.js';
import { utf8Step } from './utf8.js';

export const TABLE_HEADER_BYTES = 20;
export const TABLE_CLASSMAP_OFFSET = 20;
export const MAX_TABLE_STATES = 0xffff;

export function encodeTables(dfa: Dfa): Uint8Array {
  if (dfa.numStates > MAX_TABLE_STATES) throw new RangeError('regex DFA has too many states for u16 tables');
  const acceptOffset = TABLE_CLASSMAP_OFFSET + 256;
  const transOffset = (acceptOffset + dfa.numStates + 3) & ~3;
  const size = transOffset + dfa.numStates * dfa.numClasses * 2;
  const bytes = new Uint8Array((size + 3) & ~3);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, dfa.numStates, true);
  view.setUint32(4, dfa.numClasses, true);
  view.setUint32(8, dfa.start, true);
  view.setUint32(12, transOffset, true);
  view.setUint32(16, acceptOffset, true);
  bytes.set(dfa.classOf, TABLE_CLASSMAP_OFFSET);
  bytes.set(dfa.accept, acceptOffset);
  for (let k = 0; k < dfa.next.length; k++) view.setUint16(transOffset + 2 * k, dfa.next[k]!, true);
  return bytes;
}

const REPLACEMENT = [0xef, 0xbf, 0xbd] as const;

/** Full match of `subject` (bytes, sanitised on the fly as the Wasm matcher does). */
export function matchTables(table: Uint8Array, subject: Uint8Array): boolean {
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const numClasses = view.getUint32(4, true);
  const transOffset = view.getUint32(12, true);
  const acceptOffset = view.getUint32(16, true);
  let state = view.getUint32(8, true);
  const step = (b: number): void => {
    state = view.getUint16(transOffset + 2 * (state * numClasses + table[TABLE_CLASSMAP_OFFSET + b]!), true);
  };
  for (let i = 0; i < subject.length && state !== 0; ) {
    const n = utf8Step(subject, i);
    if (n > 0) {
      for (let k = 0; k < n; k++) step(subject[i + k]!);
      i += n;
    } else {
      for (const b of REPLACEMENT) step(b);
      i -= n;
    }
  }
  return state !== 0 && table[acceptOffset + state] === 1;
}

/** AssemblyScript source for a module-level constant pointing at the table in static memory
 *  (4-aligned, as the matcher reads u32/u16 fields). */
export function tableToAsStatic(name: string, table: Uint8Array): string {
  return `const ${name}: usize = memory.data<u8>([${Array.from(table).join(',')}], 4);`;
}
