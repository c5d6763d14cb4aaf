// Hash set of byte strings for `in` / `intersects` lists. Keys are (pointer, length) pairs that must
// outlive the set (static data of the generated module, or memory the host keeps alive).
// Open addressing with linear probing; capacity is a power of two, at most half full.

@inline function hashBytes(p: usize, len: u32): u32 {
  let h: u32 = 0x811c9dc5; // FNV-1a
  for (let i: usize = 0; i < len; i++) h = (h ^ load<u8>(p + i)) * 0x01000193;
  return h;
}

export class StrSet {
  private keys: StaticArray<u64>; // (len << 32 | ptr) per slot; 0 = empty
  private hashes: StaticArray<u32>;
  private mask: u32;
  size: u32 = 0;

  constructor(expected: u32 = 8) {
    let cap: u32 = 16;
    while (cap < expected * 2) cap <<= 1;
    this.keys = new StaticArray<u64>(cap);
    this.hashes = new StaticArray<u32>(cap);
    this.mask = cap - 1;
  }

  // Slot value: ptr + 1 so that a key at address 0 with length 0 is still distinguishable from empty.
  @inline private static pack(p: usize, len: u32): u64 {
    return (<u64>len << 32) | (<u64>p + 1);
  }

  add(p: usize, len: u32): void {
    if (this.has(p, len)) return;
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    this.insert(p, len, hashBytes(p, len));
    this.size++;
  }

  private insert(p: usize, len: u32, h: u32): void {
    let i = h & this.mask;
    while (unchecked(this.keys[i]) != 0) i = (i + 1) & this.mask;
    unchecked((this.keys[i] = StrSet.pack(p, len)));
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
      if (k == 0) continue;
      this.insert(<usize>((k & 0xffffffff) - 1), <u32>(k >> 32), unchecked(oldHashes[i]));
    }
  }

  has(p: usize, len: u32): bool {
    const h = hashBytes(p, len);
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
