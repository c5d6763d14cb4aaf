// The delivery pipeline: one ChannelWorker per enabled channel. Detection calls publish() for
// every alert; it returns at once whatever the channels are doing.
import type { Alert } from '../alert.js';
import type { Channel } from '../channel.js';
import { ChannelWorker, errorText, falcoOutputName, type ChannelCounters, type ChannelSettings, type DropReason } from './channel-worker.js';
import type { OutputLog } from './log.js';

export interface PipelineChannel {
  channel: Channel;
  settings?: ChannelSettings;
}

export interface PipelineOptions {
  log: OutputLog;
  /** Falco's `output_timeout` in ms (default 2000). */
  outputTimeoutMs?: number;
  now?: () => number;
  random?: () => number;
}

export interface DrainReport {
  /** Alerts left undelivered per channel when the deadline passed (counted as `shutdown` drops). */
  leftover: Record<string, number>;
  total: number;
}

export class OutputPipeline {
  private readonly workers: ChannelWorker[];
  private readonly log: OutputLog;
  private readonly now: () => number;
  private started = false;

  constructor(channels: PipelineChannel[], options: PipelineOptions) {
    this.log = options.log;
    this.now = options.now ?? (() => performance.now());
    const deps = {
      log: options.log,
      outputTimeoutMs: options.outputTimeoutMs ?? 2000,
      now: this.now,
      ...(options.random ? { random: options.random } : {}),
    };
    this.workers = channels.map((c) => new ChannelWorker(c.channel, c.settings ?? {}, deps));
  }

  /** Starts every channel; one that fails to start is logged and left out, as Falco does. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const failed = new Set<ChannelWorker>();
    await Promise.all(
      this.workers.map(async (w) => {
        try {
          await w.channel.start();
        } catch (e) {
          failed.add(w);
          this.log('error', `Failed to init output: ${falcoOutputName(w.name)}: ${errorText(e)}`);
        }
      }),
    );
    for (let i = this.workers.length - 1; i >= 0; i--) if (failed.has(this.workers[i]!)) this.workers.splice(i, 1);
  }

  /** Hands one alert to every channel. Never throws, never waits. */
  publish(alert: Alert): void {
    for (const w of this.workers) w.publish(alert);
  }

  /** See ChannelWorker.reportLateFailure; unknown channel names are ignored. */
  reportLateFailure(channelName: string, count: number, reason: DropReason = 'permanent_failure'): void {
    this.workers.find((w) => w.name === channelName)?.reportLateFailure(count, reason);
  }

  counters(): ChannelCounters[] {
    return this.workers.map((w) => w.counters());
  }

  /** SIGUSR1: each channel reopens between two of its deliveries. */
  async reopen(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.reopen().catch(() => undefined)));
  }

  /**
   * SIGTERM: deliver what can be delivered within `deadlineMs`, then count and log the rest,
   * then stop every channel.
   */
  async drain(deadlineMs: number): Promise<DrainReport> {
    const deadline = this.now() + deadlineMs;
    const lefts = await Promise.all(this.workers.map((w) => w.drain(deadline)));
    const report: DrainReport = { leftover: {}, total: 0 };
    this.workers.forEach((w, i) => {
      report.leftover[w.name] = lefts[i]!;
      report.total += lefts[i]!;
    });
    if (report.total > 0) {
      this.log('notice', 'output channels still blocked, discarding all remaining notifications');
      for (const w of this.workers) {
        const n = report.leftover[w.name]!;
        if (n > 0) this.log('notice', `${falcoOutputName(w.name)} output: ${n} alerts not delivered at shutdown`);
      }
    }
    // A channel whose stop hangs (a dead peer) gets what is left of the deadline plus a second.
    const stopBudget = Math.max(0, deadline - this.now()) + 1000;
    await Promise.all(
      this.workers.map(async (w) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            w.channel.stop(),
            new Promise<void>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(stopBudget)} ms`)), stopBudget);
            }),
          ]);
        } catch (e) {
          this.log('error', `${falcoOutputName(w.name)} output: stop failed: ${errorText(e)}`);
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return report;
  }
}
