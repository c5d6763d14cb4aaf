// Numeric comparisons with libs' flt_compare_numeric semantics: signed field types (INT*, FD, PID,
// ERRNO) compare as i64, unsigned ones (UINT*, flags, modes, ports, times) as u64, so the same bits
// order differently: -1 < 0 as i64, but 0xFFFF_FFFF_FFFF_FFFF > 0 as u64.
// Comparison ops: 0 =, 1 !=, 2 <, 3 <=, 4 >, 5 >=.

export const OP_EQ: u32 = 0;
export const OP_NE: u32 = 1;
export const OP_LT: u32 = 2;
export const OP_LE: u32 = 3;
export const OP_GT: u32 = 4;
export const OP_GE: u32 = 5;

@inline export function cmpI64(op: u32, a: i64, b: i64): bool {
  switch (op) {
    case OP_EQ: return a == b;
    case OP_NE: return a != b;
    case OP_LT: return a < b;
    case OP_LE: return a <= b;
    case OP_GT: return a > b;
    default: return a >= b;
  }
}

@inline export function cmpU64(op: u32, a: u64, b: u64): bool {
  switch (op) {
    case OP_EQ: return a == b;
    case OP_NE: return a != b;
    case OP_LT: return a < b;
    case OP_LE: return a <= b;
    case OP_GT: return a > b;
    default: return a >= b;
  }
}

/** A set of 64-bit values for numeric `in` lists: sorted, deduplicated, binary search. */
export class U64Set {
  private values: u64[] = [];
  private sorted: bool = true;

  add(v: u64): void {
    this.values.push(v);
    this.sorted = false;
  }

  private seal(): void {
    this.values.sort((a: u64, b: u64): i32 => (a < b ? -1 : a > b ? 1 : 0));
    const out: u64[] = [];
    for (let i = 0; i < this.values.length; i++) {
      const v = unchecked(this.values[i]);
      if (out.length == 0 || unchecked(out[out.length - 1]) != v) out.push(v);
    }
    this.values = out;
    this.sorted = true;
  }

  get size(): i32 {
    if (!this.sorted) this.seal();
    return this.values.length;
  }

  has(v: u64): bool {
    if (!this.sorted) this.seal();
    let lo = 0;
    let hi = this.values.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const m = unchecked(this.values[mid]);
      if (m == v) return true;
      if (m < v) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}
