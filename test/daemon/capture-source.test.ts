// The JS side of the capture source: the batch queue the addon's callbacks fill, event type names
// to ABI ids for the kernel's syscall map, and the addon counters as libs' scap_stats.
import { describe, expect, it } from 'vitest';
import { BatchQueue } from '../../host/capture/batch-queue.js';
import { eventTypeIdsFor } from '../../host/capture/event-type-ids.js';
import { scapStatsOf } from '../../host/capture/scap-stats.js';
import { modernEbpfOptions } from '../../host/capture/modern-ebpf-config.js';
import { EVENT_TYPES, eventTypeId } from '../../host/engine/event-types.js';

describe('BatchQueue', () => {
  it('yields batches in order, waits for more, and ends after what is queued', async () => {
    const q = new BatchQueue();
    const seen: number[] = [];
    const reader = (async () => {
      for await (const b of q) seen.push(b[0]!);
    })();
    q.push(Uint8Array.of(1));
    await new Promise((r) => setTimeout(r, 5));
    q.push(Uint8Array.of(2));
    q.push(Uint8Array.of(3));
    q.end();
    q.push(Uint8Array.of(4)); // after the end: dropped
    await reader;
    expect(seen).toEqual([1, 2, 3]);
  });

  it('hands a failure to the reader after the queued batches', async () => {
    const q = new BatchQueue();
    q.push(Uint8Array.of(7));
    q.fail(new Error('capture file: bad tag at byte 40'));
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const b of q) seen.push(b[0]!);
      })(),
    ).rejects.toThrow('bad tag at byte 40');
    expect(seen).toEqual([7]);
  });

  it('with releaseAfterUse, detaches a batch once the reader pulls the next one, not before', async () => {
    const q = new BatchQueue({ releaseAfterUse: true });
    const batches = [Uint8Array.of(1, 2), Uint8Array.of(3, 4)];
    for (const b of batches) q.push(b);
    q.end();
    const lengthsWhileUsed: number[] = [];
    for await (const b of q) lengthsWhileUsed.push(b.length);
    expect(lengthsWhileUsed).toEqual([2, 2]);
    expect(batches.map((b) => b.length)).toEqual([0, 0]);
    expect(batches.map((b) => (b.buffer as ArrayBuffer & { detached: boolean }).detached)).toEqual([true, true]);
  });
});

describe('eventTypeIdsFor', () => {
  it('maps names to ids and sets apart the names no capture program exists for', () => {
    expect(eventTypeIdsFor({ all: false, names: ['openat', 'execve', 'openat', 'stat'] })).toEqual({
      ids: [eventTypeId('openat'), eventTypeId('execve')].sort((a, b) => a - b),
      uncapturable: ['stat'],
    });
  });

  it('is every ABI type for all', () => {
    expect(eventTypeIdsFor({ all: true, names: [] }).ids).toEqual(EVENT_TYPES.map((t) => t.id));
  });
});

describe('scapStatsOf', () => {
  it('counts ring-full as buffer drops and unreadable payloads as page-fault drops', () => {
    expect(scapStatsOf({ running: true, kernelEvents: 100, dropsRingFull: 3, dropsRead: 2 })).toMatchObject({
      n_evts: 100,
      n_drops: 5,
      n_drops_buffer: 3,
      n_drops_pf: 2,
      n_drops_bug: 0,
    });
    expect(scapStatsOf({ running: false }).n_evts).toBe(0);
  });
});

describe('modernEbpfOptions', () => {
  it("takes Falco's defaults, the preset table and 0 = one ring for all CPUs", () => {
    expect(modernEbpfOptions({}, 8)).toEqual({ cpusPerRing: 2, ringBytes: 8 << 20 });
    expect(modernEbpfOptions({ engine: { modern_ebpf: { cpus_for_each_buffer: '0', buf_size_preset: '1' } } }, 8)).toEqual({ cpusPerRing: 8, ringBytes: 1 << 20 });
    expect(modernEbpfOptions({ engine: { modern_ebpf: { cpus_for_each_buffer: '1', buf_size_preset: '10' } } }, 8)).toEqual({ cpusPerRing: 1, ringBytes: 512 << 20 });
  });

  it('rejects preset 0 and values that are not integers, naming the key', () => {
    expect(() => modernEbpfOptions({ engine: { modern_ebpf: { buf_size_preset: '0' } } })).toThrow('engine.modern_ebpf.buf_size_preset: 0 is not an index from 1 to 10');
    expect(() => modernEbpfOptions({ engine: { modern_ebpf: { cpus_for_each_buffer: 'two' } } })).toThrow("engine.modern_ebpf.cpus_for_each_buffer: 'two' is not a non-negative integer");
  });
});
