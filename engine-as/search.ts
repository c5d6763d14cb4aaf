// Substring search for the generated rules' `contains` (libs: memmem on the value's bytes).
// Candidate positions are filtered by the needle's first and last bytes before a full compare,
// which keeps the long command lines of exec events cheap to scan.

export function containsBytes(s: usize, slen: u32, n: usize, nlen: u32): bool {
  if (nlen == 0) return true;
  if (nlen > slen) return false;
  const first = load<u8>(n);
  const lastOff = <usize>nlen - 1;
  const lastByte = load<u8>(n + lastOff);
  const end = s + <usize>(slen - nlen);
  for (let p = s; p <= end; p++) {
    if (load<u8>(p) != first || load<u8>(p + lastOff) != lastByte) continue;
    if (nlen <= 2 || memory.compare(p + 1, n + 1, <usize>nlen - 2) == 0) return true;
  }
  return false;
}
