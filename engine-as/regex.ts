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

// ---- NFA simulation: the fallback for patterns whose DFA would be too large ----
// Table (u32 words): 0 numInsts, 4 start, 8 extraOffset; from 16, per instruction [op, a, b, c]:
// op 0 byte [a..b] -> c; op 1 eps to extra[a .. a+b); op 2 assert kind a -> b; op 3 match.
// Assert kinds: 0 bol, 1 eol, 2 bot, 3 eot, 4 word boundary, 5 not word boundary.
// `scratch` (host-computed size, reused across calls, never cleared): two sparse sets and a stack.

@inline function isWordByteAs(b: i32): bool {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == 0x5f;
}

/** Context bits for an epsilon closure between byte `prev` and byte `next` (-1 = text edge). */
function nfaContext(prev: i32, next: i32): u32 {
  let ctx: u32 = 0;
  if (prev < 0 || prev == 0x0a) ctx |= 1; // bol
  if (next < 0 || next == 0x0a) ctx |= 2; // eol
  if (prev < 0) ctx |= 4; // bot
  if (next < 0) ctx |= 8; // eot
  if (prev >= 0 && isWordByteAs(prev)) ctx |= 16;
  if (next >= 0 && isWordByteAs(next)) ctx |= 32;
  return ctx;
}

@inline function nfaHolds(kind: u32, ctx: u32): bool {
  if (kind <= 3) return (ctx & (<u32>1 << kind)) != 0;
  const boundary = ((ctx >> 4) & 1) != ((ctx >> 5) & 1);
  return kind == 4 ? boundary : !boundary;
}

/** Adds `seed` and its epsilon closure to the sparse set (sparse, dense) of `size`; returns the new size. */
function nfaAdd(insts: usize, extra: usize, sparse: usize, dense: usize, size: u32, stack: usize, seed: u32, ctx: u32): u32 {
  store<u32>(stack, seed);
  let sp: u32 = 1;
  while (sp > 0) {
    sp--;
    const id = load<u32>(stack + (<usize>sp << 2));
    const k = load<u32>(sparse + (<usize>id << 2));
    if (k < size && load<u32>(dense + (<usize>k << 2)) == id) continue;
    store<u32>(sparse + (<usize>id << 2), size);
    store<u32>(dense + (<usize>size << 2), id);
    size++;
    const ins = insts + (<usize>id << 4);
    const op = load<u32>(ins);
    if (op == 1) {
      const first = load<u32>(ins, 4);
      for (let j = load<u32>(ins, 8); j > 0; j--) {
        store<u32>(stack + (<usize>sp << 2), load<u32>(extra + (<usize>(first + j - 1) << 2)));
        sp++;
      }
    } else if (op == 2) {
      if (nfaHolds(load<u32>(ins, 4), ctx)) {
        store<u32>(stack + (<usize>sp << 2), load<u32>(ins, 8));
        sp++;
      }
    }
  }
  return size;
}

/** Does the whole subject match the NFA table? (Same answers as regexMatch on the DFA table.) */
export function regexMatchNfa(table: usize, scratch: usize, s: usize, len: u32): bool {
  const n = <usize>load<u32>(table, 0);
  const insts = table + 16;
  const extra = table + <usize>load<u32>(table, 8);
  let sparseA = scratch;
  let denseA = scratch + (n << 2);
  let sparseB = scratch + (n << 3);
  let denseB = scratch + n * 12;
  const stack = scratch + (n << 4);
  let size = nfaAdd(insts, extra, sparseA, denseA, 0, stack, load<u32>(table, 4), nfaContext(-1, len > 0 ? <i32>load<u8>(s) : -1));
  let i: u32 = 0;
  while (i < len) {
    // The bytes this step feeds: a well-formed sequence, or U+FFFD for an ill-formed subpart.
    const b0 = <u32>load<u8>(s + i);
    let m: i32 = b0 < 0x80 ? 1 : utf8Seq(s, i, len);
    const bad = m < 0;
    if (bad) m = -m;
    const fedCount: u32 = bad ? 3 : <u32>m;
    const after: i32 = i + <u32>m < len ? <i32>load<u8>(s + i + <u32>m) : -1;
    for (let k: u32 = 0; k < fedCount; k++) {
      const b: u32 = bad ? (k == 0 ? 0xef : k == 1 ? 0xbf : 0xbd) : <u32>load<u8>(s + i + k);
      // Inside a sequence the next byte is a continuation byte: neither \n nor a word byte.
      const ctx = nfaContext(<i32>b, k + 1 < fedCount ? 0x80 : after);
      let next: u32 = 0;
      for (let t: u32 = 0; t < size; t++) {
        const ins = insts + (<usize>load<u32>(denseA + (<usize>t << 2)) << 4);
        if (load<u32>(ins) == 0 && b >= load<u32>(ins, 4) && b <= load<u32>(ins, 8)) {
          next = nfaAdd(insts, extra, sparseB, denseB, next, stack, load<u32>(ins, 12), ctx);
        }
      }
      if (next == 0) return false;
      const sp = sparseA;
      const dp = denseA;
      sparseA = sparseB;
      denseA = denseB;
      sparseB = sp;
      denseB = dp;
      size = next;
    }
    i += <u32>m;
  }
  for (let t: u32 = 0; t < size; t++) {
    if (load<u32>(insts + (<usize>load<u32>(denseA + (<usize>t << 2)) << 4)) == 3) return true;
  }
  return false;
}
