// The run loop: config -> rules -> engine -> batches -> alerts -> outputs. Batches come from an
// async iterator (the capture module, or tests); without one Saker runs as Falco's `nodriver`.
// The engine in use is swapped only between two batches; a hot reload that changes the output
// settings brings up the new delivery first and drains the old one, so capture never stops.
// SIGINT/SIGTERM drain the outputs within a deadline and end with 0, SIGUSR1 reopens outputs,
// SIGHUP reloads like a file change.
import { writeFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import type { Logger } from '../cli/logger.js';
import { dumpJson } from '../cli/json.js';
import { versionsInfo, versionsJson } from '../cli/version-info.js';
import type { CompiledEngine } from '../engine/engine-api.js';
import { HotReloader } from '../reload/reloader.js';
import { prometheusText } from '../webserver/prometheus.js';
import { Webserver } from '../webserver/server.js';
import { SAKER_VERSION } from '../version.js';
import { createDelivery, readDeliveryConfig, type Alert, type Delivery, type DeliveryConfig, type DeliveryDeps, type OutputLog } from '../../outputs/index.js';
import { priorityLevel } from '../rules/index.js';
import { alertFor, batchEventCount, lastEventTimeNs } from './alerts.js';
import { MetricsSnapshotter } from './metrics-snapshot.js';
import { SyscallDropMonitor, type ScapStats } from './event-drops.js';
import { MemoryRelease } from './memory-release.js';
import { interestingEventTypes, openFilterPlan, sha256File, type DaemonRuleSet } from './rule-set.js';
import type { EventSource } from '../capture/event-source.js';

/** Compiles a generation for evaluation (the Wasm engine; tests may pass their own). */
export type EngineCompiler = (set: DaemonRuleSet) => Promise<CompiledEngine>;

export interface DaemonOptions {
  initial: DaemonRuleSet;
  /** Loads the next generation for a reload (off the main thread); rejects with Falco's error text. */
  reload: () => DaemonRuleSet | Promise<DaemonRuleSet>;
  compile: EngineCompiler;
  logger: Logger;
  /** Batches to evaluate; undefined (and no openSource) = no event source (nodriver). */
  events?: AsyncIterable<Uint8Array>;
  /**
   * Opens the capture (or a capture file) with the first generation's event types, after the first
   * compile and before the outputs start, so a capture that cannot start leaves nothing running.
   * Its batches, counters and syscall set stand in for `events`, `captureStats`, `applyEventTypes`;
   * a stop request stops it and the batches it still delivers are evaluated before the drain.
   */
  openSource?: (types: { all: boolean; names: string[] }) => EventSource;
  /** The capture's cumulative counters (drop monitor, /metrics), when a capture source runs. */
  captureStats?: () => ScapStats;
  signals?: NodeJS.EventEmitter;
  /** -M: stop after this many seconds (0 = run until a signal). */
  durationSeconds?: number;
  pidFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Outputs' test hooks (stdout descriptor, syslog socket, time zone). */
  deliveryDeps?: Partial<DeliveryDeps>;
  /** Deadline for delivering queued alerts at shutdown, ms (default output_timeout + 1 s). */
  drainDeadlineMs?: number;
  /** Reload debounce, ms. */
  reloadDebounceMs?: number;
  /** Engine name for /metrics. */
  engineName: string;
  /** Told the event types each generation needs (at start and when a reload is applied), for the kernel's syscall map. */
  applyEventTypes?: (types: { all: boolean; names: string[] }) => void;
  enabledSources: readonly string[];
  /** malloc_trim(0) (the capture addon), run with each full collection of memory-release.ts. */
  trimNativeHeap?: () => boolean;
}

export interface DaemonResult {
  batches: number;
  alerts: number;
  reloadsApplied: number;
  reloadsRejected: number;
  /** 0, or 1 when the `exit` drop action stopped the daemon. */
  exitCode: number;
  /** Events in the batches evaluated. */
  events: number;
  /** Metrics snapshots taken. */
  snapshots: number;
}

/** Falco's hostname: FALCO_HOSTNAME when set, else gethostname(). */
export function alertHostname(env: NodeJS.ProcessEnv): string {
  const h = env.FALCO_HOSTNAME;
  return h !== undefined && h !== '' ? h : osHostname();
}

const sameDelivery = (a: DeliveryConfig, b: DeliveryConfig): boolean => JSON.stringify(a) === JSON.stringify(b);

export async function runDaemon(opts: DaemonOptions): Promise<DaemonResult> {
  const { logger } = opts;
  const env = opts.env ?? process.env;
  const signals = opts.signals ?? process;
  const hostname = alertHostname(env);
  const startTimeNs = BigInt(Date.now()) * 1_000_000n;
  if (opts.pidFile) writeFileSync(opts.pidFile, `${process.pid}\n`);

  // Stop requests: a promise the batch loop races against the next batch.
  let stopReason: string | undefined;
  let wake: () => void = () => undefined;
  const stopped = new Promise<void>((r) => (wake = r));
  const stop = (reason: string): void => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    wake();
  };
  const onTerminate = (): void => {
    logger.info('SIGINT received, exiting...');
    stop('signal');
  };
  // Until the reloader and the outputs exist, SIGHUP and SIGUSR1 are remembered and served then.
  let earlyHup = false;
  let onHupReady: (() => void) | undefined;
  let onUsr1Ready: (() => void) | undefined;
  const onHup = (): void => {
    logger.info('SIGHUP received, reloading...');
    if (onHupReady) onHupReady();
    else earlyHup = true;
  };
  const onUsr1 = (): void => {
    logger.info('SIGUSR1 received, reopening outputs...');
    onUsr1Ready?.();
  };
  signals.on('SIGINT', onTerminate);
  signals.on('SIGTERM', onTerminate);
  signals.on('SIGHUP', onHup);
  signals.on('SIGUSR1', onUsr1);
  try {
    return await serve();
  } finally {
    signals.off('SIGINT', onTerminate);
    signals.off('SIGTERM', onTerminate);
    signals.off('SIGHUP', onHup);
    signals.off('SIGUSR1', onUsr1);
  }

  async function serve(): Promise<DaemonResult> {
    const outputLog: OutputLog = (level, message) => logger.log(level === 'notice' ? 'notice' : level, message);
    const buildDelivery = async (set: DaemonRuleSet): Promise<{ delivery: Delivery; config: DeliveryConfig }> => {
      const config = readDeliveryConfig(set.loaded.tree, env);
      const delivery = createDelivery(config, { log: outputLog, ...opts.deliveryDeps });
      await delivery.pipeline.start();
      return { delivery, config };
    };

    let generation = opts.initial;
    const hasSource = opts.events !== undefined || opts.openSource !== undefined;
    if (!opts.openSource) opts.applyEventTypes?.(interestingEventTypes(generation));
    // Compiled before the outputs start, so a compile failure leaves nothing running.
    let engine: CompiledEngine | undefined = hasSource ? await opts.compile(generation) : undefined;
    const source = opts.openSource?.(interestingEventTypes(generation));
    try {
      return await serveWith(source);
    } finally {
      // Whatever ended the run (an error, the `exit` drop action), the probe is detached.
      await source?.stop();
    }

    async function serveWith(source: EventSource | undefined): Promise<DaemonResult> {
      const events = opts.events ?? source?.batches;
      const captureStatsOpt = opts.captureStats ?? (source ? () => source.stats() : undefined);
      const applyEventTypes = source ? (t: { all: boolean; names: string[] }) => source.setEventTypes(t) : opts.applyEventTypes;
      // The kernel drops the opens no enabled rule can see, and their closes (a cost cut only: the
      // alerts are the same); each generation computes its own.
      const applyOpenFilter = (set: DaemonRuleSet): void => {
        if (!source) return;
        const plan = openFilterPlan(set);
        source.setOpenFilter(plan.filter);
        if (plan.filter) logger.debug(`Open prefilter: ${plan.filter.prefixes.length + plan.filter.exact.length} paths pass; not filtered: ${plan.blocked.join('; ') || 'none'}`);
        else logger.debug(`Open prefilter off: ${plan.blocked.join('; ')}`);
      };
      applyOpenFilter(generation);
      let { delivery, config: deliveryConfig } = await buildDelivery(generation);
      let pending: { engine: CompiledEngine | undefined; set: DaemonRuleSet } | undefined;
      const matchCounts = new Map<string, number>();
      const result: DaemonResult = { batches: 0, alerts: 0, reloadsApplied: 0, reloadsRejected: 0, exitCode: 0, events: 0, snapshots: 0 };
      let reloadTimeNs = startTimeNs;
      const publish = (a: Alert): void => delivery.pipeline.publish(a);
      const memory = new MemoryRelease(opts.trimNativeHeap);
      memory.schedule();

      // A generation becomes active at a batch boundary; its outputs before that, so no alert is lost.
      const applyPending = async (): Promise<void> => {
        const next = pending;
        if (!next) return;
        pending = undefined;
        engine = next.engine;
        reloadTimeNs = BigInt(Date.now()) * 1_000_000n;
        const nextDelivery = readDeliveryConfig(next.set.loaded.tree, env);
        const webserverChanged = JSON.stringify(next.set.loaded.config.webserver) !== JSON.stringify(generation.loaded.config.webserver);
        generation = next.set;
        memory.schedule();
        applyOpenFilter(generation);
        applyEventTypes?.(interestingEventTypes(generation));
        if (webserverChanged) {
          await webserver?.stop();
          try {
            webserver = await startWebserver();
          } catch (e) {
            webserver = undefined;
            logger.error(`webserver not restarted: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
        if (!sameDelivery(nextDelivery, deliveryConfig)) {
          const old = delivery;
          ({ delivery, config: deliveryConfig } = await buildDelivery(next.set));
          logger.info('Output settings changed: new outputs are active, the previous ones are draining');
          void old.pipeline.drain(deliveryConfig.outputTimeoutMs + 1000);
        }
      };

      const startWebserver = async (): Promise<Webserver | undefined> => {
        const ws = generation.loaded.config.webserver;
        if (!ws.enabled) return undefined;
        const server = new Webserver(ws, {
          versionsJson: () => dumpJson(versionsJson(versionsInfo())),
          metricsText: () =>
            prometheusText({
              falcoVersion: SAKER_VERSION,
              engineName: opts.engineName,
              hostname,
              startTimeNs,
              bootTimeNs: startTimeNs - BigInt(Math.round(process.uptime() * 1e9)),
              eventSources: opts.enabledSources,
              rulesFilesSha256: generation.rulesFiles.map((path) => ({ path, sha256: sha256File(path) })),
              configFilesSha256: generation.loaded.files.map((f) => ({ path: f.path, sha256: sha256File(f.path) })),
              rulesCountersEnabled: generation.loaded.config.metrics.rulesCountersEnabled,
              resourceUtilizationEnabled: generation.loaded.config.metrics.resourceUtilizationEnabled,
              outputsQueueDrops: () => delivery.pipeline.counters().reduce((n, c) => n + c.dropped.queue_full, 0),
              ruleMatches: () =>
                generation.ruleset.rules
                  .filter((r) => matchCounts.has(r.name))
                  .map((r) => ({ rule: r.name, priority: priorityLevel(r.priority), source: r.source, tags: r.tags, count: matchCounts.get(r.name)! })),
              capture: () => {
                const st = captureStatsOpt?.();
                return st ? { events: st.n_evts, drops: st.n_drops, dropsBuffer: st.n_drops_buffer } : undefined;
              },
              outputCounters: () => delivery.pipeline.counters(),
            }),
        });
        await server.start();
        logger.info(`Starting health webserver with threadiness 1, listening on ${ws.listenAddress}:${server.port}`);
        return server;
      };
      let webserver: Webserver | undefined;
      try {
        webserver = await startWebserver();
      } catch (e) {
        // Nothing may keep the process alive after a failed start (program outputs, open files).
        await delivery.pipeline.drain(0);
        throw e;
      }

      const reloader = new HotReloader<DaemonRuleSet, CompiledEngine | undefined>({
        load: async () => {
          const set = await opts.reload();
          return { ruleset: set, watch: set.watch };
        },
        compile: (set) => (events ? opts.compile(set) : Promise.resolve(undefined)),
        swap: (next, loaded) => {
          pending = { engine: next, set: loaded.ruleset };
          // Without batches there is no boundary to wait for.
          if (!events) void applyPending();
        },
        publish,
        log: (level, m) => logger.log(level, m),
        hostname,
        ...(opts.reloadDebounceMs !== undefined ? { debounceMs: opts.reloadDebounceMs } : {}),
      });
      reloader.onOutcome((o) => {
        if (o.ok) result.reloadsApplied++;
        else result.reloadsRejected++;
      });
      if (generation.loaded.config.watchConfigFiles) reloader.watch(generation.watch);
      onHupReady = () => reloader.request('SIGHUP');
      onUsr1Ready = () => void delivery.pipeline.reopen();
      if (earlyHup) onHupReady();


      const captureStats = captureStatsOpt;
      const dropMonitor = captureStats
        ? new SyscallDropMonitor(
            generation.loaded.config.syscallEventDrops,
            {
              publish,
              log: (level, m) => logger.log(level, m),
              hostname,
              bpfEnabled: opts.engineName === 'modern_ebpf' || opts.engineName === 'ebpf',
            },
            captureStats(),
          )
        : undefined;
      const sha = (paths: readonly string[]): { path: string; sha256: string }[] => paths.map((path) => ({ path, sha256: sha256File(path) }));
      const metricsConfig = generation.loaded.config.metrics;
      const snapshotter =
        metricsConfig.enabled && (metricsConfig.outputRule || metricsConfig.outputFile !== '')
          ? new MetricsSnapshotter(metricsConfig, {
              falcoVersion: SAKER_VERSION,
              hostname,
              engineName: opts.engineName,
              startTimeNs,
              bootTimeNs: startTimeNs - BigInt(Math.round(process.uptime() * 1e9)),
              reloadTimeNs: () => reloadTimeNs,
              numEvents: () => result.events,
              outputsQueueDrops: () => delivery.pipeline.counters().reduce((n, c) => n + c.dropped.queue_full, 0),
              rulesFilesSha256: () => sha(generation.rulesFiles),
              configFilesSha256: () => sha(generation.loaded.files.map((f) => f.path)),
              ruleMatches: () => generation.ruleset.rules.filter((r) => generation.enabledRuleIds.includes(r.id)).map((r) => ({ rule: r.name, count: matchCounts.get(r.name) ?? 0 })),
              capture: () => captureStatsOpt?.(),
            })
          : undefined;
      const snapshotTimer = snapshotter
        ? setInterval(() => {
            try {
              snapshotter.emit(BigInt(Date.now()) * 1_000_000n, publish);
              result.snapshots++;
            } catch (e) {
              logger.error(`metrics snapshot failed: ${e instanceof Error ? e.message : String(e)}`);
            }
          }, metricsConfig.intervalMs)
        : undefined;
      const timer = opts.durationSeconds && opts.durationSeconds > 0 ? setTimeout(() => stop('duration'), opts.durationSeconds * 1000) : undefined;
      const keepAlive = setInterval(() => undefined, 1 << 30);

      try {
        if (events) {
          const it = events[Symbol.asyncIterator]();
          // With a capture source a stop request stops the capture; its last batches still come.
          const stopRequested = stopped.then(() => (source ? source.stop().then(() => 'drain' as const) : undefined));
          // Racing the long-lived stopRequested on every batch would leave one reaction per race on
          // it, each holding its batch until the stop: the wait for a batch is woken by a callback.
          let stopOutcome: { value: 'drain' | undefined } | undefined;
          let wakeWait: ((v: 'drain' | undefined) => void) | undefined;
          void stopRequested.then((value) => {
            stopOutcome = { value };
            wakeWait?.(value);
          });
          const nextOrStop = (p: Promise<IteratorResult<Uint8Array>>): Promise<IteratorResult<Uint8Array> | 'drain' | undefined> => {
            if (stopOutcome) return Promise.resolve(stopOutcome.value);
            return new Promise((resolve, reject) => {
              wakeWait = resolve;
              p.then(resolve, reject);
            });
          };
          let draining = false;
          // The pending next() is kept across a stop request: a generator's result must not be lost.
          let pendingNext: Promise<IteratorResult<Uint8Array>> | undefined;
          for (;;) {
            pendingNext ??= it.next();
            const next = draining ? await pendingNext : await nextOrStop(pendingNext);
            wakeWait = undefined;
            if (next === 'drain') {
              draining = true;
              continue;
            }
            if (next === undefined) break;
            pendingNext = undefined;
            if (next.done) break;
            await applyPending();
            const current = engine;
            if (!current) continue;
            const batch = next.value;
            result.batches++;
            result.events += batchEventCount(batch);
            for (const m of current.evaluate(batch)) {
              const alert = alertFor(current, batch, m, hostname);
              matchCounts.set(alert.rule, (matchCounts.get(alert.rule) ?? 0) + 1);
              result.alerts++;
              publish(alert);
            }
            const ts = dropMonitor && captureStats ? lastEventTimeNs(batch) : undefined;
            if (ts !== undefined && !dropMonitor!.onEvent(ts, captureStats!())) {
              result.exitCode = 1;
              break;
            }
          }
          if (stopReason === undefined) logger.info('Event source ended');
          void it.return?.();
        } else {
          await stopped;
        }
      } finally {
        if (timer) clearTimeout(timer);
        if (snapshotTimer) clearInterval(snapshotTimer);
        clearInterval(keepAlive);
        memory.close();
        reloader.close();
        await reloader.idle();
        await webserver?.stop();
        await delivery.pipeline.drain(opts.drainDeadlineMs ?? deliveryConfig.outputTimeoutMs + 1000);
      }
      return result;
    }
  }
}
