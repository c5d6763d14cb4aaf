// The embedded webserver on 127.0.0.1 with an ephemeral port: Falco's /healthz body, /versions
// JSON, Prometheus /metrics with Falco's names and Saker's output counters, webserver.* keys.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { versionsInfo, versionsJson } from '../../host/cli/version-info.js';
import { dumpJson } from '../../host/cli/json.js';
import type { WebserverConfig } from '../../host/config/keys.js';
import { prometheusText, sanitizeMetricName, type MetricsSource } from '../../host/webserver/prometheus.js';
import { HEALTHZ_BODY, Webserver } from '../../host/webserver/server.js';
import type { ChannelCounters } from '../../outputs/index.js';

const BASE: WebserverConfig = {
  enabled: true,
  listenAddress: '127.0.0.1',
  listenPort: 0,
  healthzEndpoint: '/healthz',
  prometheusMetricsEnabled: true,
  sslEnabled: false,
  sslCertificate: '',
};

const counters: ChannelCounters = {
  channel: 'file_output',
  delivered: 7,
  dropped: { queue_full: 1, rate_limited: 0, permanent_failure: 0, shutdown: 0 },
  filtered: 0,
  retries: 2,
  queued: 0,
  inFlight: 0,
};

const source: MetricsSource = {
  falcoVersion: '0.1.0',
  engineName: 'nodriver',
  hostname: 'box',
  startTimeNs: 1_000_000_000n,
  bootTimeNs: 500_000_000n,
  eventSources: ['syscall'],
  rulesFilesSha256: [{ path: '/etc/saker/falco_rules.yaml', sha256: 'abc' }],
  configFilesSha256: [{ path: '/etc/saker/saker.yaml', sha256: 'def' }],
  rulesCountersEnabled: true,
  resourceUtilizationEnabled: true,
  outputsQueueDrops: () => 3,
  ruleMatches: () => [
    { rule: 'Read sensitive file untrusted', priority: 4, source: 'syscall', tags: ['filesystem', 'T1555'], count: 5 },
    { rule: 'Terminal shell in container', priority: 5, source: 'syscall', tags: ['shell'], count: 2 },
  ],
  capture: () => ({ events: 1000, drops: 4, dropsBuffer: 4 }),
  outputCounters: () => [counters],
};

let servers: Webserver[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

async function started(config: Partial<WebserverConfig> = {}): Promise<Webserver> {
  const ws = new Webserver({ ...BASE, ...config }, {
    versionsJson: () => dumpJson(versionsJson(versionsInfo())),
    metricsText: () => prometheusText(source, () => 11_000_000_000n),
  });
  await ws.start();
  servers.push(ws);
  return ws;
}

describe('webserver', () => {
  it('answers /healthz with Falco body and JSON type', async () => {
    const ws = await started();
    const r = await fetch(`http://127.0.0.1:${ws.port}/healthz`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(await r.text()).toBe('{"status": "ok"}');
    expect(HEALTHZ_BODY).toBe('{"status": "ok"}');
  });

  it('honors k8s_healthz_endpoint', async () => {
    const ws = await started({ healthzEndpoint: '/live' });
    expect((await fetch(`http://127.0.0.1:${ws.port}/live`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ws.port}/healthz`)).status).toBe(404);
  });

  it("answers /versions with Falco's version JSON keys and Saker's values", async () => {
    const ws = await started();
    const body = (await (await fetch(`http://127.0.0.1:${ws.port}/versions`)).json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'default_driver_version',
      'driver_api_version',
      'driver_schema_version',
      'engine_version',
      'engine_version_semver',
      'falco_version',
      'libs_version',
      'plugin_api_version',
      'plugin_versions',
    ]);
    expect(body.engine_version_semver).toBe(versionsInfo().engineVersion);
  });

  it('serves Prometheus text with Falco metric names and the output counters', async () => {
    const ws = await started();
    const r = await fetch(`http://127.0.0.1:${ws.port}/metrics`);
    expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    const text = await r.text();
    expect(text).toContain('# HELP falcosecurity_falco_version_info https://falco.org/docs/metrics/\n# TYPE falcosecurity_falco_version_info gauge\nfalcosecurity_falco_version_info{version="0.1.0"} 1\n');
    expect(text).toContain('falcosecurity_scap_engine_name_info{engine_name="nodriver"} 1\n');
    expect(text).toContain('falcosecurity_falco_outputs_queue_num_drops_total 3\n');
    expect(text).toContain('falcosecurity_falco_duration_seconds_total 10\n');
    expect(text).toContain('falcosecurity_falco_rules_matches_total 7\n');
    expect(text).toContain(
      'falcosecurity_falco_rules_matches_total{priority="4",rule_name="Read sensitive file untrusted",source="syscall",tags="T1555, filesystem"} 5\n',
    );
    expect(text).toContain('falcosecurity_falco_sha256_rules_files_info{file_name="falco_rules.yaml",sha256="abc"} 1\n');
    expect(text).toContain('falcosecurity_scap_n_drops_total 4\n');
    expect(text).toMatch(/falcosecurity_falco_memory_rss_bytes \d+\n/);
    expect(text).toContain('saker_output_delivered_total{channel="file"} 7\n');
    // Every sample line is `name{labels} value` or `name value`.
    for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? [-0-9.e+]+$/);
  });

  it('does not serve /metrics unless prometheus_metrics_enabled', async () => {
    const ws = await started({ prometheusMetricsEnabled: false });
    expect((await fetch(`http://127.0.0.1:${ws.port}/metrics`)).status).toBe(404);
  });

  it('refuses other methods', async () => {
    const ws = await started();
    expect((await fetch(`http://127.0.0.1:${ws.port}/healthz`, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('fails to start on a taken port with the webserver named', async () => {
    const a = await started();
    await expect(started({ listenPort: a.port })).rejects.toThrow(/^Could not create embedded webserver: /);
  });

  it('serves HTTPS with one PEM holding key and certificate (ssl_enabled)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-ws-'));
    const key = join(dir, 'k.pem');
    const crt = join(dir, 'c.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', '/CN=127.0.0.1'], {
      stdio: 'ignore',
    });
    const pem = join(dir, 'falco.pem');
    writeFileSync(pem, readFileSync(key, 'utf8') + readFileSync(crt, 'utf8'));
    const ws = await started({ sslEnabled: true, sslCertificate: pem });
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: ws.port, path: '/healthz', rejectUnauthorized: false }, (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c.toString()));
        res.on('end', () => resolve(b));
      });
      req.on('error', reject);
      req.end();
    });
    expect(body).toBe('{"status": "ok"}');
    await expect(started({ sslEnabled: true, sslCertificate: join(dir, 'missing.pem') })).rejects.toThrow('cannot read ssl_certificate');
  });

  it('sanitizes metric names like libs', () => {
    expect(sanitizeMetricName('falco_rules.local-1')).toBe('falco_rules_local_1');
  });
});
