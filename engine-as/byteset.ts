// Hash set of byte strings for the generated rules' `in` / `intersects` lists, tuned for the engine's
// access pattern: many sets probed with the same field value in one event. A length mask rejects
// most misses without hashing, and the last value's hash is reused while it stays the same
// (pointer, length) within an event (the engine calls resetHashCache per event, because scratch
// memory and batch buffers are reused across events).
// Keys are (pointer, length) pairs in static data that outlive the set.

// 4 direct-mapped entries (by address), so the values of a few fields stay cached together
const cacheP = new StaticArray<usize>(4);
const cacheL = new StaticArray<u32>(4);
const cacheH = new StaticArray<u32>(4);

export function resetHashCache(): void {
  unchecked((cacheL[0] = 0xffffffff));
  unchecked((cacheL[1] = 0xffffffff));
  unchecked((cacheL[2] = 0xffffffff));
  unchecked((cacheL[3] = 0xffffffff));
}
resetHashCache();

/**
 * Hash of a byte string. Strings longer than 16 bytes hash their length and three 8-byte samples
 * (start, middle, end): paths and command lines differ there, and the full compare settles the rest.
 */
function hashBytes(p: usize, len: u32): u32 {
  let h: u32 = 0x9e3779b9 ^ len;
  const n = <usize>len;
  if (n > 16) {
    h = mix(h, load<u32>(p));
    h = mix(h, load<u32>(p, 4));
    const m = p + (n >> 1) - 4;
    h = mix(h, load<u32>(m));
    h = mix(h, load<u32>(m, 4));
    const e = p + n - 8;
    h = mix(h, load<u32>(e));
    h = mix(h, load<u32>(e, 4));
  } else {
    let i: usize = 0;
    for (; i + 4 <= n; i += 4) h = mix(h, load<u32>(p + i));
    for (; i < n; i++) h = (h ^ <u32>load<u8>(p + i)) * 0x01000193;
  }
  h ^= h >> 16;
  h *= 0x7feb352d;
  h ^= h >> 15;
  return h;
}

@inline function mix(h: u32, w: u32): u32 {
  return rotl<u32>((h ^ w) * 0x85ebca6b, 13);
}

@inline function cachedHash(p: usize, len: u32): u32 {
  const k = <i32>((p >> 3) & 3);
  if (unchecked(cacheP[k]) == p && unchecked(cacheL[k]) == len) return unchecked(cacheH[k]);
  const h = hashBytes(p, len);
  unchecked((cacheP[k] = p));
  unchecked((cacheL[k] = len));
  unchecked((cacheH[k] = h));
  return h;
}

export class ByteSet {
  private keys: StaticArray<u64>; // (len << 32) | (ptr + 1); 0 = empty
  private hashes: StaticArray<u32>;
  private mask: u32;
  private lenMask: u64 = 0; // bit n: a key of length n (n < 63); bit 63: a longer key
  size: u32 = 0;

  constructor(expected: u32 = 8) {
    let cap: u32 = 16;
    while (cap < expected * 2) cap <<= 1;
    this.keys = new StaticArray<u64>(cap);
    this.hashes = new StaticArray<u32>(cap);
    this.mask = cap - 1;
  }

  @inline private static lenBit(len: u32): u64 {
    return <u64>1 << <u64>(len < 63 ? len : 63);
  }

  add(p: usize, len: u32): void {
    if (this.has(p, len)) return;
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    this.insert(p, len, hashBytes(p, len));
    this.lenMask |= ByteSet.lenBit(len);
    this.size++;
  }

  private insert(p: usize, len: u32, h: u32): void {
    let i = h & this.mask;
    while (unchecked(this.keys[i]) != 0) i = (i + 1) & this.mask;
    unchecked((this.keys[i] = (<u64>len << 32) | (<u64>p + 1)));
    unchecked((this.hashes[i] = h));
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldHashes = this.hashes;
    const cap = (this.mask + 1) << 1;
    this.keys = new StaticArray<u64>(cap);
    this.hashes = new StaticArray<u32>(cap);
    this.mask = cap - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = unchecked(oldKeys[i]);
      if (k != 0) this.insert(<usize>((k & 0xffffffff) - 1), <u32>(k >> 32), unchecked(oldHashes[i]));
    }
  }

  /** Cheap pre-check the generated code inlines before has(): is any key this long? */
  @inline mayHaveLength(len: u32): bool {
    return (this.lenMask & ByteSet.lenBit(len)) != 0;
  }

  has(p: usize, len: u32): bool {
    if ((this.lenMask & ByteSet.lenBit(len)) == 0) return false;
    const h = cachedHash(p, len);
    let i = h & this.mask;
    while (true) {
      const k = unchecked(this.keys[i]);
      if (k == 0) return false;
      if (unchecked(this.hashes[i]) == h && <u32>(k >> 32) == len &&
          memory.compare(<usize>((k & 0xffffffff) - 1), p, len) == 0) return true;
      i = (i + 1) & this.mask;
    }
  }
}

/** A ByteSet with a u32 value per key: the generated rules' per-field literal dictionaries. */
export class ByteMap {
  private keys: StaticArray<u64>;
  private hashes: StaticArray<u32>;
  private values: StaticArray<u32>;
  private mask: u32;
  private lenMask: u64 = 0;
  size: u32 = 0;

  constructor(expected: u32) {
    let cap: u32 = 16;
    while (cap < expected * 2) cap <<= 1;
    this.keys = new StaticArray<u64>(cap);
    this.hashes = new StaticArray<u32>(cap);
    this.values = new StaticArray<u32>(cap);
    this.mask = cap - 1;
  }

  /** Adds a key (keys are distinct; the map is sized for all of them up front). */
  set(p: usize, len: u32, value: u32): void {
    const h = hashBytes(p, len);
    let i = h & this.mask;
    while (unchecked(this.keys[i]) != 0) i = (i + 1) & this.mask;
    unchecked((this.keys[i] = (<u64>len << 32) | (<u64>p + 1)));
    unchecked((this.hashes[i] = h));
    unchecked((this.values[i] = value));
    this.lenMask |= <u64>1 << <u64>(len < 63 ? len : 63);
    this.size++;
  }

  /** The key's value, or `absent`. */
  get(p: usize, len: u32, absent: u32): u32 {
    if ((this.lenMask & (<u64>1 << <u64>(len < 63 ? len : 63))) == 0) return absent;
    const h = cachedHash(p, len);
    let i = h & this.mask;
    while (true) {
      const k = unchecked(this.keys[i]);
      if (k == 0) return absent;
      if (unchecked(this.hashes[i]) == h && <u32>(k >> 32) == len &&
          memory.compare(<usize>((k & 0xffffffff) - 1), p, len) == 0) return unchecked(this.values[i]);
      i = (i + 1) & this.mask;
    }
  }
}
