// http_output against real listeners on 127.0.0.1: plain HTTP, HTTPS with a self-signed
// certificate made by the openssl CLI, and mutual TLS.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpChannel, unquoteUrl, type HttpChannelOptions } from '../../outputs/channels/index.js';
import { AlertFormatter } from '../../outputs/format/index.js';
import { OutputPipeline, type LogLevel } from '../../outputs/pipeline/index.js';
import { makeAlert, tempDir, waitFor } from './support.js';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Answer = (r: Received, n: number) => number;

const servers: (http.Server | https.Server)[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function listen(server: http.Server | https.Server, answer: Answer): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      got.push(r);
      res.statusCode = answer(r, got.length);
      res.end('ok\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const port = (server.address() as AddressInfo).port;
  return { url: `${server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${port}/alerts`, got };
}

const json = new AlertFormatter({ jsonOutput: true });
const text = new AlertFormatter({ utcOffsetSeconds: () => 0 });

function channel(url: string, extra: Partial<HttpChannelOptions> = {}): HttpChannel {
  return new HttpChannel({ url, jsonOutput: true, format: (a) => json.format(a), ...extra });
}

describe('http_output over HTTP', () => {
  it('POSTs the JSON alert with the content type and user agent falcosidekick expects', async () => {
    const srv = await listen(http.createServer(), () => 200);
    const ch = channel(srv.url);
    await ch.start();
    const a = makeAlert(1, 'Critical', { tags: ['b', 'a'] });
    await ch.deliver([a]);
    await ch.stop();
    expect(srv.got).toHaveLength(1);
    const r = srv.got[0]!;
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/alerts');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['user-agent']).toBe('falcosecurity/falco');
    expect(r.body).toBe(json.format(a));
    // what falcosidekick's types.FalcoPayload decodes
    const payload = JSON.parse(r.body) as Record<string, unknown>;
    expect(payload).toMatchObject({
      hostname: 'host-a',
      priority: 'Critical',
      rule: 'Test rule',
      source: 'syscall',
      tags: ['a', 'b'],
      time: '2023-11-14T22:13:20.123456790Z',
      output_fields: { 'proc.pid': 1, 'evt.time': 1700000000123456790 },
    });
  });

  it('sends text/plain without json_output, a custom user agent, TE: gzip for compress_uploads, and unquotes the URL', async () => {
    const srv = await listen(http.createServer(), () => 200);
    const ch = new HttpChannel({
      url: `"${srv.url}"`,
      jsonOutput: false,
      format: (a) => text.format(a),
      userAgent: 'saker-test/1',
      compressUploads: true,
      keepAlive: true,
    });
    await ch.start();
    await ch.deliver([makeAlert(2)]);
    await ch.stop();
    const r = srv.got[0]!;
    expect(r.headers['content-type']).toBe('text/plain');
    expect(r.headers['user-agent']).toBe('saker-test/1');
    expect(r.headers.te).toBe('gzip');
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.body).toBe('22:13:20.123456791: Warning alert number 2');
    expect(unquoteUrl("'http://x/a\\\"b'")).toBe('http://x/a"b');
  });

  it('retries 5xx and 429, drops other 4xx as permanent (logged once with the reason)', async () => {
    const srv = await listen(http.createServer(), (r, n) => {
      const pid = (JSON.parse(r.body) as { output_fields: { 'proc.pid': number } }).output_fields['proc.pid'];
      if (pid >= 10) return 400;
      return n <= 3 ? [503, 429, 500][n - 1]! : 200;
    });
    const logs: string[] = [];
    const p = new OutputPipeline([{ channel: channel(srv.url), settings: { backoff: { initialMs: 5, maxMs: 20 } } }], {
      log: (_l: LogLevel, m: string) => void logs.push(m),
    });
    await p.start();
    p.publish(makeAlert(1));
    p.publish(makeAlert(2));
    p.publish(makeAlert(10));
    p.publish(makeAlert(11));
    await waitFor(() => {
      const c = p.counters()[0]!;
      return c.delivered + c.dropped.permanent_failure === 4;
    });
    expect(p.counters()[0]).toMatchObject({ delivered: 2, retries: 3, dropped: { permanent_failure: 2 } });
    const bodies = srv.got.map((g) => (JSON.parse(g.body) as { output_fields: { 'proc.pid': number } }).output_fields['proc.pid']);
    expect(bodies).toEqual([1, 1, 1, 1, 2, 10, 11]);
    expect(logs.filter((m) => m.includes('permanent'))).toEqual([
      `http output: permanent failure, alerts dropped: http: ${srv.url} answered 400 Bad Request`,
    ]);
    await p.drain(1000);
  });

  it('a refused connection is a transient failure', async () => {
    const srv = await listen(http.createServer(), () => 200);
    const url = srv.url;
    const s = servers.pop()!;
    await new Promise((r) => s.close(r));
    const ch = channel(url);
    await ch.start();
    await expect(ch.deliver([makeAlert(1)])).rejects.toMatchObject({ name: 'DeliveryError', permanent: false });
    await ch.stop();
  });
});

const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
if (!hasOpenssl) console.log('http_output TLS tests skipped: the openssl CLI is not available to make certificates');

describe.skipIf(!hasOpenssl)('http_output over HTTPS', () => {
  const dir = tempDir('saker-tls-');
  const f = (n: string): string => join(dir, n);
  beforeAll(() => {
    const make = (name: string, cn: string): void => {
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', f(`${name}.key`), '-out', f(`${name}.crt`), '-days', '1', '-subj', `/CN=${cn}`,
        '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ], { stdio: 'ignore' });
    };
    make('server', 'localhost');
    make('client', 'saker-client');
    mkdirSync(f('capath'));
    copyFileSync(f('server.crt'), f('capath/server.pem'));
  });
  const serverTls = (): https.ServerOptions => ({ key: readFileSync(f('server.key')), cert: readFileSync(f('server.crt')) });

  it('verifies the server against ca_cert, ca_bundle or ca_path, and refuses an unknown one unless insecure', async () => {
    const srv = await listen(https.createServer(serverTls()), () => 200);
    for (const opts of [{ caCert: f('server.crt') }, { caBundle: f('server.crt') }, { caPath: f('capath') }, { insecure: true }]) {
      const ch = channel(srv.url, opts);
      await ch.start();
      await ch.deliver([makeAlert(1)]);
      await ch.stop();
    }
    expect(srv.got).toHaveLength(4);
    const strict = channel(srv.url, { caPath: join(dir, 'no-such-dir') });
    await strict.start();
    await expect(strict.deliver([makeAlert(1)])).rejects.toMatchObject({ name: 'DeliveryError', permanent: false });
    await strict.stop();
    expect(srv.got).toHaveLength(4);
  });

  it('presents the client certificate with mtls', async () => {
    const srv = await listen(
      https.createServer({ ...serverTls(), requestCert: true, rejectUnauthorized: true, ca: readFileSync(f('client.crt')) }),
      () => 200,
    );
    const withCert = channel(srv.url, { caCert: f('server.crt'), mtls: true, clientCert: f('client.crt'), clientKey: f('client.key') });
    await withCert.start();
    await withCert.deliver([makeAlert(1)]);
    await withCert.stop();
    expect(srv.got).toHaveLength(1);
    const without = channel(srv.url, { caCert: f('server.crt') });
    await without.start();
    await expect(without.deliver([makeAlert(2)])).rejects.toMatchObject({ name: 'DeliveryError' });
    await without.stop();
    expect(srv.got).toHaveLength(1);
  });
});
