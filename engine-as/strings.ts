// Byte-string primitives over (pointer, length) pairs, with the semantics of libs' flt_compare:
// bytes compare unsigned (strcmp), case folding is ASCII only (strcasestr in the C locale), and an
// empty needle is contained in / a prefix of / a suffix of every string.

@inline export function asciiLower(c: u32): u32 {
  return c - 0x41 < 26 ? c | 0x20 : c;
}

@inline export function strEq(a: usize, alen: u32, b: usize, blen: u32): bool {
  return alen == blen && memory.compare(a, b, alen) == 0;
}

/** <0, 0, >0 like strcmp: unsigned bytes, a proper prefix sorts first. */
export function strCmp(a: usize, alen: u32, b: usize, blen: u32): i32 {
  const n = alen < blen ? alen : blen;
  const c = memory.compare(a, b, n);
  if (c != 0) return c;
  return alen == blen ? 0 : alen < blen ? -1 : 1;
}

@inline export function startsWith(s: usize, slen: u32, p: usize, plen: u32): bool {
  return plen <= slen && memory.compare(s, p, plen) == 0;
}

@inline export function endsWith(s: usize, slen: u32, p: usize, plen: u32): bool {
  return plen <= slen && memory.compare(s + slen - plen, p, plen) == 0;
}

/** memmem: does s contain n? */
export function contains(s: usize, slen: u32, n: usize, nlen: u32): bool {
  if (nlen == 0) return true;
  if (nlen > slen) return false;
  const first = load<u8>(n);
  const last = s + (slen - nlen);
  for (let p = s; p <= last; p++) {
    if (load<u8>(p) == first && memory.compare(p + 1, n + 1, nlen - 1) == 0) return true;
  }
  return false;
}

/** ASCII case-insensitive equality (bytes >= 0x80 compare exactly). */
export function asciiCaseEq(a: usize, alen: u32, b: usize, blen: u32): bool {
  if (alen != blen) return false;
  for (let i: usize = 0; i < alen; i++) {
    if (asciiLower(load<u8>(a + i)) != asciiLower(load<u8>(b + i))) return false;
  }
  return true;
}

/** strcasestr in the C locale: ASCII letters fold, other bytes compare exactly. */
export function icontains(s: usize, slen: u32, n: usize, nlen: u32): bool {
  if (nlen == 0) return true;
  if (nlen > slen) return false;
  const first = asciiLower(load<u8>(n));
  const last = s + (slen - nlen);
  for (let p = s; p <= last; p++) {
    if (asciiLower(load<u8>(p)) != first) continue;
    let i: usize = 1;
    while (i < nlen && asciiLower(load<u8>(p + i)) == asciiLower(load<u8>(n + i))) i++;
    if (i == nlen) return true;
  }
  return false;
}
