// The Docker Engine API client against a fake engine on a unix socket, and runtime detection.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DockerApiSource, eventsPath } from '../../host/container/docker-source.js';
import { setupContainerMetadata } from '../../host/container/container-metadata.js';
import { detectRuntimeSockets } from '../../host/container/runtimes.js';
import { getJsonOverUnixSocket } from '../../host/container/unix-http.js';
import type { ContainerInfoInput } from '../../native/container-info.js';

const FULL_ID = 'f00dfacecafe0123456789abcdef0123456789abcdef0123456789abcdef0123';

const dir = mkdtempSync(join(tmpdir(), 'saker-container-'));
const requests: string[] = [];
/** The `since` of each /events request, in order. */
const eventsSince: string[] = [];
let server: Server;
const socket = join(dir, 'docker.sock');

function handler(req: IncomingMessage, res: ServerResponse): void {
  requests.push(req.url ?? '');
  const send = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/containers/f00dfacecafe/json') {
    send(200, {
      Id: FULL_ID, Name: '/web', Image: 'sha256:1234', Config: { Image: 'shop/web:2', Labels: {} }, HostConfig: { Privileged: false },
      Mounts: [{ Source: '/etc', Destination: '/host/etc', Mode: 'ro', RW: false, Propagation: 'rprivate' }],
    });
  } else if (req.url === '/images/sha256%3A1234/json') {
    send(200, { RepoTags: ['shop/web:2'], RepoDigests: ['shop/web@sha256:beef'] });
  } else if (req.url === '/containers/json?all=1') {
    send(200, [{ Id: FULL_ID }]);
  } else if (req.url === '/containers/000000000bad/json') {
    send(500, { message: 'boom' });
  } else if (req.url === '/garbage') {
    res.end('not json');
  } else if (req.url?.startsWith('/events?')) {
    const query = new URLSearchParams(req.url.slice('/events?'.length));
    expect(JSON.parse(query.get('filters') ?? 'null')).toEqual({ type: ['container'], event: ['create', 'start', 'destroy'] });
    eventsSince.push(query.get('since') ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(`${JSON.stringify({ Type: 'container', Action: 'start', Actor: { ID: FULL_ID }, time: 4102444800, timeNano: 4102444800123456789 })}\n`);
    res.write('not json\n');
    res.write(`${JSON.stringify({ Type: 'network', Action: 'connect', Actor: { ID: 'n1' } })}\n{"Type":"container","Act`);
    setTimeout(() => res.end(`ion":"destroy","id":"${FULL_ID}"}\n`), 20);
  } else if (req.url === '/slow') {
    setTimeout(() => send(200, {}), 500);
  } else {
    send(404, { message: 'No such container' });
  }
}

