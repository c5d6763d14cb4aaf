// A real Docker container under the real capture: events inside it carry container.id (12 hex, as
// Falco), and once the Docker API answered, a container record with name, image, repository, tag,
// privileged and the bind mount. The first batch that mentions the container has no record yet
// (the lookup starts from it), as Falco's fields are unavailable until its lookup completes.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { setupContainerMetadata } from '../../host/container/container-metadata.js';
import { readBatch, type DecodedBatch } from '../../host/engine/batch-reader.js';
import { validateBatch } from '../../host/engine/batch-validate.js';
import { eventTypeId } from '../../host/engine/event-types.js';
import { createCapture, loadCaptureAddon } from '../../native/capture.js';
import { dockerAvailable, TEST_IMAGE } from './support.js';

// Asynchronous on purpose: the batches (and the Docker event stream) must keep flowing meanwhile.
const run = promisify(execFile);
const docker = async (...args: string[]): Promise<string> => (await run('docker', args, { encoding: 'utf8', timeout: 60000 })).stdout.trim();

describe.skipIf(!dockerAvailable)('real container metadata', () => {
  test('cat /etc/shadow and a shell inside a container: id, name, image, privileged=false, mounts', async () => {
    const addon = loadCaptureAddon();
    const warnings: string[] = [];
    const { service, used } = setupContainerMetadata(addon, { warn: (m) => warnings.push(m) });
    expect(used.map((r) => r.kind)).toContain('docker');
    const name = `saker-ct-${process.pid}`;
    const raw: Uint8Array[] = [];
    const cap = createCapture({ eventTypes: [eventTypeId('openat'), eventTypeId('execve')], flushMs: 10 });
    cap.start((b) => {
      service.observeBatch(b);
      raw.push(b);
    });
    let fullId = '';
    try {
      // The loop keeps the container producing events, so some batch mentions it whatever the timing.
      fullId = await docker('run', '-d', '--rm', '--network', 'none', '--name', name, '-v', '/etc:/host/etc:ro', TEST_IMAGE,
        'sh', '-c', 'for i in $(seq 1 150); do cat /etc/hostname > /dev/null; sleep 0.2; done');
      expect(fullId).toMatch(/^[0-9a-f]{64}$/);
      const id = fullId.slice(0, 12);
      // The container's first events reach a batch, which starts the lookup; wait for its answer.
      const deadline = Date.now() + 15000;
      while (service.get(id) === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(service.get(id)?.name).toBe(name);
      await docker('exec', name, 'sh', '-c', 'cat /etc/shadow > /dev/null; sh -c "cat /host/etc/hostname" > /dev/null');
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await cap.stop();
      if (fullId !== '') spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
      addon.setContainerInfo(fullId.slice(0, 12), null);
    }
    const id = fullId.slice(0, 12);
    const batches: DecodedBatch[] = raw.map((b) => {
      validateBatch(b);
      return readBatch(b);
    });

    // Before the metadata: the process carries the id, but no container record.
    const first = batches.find((b) => b.processes.some((p) => p.containerId === id));
    expect(first).toBeDefined();
    const early = first!.processes.filter((p) => p.containerId === id);
    expect(early.every((p) => p.container === null)).toBe(true);

    const shadow = batches.flatMap((b) => b.events
      .filter((e) => e.type === 'openat' && e.fd?.name === '/etc/shadow' && e.proc !== null)
      .map((e) => ({ b, p: b.processes[e.proc!]! }))
      .filter(({ p }) => p.containerId === id));
    expect(shadow.length).toBeGreaterThan(0);
    const { b, p } = shadow[0]!;
    expect(p.name).toBe('cat');
    // The file the kernel runs, named from the container's own root: busybox, not the host's cat.
    expect(p.exepath).toBe('/bin/busybox');
    // Its exec (busybox's shell runs applets through /proc/self/exe, so the exec is named `exe`):
    // the image's file (overlayfs lower layer), writable for root (EXE_WRITABLE|EXE_LOWER_LAYER).
    const exec = batches.flatMap((bb) => bb.events.filter((e) => e.type === 'execve' && e.proc !== null && bb.processes[e.proc]!.pid === p.pid));
    expect(exec.map((e) => e.args.flags)).toContain(9n);
    expect(p.containerId).toMatch(/^[0-9a-f]{12}$/);
    expect(p.container).not.toBeNull();
    const c = b.containers[p.container!]!;
    expect(c.id).toBe(id);
    expect(c.name).toBe(name);
    expect(c.image).toBe(TEST_IMAGE);
    expect(c.imageRepository).toBe('saker-test/busybox');
    expect(c.imageTag).toBe('1');
    expect(c.type).toBe('docker');
    expect(c.privileged).toBe(false);
    expect(c.k8sPodName).toBeNull();
    expect(c.k8sNsName).toBeNull();
    expect(c.mounts).toContainEqual({ source: '/etc', dest: '/host/etc', mode: 'ro', rw: false, propagation: 'rprivate' });

    // The nested shell's cat of the bind-mounted file: same container record.
    const hostname = batches.flatMap((bb) => bb.events
      .filter((e) => e.type === 'openat' && e.fd?.name === '/host/etc/hostname' && e.proc !== null)
      .map((e) => bb.processes[e.proc!]!));
    expect(hostname.length).toBeGreaterThan(0);
    expect(hostname[0]!.containerId).toBe(id);
    expect(hostname[0]!.container).not.toBeNull();
    expect(warnings).toEqual([]);

    // Host processes carry Falco's host record: name and type "host", empty image, not privileged.
    const hostProc = b.processes.find((q) => q.containerId === 'host');
    expect(hostProc).toBeDefined();
    expect(hostProc!.container).not.toBeNull();
    expect(b.containers[hostProc!.container!]).toEqual({
      id: 'host', name: 'host', image: '', imageRepository: '', imageTag: '', imageDigest: '', type: 'host',
      k8sNsName: null, k8sPodName: null, privileged: false, startTs: null, mounts: [],
    });
  }, 90000);

  test('docker run --rm with the events followed: metadata before the first action, forgotten after removal', async () => {
    const addon = loadCaptureAddon();
    const { service } = setupContainerMetadata(addon, { warn: () => {} });
    service.watch();
    const name = `saker-ct2-${process.pid}`;
    const raw: Uint8Array[] = [];
    const cap = createCapture({ eventTypes: [eventTypeId('openat')], flushMs: 10 });
    cap.start((b) => {
      service.observeBatch(b);
      raw.push(b);
    });
    try {
      // The create event starts the lookup; the container waits a moment before acting.
      await docker('run', '--rm', '--network', 'none', '--name', name, TEST_IMAGE, 'sh', '-c', 'sleep 2; cat /etc/shadow > /dev/null');
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await cap.stop();
    }
    const hits = raw.map((b) => readBatch(b)).flatMap((b) => b.events
      .filter((e) => e.type === 'openat' && e.fd?.name === '/etc/shadow' && e.proc !== null)
      .map((e) => ({ b, p: b.processes[e.proc!]! }))
      .filter(({ p }) => p.containerId !== 'host' && p.name === 'cat'));
    expect(hits.length).toBe(1);
    const { b, p } = hits[0]!;
    expect(p.container).not.toBeNull();
    const c = b.containers[p.container!]!;
    expect(c.name).toBe(name);
    expect(c.imageRepository).toBe('saker-test/busybox');
    expect(c.privileged).toBe(false);
    expect(c.mounts).toEqual([]);
    // --rm removes the container: the destroy event drops its metadata here and in the addon.
    const deadline = Date.now() + 10000;
    while (service.get(p.containerId!) !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    service.close();
    expect(service.get(p.containerId!)).toBeUndefined();
  }, 90000);
});
