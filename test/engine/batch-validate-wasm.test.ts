// engine-as/validate.ts must accept exactly the batches host/engine/batch-validate.ts accepts and
// report the same byte offset for the rest (the host re-runs the TS validator for the message).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../host/engine/batch-encoder.js';
import { BATCH_MAGIC, HEADER, PROCESS } from '../../host/engine/batch-layout.js';
import { BatchFormatError, validateBatch } from '../../host/engine/batch-validate.js';
import { sampleEvents } from './batch-fixtures.js';
import { loadRuntime, type Runtime } from './runtime-instance.js';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime();
});

/** 0 if TS accepts, else 1 + the offset of its error. */
function tsVerdict(b: Uint8Array): number {
  try {
    validateBatch(b);
    return 0;
  } catch (e) {
    if (e instanceof BatchFormatError) return e.offset + 1;
    throw e;
  }
}

function wasmVerdict(b: Uint8Array): number {
  const [p, l] = rt.put(b);
  return rt.x.validateBatch(p, l) >>> 0;
}

const valid = encodeBatch(sampleEvents());

describe('Wasm batch validator', () => {
  it('accepts valid batches', () => {
    expect(wasmVerdict(valid)).toBe(0);
    expect(wasmVerdict(encodeBatch([]))).toBe(0);
  });

  it('agrees with the TS validator on targeted corruptions', () => {
    const dv = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
    const procOff = dv(valid).getUint32(HEADER.processes, true);
    const cases: ((b: Uint8Array) => void)[] = [
      (b) => dv(b).setUint32(0, 1, true),
      (b) => dv(b).setUint16(4, 7, true),
      (b) => dv(b).setUint32(HEADER.events + 4, 100000, true),
      (b) => dv(b).setUint32(HEADER.processes, HEADER.size + 8, true),
      (b) => dv(b).setUint32(procOff + 3 * PROCESS.size + PROCESS.parent, 0, true), // cycle
      (b) => dv(b).setUint32(procOff + PROCESS.argv, 1 << 24, true),
    ];
    for (const corrupt of cases) {
      const b = valid.slice();
      corrupt(b);
      const t = tsVerdict(b);
      expect(t).not.toBe(0);
      expect(wasmVerdict(b)).toBe(t);
    }
    for (let len = 0; len < valid.length; len += 7) {
      const b = valid.slice(0, len);
      expect(wasmVerdict(b)).toBe(tsVerdict(b));
    }
  });

  it('agrees with the TS validator on random corruptions and random bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.nat(255), fc.boolean()), { minLength: 1, maxLength: 4 }), (edits) => {
        const b = valid.slice();
        const v = new DataView(b.buffer);
        for (const [at, x, wide] of edits) {
          // wide: a small u32 at an aligned spot (indices, counts, offsets that stay plausible)
          if (wide) v.setUint32(Math.min(at & ~3, b.length - 4), x % 8, true);
          else b[at] = x;
        }
        return wasmVerdict(b) === tsVerdict(b);
      }),
      { numRuns: 3000 },
    );
    const withHeader = fc.uint8Array({ minLength: 80, maxLength: 700 }).map((b) => {
      const v = new DataView(b.buffer);
      v.setUint32(0, BATCH_MAGIC, true);
      v.setUint16(4, 1, true);
      v.setUint16(6, HEADER.size, true);
      v.setUint32(8, b.length, true);
      v.setUint32(12, 0, true);
      return b;
    });
    fc.assert(fc.property(fc.oneof(withHeader, fc.uint8Array({ maxLength: 200 })), (b) => wasmVerdict(b) === tsVerdict(b)), { numRuns: 3000 });
  });
});
