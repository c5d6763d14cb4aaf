// Hot reload orchestration, independent of capture: a change (from the watcher or SIGHUP) is
// debounced, then the new configuration and rule set are loaded and validated, compiled by the
// injected engine compiler (asc runs in a worker thread) and handed to `swap()`, which the daemon
// applies between two batches. A set with any error is never applied: the error goes to the log
// and, as Falco's critical internal alert `Falco internal: hot restart failure`, to the outputs;
// the running set stays. Reloads never overlap; changes during one cause one more afterwards.
import type { Alert } from '../../outputs/alert.js';
import { ConfigWatcher, type WatchSet } from './watcher.js';

export const HOT_RESTART_FAILURE_RULE = 'Falco internal: hot restart failure';

/** Falco's alert for a rejected reload: critical, internal, no fields. */
export function hotRestartFailureAlert(error: string, hostname: string, timeNs: bigint): Alert {
  return {
    timeNs,
    rule: HOT_RESTART_FAILURE_RULE,
    priority: 'Critical',
    source: 'internal',
    output: `${HOT_RESTART_FAILURE_RULE}: ${error}`,
    outputFields: {},
    tags: [],
    hostname,
  };
}

export interface LoadedSet<R> {
  /** What compile() takes (the resolved rule set plus whatever the daemon needs with it). */
  ruleset: R;
  /** Files and folders to watch from now on. */
  watch: WatchSet;
}

export interface ReloadDeps<R, E> {
  /** Reads and validates config and rules; throws with the full error text (file:line:column, rule). */
  load: () => LoadedSet<R> | Promise<LoadedSet<R>>;
  compile: (ruleset: R) => Promise<E>;
  /** Installs the new engine; the daemon applies it before its next batch. */
  swap: (engine: E, loaded: LoadedSet<R>) => void;
  /** Delivers an internal alert to the outputs pipeline. */
  publish: (alert: Alert) => void;
  log: (level: 'info' | 'error' | 'debug', message: string) => void;
  hostname: string;
  /** Quiet period after the last change before reloading, ms (default 300). */
  debounceMs?: number;
  recheckMs?: number;
  now?: () => bigint;
}

export type ReloadOutcome = { ok: true; reason: string } | { ok: false; reason: string; error: string };

export class HotReloader<R, E> {
  private readonly watcher: ConfigWatcher;
  private debounce: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private pendingReason: string | undefined;
  private readonly listeners: ((o: ReloadOutcome) => void)[] = [];
  private stopped = false;
  /** Reloads applied and rejected so far. */
  applied = 0;
  rejected = 0;

  constructor(private readonly deps: ReloadDeps<R, E>) {
    this.watcher = new ConfigWatcher({
      onChange: (path) => this.request(`change in ${path}`),
      recheckMs: deps.recheckMs ?? 500,
      log: (m) => deps.log('error', m),
    });
  }

  /** Starts watching what the running set was loaded from. */
  watch(set: WatchSet): void {
    this.watcher.update(set);
  }

  get watchedDirs(): string[] {
    return this.watcher.watchedDirs();
  }

  get watcherArms(): number {
    return this.watcher.arms;
  }

  /** Called after every reload attempt. */
  onOutcome(listener: (o: ReloadOutcome) => void): void {
    this.listeners.push(listener);
  }

  /** A change or SIGHUP: reload after the debounce period. */
  request(reason: string): void {
    if (this.stopped) return;
    this.pendingReason = reason;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.kick();
    }, this.deps.debounceMs ?? 300);
  }

  /** Reloads now (no debounce); resolves when this and any queued reload are done. */
  async reloadNow(reason: string): Promise<void> {
    this.pendingReason = reason;
    await this.kick();
  }

  /** Waits for a reload in progress. */
  async idle(): Promise<void> {
    while (this.running || this.debounce) {
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.stopped = true;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = undefined;
    this.watcher.close();
  }

  private async kick(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      while (this.pendingReason !== undefined && !this.stopped) {
        const reason = this.pendingReason;
        this.pendingReason = undefined;
        await this.attempt(reason);
      }
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async attempt(reason: string): Promise<void> {
    const { deps } = this;
    deps.log('info', `Reloading configuration and rules (${reason})`);
    let outcome: ReloadOutcome;
    try {
      const loaded = await deps.load();
      this.watcher.update(loaded.watch);
      const engine = await deps.compile(loaded.ruleset);
      if (this.stopped) return;
      deps.swap(engine, loaded);
      this.applied++;
      deps.log('info', 'Reload applied: new rules are active');
      outcome = { ok: true, reason };
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.rejected++;
      deps.log('error', `Reload rejected, the running rules stay active: ${error}`);
      const now = deps.now ? deps.now() : BigInt(Date.now()) * 1_000_000n;
      deps.publish(hotRestartFailureAlert(error, deps.hostname, now));
      outcome = { ok: false, reason, error };
    }
    for (const l of this.listeners) l(outcome);
  }
}
