// The one place that knows Saker's config keys: their falco.yaml names, how each is read, its
// default when absent or unreadable (Falco falls back silently; validation reports it), and the
// checks whose failure stops startup with Falco's message.
import { readAppendOutput, type AppendOutputConfig } from './append-output.js';
import { decodeRuleSelector, type RuleSelector } from './rule-selection.js';
import { toBool, toDouble, toInteger, toStringList, toText } from './scalars.js';
import { ConfigError, getAt, type ConfigNode } from './tree.js';

export const PRIORITY_NAMES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'debug'] as const;
export type PriorityName = (typeof PRIORITY_NAMES)[number];

export const ENGINE_KINDS = ['kmod', 'modern_ebpf', 'replay', 'nodriver'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];

export const LOG_LEVELS = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface SakerConfig {
  /** Rules files and folders in load order, as configured (missing paths already dropped, like Falco). */
  rulesFiles: string[];
  /** True when the deprecated singular `rules_file` key was used. */
  usedLegacyRulesFileKey: boolean;
  jsonOutput: boolean;
  jsonIncludeOutputProperty: boolean;
  jsonIncludeTagsProperty: boolean;
  jsonIncludeMessageProperty: boolean;
  jsonIncludeOutputFieldsProperty: boolean;
  /** Minimum rule priority loaded. */
  priority: PriorityName;
  ruleMatching: 'first' | 'all';
  rules: RuleSelector[];
  logStderr: boolean;
  logSyslog: boolean;
  logLevel: LogLevel;
  timeFormatIso8601: boolean;
  bufferedOutputs: boolean;
  outputTimeout: number;
  stdoutOutput: boolean;
  syslogOutput: boolean;
  fileOutput: { enabled: boolean; filename: string; keepAlive: boolean };
  engineKind: EngineKind;
  /** `engine.replay.capture_file` (required with `engine.kind: replay`). */
  replayCaptureFile: string;
  watchConfigFiles: boolean;
  /** `outputs_queue.capacity`; 0 = Saker's default per-channel bound. */
  outputsQueueCapacity: number;
  webserver: WebserverConfig;
  metrics: MetricsConfig;
  syscallEventDrops: SyscallEventDropsConfig;
  baseSyscalls: { customSet: string[]; repair: boolean; all: boolean };
  /** `append_output` entries in order. */
  appendOutput: AppendOutputConfig[];
}

export interface WebserverConfig {
  enabled: boolean;
  listenAddress: string;
  listenPort: number;
  healthzEndpoint: string;
  prometheusMetricsEnabled: boolean;
  sslEnabled: boolean;
  /** One PEM file holding the key and the certificate, as Falco's. */
  sslCertificate: string;
}

export interface MetricsConfig {
  enabled: boolean;
  /** `metrics.interval` in milliseconds. */
  intervalMs: number;
  outputRule: boolean;
  outputFile: string;
  rulesCountersEnabled: boolean;
  resourceUtilizationEnabled: boolean;
  stateCountersEnabled: boolean;
  kernelEventCountersEnabled: boolean;
  convertMemoryToMb: boolean;
  includeEmptyValues: boolean;
}

export const DROP_ACTIONS = ['ignore', 'log', 'alert', 'exit'] as const;
export type DropAction = (typeof DROP_ACTIONS)[number];

export interface SyscallEventDropsConfig {
  threshold: number;
  actions: DropAction[];
  rate: number;
  maxBurst: number;
  simulateDrops: boolean;
}

type Reader<T> = (node: ConfigNode | undefined) => T | undefined;

/** A scalar key: where it lives, how to read it, and its default. */
interface ScalarKey<T> {
  key: string;
  read: Reader<T>;
  fallback: T;
}

const bool = (key: string, fallback: boolean): ScalarKey<boolean> => ({ key, read: toBool, fallback });
const text = (key: string, fallback: string): ScalarKey<string> => ({ key, read: toText, fallback });
const uint = (key: string, fallback: number): ScalarKey<number> => ({
  key,
  read: (n) => toInteger(n, { unsigned: true, max: 0xffffffff }),
  fallback,
});

