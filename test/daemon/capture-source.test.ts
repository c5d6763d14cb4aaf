// The JS side of the capture source: the batch queue the addon's callbacks fill, event type names
// to ABI ids for the kernel's syscall map, and the addon counters as libs' scap_stats.
import { describe, expect, it } from 'vitest';
import { BatchQueue } from '../../host/capture/batch-queue.js';
import { eventTypeIdsFor } from '../../host/capture/event-type-ids.js';
import { scapStatsOf } from '../../host/capture/scap-stats.js';
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
