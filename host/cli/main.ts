// The `saker` command line: Falco 0.44's flags, run through Falco's sequence of steps (load the
// config, print help/version, list fields, validate, load rules, describe rules, print support,
// then run), with Falco's messages and exit codes: 0 on success, 1 with `Error: ...` on failure.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DEFAULT_CONFIG_PATH } from '../config/defaults.js';
import { ConfigError, setAt } from '../config/tree.js';
import { ConfigReadError, loadConfig, type LoadedConfig } from '../config/load.js';
import { runCommand } from './commands/run.js';
import { CAPTURE_USAGE, captureCommand, parseCaptureOptions } from './commands/capture.js';
import { ruleSetFrom } from '../daemon/rule-set.js';
import type { ScapStats } from '../daemon/event-drops.js';
import { ReplayFileError } from '../daemon/replay-source.js';
import { CaptureStartError } from '../capture/event-source.js';
import { prepareLiveCapture, type PreparedCapture } from '../capture/live-capture.js';
import { modernEbpfOptions } from '../capture/modern-ebpf-config.js';
import { CaptureReplayError } from '../capture/capture-replay.js';
import { loadRuleSetOffThread } from '../reload/load-off-thread.js';
import type { DeliveryDeps } from '../../outputs/index.js';
import { listFields, isKnownSource } from './commands/list-fields.js';
import { validateRulesFiles } from './commands/validate.js';
import { describeRules, type DescribeWhat } from './commands/describe.js';
import { supportJson } from './commands/support.js';
import { dumpJson } from './json.js';
import { Logger } from './logger.js';
import { createSyslogSink, type ClosableSyslogSink } from './syslog-sink.js';
import { OptionsError, parseOptions, usage, type CliOptions } from './options.js';
import { loadConfiguredRules, RulesStageError } from './rules-stage.js';
import { targetArch, versionsInfo, versionsJson, versionText } from './version-info.js';
import { SAKER_VERSION } from '../version.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Where Saker looks for its config file when `-c` is not given. */
  defaultConfigPath: string;
  env: NodeJS.ProcessEnv;
  /** Signals that stop a run (tests pass their own emitter). */
  signals?: NodeJS.EventEmitter;
  /** Batches to evaluate (tests; later the capture module). None = nodriver. */
  events?: AsyncIterable<Uint8Array>;
  /** The capture's cumulative counters (syscall_event_drops, metrics), with `events`. */
  captureStats?: () => ScapStats;
  /** The capture's syscall map update: the event types the running rules need. */
  applyEventTypes?: (types: { all: boolean; names: string[] }) => void;
  /** Outputs' hooks (tests: stdout descriptor, syslog socket, time zone). */
  deliveryDeps?: Partial<DeliveryDeps>;
  /** Where `log_syslog` lines go; none = not sent. */
  syslog?: ClosableSyslogSink;
}

function defaultIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    defaultConfigPath: process.env.SAKER_CONFIG_PATH ?? DEFAULT_CONFIG_PATH,
    env: process.env,
    syslog: createSyslogSink(),
  };
}

