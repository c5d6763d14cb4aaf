// The one place that knows Saker's config keys: their falco.yaml names, how each is read, its
// default when absent or unreadable (Falco falls back silently; validation reports it), and the
// checks whose failure stops startup with Falco's message.
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
  watchConfigFiles: boolean;
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
} as const;

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
    watchConfigFiles: readScalar(tree, SCALAR_KEYS.watchConfigFiles),
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
    if (spec.read(node) === undefined) return `failed for ${schemaContext(spec.key)}: ${TYPE_MISMATCH}`;
  }
  for (const key of ['rules_files', 'rules_file']) {
    const node = getAt(tree, key);
    if (node !== undefined && node !== null && toStringList(node) === undefined) return `failed for ${schemaContext(key)}: ${TYPE_MISMATCH}`;
  }
  return 'ok';
}
