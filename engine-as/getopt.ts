// getopt(args, optstring)[c] (libs' multivalue transformer): scans an argv list the way getopt(3)
// does. The generated code gathers the argv items (begin/item), then run() scans them with a
// 256-byte option table built at compile time (0: not an option, 1: option, 2: option taking an
// argument). Items and results live in per-event scratch memory.
import { scratchAlloc, setStr } from './fields';

const QUESTION: usize = memory.data<u8>([0x3f]);

let itemPtr: usize = 0;
let itemCount: u32 = 0;
let itemBytes: u32 = 0;
let resultPtr: usize = 0;
let resultCount: u32 = 0;

export function begin(cap: u32): void {
  itemPtr = scratchAlloc(<usize>cap << 3);
  itemCount = 0;
  itemBytes = 0;
}

export function item(p: usize, l: u32): void {
  const at = itemPtr + (<usize>itemCount << 3);
  store<u32>(at, <u32>p);
  store<u32>(at, l, 4);
  itemCount++;
  itemBytes += l;
}

function result(p: usize, l: u32): void {
  const at = resultPtr + (<usize>resultCount << 3);
  store<u32>(at, <u32>p);
  store<u32>(at, l, 4);
  resultCount++;
}

/**
 * List mode (selector < 0): returns the number of results (option characters, their arguments,
 * `?` for unknown options, an empty string for a missing argument), read with at(). Selector
 * mode: returns 1 with (sp, sl) = the last value of that option (its argument, or the option
 * character when it takes none), 0 when the option does not occur.
 */
export function run(table: usize, selector: i32): u32 {
  resultPtr = scratchAlloc((<usize>itemBytes * 2 + 2) << 3);
  resultCount = 0;
  const list = selector < 0;
  let found = false;
  let selP: usize = 0;
  let selL: u32 = 0;
  for (let a: u32 = 0; a < itemCount; a++) {
    const p = <usize>load<u32>(itemPtr + (<usize>a << 3));
    const l = load<u32>(itemPtr + (<usize>a << 3), 4);
    const dashdash = l >= 2 && load<u8>(p) == 0x2d && load<u8>(p + 1) == 0x2d;
    if (dashdash && l == 2) break; // end of options
    if (dashdash) continue; // long options are skipped
    if (l < 2 || load<u8>(p) != 0x2d) break; // first non-option
    for (let i: u32 = 1; i < l; i++) {
      const c = <u32>load<u8>(p + i);
      const kind = c == 0x3a ? 0 : <u32>load<u8>(table + c);
      if (kind == 0) {
        if (list) result(QUESTION, 1);
        continue;
      }
      const match = list || c == <u32>selector;
      if (kind == 1) {
        if (match) {
          if (list) result(p + i, 1);
          else {
            selP = p + i;
            selL = 1;
            found = true;
          }
        }
        continue;
      }
      // the argument: the rest of this item, else the next item
      let vp: usize = 0;
      let vl: u32 = 0;
      let has = false;
      if (i + 1 < l) {
        vp = p + i + 1;
        vl = l - i - 1;
        has = true;
      } else if (a + 1 < itemCount) {
        a++;
        vp = <usize>load<u32>(itemPtr + (<usize>a << 3));
        vl = load<u32>(itemPtr + (<usize>a << 3), 4);
        has = true;
      }
      if (match) {
        if (list) {
          if (has) result(p + i, 1);
          result(vp, vl);
        } else {
          selP = vp;
          selL = vl;
          found = true;
        }
      }
      break;
    }
  }
  if (list) return resultCount;
  if (!found) return 0;
  setStr(selP, selL);
  return 1;
}

/** Result n of the last list-mode run into (sp, sl). */
export function at(n: u32): bool {
  const p = resultPtr + (<usize>n << 3);
  return setStr(<usize>load<u32>(p), load<u32>(p, 4));
}
