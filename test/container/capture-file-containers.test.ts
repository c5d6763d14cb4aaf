// Capture files keep container metadata: a capture made while a Docker container runs records the
// container records the live batches carried ('CONT' entries), and its replay — with no container
// runtime asked — gives the identical event stream, container records included, whatever the
// replay's batch size.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { setupContainerMetadata } from '../../host/container/container-metadata.js';
import { readBatch } from '../../host/engine/batch-reader.js';
import { validateBatch } from '../../host/engine/batch-validate.js';
import { eventTypeId } from '../../host/engine/event-types.js';
import { createCapture, loadCaptureAddon } from '../../native/capture.js';
import { canonicalEvents, replayAll } from '../native/support.js';
import { dockerAvailable, TEST_IMAGE } from './support.js';

const run = promisify(execFile);
const docker = async (...args: string[]): Promise<string> => (await run('docker', args, { encoding: 'utf8', timeout: 60000 })).stdout.trim();

describe.skipIf(!dockerAvailable)('capture files with container metadata', () => {
  test('a container seen before and after its metadata arrived replays identically, records included', async () => {
    const addon = loadCaptureAddon();
    const { service } = setupContainerMetadata(addon, { warn: () => {} });
    const dir = mkdtempSync(join(tmpdir(), 'saker-capct-'));
    const file = join(dir, 'containers.cap');
    const name = `saker-capct-${process.pid}`;
    const raw: Uint8Array[] = [];
    // No Docker /events watch: the lookup starts from the first batch that mentions the container,
    // so its first events carry no record and later ones do (both sides of the change are recorded).
    const cap = createCapture({ eventTypes: [eventTypeId('openat'), eventTypeId('execve')], flushMs: 10, captureFile: file });
    cap.start((b) => {
      service.observeBatch(b);
      raw.push(b);
    });
    let id = '';
    try {
      id = (await docker('run', '-d', '--rm', '--network', 'none', '--name', name, '-v', '/etc:/host/etc:ro', TEST_IMAGE,
        'sh', '-c', 'for i in $(seq 1 100); do cat /etc/hostname > /dev/null; sleep 0.05; done')).slice(0, 12);
      const deadline = Date.now() + 15000;
      while (service.get(id) === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(service.get(id)?.name).toBe(name);
      await docker('exec', name, 'cat', '/host/etc/hostname');
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await cap.stop();
      if (id !== '') spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
      service.close();
      addon.setContainerInfo(id, null);
    }
    try {
      // The container's events with their own process and container records. (Ancestor links are
      // left out: a batch builds each process record once, at its first event, so under fork churn
      // a parent that exits mid-batch can be linked or not depending on where batches begin.)
      const own = (batches: Uint8Array[]): Array<{ proc: Array<{ containerId: string; container: { name: string } | null }> }> =>
        (canonicalEvents(batches.map((b) => readBatch(b))) as Array<{ proc: Array<{ containerId: string; container: { name: string } | null }> }>)
          .filter((e) => e.proc[0]?.containerId === id)
          .map((e) => ({ ...e, proc: [e.proc[0]!] }));
      const live = own(raw);
      // Both sides of the metadata's arrival are in the capture.
      expect(live.some((e) => e.proc[0]!.container === null)).toBe(true);
      expect(live.some((e) => e.proc[0]!.container?.name === name)).toBe(true);
      // The addon's table no longer knows the container: the replay has only the file.
      for (const batchEvents of [4096, 7]) {
        const replayed = await replayAll(file, batchEvents);
        for (const b of replayed) validateBatch(b);
        expect(own(replayed)).toEqual(live);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90000);
});
