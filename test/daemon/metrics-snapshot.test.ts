// metrics.enabled: Falco's `Falco internal: metrics snapshot` alert and metrics.output_file lines.
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../host/cli/main.js';
import { readConfig } from '../../host/config/keys.js';
import { parseConfigYaml } from '../../host/config/tree.js';
import { MetricsSnapshotter, sanitizeRuleName } from '../../host/daemon/metrics-snapshot.js';
import { ZERO_STATS } from '../../host/daemon/event-drops.js';
import { AlertFormatter } from '../../outputs/index.js';
import type { Alert } from '../../outputs/alert.js';

const S = 1_000_000_000n;
const T0 = 1_700_000_000n * S;

describe('metrics snapshot', () => {
  const metrics = readConfig(parseConfigYaml('metrics: {enabled: true, interval: 1s}'), 'f').metrics;
  let events = 0;
  const snap = new MetricsSnapshotter(metrics, {
    falcoVersion: '0.1.0',
    hostname: 'box',
    engineName: 'modern_ebpf',
    startTimeNs: T0,
    bootTimeNs: T0 - 100n * S,
    reloadTimeNs: () => T0,
    numEvents: () => events,
    outputsQueueDrops: () => 0,
    rulesFilesSha256: () => [{ path: '/etc/falco/falco_rules.yaml', sha256: 'abc' }],
    configFilesSha256: () => [{ path: '/etc/falco/falco.yaml', sha256: 'def' }],
    ruleMatches: () => [
      { rule: 'Read sensitive file untrusted', count: 3 },
      { rule: 'Never fired', count: 0 },
    ],
    capture: () => ({ ...ZERO_STATS, n_evts: events + 10, n_drops: 10, n_drops_buffer: 10 }),
  });

  it("uses Falco's field names and skips empty values", () => {
    events = 100;
    const f = snap.fields(T0 + 60n * S);
    expect(f['evt.time']).toBe(T0 + 60n * S);
    expect(f['falco.duration_sec']).toBe(60);
    expect(f['falco.version']).toBe('0.1.0');
    expect(f['evt.hostname']).toBe('box');
    expect(f['evt.source']).toBe('syscall');
    expect(f['scap.engine_name']).toBe('modern_ebpf');
    expect(f['falco.sha256_rules_file.falco_rules_yaml']).toBe('abc');
    expect(f['falco.sha256_config_file.falco_yaml']).toBe('def');
    expect(f['falco.rules.matches_total']).toBe(3);
    expect(f['falco.rules.Read_sensitive_file_untrusted']).toBe(3);
    expect('falco.rules.Never_fired' in f).toBe(false);
    expect(f['falco.num_evts']).toBe(100);
    expect(f['falco.num_evts_prev']).toBe(0);
    expect(f['scap.n_evts']).toBe(110);
    expect(f['scap.n_drops']).toBe(10);
    expect(f['scap.n_drops_perc']).toBeCloseTo((100 * 10) / 110);
    events = 300;
    const g = snap.fields(T0 + 62n * S);
    expect(g['falco.evts_rate_sec']).toBe(100);
    expect(g['falco.num_evts_prev']).toBe(100);
    expect(g['scap.n_evts_prev']).toBe(110);
    expect(g['scap.evts_rate_sec']).toBe(100);
  });

  it('is an Informational internal alert', () => {
    const alerts: Alert[] = [];
    snap.emit(T0 + 70n * S, (a) => void alerts.push(a));
    expect(alerts[0]!.rule).toBe('Falco internal: metrics snapshot');
    expect(alerts[0]!.priority).toBe('Informational');
    expect(alerts[0]!.output).toBe('Falco metrics snapshot');
    const json = JSON.parse(new AlertFormatter({ jsonOutput: true }).format(alerts[0]!)) as Record<string, unknown>;
    expect(json).toMatchObject({ rule: 'Falco internal: metrics snapshot', priority: 'Informational', source: 'internal', output: 'Falco metrics snapshot' });
  });

  it('sanitizes names like Falco', () => {
    expect(sanitizeRuleName('falco_rules.local.yaml')).toBe('falco_rules_local_yaml');
    expect(sanitizeRuleName('Write below /etc -- x')).toBe('Write_below_etc_x');
  });
});

describe('the daemon with metrics enabled', () => {
  it('emits snapshots every metrics.interval on the outputs and in metrics.output_file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-metrics-'));
    const events = join(dir, 'events.txt');
    const metricsFile = join(dir, 'metrics.jsonl');
    const cfg = join(dir, 'c.yaml');
    writeFileSync(
      cfg,
      `rules_files: [${resolve(__dirname, '..', 'cli', 'fixtures', 'good_rules.yaml')}]
engine: {kind: nodriver}
stdout_output: {enabled: false}
syslog_output: {enabled: false}
file_output: {enabled: true, filename: ${events}}
metrics: {enabled: true, interval: 200ms, output_rule: true, output_file: ${metricsFile}}
`,
    );
    const signals = new EventEmitter();
    const done = main(['-c', cfg, '-U'], { stdout: () => undefined, stderr: () => undefined, defaultConfigPath: '/nonexistent', env: {}, signals });
    const end = Date.now() + 10_000;
    while ((!existsSync(metricsFile) || readFileSync(metricsFile, 'utf8').split('\n').length < 3) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
    const lines = readFileSync(metricsFile, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const first = JSON.parse(lines[0]!) as { sample: number; output_fields: Record<string, unknown> };
    expect(first.sample).toBe(1);
    expect(first.output_fields['scap.engine_name']).toBe('nodriver');
    expect(first.output_fields['evt.source']).toBe('syscall');
    expect(readFileSync(events, 'utf8')).toMatch(/^\d\d:\d\d:\d\d\.\d{9}: Informational Falco metrics snapshot \(evt\.hostname=/m);
  }, 30_000);
});