/** Defaults are Falco's built-in ones (what Falco uses when falco.yaml omits a key). */
export const SCALAR_KEYS = {
  jsonOutput: bool('json_output', false),
  jsonIncludeOutputProperty: bool('json_include_output_property', true),
  jsonIncludeTagsProperty: bool('json_include_tags_property', true),
  jsonIncludeMessageProperty: bool('json_include_message_property', false),
  jsonIncludeOutputFieldsProperty: bool('json_include_output_fields_property', true),
  priority: text('priority', 'debug'),
  ruleMatching: text('rule_matching', 'first'),
  logStderr: bool('log_stderr', false),
  logSyslog: bool('log_syslog', true),
  logLevel: text('log_level', 'info'),
  timeFormatIso8601: bool('time_format_iso_8601', false),
  bufferedOutputs: bool('buffered_outputs', false),
  outputTimeout: uint('output_timeout', 2000),
  stdoutOutput: bool('stdout_output.enabled', false),
  syslogOutput: bool('syslog_output.enabled', false),
  fileOutputEnabled: bool('file_output.enabled', false),
  fileOutputFilename: text('file_output.filename', ''),
  fileOutputKeepAlive: bool('file_output.keep_alive', false),
  engineKind: text('engine.kind', 'kmod'),
  engineReplayCaptureFile: text('engine.replay.capture_file', ''),
  watchConfigFiles: bool('watch_config_files', true),
  syscallEventDropsThreshold: { key: 'syscall_event_drops.threshold', read: toDouble, fallback: 0.1 } as ScalarKey<number>,
  syscallEventDropsRate: { key: 'syscall_event_drops.rate', read: toDouble, fallback: 0.03333 } as ScalarKey<number>,
  syscallEventDropsMaxBurst: uint('syscall_event_drops.max_burst', 1),
  syscallEventDropsSimulate: bool('syscall_event_drops.simulate_drops', false),
  outputsQueueCapacity: uint('outputs_queue.capacity', 0),
  webserverEnabled: bool('webserver.enabled', false),
  webserverListenAddress: text('webserver.listen_address', '0.0.0.0'),
  webserverListenPort: { key: 'webserver.listen_port', read: (n) => toInteger(n, { min: 0, max: 65535 }), fallback: 8765 } as ScalarKey<number>,
  webserverHealthz: text('webserver.k8s_healthz_endpoint', '/healthz'),
  webserverPrometheus: bool('webserver.prometheus_metrics_enabled', false),
  webserverSslEnabled: bool('webserver.ssl_enabled', false),
  webserverSslCertificate: text('webserver.ssl_certificate', '/etc/falco/falco.pem'),
  webserverThreadiness: uint('webserver.threadiness', 0),
  metricsEnabled: bool('metrics.enabled', false),
  metricsInterval: { key: 'metrics.interval', read: (n) => (parseDurationMs(toText(n) ?? '') === undefined ? undefined : toText(n)), fallback: '1h' } as ScalarKey<string>,
  metricsOutputRule: bool('metrics.output_rule', true),
  metricsOutputFile: text('metrics.output_file', ''),
  metricsRulesCounters: bool('metrics.rules_counters_enabled', true),
  metricsResourceUtilization: bool('metrics.resource_utilization_enabled', true),
  metricsStateCounters: bool('metrics.state_counters_enabled', true),
  metricsKernelEventCounters: bool('metrics.kernel_event_counters_enabled', true),
  metricsConvertMemoryToMb: bool('metrics.convert_memory_to_mb', true),
  metricsIncludeEmptyValues: bool('metrics.include_empty_values', false),
  baseSyscallsRepair: bool('base_syscalls.repair', false),
  baseSyscallsAll: bool('base_syscalls.all', false),
} as const;

