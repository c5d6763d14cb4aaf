// Falco's /metrics text: libs' Prometheus converter conventions (`falcosecurity_<subsystem>_<name>`,
// `# HELP <name> https://falco.org/docs/metrics/`, info metrics as gauges of value 1 with labels)
// for the metrics that have a meaning in Saker, then Saker's own output-channel counters.
import { cpus, release } from 'node:os';
import { basename } from 'node:path';
import { outputMetricsText, type ChannelCounters } from '../../outputs/index.js';

const HELP_URL = 'https://falco.org/docs/metrics/';

/** Falco's numeric priority of a rule (`emergency` = 0 … `debug` = 7), its label value. */
export interface RuleMatchCount {
  rule: string;
  priority: number;
  source: string;
  tags: readonly string[];
  count: number;
}

export interface CaptureCounters {
  events: number;
  drops: number;
  dropsBuffer: number;
}

/** What the running daemon reports; every member is read when /metrics is asked. */
export interface MetricsSource {
  falcoVersion: string;
  /** `modern_ebpf`, `nodriver`, `replay` … as libs names the engine. */
  engineName: string;
  hostname: string;
  startTimeNs: bigint;
  bootTimeNs: bigint;
  eventSources: readonly string[];
  /** Loaded rules and config files with their SHA-256, as Falco reports them. */
  rulesFilesSha256: readonly { path: string; sha256: string }[];
  configFilesSha256: readonly { path: string; sha256: string }[];
  rulesCountersEnabled: boolean;
  resourceUtilizationEnabled: boolean;
  outputsQueueDrops(): number;
  ruleMatches(): RuleMatchCount[];
  capture(): CaptureCounters | undefined;
  outputCounters(): ChannelCounters[];
}

const labelValue = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string>): string =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${labelValue(v)}"`)
    .join(',')}}`;

/** libs' sanitize_metric_name: anything but [a-zA-Z0-9_:] becomes `_`. */
export function sanitizeMetricName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_');
}

function family(name: string, type: 'gauge' | 'counter', samples: [Record<string, string> | null, number | bigint][]): string {
  let out = `# HELP ${name} ${HELP_URL}\n# TYPE ${name} ${type}\n`;
  for (const [l, v] of samples) out += `${name}${l ? labels(l) : ''} ${v}\n`;
  return out;
}

const info = (name: string, l: Record<string, string>): string => family(name, 'gauge', [[l, 1]]);

export function prometheusText(src: MetricsSource, now: () => bigint = () => BigInt(Date.now()) * 1_000_000n): string {
  let out = '';
  out += info('falcosecurity_scap_engine_name_info', { engine_name: src.engineName });
  out += info('falcosecurity_falco_version_info', { version: src.falcoVersion });
  out += info('falcosecurity_falco_kernel_release_info', { kernel_release: release() });
  out += info('falcosecurity_evt_hostname_info', { hostname: src.hostname });
  // Falco labels the files with their full names (`falco_rules.yaml`).
  const stem = (p: string): string => basename(p);
  if (src.rulesFilesSha256.length > 0) {
    out += family('falcosecurity_falco_sha256_rules_files_info', 'gauge', src.rulesFilesSha256.map((f) => [{ file_name: stem(f.path), sha256: f.sha256 }, 1]));
  }
  if (src.configFilesSha256.length > 0) {
    out += family('falcosecurity_falco_sha256_config_files_info', 'gauge', src.configFilesSha256.map((f) => [{ file_name: stem(f.path), sha256: f.sha256 }, 1]));
  }
  for (const s of src.eventSources) out += info('falcosecurity_falco_evt_source_info', { evt_source: s });
  out += family('falcosecurity_falco_start_timestamp_nanoseconds', 'gauge', [[null, src.startTimeNs]]);
  out += family('falcosecurity_falco_host_boot_timestamp_nanoseconds', 'gauge', [[null, src.bootTimeNs]]);
  out += family('falcosecurity_falco_host_num_cpus_total', 'gauge', [[null, cpus().length]]);
  out += family('falcosecurity_falco_outputs_queue_num_drops_total', 'counter', [[null, src.outputsQueueDrops()]]);
  out += family('falcosecurity_falco_duration_seconds_total', 'counter', [[null, (now() - src.startTimeNs) / 1_000_000_000n]]);
  if (src.rulesCountersEnabled) {
    const matches = src.ruleMatches();
    out += family('falcosecurity_falco_rules_matches_total', 'counter', [
      [null, matches.reduce((n, m) => n + m.count, 0)],
      ...matches.map((m): [Record<string, string>, number] => [
        { priority: String(m.priority), rule_name: m.rule, source: m.source, tags: [...m.tags].sort().join(', ') },
        m.count,
      ]),
    ]);
  }
  if (src.resourceUtilizationEnabled) {
    const mem = process.memoryUsage();
    const usage = process.cpuUsage();
    const elapsedUs = Number((now() - src.startTimeNs) / 1000n);
    const cpuRatio = elapsedUs > 0 ? (usage.user + usage.system) / elapsedUs : 0;
    out += family('falcosecurity_falco_cpu_usage_ratio', 'gauge', [[null, Math.round(cpuRatio * 10_000) / 10_000]]);
    out += family('falcosecurity_falco_memory_rss_bytes', 'gauge', [[null, mem.rss]]);
  }
  const cap = src.capture();
  if (cap) {
    out += family('falcosecurity_scap_n_evts_total', 'counter', [[null, cap.events]]);
    out += family('falcosecurity_scap_n_drops_total', 'counter', [[null, cap.drops]]);
    out += family('falcosecurity_scap_n_drops_buffer_total', 'counter', [[null, cap.dropsBuffer]]);
  }
  return out + outputMetricsText(src.outputCounters());
}

/** Falco's Prometheus content type. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4';
