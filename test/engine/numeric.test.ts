// Numeric comparisons (engine-as/numeric.ts): i64 for signed libs types, u64 for unsigned ones.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRuntime, type Runtime } from './runtime-instance.js';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime();
});

const OPS = ['=', '!=', '<', '<=', '>', '>='] as const;
const ref = (op: number, a: bigint, b: bigint): boolean =>
  [a === b, a !== b, a < b, a <= b, a > b, a >= b][op]!;
// Wasm i64 parameters cross the JS boundary as signed BigInts.
const asI64 = (v: bigint): bigint => BigInt.asIntN(64, v);

describe('numeric compares', () => {
  it('orders the same bits differently as i64 and as u64', () => {
    const minus1 = -1n;
    expect(rt.x.cmpI64(2, minus1, 0n)).toBe(1); // -1 < 0
    expect(rt.x.cmpU64(2, asI64(2n ** 64n - 1n), 0n)).toBe(0); // 2^64-1 < 0 is false
    expect(rt.x.cmpU64(4, asI64(2n ** 63n), asI64(2n ** 63n - 1n))).toBe(1);
    expect(rt.x.cmpI64(4, asI64(2n ** 63n), 2n ** 63n - 1n)).toBe(0); // INT64_MIN > INT64_MAX is false
  });

  it.each(OPS.map((o, i) => [o, i] as const))('%s agrees with BigInt on boundaries and random values', (_o, op) => {
    const edges = [0n, 1n, -1n, 2n ** 31n, 2n ** 32n, 2n ** 63n - 1n, -(2n ** 63n)];
    for (const a of edges) for (const b of edges) {
      expect(rt.x.cmpI64(op, a, b) === 1).toBe(ref(op, a, b));
      expect(rt.x.cmpU64(op, asI64(a), asI64(b)) === 1).toBe(ref(op, BigInt.asUintN(64, a), BigInt.asUintN(64, b)));
    }
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (a, b) =>
      (rt.x.cmpI64(op, a, b) === 1) === ref(op, a, b) &&
      (rt.x.cmpU64(op, a, b) === 1) === ref(op, BigInt.asUintN(64, a), BigInt.asUintN(64, b))), { numRuns: 500 });
  });
});

describe('U64Set', () => {
  it('answers membership with duplicates and extreme values', () => {
    const h = rt.x.nsetNew();
    for (const v of [0n, 1n, 2n, 2n, -1n, 2n ** 63n - 1n, -(2n ** 63n)]) rt.x.nsetAdd(h, v);
    expect(rt.x.nsetSize(h)).toBe(6);
    for (const v of [0n, 1n, 2n, -1n, 2n ** 63n - 1n, -(2n ** 63n)]) expect(rt.x.nsetHas(h, v)).toBe(1);
    for (const v of [3n, -2n, 2n ** 62n]) expect(rt.x.nsetHas(h, v)).toBe(0);
    expect(rt.x.nsetHas(rt.x.nsetNew(), 0n)).toBe(0);
  });

  it('agrees with a JS Set', () => {
    const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    fc.assert(fc.property(fc.array(fc.oneof(i64, fc.bigInt({ min: -3n, max: 3n })), { maxLength: 30 }), fc.array(i64, { maxLength: 10 }), (members, probes) => {
      const h = rt.x.nsetNew();
      members.forEach((m) => rt.x.nsetAdd(h, m));
      const set = new Set(members);
      return rt.x.nsetSize(h) === set.size && [...members, ...probes, 0n].every((p) => (rt.x.nsetHas(h, p) === 1) === set.has(p));
    }), { numRuns: 300 });
  });
});
