// UTF-8 helpers shared by the regex parser, compiler and table interpreter.

/** RE2's chartorune + its checks: one code point from bytes[i..], or null if malformed
 *  (truncated, overlong, stray continuation byte, above U+10FFFF). Surrogates pass, as in RE2. */
export function decodeRune(bytes: Uint8Array, i: number): { rune: number; length: number } | null {
  const c = bytes[i];
  if (c === undefined) return null;
  if (c < 0x80) return { rune: c, length: 1 };
  const cont = (k: number): number => {
    const b = bytes[i + k];
    return b !== undefined && (b & 0xc0) === 0x80 ? b & 0x3f : -1;
  };
  if (c >= 0xc0 && c <= 0xdf) {
    const c1 = cont(1);
    if (c1 < 0) return null;
    const r = ((c & 0x1f) << 6) | c1;
    return r <= 0x7f ? null : { rune: r, length: 2 };
  }
  if (c >= 0xe0 && c <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 < 0 || c2 < 0) return null;
    const r = ((c & 0x0f) << 12) | (c1 << 6) | c2;
    return r <= 0x7ff ? null : { rune: r, length: 3 };
  }
  if (c >= 0xf0 && c <= 0xf7) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 < 0 || c2 < 0 || c3 < 0) return null;
    const r = ((c & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    return r <= 0xffff || r > 0x10ffff ? null : { rune: r, length: 4 };
  }
  return null;
}

/** Byte ranges, one per byte of an encoded sequence. */
export type ByteSeq = ReadonlyArray<readonly [number, number]>;

function encode(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
}

/**
 * The UTF-8 encodings of the code points lo..hi as a list of byte-range sequences (each a
 * product of per-byte ranges). Surrogates are left out: they never occur in well-formed input.
 */
export function utf8Sequences(lo: number, hi: number): ByteSeq[] {
  const out: ByteSeq[] = [];
  const split = (a: number, b: number): void => {
    if (a > b) return;
    if (a <= 0xdfff && b >= 0xd800) {
      split(a, 0xd7ff);
      split(0xe000, b);
      return;
    }
    for (const max of [0x7f, 0x7ff, 0xffff]) {
      if (a <= max && max < b) {
        split(a, max);
        split(max + 1, b);
        return;
      }
    }
    if (b < 0x80) {
      out.push([[a, b]]);
      return;
    }
    for (let i = 1; i < 4; i++) {
      const m = (1 << (6 * i)) - 1;
      if ((a & ~m) !== (b & ~m)) {
        if ((a & m) !== 0) {
          split(a, a | m);
          split((a | m) + 1, b);
          return;
        }
        if ((b & m) !== m) {
          split(a, (b & ~m) - 1);
          split(b & ~m, b);
          return;
        }
      }
    }
    const ea = encode(a);
    const eb = encode(b);
    out.push(ea.map((x, k) => [x, eb[k]!] as const));
  };
  split(lo, hi);
  return out;
}

/**
 * Length of the well-formed sequence at bytes[i] (1..4), or -(k) where k >= 1 is the length of the
 * maximal ill-formed subpart there (Unicode's "maximal subpart" rule, as in the WHATWG decoder):
 * those k bytes read as one U+FFFD.
 */
export function utf8Step(bytes: Uint8Array, i: number): number {
  const c = bytes[i]!;
  if (c < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) need = 1;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    if (c === 0xe0) lo = 0xa0;
    if (c === 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    if (c === 0xf0) lo = 0x90;
    if (c === 0xf4) hi = 0x8f;
  } else return -1;
  for (let k = 1; k <= need; k++) {
    const b = bytes[i + k];
    if (b === undefined || b < lo || b > hi) return -k;
    lo = 0x80;
    hi = 0xbf;
  }
  return need + 1;
}

/** The bytes libs matches a regex against: ill-formed UTF-8 replaced by U+FFFD. */
export function sanitizeUtf8(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = utf8Step(bytes, i);
    if (n > 0) {
      for (let k = 0; k < n; k++) out.push(bytes[i + k]!);
      i += n;
    } else {
      out.push(0xef, 0xbf, 0xbd);
      i += -n;
    }
  }
  return Uint8Array.from(out);
}
