// The metadata thread against a real Docker engine and the real capture, with the main thread
// blocked (as a daemon busy evaluating rules is) while `docker run` starts a container: the
// container's first execve (its init) still carries the container record, because the Docker
// events, the lookup and the hand-over to the addon happen on the metadata thread.
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { startContainerMetadataThread } from '../../host/container/metadata-thread.js';
import { readBatch } from '../../host/engine/batch-reader.js';
import { validateBatch } from '../../host/engine/batch-validate.js';
import { eventTypeId } from '../../host/engine/event-types.js';
import { createCapture, loadCaptureAddon } from '../../native/capture.js';
import { dockerAvailable, TEST_IMAGE } from './support.js';

describe.skipIf(!dockerAvailable)('container metadata thread', () => {
  test('docker run while the main thread is blocked: the init execve carries name, image and mounts', async () => {
    const addon = loadCaptureAddon();
    const warnings: string[] = [];
    const { service, used } = startContainerMetadataThread({ warn: (m) => warnings.push(m) });
    expect(used.map((r) => r.kind)).toContain('docker');
    service.watch();
    await service.preload();
    const name = `saker-mt-${process.pid}`;
    const raw: Uint8Array[] = [];
    const cap = createCapture({ eventTypes: [eventTypeId('execve')], flushMs: 10 });
    cap.start((b) => {
      service.observeBatch(b);
      raw.push(b);
    });
    let id = '';
    try {
      // Let the events stream connect, then start the container and block this thread for as
      // long as it takes to start and run it (a lookup from here could only start afterwards).
      await new Promise((r) => setTimeout(r, 300));
      const run = spawn('docker', ['run', '--name', name, '--network', 'none', '-v', '/etc:/host/etc:ro', TEST_IMAGE, 'sleep', '0'], { stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => run.on('exit', (c) => r(c)));
      const until = Date.now() + 4000;
      while (Date.now() < until) {
        // busy: no timers, no I/O callbacks on this thread
      }
      expect(await exited).toBe(0);
      id = spawnSync('docker', ['inspect', '--format', '{{.Id}}', name], { encoding: 'utf8' }).stdout.trim().slice(0, 12);
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await cap.stop();
      spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
      await service.settled();
      service.close();
      if (id !== '') addon.setContainerInfo(id, null);
    }
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    const inits = raw.map((b) => {
      validateBatch(b);
      return readBatch(b);
    }).flatMap((b) => b.events
      .filter((e) => e.type === 'execve' && e.proc !== null)
      .map((e) => ({ b, p: b.processes[e.proc!]! }))
      .filter(({ p }) => p.containerId === id && p.vpid === 1));
    expect(inits.length).toBe(1);
    const { b, p } = inits[0]!;
    expect(p.name).toBe('sleep');
    expect(p.container, 'the init execve has no container record').not.toBeNull();
    const c = b.containers[p.container!]!;
    expect(c.name).toBe(name);
    expect(c.imageRepository).toBe('saker-test/busybox');
    expect(c.mounts).toEqual([{ source: '/etc', dest: '/host/etc', mode: 'ro', rw: false, propagation: 'rprivate' }]);
    expect(warnings).toEqual([]);
  }, 60_000);
});