/** The kernel page size (Node has no getpagesize(); getconf asks the C library). */
function systemPageSize(): number | undefined {
  try {
    const n = Number.parseInt(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(), 10);
    return n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** A failure that ends the run with `Error: <message>` on stderr and exit code 1. */
class Fatal extends Error {}

/** Flags Falco has that need parts Saker does not have yet. */
const UNSUPPORTED: ReadonlyArray<[keyof CliOptions, string]> = [
  ['printConfigSchema', '--config-schema'],
  ['printRuleSchema', '--rule-schema'],
  ['printIgnoredEvents', '-i'],
  ['listEvents', '--list-events'],
  ['listPlugins', '--list-plugins'],
  ['pluginInfo', '--plugin-info'],
  ['printAdditional', '-p'],
];

export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  try {
    for (;;) {
      const outcome = await runOnce(argv, io);
      if (outcome !== 'restart') return outcome;
    }
  } finally {
    await io.syslog?.close();
  }
}

async function runOnce(argv: string[], io: CliIo): Promise<number | 'restart'> {
  const logger = new Logger({ stderr: true, level: 'info', iso8601: false }, io.stderr, undefined, io.syslog?.sink);
  try {
    return await steps(argv, io, logger);
  } catch (e) {
    if (e instanceof Fatal || e instanceof OptionsError || e instanceof ConfigError || e instanceof RulesStageError || e instanceof ReplayFileError || e instanceof CaptureStartError || e instanceof CaptureReplayError) {
      io.stderr(`Error: ${e.message}\n`);
      return 1;
    }
    // Falco's last-resort handler: logged, and also printed when logs do not go to stderr.
    const msg = `Runtime error: ${e instanceof Error ? e.message : String(e)}. Exiting.\n`;
    logger.error(msg);
    if (!logger.writesToStderr) io.stderr(msg);
    return 1;
  }
}

function resolveConfigFile(opts: CliOptions, io: CliIo): string | null {
  if (opts.configFile !== '') {
    if (!existsSync(opts.configFile)) throw new Fatal(`Could not find configuration file at ${opts.configFile}`);
    return opts.configFile;
  }
  return existsSync(io.defaultConfigPath) ? io.defaultConfigPath : null;
}

function loadConfigStep(argv: readonly string[], opts: CliOptions, io: CliIo, logger: Logger): LoadedConfig {
  const file = resolveConfigFile(opts, io);
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig({ file, overrides: opts.configOverrides, env: io.env });
  } catch (e) {
    if (e instanceof ConfigReadError) io.stderr(`Cannot read config file (${e.path}): ${e.reason}\n`);
    throw e;
  }
  const c = loaded.config;
  // Falco sets output buffering from -U alone, whatever buffered_outputs says.
  c.bufferedOutputs = !opts.unbuffered;
  loaded.tree = setAt(loaded.tree, 'buffered_outputs', c.bufferedOutputs ? 'true' : 'false');
  logger.configure({ stderr: c.logStderr, level: c.logLevel, iso8601: c.timeFormatIso8601, syslog: c.logSyslog });
  if (c.usedLegacyRulesFileKey) {
    logger.warning("Using deprecated config key 'rules_file' (singular form). Please use new 'rules_files' config key (plural form).");
  }
  logger.info(`Saker version: ${SAKER_VERSION} (${targetArch()})`);
  for (const key of loaded.unknownKeys) logger.warning(`Unknown config key '${key}' ignored`);
  logger.debug(`CLI args: ${['saker', ...argv].join(' ')}`);
  if (loaded.mainFile !== null) {
    logger.info('Saker initialized with configuration files:');
    for (const f of loaded.files) {
      logger.log(f.validation === 'ok' ? 'info' : 'warning', `   ${f.path} | schema validation: ${f.validation}`);
    }
  } else {
    logger.info(`Saker initialized with its embedded default configuration (no file at ${io.defaultConfigPath})`);
  }
  return loaded;
}

function enabledSources(opts: CliOptions): string[] {
  const loadedSources = ['syscall'];
  if (opts.enableSources.length > 0 && opts.disableSources.length > 0) {
    throw new Fatal('You can not mix --enable-source and --disable-source');
  }
  let enabled = [...loadedSources];
  if (opts.enableSources.length > 0) {
    enabled = [];
    for (const src of opts.enableSources) {
      if (!loadedSources.includes(src)) throw new Fatal(`Attempted enabling an unknown event source: ${src}`);
      if (!enabled.includes(src)) enabled.push(src);
    }
  } else {
    for (const src of opts.disableSources) {
      if (!loadedSources.includes(src)) throw new Fatal(`Attempted disabling an unknown event source: ${src}`);
      enabled = enabled.filter((s) => s !== src);
    }
  }
  if (enabled.length === 0) throw new Fatal('Must enable at least one event source');
  return enabled;
}

/** The run ends in the daemon with Saker's BPF capture (not a listing, a check or a test's batches). */
function runsLiveCapture(opts: CliOptions, io: CliIo, engineKind: string): boolean {
  if (io.events !== undefined || opts.dryRun || opts.printSupport || describeRequest(opts) !== undefined) return false;
  return engineKind === 'modern_ebpf' || engineKind === 'kmod';
}

function prepareCaptureFor(loaded: LoadedConfig): PreparedCapture | undefined {
  try {
    return prepareLiveCapture(modernEbpfOptions(loaded.tree));
  } catch {
    return undefined; // a bad ring setting: the capture's start reports it, as without preparation
  }
}

/** `-l RULE` wins over `-L`, as in Falco. */
function describeRequest(opts: CliOptions): DescribeWhat | undefined {
  if (opts.describeRule !== '') return { rule: opts.describeRule };
  return opts.describeAllRules ? { all: true } : undefined;
}

