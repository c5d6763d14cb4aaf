// Running with no command. The capture module is not there yet, so Saker does what Falco does
// with `engine.kind: nodriver`: open no event source, produce no event, and stay up until a signal
// (SIGINT/SIGTERM exit 0, SIGHUP restarts, SIGUSR1 reopens outputs) or until `-M` seconds pass.
import { writeFileSync } from 'node:fs';
import type { SakerConfig } from '../../config/keys.js';
import type { Logger } from '../logger.js';

export type RunOutcome = { restart: boolean };

export interface RunOptions {
  config: SakerConfig;
  logger: Logger;
  durationSeconds: number;
  pidFile: string;
  enabledSources: readonly string[];
  /** For tests: the process whose signals stop the run. */
  signals?: NodeJS.EventEmitter;
}

export function runWithoutCapture(opts: RunOptions): Promise<RunOutcome> {
  const { logger, config } = opts;
  if (opts.pidFile !== '') writeFileSync(opts.pidFile, `${process.pid}\n`);

  logger.info('Loaded event sources: syscall');
  logger.info(`Enabled event sources: ${opts.enabledSources.join(', ')}`);
  if (config.engineKind !== 'nodriver') {
    logger.warning(
      `Saker has no capture module yet: engine.kind '${config.engineKind}' runs as 'nodriver', no event will be produced`,
    );
  }
  for (const src of opts.enabledSources) {
    logger.warning(`Enabled event source '${src}' will be opened with no driver, no event will be produced`);
  }
  for (const src of opts.enabledSources) logger.info(`Opening '${src}' source with no driver`);

  const signals = opts.signals ?? process;
  return new Promise<RunOutcome>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: RunOutcome): void => {
      if (timer) clearTimeout(timer);
      signals.off('SIGINT', onTerminate);
      signals.off('SIGTERM', onTerminate);
      signals.off('SIGHUP', onRestart);
      signals.off('SIGUSR1', onReopen);
      resolve(outcome);
    };
    // Falco logs the same line for SIGINT and SIGTERM.
    const onTerminate = (): void => {
      logger.info('SIGINT received, exiting...');
      finish({ restart: false });
    };
    const onRestart = (): void => {
      logger.info('SIGHUP received, restarting...');
      finish({ restart: true });
    };
    const onReopen = (): void => {
      logger.info('SIGUSR1 received, reopening outputs...');
    };
    signals.on('SIGINT', onTerminate);
    signals.on('SIGTERM', onTerminate);
    signals.on('SIGHUP', onRestart);
    signals.on('SIGUSR1', onReopen);
    if (opts.durationSeconds > 0) timer = setTimeout(() => finish({ restart: false }), opts.durationSeconds * 1000);
    else timer = setInterval(() => undefined, 1 << 30) as unknown as NodeJS.Timeout; // keeps the event loop alive
  });
}
