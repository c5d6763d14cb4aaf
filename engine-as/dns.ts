// The DNS table behind fd.cip.name / fd.sip.name / fd.lip.name / fd.rip.name (libs' dns_manager
// cache): written into memory by the host (host/engine/dns-table.ts) whenever its resolutions
// change, never by rule code, so evaluation stays a pure function of the batch and this table.
//
// Layout (little-endian, offsets from the table start; BATCH_ABI.md "DNS table"):
//   u32 count, u32 reserved, then `count` entries of 32 bytes:
//     u32 v6 (0 or 1), u32 name offset, u32 name length, u32 reserved, 16 address bytes
//     (network order; IPv4 in the first 4, the rest zero),
//   then the name bytes. Entries are sorted by (v6, address, name bytes), so the first entry of an
//   address holds the lexicographically smallest name that resolves to it (libs' name_of).

let table: usize = 0;
let cap: u32 = 0;

export const ENTRY_SIZE: u32 = 32;
const HEADER_SIZE: u32 = 8;

/** A buffer of at least len bytes for the host to write a table into; it becomes the table in use. */
export function reserve(len: u32): usize {
  if (len > cap) {
    cap = len + (len >> 1) + 64;
    table = (heap.alloc(<usize>cap + 8) + 7) & ~(<usize>7);
  }
  store<u32>(table, 0); // empty until the host has written it
  return table;
}

@inline function keyHi(a: usize, v6: bool): u64 {
  return v6 ? bswap<u64>(load<u64>(a)) : (<u64>bswap<u32>(load<u32>(a))) << 32;
}

@inline function keyLo(a: usize, v6: bool): u64 {
  return v6 ? bswap<u64>(load<u64>(a, 8)) : 0;
}

/** Entries [first(), end) hold the address at `addr` (v6: 16 bytes, else 4); empty when none. */
export let end: u32 = 0;

export function first(addr: usize, v6: bool): u32 {
  end = 0;
  if (table == 0) return 0;
  const n = load<u32>(table);
  const base = table + HEADER_SIZE;
  const f: u32 = v6 ? 1 : 0;
  const hi = keyHi(addr, v6);
  const lo = keyLo(addr, v6);
  // lower bound of (f, hi, lo)
  let l: u32 = 0;
  let h: u32 = n;
  while (l < h) {
    const m = (l + h) >>> 1;
    const e = base + <usize>m * ENTRY_SIZE;
    const ef = load<u32>(e);
    const eh = keyHi(e + 16, ef != 0);
    const el = keyLo(e + 16, ef != 0);
    const less = ef < f || (ef == f && (eh < hi || (eh == hi && el < lo)));
    if (less) l = m + 1;
    else h = m;
  }
  let k = l;
  while (k < n) {
    const e = base + <usize>k * ENTRY_SIZE;
    if (load<u32>(e) != f || keyHi(e + 16, v6) != hi || keyLo(e + 16, v6) != lo) break;
    k++;
  }
  end = k;
  return l;
}

/** The name bytes of entry k. */
export function namePtr(k: u32): usize {
  return table + <usize>load<u32>(table + HEADER_SIZE + <usize>k * ENTRY_SIZE, 4);
}

export function nameLen(k: u32): u32 {
  return load<u32>(table + HEADER_SIZE + <usize>k * ENTRY_SIZE, 8);
}