async function steps(argv: string[], io: CliIo, logger: Logger): Promise<number | 'restart'> {
  if (argv[0] === 'capture') {
    const copts = parseCaptureOptions(argv.slice(1));
    if (copts.help) {
      io.stdout(CAPTURE_USAGE);
      return 0;
    }
    await captureCommand(copts, logger, io.signals ?? process);
    return 0;
  }
  const opts = parseOptions(argv);
  const loaded = loadConfigStep(argv, opts, io, logger);
  const config = loaded.config;

  if (opts.help) {
    io.stdout(usage());
    return 0;
  }
  if (opts.printVersion) {
    const info = versionsInfo();
    io.stdout(config.jsonOutput ? `${dumpJson(versionsJson(info))}\n` : versionText(info));
    return 0;
  }
  if (opts.printPageSize) {
    const size = systemPageSize();
    if (size === undefined) throw new Fatal("Unable to get the system page size through 'getconf PAGESIZE'");
    logger.info(`Your system page size is: ${size} bytes`);
    return 0;
  }
  for (const [key, flag] of UNSUPPORTED) {
    const v = opts[key];
    if (v === true || (typeof v === 'string' && v !== '')) throw new Fatal(`${flag} is not supported by Saker yet`);
  }

  if (opts.listFields) {
    if (opts.listSource !== '' && !isKnownSource(opts.listSource)) throw new Fatal('Value for --list must be a valid source type');
    io.stdout(listFields({ source: opts.listSource, verbose: opts.verbose, namesOnly: opts.namesOnly, markdown: opts.markdown }));
    return 0;
  }

  const sources = enabledSources(opts);

  if (opts.validateFiles.length > 0) {
    const res = validateRulesFiles(opts.validateFiles, {
      jsonOutput: config.jsonOutput,
      logger,
      describe: describeRequest(opts),
    });
    io.stdout(res.stdout);
    if (!res.successful) throw new Fatal(res.summary);
    return 0;
  }

  // The probe loads on the addon's thread while the rules load here (about 0.4 s of a start).
  const prepared = runsLiveCapture(opts, io, config.engineKind) ? prepareCaptureFor(loaded) : undefined;
  try {
    const rules = loadConfiguredRules({ config, rulesPaths: opts.rulesFiles, logger });

    const describe = describeRequest(opts);
    if (describe) {
      io.stdout(describeRules(rules.loaded, describe, config.jsonOutput));
      return 0;
    }

    if (opts.printSupport) {
      io.stdout(`${dumpJson(supportJson({ argv, loadedConfig: loaded, rulesFiles: rules.files }))}\n`);
      return 0;
    }

    if (opts.dryRun) {
      logger.debug('Skipping event processing in dry-run');
      return 0;
    }

    // Reloads read the same config file with the same -c/-o/-r/-U as the first load.
    const configFile = loaded.mainFile;
    const ran = await runCommand({
      initial: ruleSetFrom(loaded, rules, opts.rulesFiles),
      ...(prepared ? { prepared } : {}),
      // Parsed and validated in a child process: batches keep flowing meanwhile.
      reload: async () => {
        const set = await loadRuleSetOffThread(
          { configFile, overrides: opts.configOverrides, rulesPaths: opts.rulesFiles, env: io.env },
          logger,
        );
        set.loaded.config.bufferedOutputs = !opts.unbuffered;
        set.loaded.tree = setAt(set.loaded.tree, 'buffered_outputs', set.loaded.config.bufferedOutputs ? 'true' : 'false');
        return set;
      },
      logger,
      durationSeconds: opts.durationSeconds,
      pidFile: opts.pidFile,
      enabledSources: sources,
      env: io.env,
      ...(io.signals ? { signals: io.signals } : {}),
      ...(io.events ? { events: io.events } : {}),
      ...(io.captureStats ? { captureStats: io.captureStats } : {}),
      ...(io.applyEventTypes ? { applyEventTypes: io.applyEventTypes } : {}),
      ...(io.deliveryDeps ? { deliveryDeps: io.deliveryDeps } : {}),
    });
    return ran.exitCode;
  } finally {
    // a run that ends before the capture opens (a rules error, a failed compile) closes the probe
    await prepared?.discard();
  }
}