const DURATION_UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** Prometheus-style durations as Falco's `metrics.interval` takes them: `1h`, `15m30s`, `500ms`. */
export function parseDurationMs(text: string): number | undefined {
  if (!/^(\d+(ns|us|ms|s|m|h|d|w|y))+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ns|us|ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * DURATION_UNITS_MS[m[2]!]!;
  return total;
}

function readScalar<T>(tree: ConfigNode, spec: ScalarKey<T>): T {
  const node = getAt(tree, spec.key);
  if (node === undefined || node === null) return spec.fallback;
  return spec.read(node) ?? spec.fallback;
}

/** Parses a priority word the way Falco does: any case, and `info` for `informational`. */
export function parsePriority(word: string): PriorityName | undefined {
  const lower = word.toLowerCase();
  if (lower === 'info') return 'informational';
  return (PRIORITY_NAMES as readonly string[]).includes(lower) ? (lower as PriorityName) : undefined;
}

/**
 * Reads the typed configuration from a merged document. `configName` is the main config file
 * name used in Falco's error messages.
 */
export function readConfig(tree: ConfigNode, configName: string): SakerConfig {
  const err = (why: string): never => {
    throw new ConfigError(`Error reading config file (${configName}): ${why}`);
  };

  const engineKind = readScalar(tree, SCALAR_KEYS.engineKind);
  if (!(ENGINE_KINDS as readonly string[]).includes(engineKind)) err(`engine.kind '${engineKind}' is not a valid kind.`);
  if (engineKind === 'replay' && readScalar(tree, SCALAR_KEYS.engineReplayCaptureFile) === '') {
    err("engine.kind is 'replay' but no engine.replay.capture_file specified.");
  }

  // `rules_files` (plural) replaced `rules_file`; Falco accepts either, never both.
  const plural = getAt(tree, 'rules_files');
  const singular = getAt(tree, 'rules_file');
  if (plural !== undefined && singular !== undefined) err("both 'rules_files' and 'rules_file' keys set");
  const rulesFiles = toStringList(plural ?? singular) ?? [];

  const fileOutput = {
    enabled: readScalar(tree, SCALAR_KEYS.fileOutputEnabled),
    filename: readScalar(tree, SCALAR_KEYS.fileOutputFilename),
    keepAlive: readScalar(tree, SCALAR_KEYS.fileOutputKeepAlive),
  };
  if (fileOutput.enabled && fileOutput.filename === '') err('file output enabled but no filename in configuration block');

  const ruleMatching = readScalar(tree, SCALAR_KEYS.ruleMatching);
  if (ruleMatching !== 'first' && ruleMatching !== 'all') {
    throw new ConfigError(`Unknown rule matching strategy "${ruleMatching}"--must be one of first, all`);
  }

  const priorityWord = readScalar(tree, SCALAR_KEYS.priority);
  const priority = parsePriority(priorityWord);
  if (!priority) {
    throw new ConfigError(
      `Unknown priority "${priorityWord}"--must be one of emergency, alert, critical, error, warning, notice, informational, debug`,
    );
  }

  const threshold = readScalar(tree, SCALAR_KEYS.syscallEventDropsThreshold);
  if (threshold < 0 || threshold > 1) err('syscall event drops threshold must be a double in the range [0, 1]');

  const appendOutput = readAppendOutput(getAt(tree, 'append_output'));
  if (typeof appendOutput === 'string') err(`invalid 'append_output': ${appendOutput}`);

  const rules: RuleSelector[] = [];
  const rulesNode = getAt(tree, 'rules');
  if (rulesNode !== undefined && rulesNode !== null) {
    const entries = Array.isArray(rulesNode) ? rulesNode : [rulesNode];
    entries.forEach((entry, i) => {
      const sel = decodeRuleSelector(entry);
      if (typeof sel === 'string') err(`invalid 'rules' entry #${i}: ${sel}`);
      else rules.push(sel);
    });
  }

  const dropActions = toStringList(getAt(tree, 'syscall_event_drops.actions')) ?? ['log', 'alert'];
  for (const a of dropActions) {
    if (!(DROP_ACTIONS as readonly string[]).includes(a)) err(`syscall_event_drops.actions: unknown action '${a}', must be one of ${DROP_ACTIONS.join(', ')}`);
  }

  const logLevelWord = readScalar(tree, SCALAR_KEYS.logLevel);
  const logLevel = (LOG_LEVELS as readonly string[]).includes(logLevelWord) ? (logLevelWord as LogLevel) : 'info';

  return {
    rulesFiles,
    usedLegacyRulesFileKey: singular !== undefined,
    jsonOutput: readScalar(tree, SCALAR_KEYS.jsonOutput),
    jsonIncludeOutputProperty: readScalar(tree, SCALAR_KEYS.jsonIncludeOutputProperty),
    jsonIncludeTagsProperty: readScalar(tree, SCALAR_KEYS.jsonIncludeTagsProperty),
    jsonIncludeMessageProperty: readScalar(tree, SCALAR_KEYS.jsonIncludeMessageProperty),
    jsonIncludeOutputFieldsProperty: readScalar(tree, SCALAR_KEYS.jsonIncludeOutputFieldsProperty),
    priority,
    ruleMatching,
    rules,
    logStderr: readScalar(tree, SCALAR_KEYS.logStderr),
    logSyslog: readScalar(tree, SCALAR_KEYS.logSyslog),
    logLevel,
    timeFormatIso8601: readScalar(tree, SCALAR_KEYS.timeFormatIso8601),
    bufferedOutputs: readScalar(tree, SCALAR_KEYS.bufferedOutputs),
    outputTimeout: readScalar(tree, SCALAR_KEYS.outputTimeout),
    stdoutOutput: readScalar(tree, SCALAR_KEYS.stdoutOutput),
    syslogOutput: readScalar(tree, SCALAR_KEYS.syslogOutput),
    fileOutput,
    engineKind: engineKind as EngineKind,
    replayCaptureFile: readScalar(tree, SCALAR_KEYS.engineReplayCaptureFile),
    watchConfigFiles: readScalar(tree, SCALAR_KEYS.watchConfigFiles),
    outputsQueueCapacity: readScalar(tree, SCALAR_KEYS.outputsQueueCapacity),
    webserver: {
      enabled: readScalar(tree, SCALAR_KEYS.webserverEnabled),
      listenAddress: readScalar(tree, SCALAR_KEYS.webserverListenAddress),
      listenPort: readScalar(tree, SCALAR_KEYS.webserverListenPort),
      healthzEndpoint: readScalar(tree, SCALAR_KEYS.webserverHealthz),
      prometheusMetricsEnabled: readScalar(tree, SCALAR_KEYS.webserverPrometheus),
      sslEnabled: readScalar(tree, SCALAR_KEYS.webserverSslEnabled),
      sslCertificate: readScalar(tree, SCALAR_KEYS.webserverSslCertificate),
    },
    metrics: {
      enabled: readScalar(tree, SCALAR_KEYS.metricsEnabled),
      intervalMs: parseDurationMs(readScalar(tree, SCALAR_KEYS.metricsInterval)) ?? 3_600_000,
      outputRule: readScalar(tree, SCALAR_KEYS.metricsOutputRule),
      outputFile: readScalar(tree, SCALAR_KEYS.metricsOutputFile),
      rulesCountersEnabled: readScalar(tree, SCALAR_KEYS.metricsRulesCounters),
      resourceUtilizationEnabled: readScalar(tree, SCALAR_KEYS.metricsResourceUtilization),
      stateCountersEnabled: readScalar(tree, SCALAR_KEYS.metricsStateCounters),
      kernelEventCountersEnabled: readScalar(tree, SCALAR_KEYS.metricsKernelEventCounters),
      convertMemoryToMb: readScalar(tree, SCALAR_KEYS.metricsConvertMemoryToMb),
      includeEmptyValues: readScalar(tree, SCALAR_KEYS.metricsIncludeEmptyValues),
    },
    syscallEventDrops: {
      threshold,
      actions: dropActions as DropAction[],
      rate: readScalar(tree, SCALAR_KEYS.syscallEventDropsRate),
      maxBurst: readScalar(tree, SCALAR_KEYS.syscallEventDropsMaxBurst),
      simulateDrops: readScalar(tree, SCALAR_KEYS.syscallEventDropsSimulate),
    },
    baseSyscalls: {
      customSet: toStringList(getAt(tree, 'base_syscalls.custom_set')) ?? [],
      repair: readScalar(tree, SCALAR_KEYS.baseSyscallsRepair),
      all: readScalar(tree, SCALAR_KEYS.baseSyscallsAll),
    },
    appendOutput: appendOutput as AppendOutputConfig[],
  };
}

/** The JSON-schema validator's location of a key: `<root>[stdout_output][enabled]`. */
export function schemaContext(key: string): string {
  return `<root>${key.split('.').map((k) => `[${k}]`).join('')}`;
}

const TYPE_MISMATCH = "Value type not permitted by 'type' constraint.";

/**
 * Checks the keys Saker knows in one loaded file: `ok`, or the schema validator's
 * `failed for <location>: <why>` for the first value that does not read as its type.
 */
export function validateConfigFile(tree: ConfigNode): string {
  if (tree !== null && (typeof tree !== 'object' || Array.isArray(tree))) return `failed for <root>: ${TYPE_MISMATCH}`;
  for (const spec of Object.values(SCALAR_KEYS) as ScalarKey<unknown>[]) {
    const node = getAt(tree, spec.key);
    if (node === undefined || node === null) continue;
    if (spec.read(node) === undefined && spec.key !== 'metrics.interval') return `failed for ${schemaContext(spec.key)}: ${TYPE_MISMATCH}`;
  }
  for (const key of ['rules_files', 'rules_file']) {
    const node = getAt(tree, key);
    if (node !== undefined && node !== null && toStringList(node) === undefined) return `failed for ${schemaContext(key)}: ${TYPE_MISMATCH}`;
  }
  return 'ok';
}

/**
 * Every key Falco 0.44's falco.yaml knows, plus Saker's. `true` = a block whose inside Saker does
 * not check (plugins, libs tuning) or whose reader validates it itself (email_output, sns_output).
 */
type KnownKeys = { [key: string]: true | KnownKeys };
const CHANNEL_EXTRAS: KnownKeys = { min_priority: true, queue_capacity: true, rate_limit: { rate: true, burst: true } };
export const KNOWN_KEYS: KnownKeys = {
  config_files: true,
  watch_config_files: true,
  rules_files: true,
  rules_file: true,
  rules: true,
  engine: {
    kind: true,
    kmod: { buf_size_preset: true, drop_failed_exit: true },
    ebpf: { probe: true, buf_size_preset: true, drop_failed_exit: true },
    modern_ebpf: { cpus_for_each_buffer: true, buf_size_preset: true, drop_failed_exit: true, disable_iterators: true },
    replay: { capture_file: true },
    gvisor: { config: true, root: true },
  },
  capture: true,
  load_plugins: true,
  plugins: true,
  plugins_hostinfo: true,
  time_format_iso_8601: true,
  buffer_format_base64: true,
  priority: true,
  json_output: true,
  json_include_output_property: true,
  json_include_message_property: true,
  json_include_output_fields_property: true,
  json_include_tags_property: true,
  buffered_outputs: true,
  rule_matching: true,
  outputs_queue: { capacity: true },
  append_output: true,
  static_fields: true,
  stdout_output: { enabled: true, ...CHANNEL_EXTRAS },
  syslog_output: { enabled: true, ...CHANNEL_EXTRAS },
  file_output: { enabled: true, keep_alive: true, filename: true, ...CHANNEL_EXTRAS },
  http_output: {
    enabled: true,
    url: true,
    user_agent: true,
    insecure: true,
    ca_cert: true,
    ca_bundle: true,
    ca_path: true,
    mtls: true,
    client_cert: true,
    client_key: true,
    echo: true,
    compress_uploads: true,
    keep_alive: true,
    max_consecutive_timeouts: true,
    ...CHANNEL_EXTRAS,
  },
  program_output: { enabled: true, keep_alive: true, program: true, ...CHANNEL_EXTRAS },
  email_output: true,
  sns_output: true,
  grpc: true,
  grpc_output: true,
  webserver: {
    enabled: true,
    threadiness: true,
    listen_port: true,
    listen_address: true,
    k8s_healthz_endpoint: true,
    prometheus_metrics_enabled: true,
    ssl_enabled: true,
    ssl_certificate: true,
  },
  log_stderr: true,
  log_syslog: true,
  log_level: true,
  libs_logger: true,
  output_timeout: true,
  syscall_event_timeouts: { max_consecutives: true },
  syscall_event_drops: { threshold: true, actions: true, rate: true, max_burst: true, simulate_drops: true },
  metrics: {
    enabled: true,
    interval: true,
    output_rule: true,
    output_file: true,
    rules_counters_enabled: true,
    resource_utilization_enabled: true,
    state_counters_enabled: true,
    kernel_event_counters_enabled: true,
    kernel_event_counters_per_cpu_enabled: true,
    libbpf_stats_enabled: true,
    plugins_metrics_enabled: true,
    kernel_iter_event_counters_enabled: true,
    jemalloc_stats_enabled: true,
    convert_memory_to_mb: true,
    include_empty_values: true,
  },
  base_syscalls: { custom_set: true, repair: true, all: true },
  falco_libs: true,
  container_engines: true,
};

/** Dotted paths of the keys in `tree` that neither Falco 0.44 nor Saker knows. */
export function unknownConfigKeys(tree: ConfigNode): string[] {
  const out: string[] = [];
  const walk = (node: ConfigNode, known: KnownKeys, prefix: string): void => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
    for (const [key, value] of Object.entries(node)) {
      const spec = known[key];
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (spec === undefined) out.push(path);
      else if (spec !== true) walk(value, spec, path);
    }
  };
  walk(tree, KNOWN_KEYS, '');
  return out;
}

