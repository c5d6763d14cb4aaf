// One channel's delivery: its bounded queue, minimum priority, rate limit, retries, counters and
// watchdog. Publishing only touches in-memory state; deliveries run later on the event loop, one
// batch at a time per channel, so a slow channel delays nobody but itself.
import type { Alert, PriorityName } from '../alert.js';
import { DeliveryError, type Channel } from '../channel.js';
import { priorityLevel } from '../../host/rules/index.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffSettings } from './backoff.js';
import { BoundedQueue } from './bounded-queue.js';
import { TokenBucket, type RateLimit } from './token-bucket.js';
import type { OutputLog } from './log.js';

export const DROP_REASONS = ['queue_full', 'rate_limited', 'permanent_failure', 'shutdown'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface ChannelSettings {
  /** Alerts below this priority are not offered to the channel (not a drop). Default: all. */
  minPriority?: PriorityName;
  /** Queue bound; alerts beyond it are dropped as `queue_full`. Default 10000. */
  queueCapacity?: number;
  /** Token bucket; absent = unlimited. */
  rateLimit?: RateLimit;
  backoff?: BackoffSettings;
}

export interface ChannelCounters {
  channel: string;
  /** Below the channel's minimum priority. */
  filtered: number;
  delivered: number;
  dropped: Record<DropReason, number>;
  /** Waiting in the queue. */
  queued: number;
  /** Handed to `deliver` and not settled yet. */
  inFlight: number;
  /** Failed delivery attempts that were retried. */
  retries: number;
}

export interface WorkerDeps {
  log: OutputLog;
  /** Falco's `output_timeout` (ms): a delivery taking longer logs the watchdog line. */
  outputTimeoutMs: number;
  now?: () => number;
  random?: () => number;
}

/** Falco's output name for a config key (`http_output` → `http`), used in its log lines. */
export function falcoOutputName(channelName: string): string {
  return channelName.endsWith('_output') ? channelName.slice(0, -'_output'.length) : channelName;
}

export class ChannelWorker {
  private readonly queue: BoundedQueue<Alert>;
  private readonly bucket: TokenBucket | undefined;
  private readonly minLevel: number;
  private readonly backoff: BackoffSettings;
  private readonly maxBatch: number;
  private readonly counts = { filtered: 0, delivered: 0, retries: 0 };
  private readonly dropped: Record<DropReason, number> = { queue_full: 0, rate_limited: 0, permanent_failure: 0, shutdown: 0 };
  private readonly loggedPermanent = new Set<string>();
  private inFlight: Alert[] = [];
  private scheduled = false;
  private running = false;
  private closed = false;
  /** Set when shutdown gives up on this channel: late results of in-flight work are ignored. */
  private abandoned = false;
  private failing = false;
  private reopenWanted: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private idleWaiters: (() => void)[] = [];
  private wakeSleep: (() => void) | undefined;

  constructor(
    readonly channel: Channel,
    settings: ChannelSettings,
    private readonly deps: WorkerDeps,
  ) {
    this.queue = new BoundedQueue<Alert>(settings.queueCapacity ?? 10_000);
    this.bucket = settings.rateLimit ? new TokenBucket(settings.rateLimit, deps.now) : undefined;
    this.minLevel = settings.minPriority ? priorityLevel(settings.minPriority) : 7;
    this.backoff = settings.backoff ?? DEFAULT_BACKOFF;
    this.maxBatch = Math.max(1, channel.maxBatch ?? 1);
  }

  get name(): string {
    return this.channel.name;
  }

  /** Never blocks: accepts, filters or counts a drop, then returns. */
  publish(alert: Alert): void {
    if (priorityLevel(alert.priority) > this.minLevel) {
      this.counts.filtered++;
      return;
    }
    if (this.closed) {
      this.dropped.shutdown++;
      return;
    }
    if (this.queue.length >= this.queue.capacity) {
      this.dropped.queue_full++;
      return;
    }
    if (this.bucket && !this.bucket.tryTake()) {
      this.dropped.rate_limited++;
      return;
    }
    this.queue.push(alert);
    this.schedule();
  }

  /**
   * A channel that acknowledged alerts before really sending them (an e-mail digest window)
   * reports here the ones it finally could not send: they move from delivered to dropped.
   */
  reportLateFailure(count: number, reason: DropReason = 'permanent_failure'): void {
    const n = Math.min(count, this.counts.delivered);
    this.counts.delivered -= n;
    this.dropped[reason] += n;
  }

  counters(): ChannelCounters {
    return {
      channel: this.name,
      filtered: this.counts.filtered,
      delivered: this.counts.delivered,
      dropped: { ...this.dropped },
      queued: this.queue.length,
      inFlight: this.inFlight.length,
      retries: this.counts.retries,
    };
  }

  /** SIGUSR1: runs between two deliveries, like Falco's reopen message. */
  reopen(): Promise<void> {
    if (!this.channel.reopen || this.abandoned) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.reopenWanted.push({ resolve, reject });
      this.schedule();
    });
  }

  /**
   * Stops accepting, delivers what it can until `deadline` (a `now()` value), then counts what
   * is left as dropped (`shutdown`) and returns that number.
   */
  async drain(deadline: number): Promise<number> {
    this.closed = true;
    this.schedule();
    const now = this.deps.now ?? (() => performance.now());
    const remaining = Math.max(0, deadline - now());
    if (this.running || this.scheduled || this.queue.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.idle(),
        new Promise<void>((r) => {
          timer = setTimeout(r, remaining);
        }),
      ]);
      clearTimeout(timer);
    }
    const left = this.queue.length + this.inFlight.length;
    if (left > 0) {
      this.abandoned = true;
      this.queue.clear();
      this.inFlight = [];
      this.dropped.shutdown += left;
      this.wakeSleep?.();
    }
    return left;
  }

  private idle(): Promise<void> {
    if (!this.running && !this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  // Deliveries start on a later turn of the event loop, never inside publish().
  private schedule(): void {
    if (this.scheduled || this.running || this.abandoned) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        if (this.abandoned) break;
        if (this.reopenWanted.length > 0) await this.runReopen();
        if (this.queue.length === 0) break;
        this.inFlight = this.queue.take(this.maxBatch);
        await this.deliverWithRetry(this.inFlight);
        if (!this.abandoned) this.inFlight = [];
      }
    } finally {
      this.running = false;
      if (this.reopenWanted.length > 0 && !this.abandoned) this.schedule();
      if (this.queue.length === 0 || this.abandoned) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      } else {
        this.schedule();
      }
    }
  }

  private async runReopen(): Promise<void> {
    const waiting = this.reopenWanted;
    this.reopenWanted = [];
    try {
      await this.channel.reopen?.();
      for (const w of waiting) w.resolve();
    } catch (e) {
      this.deps.log('error', `${falcoOutputName(this.name)}: reopen failed: ${errorText(e)}`);
      for (const w of waiting) w.reject(e);
    }
  }

  private async deliverWithRetry(batch: Alert[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const error = await this.attempt(batch);
      if (this.abandoned) return;
      if (error === undefined) {
        this.counts.delivered += batch.length;
        if (this.failing) {
          this.failing = false;
          this.deps.log('notice', `${falcoOutputName(this.name)} output: delivering again after ${attempt - 1} failed attempts`);
        }
        return;
      }
      if (error instanceof DeliveryError && error.permanent) {
        this.dropped.permanent_failure += batch.length;
        if (!this.loggedPermanent.has(error.message)) {
          this.loggedPermanent.add(error.message);
          this.deps.log('error', `${falcoOutputName(this.name)} output: permanent failure, alerts dropped: ${error.message}`);
        }
        return;
      }
      this.counts.retries++;
      if (!this.failing) {
        this.failing = true;
        this.deps.log('error', `${falcoOutputName(this.name)} output: delivery failed, retrying: ${errorText(error)}`);
      }
      await this.sleep(backoffDelay(attempt, this.backoff, this.deps.random));
      if (this.abandoned) return;
    }
  }

  /** One `deliver` call under Falco's output_timeout watchdog; resolves to the error, if any. */
  private async attempt(batch: Alert[]): Promise<unknown> {
    const name = falcoOutputName(this.name);
    const watchdog = setTimeout(() => {
      this.deps.log('critical', `"${name}" output timeout, all output channels are blocked`);
    }, this.deps.outputTimeoutMs);
    watchdog.unref();
    try {
      await this.channel.deliver(batch);
      return undefined;
    } catch (e) {
      return e ?? new Error('delivery failed');
    } finally {
      clearTimeout(watchdog);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wakeSleep = undefined;
        resolve();
      }, ms);
      this.wakeSleep = () => {
        clearTimeout(t);
        this.wakeSleep = undefined;
        resolve();
      };
    });
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
