// Falco's periodic metrics (`metrics.enabled`, every `metrics.interval`): one snapshot of the
// daemon's counters as the internal alert `Falco internal: metrics snapshot` (`output_rule`) and/or
// a `{"sample":N,"output_fields":{...}}` line appended to `metrics.output_file`. Field names are
// Falco's (falco.*, scap.*, evt.*); metrics Saker has no counterpart for are left out, and zero
// values are dropped unless `include_empty_values`, as Falco does.
import { appendFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { basename } from 'node:path';
import type { Alert, OutputFieldValue } from '../../outputs/alert.js';
import { jsonObject, type JsonValue } from '../../outputs/index.js';
import type { MetricsConfig } from '../config/keys.js';
import type { ScapStats } from './event-drops.js';

export const METRICS_SNAPSHOT_RULE = 'Falco internal: metrics snapshot';

/** Falco's sanitize_rule_name: runs of characters other than [A-Za-z0-9_] become one `_`. */
export function sanitizeRuleName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]+/g, '_').replace(/_+/g, '_');
}

export interface SnapshotSource {
  falcoVersion: string;
  hostname: string;
  engineName: string;
  startTimeNs: bigint;
  bootTimeNs: bigint;
  /** When the running rules were (re)loaded. */
  reloadTimeNs: () => bigint;
  /** Events evaluated so far. */
  numEvents: () => number;
  outputsQueueDrops: () => number;
  rulesFilesSha256: () => readonly { path: string; sha256: string }[];
  configFilesSha256: () => readonly { path: string; sha256: string }[];
  /** Matches per rule name, in rule order. */
  ruleMatches: () => readonly { rule: string; count: number }[];
  capture: () => ScapStats | undefined;
}

export class MetricsSnapshotter {
  private lastNowNs = 0n;
  private lastNumEvents = 0;
  private lastScapEvents = 0;
  private lastScapDrops = 0;
  private samples = 0;

  constructor(
    private readonly config: MetricsConfig,
    private readonly src: SnapshotSource,
  ) {}

  /** The output fields of one snapshot taken at `nowNs`. */
  fields(nowNs: bigint): Record<string, OutputFieldValue> {
    const c = this.config;
    const s = this.src;
    const deltaSec = this.lastNowNs === 0n ? 0 : Number(nowNs - this.lastNowNs) / 1e9;
    this.lastNowNs = nowNs;
    const f: Record<string, OutputFieldValue> = {};
    const keep = (key: string, v: number): void => {
      if (v !== 0 || c.includeEmptyValues) f[key] = v;
    };
    f['evt.time'] = nowNs;
    f['falco.reload_ts'] = s.reloadTimeNs();
    f['falco.version'] = s.falcoVersion;
    f['falco.start_ts'] = s.startTimeNs;
    f['falco.duration_sec'] = Number((nowNs - s.startTimeNs) / 1_000_000_000n);
    f['falco.kernel_release'] = release();
    f['evt.hostname'] = s.hostname;
    f['falco.host_boot_ts'] = s.bootTimeNs;
    f['falco.host_num_cpus'] = cpus().length;
    f['falco.outputs_queue_num_drops'] = s.outputsQueueDrops();
    for (const r of s.rulesFilesSha256()) f[`falco.sha256_rules_file.${sanitizeRuleName(basename(r.path))}`] = r.sha256;
    for (const r of s.configFilesSha256()) f[`falco.sha256_config_file.${sanitizeRuleName(basename(r.path))}`] = r.sha256;
    f['evt.source'] = 'syscall';
    f['scap.engine_name'] = s.engineName;
    const numEvents = s.numEvents();
    if (this.lastNumEvents !== 0 && deltaSec > 0) f['falco.evts_rate_sec'] = Math.round(((numEvents - this.lastNumEvents) / deltaSec) * 10) / 10;
    f['falco.num_evts'] = numEvents;
    f['falco.num_evts_prev'] = this.lastNumEvents;
    this.lastNumEvents = numEvents;

    if (c.rulesCountersEnabled) {
      const matches = s.ruleMatches();
      f['falco.rules.matches_total'] = matches.reduce((n, m) => n + m.count, 0);
      for (const m of matches) keep(`falco.rules.${sanitizeRuleName(m.rule)}`, m.count);
    }
    if (c.resourceUtilizationEnabled) {
      const mem = process.memoryUsage();
      const toUnit = (bytes: number): number => (c.convertMemoryToMb ? Math.round((bytes / 1_048_576) * 100) / 100 : bytes);
      keep('falco.memory_rss', toUnit(mem.rss));
      const usage = process.cpuUsage();
      const upUs = process.uptime() * 1e6;
      keep('falco.cpu_usage_perc', upUs > 0 ? Math.round(((usage.user + usage.system) / upUs) * 10_000) / 100 : 0);
    }
    const cap = c.kernelEventCountersEnabled ? s.capture() : undefined;
    if (cap) {
      const dEvts = cap.n_evts - this.lastScapEvents;
      const dDrops = cap.n_drops - this.lastScapDrops;
      f['scap.n_evts'] = cap.n_evts;
      f['scap.n_evts_prev'] = this.lastScapEvents;
      f['scap.evts_rate_sec'] = dEvts !== 0 && deltaSec > 0 ? Math.round((dEvts / deltaSec) * 10) / 10 : 0;
      f['scap.n_drops'] = cap.n_drops;
      f['scap.n_drops_prev'] = this.lastScapDrops;
      f['scap.evts_drop_rate_sec'] = dDrops !== 0 && deltaSec > 0 ? Math.round((dDrops / deltaSec) * 10) / 10 : 0;
      keep('scap.n_drops_buffer_total', cap.n_drops_buffer);
      keep('scap.n_drops_scratch_map', cap.n_drops_scratch_map);
      keep('scap.n_drops_page_faults', cap.n_drops_pf);
      keep('scap.n_drops_bug', cap.n_drops_bug);
      f['scap.n_drops_perc'] = dEvts > 0 ? (100 * dDrops) / dEvts : 0;
      this.lastScapEvents = cap.n_evts;
      this.lastScapDrops = cap.n_drops;
    }
    return f;
  }

  /** Takes a snapshot and sends it where `metrics.*` says. */
  emit(nowNs: bigint, publish: (a: Alert) => void): Record<string, OutputFieldValue> {
    const fields = this.fields(nowNs);
    this.samples++;
    if (this.config.outputRule) {
      publish({
        timeNs: nowNs,
        rule: METRICS_SNAPSHOT_RULE,
        priority: 'Informational',
        source: 'internal',
        output: 'Falco metrics snapshot',
        outputFields: fields,
        tags: [],
        hostname: this.src.hostname,
      });
    }
    if (this.config.outputFile !== '') {
      appendFileSync(this.config.outputFile, `${jsonObject({ sample: this.samples, output_fields: fields as { [k: string]: JsonValue } })}\n`);
    }
    return fields;
  }
}