const EXPECTED: Record<string, string> = {
  bool: 'a boolean (true/false)',
  uint: 'an unsigned integer',
  double: 'a number',
  text: 'a string',
};

function kindOf(spec: ScalarKey<unknown>): string {
  if (spec.read === (toBool as Reader<unknown>)) return 'bool';
  if (spec.read === (toText as Reader<unknown>)) return 'text';
  if (spec.read === (toDouble as Reader<unknown>)) return 'double';
  return 'uint';
}

/**
 * The strict start-up check of the merged configuration: the first value of a key Saker reads
 * that does not convert to its type stops startup, naming the key (Falco would fall back to the
 * default silently; a daemon that quietly ignores a typo is worse).
 */
export function checkConfigValues(tree: ConfigNode, configName: string): void {
  const fail = (key: string, node: ConfigNode, expected: string): never => {
    const shown = typeof node === 'string' ? `'${node}'` : JSON.stringify(node);
    throw new ConfigError(`Error reading config file (${configName}): invalid value ${shown} for key '${key}': expected ${expected}`);
  };
  for (const spec of Object.values(SCALAR_KEYS) as ScalarKey<unknown>[]) {
    const node = getAt(tree, spec.key);
    if (node === undefined || node === null) continue;
    if (spec.read(node) !== undefined) continue;
    if (spec.key === 'metrics.interval') fail(spec.key, node, "a duration such as '1h', '15m' or '500ms'");
    if (spec.key === 'webserver.listen_port') fail(spec.key, node, 'a port number between 0 and 65535');
    fail(spec.key, node, EXPECTED[kindOf(spec)]!);
  }
  const logLevel = getAt(tree, 'log_level');
  if (typeof logLevel === 'string' && !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    fail('log_level', logLevel, `one of ${LOG_LEVELS.join(', ')}`);
  }
  for (const key of ['rules_files', 'rules_file', 'base_syscalls.custom_set', 'syscall_event_drops.actions']) {
    const node = getAt(tree, key);
    if (node !== undefined && node !== null && toStringList(node) === undefined) fail(key, node, 'a list of strings');
  }
}
