// Running with no command: the daemon (host/daemon/). The event source follows `engine.kind`:
// `modern_ebpf` (and `kmod`, Saker having no kernel module) opens Saker's BPF capture and fails at
// start when the host cannot load it; `replay` reads `engine.replay.capture_file` (a capture file
// from `saker capture -w`, or a Saker batch recording); `nodriver` opens no source and stays up
// until a signal or `-M`. Tests may hand a batch source instead.
import { systemDnsCache } from '../../engine/dns-cache.js';
import { compileEngine } from '../../engine/engine.js';
import { runDaemon, type DaemonResult } from '../../daemon/daemon.js';
import type { DaemonRuleSet } from '../../daemon/rule-set.js';
import type { ScapStats } from '../../daemon/event-drops.js';
import type { DeliveryDeps } from '../../../outputs/index.js';
import type { Logger } from '../logger.js';
import { batchFileSource } from '../../daemon/replay-source.js';
import { isCaptureFile, openCaptureReplay } from '../../capture/capture-replay.js';
import { CaptureStartError, type EventSource } from '../../capture/event-source.js';
import { openLiveCapture, type PreparedCapture } from '../../capture/live-capture.js';
import { modernEbpfOptions } from '../../capture/modern-ebpf-config.js';
import { trimNativeHeap } from '../../../native/capture.js';

/** Falco's words when its driver cannot start; Saker adds why. */
export const SCAP_INIT_ERROR = 'Initialization issues during scap_init';

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
  /** The probe, already loading (modern_ebpf): opened with it instead of a new one. */
  prepared?: PreparedCapture;
}

export function runCommand(opts: RunOptions): Promise<DaemonResult> {
  const { logger } = opts;
  const config = opts.initial.loaded.config;
  logger.info('Loaded event sources: syscall');
  logger.info(`Enabled event sources: ${opts.enabledSources.join(', ')}`);
  let engineName: string = config.engineKind;
  let events = opts.events;
  let openSource: ((types: { all: boolean; names: string[] }) => EventSource) | undefined;
  if (events) {
    for (const src of opts.enabledSources) logger.info(`Opening '${src}' source with the batch source`);
  } else if (config.engineKind === 'replay') {
    const file = config.replayCaptureFile;
    if (isCaptureFile(file)) {
      openSource = () => openCaptureReplay(file);
      for (const src of opts.enabledSources) logger.info(`Opening '${src}' source with capture file ${file}`);
    } else {
      events = batchFileSource(file);
      for (const src of opts.enabledSources) logger.info(`Opening '${src}' source with the recording ${file}`);
    }
  } else if (config.engineKind === 'modern_ebpf' || config.engineKind === 'kmod') {
    if (config.engineKind === 'kmod') logger.warning("Saker has no kernel module: engine.kind 'kmod' uses the modern BPF probe");
    engineName = 'modern_ebpf';
    openSource = (types) => {
      for (const src of opts.enabledSources) logger.info(`Opening '${src}' source with modern BPF probe.`);
      try {
        const ring = modernEbpfOptions(opts.initial.loaded.tree);
        const source = openLiveCapture({ types, ...ring, warn: (m) => logger.debug(m), ...(opts.prepared ? { prepared: opts.prepared } : {}) });
        // Logged once the probe is attached: from here on, events are captured.
        logger.info(`One ring buffer every '${ring.cpusPerRing}' CPUs.`);
        return source;
      } catch (e) {
        if (!(e instanceof CaptureStartError)) throw e;
        logger.error('An error occurred in an event source, forcing termination...');
        throw new CaptureStartError(`${SCAP_INIT_ERROR} (${e.message})`);
      }
    };
  } else {
    for (const src of opts.enabledSources) {
      logger.warning(`Enabled event source '${src}' will be opened with no driver, no event will be produced`);
    }
    for (const src of opts.enabledSources) logger.info(`Opening '${src}' source with no driver`);
  }
  return runDaemon({
    initial: opts.initial,
    reload: opts.reload,
    compile: (set) =>
      compileEngine(set.ruleset, { ruleMatching: set.loaded.config.ruleMatching, enabledRuleIds: set.enabledRuleIds, dns: systemDnsCache() }),
    logger,
    engineName,
    enabledSources: opts.enabledSources,
    durationSeconds: opts.durationSeconds,
    pidFile: opts.pidFile,
    env: opts.env,
    ...(opts.signals ? { signals: opts.signals } : {}),
    ...(events ? { events } : {}),
    // The addon is loaded with a capture source; without one there is nothing of it to trim.
    ...(openSource ? { openSource, trimNativeHeap } : {}),
    ...(opts.captureStats ? { captureStats: opts.captureStats } : {}),
    ...(opts.applyEventTypes ? { applyEventTypes: opts.applyEventTypes } : {}),
    ...(opts.deliveryDeps ? { deliveryDeps: opts.deliveryDeps } : {}),
  });
}
