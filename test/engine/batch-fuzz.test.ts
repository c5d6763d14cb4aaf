// Fuzzing the batch validator: random bytes, truncations and corruptions of valid batches must be
// rejected with BatchFormatError (never another exception), and whatever it accepts must decode
// without any out-of-bounds read. Random encoder input must round-trip.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBatch, type EventInput, type ProcessInput } from '../../host/engine/batch-encoder.js';
import { BATCH_MAGIC, HEADER } from '../../host/engine/batch-layout.js';
import { readBatch } from '../../host/engine/batch-reader.js';
import { BatchFormatError, validateBatch } from '../../host/engine/batch-validate.js';
import { EVENT_TYPES } from '../../host/engine/event-types.js';
import { sampleEvents } from './batch-fixtures.js';

/** Validates; if accepted, decodes everything (DataView throws RangeError on any stray read). */
function checkNoCrash(bytes: Uint8Array): boolean {
  try {
    validateBatch(bytes);
  } catch (e) {
    if (e instanceof BatchFormatError) return true;
    throw e;
  }
  readBatch(bytes);
  return true;
}

const valid = encodeBatch(sampleEvents());

describe('validateBatch fuzzing', () => {
  it('survives random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), checkNoCrash), { numRuns: 3000 });
  });

  it('survives random bytes behind a valid header prefix', () => {
    const header = fc.uint8Array({ minLength: 600, maxLength: 2000 }).map((b) => {
      const dv = new DataView(b.buffer);
      dv.setUint32(0, BATCH_MAGIC, true);
      dv.setUint16(4, 1, true);
      dv.setUint16(6, HEADER.size, true);
      dv.setUint32(8, b.length, true);
      dv.setUint32(12, 0, true);
      return b;
    });
    fc.assert(fc.property(header, checkNoCrash), { numRuns: 3000 });
  });

  it('rejects every truncation of a valid batch', () => {
    for (let len = 0; len < valid.length; len++) {
      expect(() => validateBatch(valid.subarray(0, len)), `length ${len}`).toThrow(BatchFormatError);
    }
  });

  it('survives byte and u32 corruptions of a valid batch', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.nat(255)), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (edits, wide) => {
          const b = valid.slice();
          const dv = new DataView(b.buffer);
          for (const [at, v] of edits) {
            if (wide && at + 4 <= b.length) dv.setUint32(at & ~3, v * 0x01010101 + at, true);
            else b[at] = v;
          }
          return checkNoCrash(b);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

// ---- random encoder input ----
const str = fc.option(fc.string({ maxLength: 12 }), { nil: undefined, freq: 4 });
const procArb: fc.Arbitrary<ProcessInput> = fc.record(
  { pid: fc.integer({ min: 0, max: 2 ** 22 }), name: str, exe: str, cwd: str, userName: str, args: fc.option(fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), { nil: undefined }), uid: fc.nat(2 ** 32 - 1) },
  { requiredKeys: ['pid'] },
);
const eventArb: fc.Arbitrary<EventInput> = fc.record({
  type: fc.constantFrom(...EVENT_TYPES.map((t) => t.name)),
  ts: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  res: fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { nil: null }),
  fd: fc.option(fc.record({ num: fc.integer({ min: -1, max: 1 << 20 }), name: str, type: fc.constantFrom('file' as const, 'directory' as const, 'fifo' as const, 'memfd' as const) }), { nil: null }),
});

describe('encodeBatch property', () => {
  it('produces valid batches that read back the same values', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(eventArb, fc.option(procArb, { nil: null }), fc.option(procArb, { nil: null })), { maxLength: 8 }), (rows) => {
        const events = rows.map(([e, p, parent]) => ({ ...e, proc: p ? { ...p, parent } : null }));
        const batch = readBatch(encodeBatch(events));
        expect(batch.events.map((e) => e.type)).toEqual(events.map((e) => e.type));
        batch.events.forEach((got, i) => {
          const want = events[i]!;
          expect(got.ts).toBe(BigInt.asUintN(64, want.ts as bigint));
          expect(got.res).toBe(want.res ?? null);
          expect(got.fd?.name ?? null).toBe(want.fd ? (want.fd.name ?? null) : null);
          const p = got.proc === null ? null : batch.processes[got.proc]!;
          expect(p?.name ?? null).toBe(want.proc ? (want.proc.name ?? null) : null);
          expect(p?.cwd ?? null).toBe(want.proc ? (want.proc.cwd ?? null) : null);
          const parent = p?.parent == null ? null : batch.processes[p.parent]!;
          expect(parent?.pid ?? null).toBe(want.proc?.parent?.pid ?? null);
        });
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
