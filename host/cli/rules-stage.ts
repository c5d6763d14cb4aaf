// Loading the configured rules (Falco's load_rules_files step): expand `-r` or `rules_files`
// paths, read every file, log "Loading rules from:", load file by file into one rule set, stop at
// the first file with an error (its full result becomes the error), log warnings, check plugin
// requirements, then apply the `rules:` selectors and the minimum priority.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readYamlDocumentsKept } from '../rules/yaml-doc.js';
import type { PriorityName as ConfigPriority, SakerConfig } from '../config/keys.js';
import { applyRuleSelection, matchesWildcard } from '../config/rule-selection.js';
import {
  checkPluginRequirements,
  defaultLanguage,
  formatResultText,
  priorityLevel,
  RulesLoader,
  resolveAppendOutput,
  type RuleSet,
  type RulesSource,
} from '../rules/index.js';
import type { Logger } from './logger.js';

export class RulesStageError extends Error {}

const CONFIG_PRIORITY_LEVEL: Record<ConfigPriority, number> = {
  emergency: 0,
  alert: 1,
  critical: 2,
  error: 3,
  warning: 4,
  notice: 5,
  informational: 6,
  debug: 7,
};

const isYamlName = (p: string): boolean => matchesWildcard('*.yaml', p) || matchesWildcard('*.yml', p);

/**
 * Falco's read_rules_file_directory: a folder gives its regular files sorted by path, a path is
 * taken as a file; either way only names ending in .yaml/.yml count.
 */
export function expandRulesPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const path of paths) {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      isDir = false;
    }
    if (isDir) {
      const files = readdirSync(path)
        .map((name) => join(path, name))
        .filter((p) => {
          try {
            return statSync(p).isFile();
          } catch {
            return false;
          }
        })
        .sort();
      out.push(...files.filter(isYamlName));
    } else if (isYamlName(path)) {
      out.push(path);
    }
  }
  return out;
}

/** Reads the files in order; an unreadable one fails the whole step with Falco's message. */
export function readRulesFiles(files: readonly string[]): RulesSource[] {
  return files.map((name) => {
    try {
      return { name, content: readFileSync(name, 'utf8') };
    } catch {
      throw new RulesStageError(`Could not open file ${name} for reading`);
    }
  });
}

/**
 * The schema-validation word Falco logs after each rules file: `ok` when the file has a rules
 * file's shape (YAML documents that are lists of maps), else the validator's `failed for ...`.
 */
export function rulesFileValidation(content: string): string {
  const mismatch = "Value type not permitted by 'type' constraint.";
  // The loader's own parse (kept for its read that follows): a file is a sequence of maps.
  const parsed = readYamlDocumentsKept(content);
  if (!parsed.ok) return 'failed';
  for (const doc of parsed.documents) {
    if (doc === undefined || doc.kind === 'null') continue;
    if (doc.kind !== 'seq') return `failed for <root>: ${mismatch}`;
    const bad = doc.items.findIndex((item) => item.kind !== 'map');
    if (bad !== -1) return `failed for <root>[${bad}]: ${mismatch}`;
  }
  return 'ok';
}

export interface RulesStageInput {
  config: SakerConfig;
  /** `-r` paths; when empty the config's rules_files are used. */
  rulesPaths: readonly string[];
  logger: Logger;
}

export interface RulesStageOutput {
  loaded: RuleSet;
  active: Set<string>;
  /** The rules files loaded, in order (what `--support` reports). */
  files: string[];
}

export function loadConfiguredRules(input: RulesStageInput): RulesStageOutput {
  const { config, logger } = input;
  const paths = input.rulesPaths.length > 0 ? input.rulesPaths : config.rulesFiles;
  if (paths.length === 0) {
    throw new RulesStageError('You must specify at least one rules file/directory via -r or a rules_file entry in falco.yaml');
  }
  logger.debug('Configured rules filenames:');
  for (const p of paths) logger.debug(`   ${p}`);

  const files = expandRulesPaths(paths);
  const sources = readRulesFiles(files);
  const contents = new Map(sources.map((s) => [s.name, s.content]));

  // Saker loads the syscall source only; suggested fields are expanded for it.
  const appendOutput = resolveAppendOutput(config.appendOutput, ['syscall']);
  const loader = new RulesLoader({ language: defaultLanguage, appendOutput });
  let error = '';
  logger.info('Loading rules from:');
  for (const source of sources) {
    const validation = rulesFileValidation(source.content);
    logger.log(validation === 'ok' ? 'info' : 'warning', `   ${source.name} | schema validation: ${validation}`);
    const res = loader.load(source);
    if (!res.successful) {
      error = formatResultText(res, contents);
      break;
    }
    if (res.hasWarnings) logger.warning(`${formatResultText(res, contents)}\n`);
  }
  const ruleset: RuleSet = loader.ruleset ?? { rules: [], macros: [], lists: [], requiredPluginVersions: [] };
  // A failed plugin requirement takes precedence over the load error, as in Falco.
  const pluginError = checkPluginRequirements(ruleset);
  if (pluginError) error = pluginError;
  if (error !== '') throw new RulesStageError(error);

  for (const sel of config.rules) {
    const verb = sel.op === 'enable' ? 'Enabling' : 'Disabling';
    if (sel.rule !== '') logger.info(`${verb} rules with name: ${sel.rule}`);
    if (sel.tag !== '') logger.info(`${verb} rules with tag: ${sel.tag}`);
  }
  const minLevel = CONFIG_PRIORITY_LEVEL[config.priority];
  const selected = applyRuleSelection(ruleset.rules, config.rules);
  const active = new Set(ruleset.rules.filter((r) => selected.has(r.name) && priorityLevel(r.priority) <= minLevel).map((r) => r.name));
  return { loaded: ruleset, active, files };
}
