// Full-match regex (Falco's `regex` operator) by running a DFA table compiled on the host
// (host/engine/regex/). Table layout, little-endian:
//   0 u32 numStates   4 u32 numClasses   8 u32 start   12 u32 transOffset   16 u32 acceptOffset
//   20 u8[256] byte -> class;  acceptOffset: u8[numStates];  transOffset: u16[numStates * numClasses]
// State 0 is dead. The subject is read as libs sanitises it before RE2 sees it: every maximal
// ill-formed UTF-8 subpart counts as U+FFFD (EF BF BD). No allocation.

const RE_CLASSMAP: usize = 20;

/** One DFA transition. */
@inline function reStep(trans: usize, cmap: usize, ncls: u32, state: u32, b: u32): u32 {
  return <u32>load<u16>(trans + ((<usize>(state * ncls + <u32>load<u8>(cmap + b))) << 1));
}

/**
 * Length of the well-formed UTF-8 sequence at s[i] (2..4; called for bytes >= 0x80), or the
 * negated length of the maximal ill-formed subpart there.
 */
function utf8Seq(s: usize, i: u32, len: u32): i32 {
  const c = <u32>load<u8>(s + i);
  let need: u32;
  let lo: u32 = 0x80;
  let hi: u32 = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) need = 1;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else return -1;
  for (let k: u32 = 1; k <= need; k++) {
    if (i + k >= len) return -<i32>k;
    const b = <u32>load<u8>(s + i + k);
    if (b < lo || b > hi) return -<i32>k;
    lo = 0x80;
    hi = 0xbf;
  }
  return <i32>need + 1;
}

/** Does the whole subject s[0..len) match the regex compiled into `table`? */
export function regexMatch(table: usize, s: usize, len: u32): bool {
  const ncls = load<u32>(table, 4);
  const trans = table + <usize>load<u32>(table, 12);
  const cmap = table + RE_CLASSMAP;
  let state = load<u32>(table, 8);
  let i: u32 = 0;
  while (i < len) {
    if (state == 0) return false;
    const b = <u32>load<u8>(s + i);
    if (b < 0x80) {
      state = reStep(trans, cmap, ncls, state, b);
      i++;
      continue;
    }
    const n = utf8Seq(s, i, len);
    if (n > 0) {
      for (let k: u32 = 0; k < <u32>n; k++) state = reStep(trans, cmap, ncls, state, <u32>load<u8>(s + i + k));
      i += <u32>n;
    } else {
      state = reStep(trans, cmap, ncls, state, 0xef);
      state = reStep(trans, cmap, ncls, state, 0xbf);
      state = reStep(trans, cmap, ncls, state, 0xbd);
      i += <u32>-n;
    }
  }
  return state != 0 && load<u8>(table + <usize>load<u32>(table, 16) + <usize>state) != 0;
}
