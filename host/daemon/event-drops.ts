// Falco's syscall event drop monitor (`syscall_event_drops`): once per second of event time it
// compares the capture counters with the previous second; when the share of dropped events is
// above `threshold` and the token bucket (`rate`, `max_burst`) has a token, it runs `actions`:
// `log` (debug line), `alert` (the internal alert `Falco internal: syscall event drop` at debug
// priority, every counter as a string field), `exit` (critical lines, then the daemon stops), or
// `ignore`. `simulate_drops` adds one drop per second and sets the threshold to 0.
import type { Alert } from '../../outputs/alert.js';
import type { DropAction, SyscallEventDropsConfig } from '../config/keys.js';

const SECOND_NS = 1_000_000_000n;

/** The capture counters, as libs' scap_stats (cumulative since capture started). */
export interface ScapStats {
  n_evts: number;
  n_drops: number;
  n_drops_buffer: number;
  n_drops_buffer_clone_fork_exit: number;
  n_drops_buffer_execve_exit: number;
  n_drops_buffer_connect_exit: number;
  n_drops_buffer_open_exit: number;
  n_drops_buffer_dir_file_exit: number;
  n_drops_buffer_other_interest_exit: number;
  n_drops_buffer_close_exit: number;
  n_drops_buffer_proc_exit: number;
  n_drops_scratch_map: number;
  n_drops_pf: number;
  n_drops_bug: number;
}

export const ZERO_STATS: ScapStats = {
  n_evts: 0,
  n_drops: 0,
  n_drops_buffer: 0,
  n_drops_buffer_clone_fork_exit: 0,
  n_drops_buffer_execve_exit: 0,
  n_drops_buffer_connect_exit: 0,
  n_drops_buffer_open_exit: 0,
  n_drops_buffer_dir_file_exit: 0,
  n_drops_buffer_other_interest_exit: 0,
  n_drops_buffer_close_exit: 0,
  n_drops_buffer_proc_exit: 0,
  n_drops_scratch_map: 0,
  n_drops_pf: 0,
  n_drops_bug: 0,
};

export const SYSCALL_EVENT_DROP_RULE = 'Falco internal: syscall event drop';

/** Falco's token bucket on event time: starts full, refills `rate` tokens per second up to `max`. */
class EventTimeBucket {
  private tokens: number;
  private lastNs = 0n;

  constructor(
    private readonly rate: number,
    private readonly max: number,
  ) {
    this.tokens = max;
  }

  claim(nowNs: bigint): boolean {
    const elapsed = Number(nowNs - this.lastNs) / 1e9;
    this.tokens = Math.min(this.max, this.tokens + elapsed * this.rate);
    this.lastNs = nowNs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface DropMonitorDeps {
  publish: (alert: Alert) => void;
  log: (level: 'debug' | 'info' | 'critical', message: string) => void;
  hostname: string;
  /** True for the BPF engines (the alert's `ebpf_enabled`). */
  bpfEnabled: boolean;
}

export class SyscallDropMonitor {
  private nextCheckNs = 0n;
  private last: ScapStats;
  private readonly bucket: EventTimeBucket;
  private readonly threshold: number;
  /** Seconds whose drop ratio went over the threshold, and times actions ran. */
  dropSeconds = 0;
  actionsTaken = 0;

  constructor(
    private readonly config: SyscallEventDropsConfig,
    private readonly deps: DropMonitorDeps,
    initial: ScapStats = ZERO_STATS,
  ) {
    this.last = { ...initial };
    this.bucket = new EventTimeBucket(config.rate, config.maxBurst);
    this.threshold = config.simulateDrops ? 0 : config.threshold;
  }

  /**
   * Called with the time of an event and the counters now. Returns false when the `exit` action
   * ran and the daemon must stop.
   */
  onEvent(tsNs: bigint, stats: ScapStats): boolean {
    if (this.nextCheckNs === 0n) this.nextCheckNs = tsNs + SECOND_NS;
    if (this.nextCheckNs >= tsNs) return true;
    this.nextCheckNs = tsNs + SECOND_NS;
    const delta = {} as ScapStats;
    for (const k of Object.keys(ZERO_STATS) as (keyof ScapStats)[]) delta[k] = stats[k] - this.last[k];
    this.last = { ...stats };
    if (this.config.simulateDrops) {
      this.deps.log('info', 'Simulating syscall event drop');
      delta.n_drops++;
    }
    if (delta.n_drops <= 0) return true;
    // n_evts includes the drops.
    if (!(delta.n_drops / delta.n_evts > this.threshold)) return true;
    this.dropSeconds++;
    if (!this.bucket.claim(tsNs)) {
      this.deps.log('debug', 'Syscall event drop but token bucket depleted, skipping actions');
      return true;
    }
    this.actionsTaken++;
    return this.perform(tsNs, delta);
  }

  private perform(tsNs: bigint, d: ScapStats): boolean {
    const msg = `${SYSCALL_EVENT_DROP_RULE}. ${d.n_drops} system calls dropped in last second.`;
    let keepRunning = true;
    for (const action of this.config.actions as DropAction[]) {
      if (action === 'ignore') continue;
      if (action === 'log') this.deps.log('debug', msg);
      else if (action === 'exit') {
        this.deps.log('critical', msg);
        this.deps.log('critical', 'Exiting.');
        keepRunning = false;
      } else {
        const s = (n: number): string => String(n);
        this.deps.publish({
          timeNs: tsNs,
          rule: SYSCALL_EVENT_DROP_RULE,
          priority: 'Debug',
          source: 'internal',
          output: msg,
          outputFields: {
            n_evts: s(d.n_evts),
            n_drops: s(d.n_drops),
            n_drops_buffer_total: s(d.n_drops_buffer),
            n_drops_buffer_clone_fork_exit: s(d.n_drops_buffer_clone_fork_exit),
            n_drops_buffer_execve_exit: s(d.n_drops_buffer_execve_exit),
            n_drops_buffer_connect_exit: s(d.n_drops_buffer_connect_exit),
            n_drops_buffer_open_exit: s(d.n_drops_buffer_open_exit),
            n_drops_buffer_dir_file_exit: s(d.n_drops_buffer_dir_file_exit),
            n_drops_buffer_other_interest_exit: s(d.n_drops_buffer_other_interest_exit),
            n_drops_buffer_close_exit: s(d.n_drops_buffer_close_exit),
            n_drops_buffer_proc_exit: s(d.n_drops_buffer_proc_exit),
            n_drops_scratch_map: s(d.n_drops_scratch_map),
            n_drops_page_faults: s(d.n_drops_pf),
            n_drops_bug: s(d.n_drops_bug),
            ebpf_enabled: this.deps.bpfEnabled ? '1' : '0',
          },
          tags: [],
          hostname: this.deps.hostname,
        });
      }
    }
    return keepRunning;
  }
}
