// IP address equality and CIDR membership over the batch ABI's 16-byte address form (network byte
// order; IPv4 in the first 4 bytes). As libs' flt_compare: v4 (addr & mask) == (net & mask); v6
// compares the first `prefix` bits.

@inline export function ip4Eq(a: usize, b: usize): bool {
  return load<u32>(a) == load<u32>(b);
}

@inline export function ip6Eq(a: usize, b: usize): bool {
  return load<u64>(a) == load<u64>(b) && load<u64>(a, 8) == load<u64>(b, 8);
}

@inline function mask32(prefix: u32): u32 {
  return prefix == 0 ? 0 : prefix >= 32 ? 0xffffffff : ~(<u32>0xffffffff >>> prefix);
}

@inline function mask64(prefix: u32): u64 {
  return prefix == 0 ? 0 : prefix >= 64 ? 0xffffffffffffffff : ~(<u64>0xffffffffffffffff >>> prefix);
}

/** Is the IPv4 address at a inside net/prefix (prefix 0..32)? */
@inline export function ip4InNet(a: usize, net: usize, prefix: u32): bool {
  const m = mask32(prefix);
  return (bswap<u32>(load<u32>(a)) & m) == (bswap<u32>(load<u32>(net)) & m);
}

/** Is the IPv6 address at a inside net/prefix (prefix 0..128)? */
export function ip6InNet(a: usize, net: usize, prefix: u32): bool {
  const hiMask = mask64(prefix);
  if ((bswap<u64>(load<u64>(a)) & hiMask) != (bswap<u64>(load<u64>(net)) & hiMask)) return false;
  const loMask = mask64(prefix > 64 ? prefix - 64 : 0);
  return (bswap<u64>(load<u64>(a, 8)) & loMask) == (bswap<u64>(load<u64>(net, 8)) & loMask);
}
