// Capture.prepare(): the probe is loaded (BPF verification) on the addon's thread while the daemon
// loads its rules; nothing is attached before start(), and start() then captures as without it.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { eventTypeId } from '../../host/engine/event-types.js';
import { createCapture } from '../../native/capture.js';
import { readBatch } from '../../host/engine/batch-reader.js';
import { bpfAvailable, findEvents } from './support.js';

describe.skipIf(!bpfAvailable)('a prepared capture on the real kernel', () => {
  test('captures nothing before start(), then what start() asked for, with the types set after prepare()', async () => {
    const cap = createCapture({ eventTypes: [], flushMs: 10 });
    cap.prepare();
    // while it loads (and after): an action that must not be captured
    execFileSync('cat', ['/etc/hostname'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    execFileSync('cat', ['/etc/hostname'], { stdio: 'ignore' });
    cap.setEventTypes([eventTypeId('openat')]);
    const raw: Uint8Array[] = [];
    cap.start((b) => raw.push(b));
    try {
      execFileSync('cat', ['/etc/shadow'], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 150));
    } finally {
      await cap.stop();
    }
    const c = { batches: raw.map((b) => readBatch(b)), raw, stats: cap.stats() };
    expect(findEvents(c, 'openat', (f) => f.event.fd?.name === '/etc/shadow' && f.proc.name === 'cat').length).toBe(1);
    expect(findEvents(c, 'openat', (f) => f.event.fd?.name === '/etc/hostname' && f.proc.name === 'cat')).toEqual([]);
  });

  test('a prepared capture that never starts is closed by stop()', async () => {
    const cap = createCapture({ eventTypes: [] });
    cap.prepare();
    expect(() => cap.prepare()).toThrow(/already prepared/);
    await cap.stop();
    expect(cap.stats().running).toBe(false);
  });
});
