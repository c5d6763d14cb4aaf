// Running with no command: the daemon (host/daemon/). Until the capture module lands, Saker does
// what Falco does with `engine.kind: nodriver` unless the caller hands it a batch source: open no
// event source, produce no event, stay up until a signal (SIGINT/SIGTERM exit 0, SIGHUP reloads,
// SIGUSR1 reopens outputs) or until `-M` seconds pass.
import { compileEngine } from '../../engine/engine.js';
import { runDaemon, type DaemonResult } from '../../daemon/daemon.js';
import type { DaemonRuleSet } from '../../daemon/rule-set.js';
import type { ScapStats } from '../../daemon/event-drops.js';
import type { DeliveryDeps } from '../../../outputs/index.js';
import type { Logger } from '../logger.js';
import { batchFileSource } from '../../daemon/replay-source.js';

export interface RunOptions {
  initial: DaemonRuleSet;
  reload: () => DaemonRuleSet | Promise<DaemonRuleSet>;
  logger: Logger;
  durationSeconds: number;
  pidFile: string;
  enabledSources: readonly string[];
  env: NodeJS.ProcessEnv;
  /** For tests: the process whose signals stop the run. */
  signals?: NodeJS.EventEmitter;
  /** Batches from a capture source; none = nodriver. */
  events?: AsyncIterable<Uint8Array>;
  captureStats?: () => ScapStats;
  applyEventTypes?: (types: { all: boolean; names: string[] }) => void;
  deliveryDeps?: Partial<DeliveryDeps>;
}

export function runCommand(opts: RunOptions): Promise<DaemonResult> {
  const { logger } = opts;
  const config = opts.initial.loaded.config;
  logger.info('Loaded event sources: syscall');
  logger.info(`Enabled event sources: ${opts.enabledSources.join(', ')}`);
  let engineName: string = config.engineKind;
  let events = opts.events;
  if (!events && config.engineKind === 'replay') {
    events = batchFileSource(config.replayCaptureFile);
    for (const src of opts.enabledSources) logger.info(`Opening '${src}' source with the recording ${config.replayCaptureFile}`);
  } else if (events) {
    for (const src of opts.enabledSources) logger.info(`Opening '${src}' source with the batch source`);
  } else {
    engineName = 'nodriver';
    if (config.engineKind !== 'nodriver') {
      logger.warning(
        `Saker has no capture module yet: engine.kind '${config.engineKind}' runs as 'nodriver', no event will be produced`,
      );
    }
    for (const src of opts.enabledSources) {
      logger.warning(`Enabled event source '${src}' will be opened with no driver, no event will be produced`);
    }
    for (const src of opts.enabledSources) logger.info(`Opening '${src}' source with no driver`);
  }
  return runDaemon({
    initial: opts.initial,
    reload: opts.reload,
    compile: (set) =>
      compileEngine(set.ruleset, { ruleMatching: set.loaded.config.ruleMatching, enabledRuleIds: set.enabledRuleIds }),
    logger,
    engineName,
    enabledSources: opts.enabledSources,
    durationSeconds: opts.durationSeconds,
    pidFile: opts.pidFile,
    env: opts.env,
    ...(opts.signals ? { signals: opts.signals } : {}),
    ...(events ? { events } : {}),
    ...(opts.captureStats ? { captureStats: opts.captureStats } : {}),
    ...(opts.applyEventTypes ? { applyEventTypes: opts.applyEventTypes } : {}),
    ...(opts.deliveryDeps ? { deliveryDeps: opts.deliveryDeps } : {}),
  });
}
