// `saker capture -w FILE [-M SECONDS]`: records what the capture sees (every event type the batch
// ABI carries, plus the initial process table) into a capture file that `engine.kind: replay`
// plays back with any rules. Stops on SIGINT/SIGTERM or after -M seconds, drains, prints counts.
import { openLiveCapture } from '../../capture/live-capture.js';
import { CaptureStartError } from '../../capture/event-source.js';
import { OptionsError } from '../options.js';
import type { Logger } from '../logger.js';
import { SCAP_INIT_ERROR } from './run.js';

export interface CaptureCommandOptions {
  file: string;
  durationSeconds: number;
  help: boolean;
}

export const CAPTURE_USAGE = `Usage:
  saker capture -w <file> [-M <num_seconds>]

  -w <file>          Capture file to write (replay it with -o engine.kind=replay -o engine.replay.capture_file=<file>).
  -M <num_seconds>   Stop after <num_seconds> seconds (default: until SIGINT or SIGTERM).
  -h, --help         Print this help and exit.
`;

export function parseCaptureOptions(argv: readonly string[]): CaptureCommandOptions {
  const opts: CaptureCommandOptions = { file: '', durationSeconds: 0, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (flag: string): string => {
      const inline = arg.length > 2 ? arg.slice(2) : undefined;
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new OptionsError(`Option \u2018${flag}\u2019 is missing an argument`);
      return argv[++i]!;
    };
    if (arg === '-h' || arg === '--help') opts.help = true;
    else if (arg.startsWith('-w')) opts.file = value('w');
    else if (arg.startsWith('-M')) {
      const text = value('M');
      if (!/^\d+$/.test(text)) throw new OptionsError(`Argument \u2018${text}\u2019 failed to parse`);
      opts.durationSeconds = Number.parseInt(text, 10);
    } else throw new OptionsError(`saker capture: unknown argument \u2018${arg}\u2019`);
  }
  if (!opts.help && opts.file === '') throw new OptionsError('saker capture: -w <file> is required');
  return opts;
}

export interface CaptureRun {
  events: number;
  drops: number;
}

export async function captureCommand(opts: CaptureCommandOptions, logger: Logger, signals: NodeJS.EventEmitter): Promise<CaptureRun> {
  let source;
  try {
    source = openLiveCapture({ types: { all: true, names: [] }, captureFile: opts.file });
  } catch (e) {
    if (e instanceof CaptureStartError) throw new CaptureStartError(`${SCAP_INIT_ERROR} (${e.message})`);
    throw e;
  }
  logger.info(`Capturing to ${opts.file}${opts.durationSeconds > 0 ? ` for ${opts.durationSeconds} s` : ''}`);
  let stopRequested: () => void = () => undefined;
  const stop = new Promise<void>((r) => (stopRequested = r));
  const onSignal = (): void => {
    logger.info('SIGINT received, exiting...');
    stopRequested();
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  const timer = opts.durationSeconds > 0 ? setTimeout(stopRequested, opts.durationSeconds * 1000) : undefined;
  // The batches are only drained (the file is written by the addon); they end after stop().
  const consume = (async () => {
    for await (const _ of source.batches) void _;
  })();
  try {
    await stop;
    await source.stop();
    await consume;
  } finally {
    if (timer) clearTimeout(timer);
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
  }
  const st = source.stats();
  logger.info(`Capture written to ${opts.file}: ${st.n_evts} events, ${st.n_drops} dropped`);
  return { events: st.n_evts, drops: st.n_drops };
}
