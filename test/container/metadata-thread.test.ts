// The metadata thread against a fake Docker engine: it preloads, looks up the ids a batch carried
// without a record, and follows destroy events, handing each answer to the capture addon's table
// (one per process, so this thread sees what the worker set). Needs the built addon, not root.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startContainerMetadataThread } from '../../host/container/metadata-thread.js';
import { encodeBatch } from '../../host/engine/batch-encoder.js';
import { loadCaptureAddon } from '../../native/capture.js';
import { addonAvailable } from '../native/support.js';

const LISTED = 'aaaa00000001'.padEnd(64, '1');
const SEEN = 'bbbb00000002'.padEnd(64, '2');

const root = mkdtempSync(join(tmpdir(), 'saker-mthread-'));
let server: Server;
let destroyListed: (() => void) | null = null;
const asked: string[] = [];

function handler(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '';
  asked.push(url);
  const send = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const inspect = (full: string, name: string): unknown => ({
    Id: full, Name: `/${name}`, Image: 'sha256:77', Config: { Image: 'shop/app:3', Labels: {} }, HostConfig: { Privileged: true }, Mounts: [],
  });
  if (url === '/containers/json?all=1') send(200, [{ Id: LISTED }]);
  else if (url === `/containers/${LISTED.slice(0, 12)}/json`) send(200, inspect(LISTED, 'listed'));
  else if (url === `/containers/${SEEN.slice(0, 12)}/json`) send(200, inspect(SEEN, 'seen'));
  else if (url === '/images/sha256%3A77/json') send(200, { RepoTags: ['shop/app:3'], RepoDigests: [] });
  else if (url.startsWith('/events?')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('\n');
    destroyListed = () => res.write(`${JSON.stringify({ Type: 'container', Action: 'destroy', Actor: { ID: LISTED } })}\n`);
  } else send(404, { message: 'No such container' });
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

describe.skipIf(!addonAvailable)('ContainerMetadataThread (fake Docker engine)', () => {
  beforeAll(async () => {
    mkdirSync(join(root, 'var/run'), { recursive: true });
    server = createServer(handler);
    await new Promise<void>((r) => server.listen(join(root, 'var/run/docker.sock'), r));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(root, { recursive: true, force: true });
  });

  test('preload, a batch id without a record, and a destroy all reach the addon table', async () => {
    const addon = loadCaptureAddon();
    const before = addon.containerInfoCount();
    const warnings: string[] = [];
    const { service, used, skipped } = startContainerMetadataThread({ root, warn: (m) => warnings.push(m) });
    try {
      expect(used.map((r) => r.kind)).toEqual(['docker']);
      expect(skipped).toEqual([]);
      service.watch();
      await service.preload();
      expect(addon.containerInfoCount()).toBe(before + 1);

      const host = { pid: 1, tid: 1, name: 'init', containerId: 'host' };
      const proc = { pid: 2, tid: 2, name: 'sh', containerId: SEEN.slice(0, 12), parent: host };
      service.observeBatch(encodeBatch([{ type: 'openat', proc, res: 3 }]));
      await service.settled();
      expect(addon.containerInfoCount()).toBe(before + 2);
      expect(asked.filter((u) => u === `/containers/${SEEN.slice(0, 12)}/json`)).toHaveLength(1);

      expect(await until(() => destroyListed !== null, 5000)).toBe(true);
      destroyListed!();
      expect(await until(() => addon.containerInfoCount() === before + 1, 5000)).toBe(true);
      expect(warnings).toEqual([]);
    } finally {
      service.close();
      addon.setContainerInfo(SEEN.slice(0, 12), null);
      addon.setContainerInfo(LISTED.slice(0, 12), null);
    }
  });
});