beforeAll(async () => {
  server = createServer(handler);
  await new Promise<void>((r) => server.listen(socket, r));
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('Docker Engine API client (fake engine on a unix socket)', () => {
  test('fetch: container inspect plus image inspect → metadata', async () => {
    const m = await new DockerApiSource(socket).fetch('f00dfacecafe');
    expect(m).not.toBeNull();
    expect(m!.id).toBe('f00dfacecafe');
    expect(m!.name).toBe('web');
    expect(m!.imageRepository).toBe('shop/web');
    expect(m!.imageTag).toBe('2');
    expect(m!.imageDigest).toBe('sha256:beef');
    expect(m!.imageId).toBe('1234');
    expect(m!.mounts[0]).toEqual({ source: '/etc', dest: '/host/etc', mode: 'ro', rw: false, propagation: 'rprivate' });
  });

  test('an unknown container is null; an HTTP error rejects with the status', async () => {
    const src = new DockerApiSource(socket);
    expect(await src.fetch('aaaaaaaaaaaa')).toBeNull();
    await expect(src.fetch('000000000bad')).rejects.toThrow(/HTTP 500/);
  });

  test('list: the ids of every container', async () => {
    expect(await new DockerApiSource(socket).list()).toEqual([FULL_ID]);
  });

  test('watch: container life-cycle events from /events, split lines joined, others skipped; reconnects when the stream ends', async () => {
    const events: string[] = [];
    const stop = new DockerApiSource(socket).watch((e) => events.push(`${e.action} ${e.id.slice(0, 12)}`), () => {}, 30);
    const deadline = Date.now() + 3000;
    while (events.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    stop();
    expect(events.slice(0, 4)).toEqual(['start f00dfacecafe', 'destroy f00dfacecafe', 'start f00dfacecafe', 'destroy f00dfacecafe']);
  });

  test('watch asks for the events since it was called, and after a reconnect since the last event received (1 ms earlier)', async () => {
    eventsSince.length = 0;
    const before = Date.now();
    const stop = new DockerApiSource(socket).watch(() => {}, () => {}, 30);
    const deadline = Date.now() + 3000;
    while (eventsSince.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    stop();
    expect(eventsSince[0]).toMatch(/^\d+\.\d{9}$/);
    const firstMs = Number(eventsSince[0]!.split('.')[0]) * 1000 + Math.trunc(Number(eventsSince[0]!.split('.')[1]) / 1e6);
    expect(firstMs).toBeGreaterThanOrEqual(before);
    expect(firstMs).toBeLessThanOrEqual(Date.now());
    // The stream's event at 4102444800.123456789 (its timeNano as a JSON number): one ms earlier.
    expect(eventsSince[1]).toBe('4102444800.122000000');
  });

  test('eventsPath writes since as seconds and nine digits of nanoseconds', () => {
    expect(eventsPath(1_700_000_000_000_000_005n)).toMatch(/&since=1700000000\.000000005$/);
    expect(eventsPath(42n * 1_000_000_000n)).toMatch(/^\/events\?filters=[^&]+&since=42\.000000000$/);
  });

  test('watch on a missing socket reports the error and keeps trying until stopped', async () => {
    const errors: string[] = [];
    const stop = new DockerApiSource(join(dir, 'gone.sock')).watch(() => {}, (e) => errors.push(e.message), 20);
    await new Promise((r) => setTimeout(r, 150));
    stop();
    const seen = errors.length;
    expect(seen).toBeGreaterThan(1);
    expect(errors[0]).toMatch(/ENOENT/);
    await new Promise((r) => setTimeout(r, 100));
    expect(errors.length).toBe(seen);
  });

  test('a missing socket, a non-JSON answer and a slow engine reject', async () => {
    await expect(getJsonOverUnixSocket(join(dir, 'nothing.sock'), '/x', 200)).rejects.toThrow(/ENOENT/);
    await expect(getJsonOverUnixSocket(socket, '/garbage', 200)).rejects.toThrow(/not JSON/);
    await expect(getJsonOverUnixSocket(socket, '/slow', 50)).rejects.toThrow(/no answer within 50 ms/);
  });
});

describe('runtime detection', () => {
  const root = mkdtempSync(join(tmpdir(), 'saker-runtimes-'));
  const listeners: NetServer[] = [];
  const listenAt = async (path: string): Promise<void> => {
    mkdirSync(join(path, '..'), { recursive: true });
    const s = createNetServer();
    listeners.push(s);
    await new Promise<void>((r) => s.listen(path, r));
  };
  afterAll(async () => {
    for (const s of listeners) await new Promise<void>((r) => s.close(() => r()));
    rmSync(root, { recursive: true, force: true });
  });

  test('nothing there: no runtime', () => {
    expect(detectRuntimeSockets(join(root, 'empty'))).toEqual([]);
  });

  test('docker is used; containerd and CRI-O are found and skipped; a plain file is not a socket', async () => {
    await listenAt(join(root, 'var/run/docker.sock'));
    await listenAt(join(root, 'run/containerd/containerd.sock'));
    await listenAt(join(root, 'run/crio/crio.sock'));
    mkdirSync(join(root, 'run/podman/podman.sock'), { recursive: true }); // a directory, not a socket
    const found = detectRuntimeSockets(root);
    expect(found.map((r) => [r.kind, r.supported])).toEqual([['docker', true], ['containerd', false], ['cri-o', false]]);
    const fed: Array<[string, ContainerInfoInput | null]> = [];
    const setup = setupContainerMetadata({ setContainerInfo: (id, info) => fed.push([id, info]) }, { root, warn: () => {} });
    expect(setup.used.map((r) => r.kind)).toEqual(['docker']);
    expect(setup.skipped.map((r) => r.kind)).toEqual(['containerd', 'cri-o']);
  });

  test('setupContainerMetadata feeds the sink with the addon input once metadata arrives', async () => {
    mkdirSync(join(root, 'fake/var/run'), { recursive: true });
    const fakeRoot = join(root, 'fake');
    const s = createServer(handler);
    await new Promise<void>((r) => s.listen(join(fakeRoot, 'var/run/docker.sock'), r));
    try {
      const fed: Array<[string, ContainerInfoInput | null]> = [];
      const { service } = setupContainerMetadata({ setContainerInfo: (id, info) => fed.push([id, info]) }, { root: fakeRoot });
      await service.preload();
      expect(fed.length).toBe(1);
      expect(fed[0]![0]).toBe('f00dfacecafe');
      expect(fed[0]![1]).toMatchObject({ name: 'web', image: 'shop/web:2', imageRepository: 'shop/web', imageTag: '2', type: 'docker', privileged: false });
      expect(fed[0]![1]!.mounts).toEqual([{ source: '/etc', dest: '/host/etc', mode: 'ro', rw: false, propagation: 'rprivate' }]);
    } finally {
      await new Promise<void>((r) => s.close(() => r()));
    }
  });
});
