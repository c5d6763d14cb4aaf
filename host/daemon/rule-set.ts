// One loaded generation of configuration and rules, as the daemon runs it and as a hot reload
// replaces it: the merged config, the rule set with the `rules:` selectors and `priority` applied
// (as the rule ids the engine evaluates), and what to watch for the next reload.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { expandRulesPaths, loadConfiguredRules } from '../cli/rules-stage.js';
import type { Logger } from '../cli/logger.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import type { RuleSet } from '../rules/index.js';
import { planOpenFilter, type OpenFilterPlan } from '../capture/open-prefilter.js';
import type { WatchSet } from '../reload/watcher.js';

export interface DaemonRuleSet {
  loaded: LoadedConfig;
  ruleset: RuleSet;
  /** Ids of the rules to evaluate (enabled after selectors, at or above the minimum priority). */
  enabledRuleIds: number[];
  rulesFiles: string[];
  watch: WatchSet;
}

export interface LoadRequest {
  configFile: string | null;
  overrides: readonly string[];
  /** `-r` paths; empty = the config's rules_files. */
  rulesPaths: readonly string[];
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** What a generation was loaded from: config files, rules files, rules folders, config.d folders. */
export function watchSetOf(loaded: LoadedConfig, rulesPaths: readonly string[], rulesFiles: readonly string[]): WatchSet {
  const files = new Set<string>();
  const dirs = new Set<string>();
  for (const f of loaded.files) files.add(f.path);
  for (const p of rulesPaths) (isDir(p) ? dirs : files).add(p);
  for (const f of rulesFiles) files.add(f);
  // config_files folders: their parent of each included file is a folder whose entries matter.
  for (const f of loaded.files.slice(1)) dirs.add(dirname(f.path));
  return { files: [...files], dirs: [...dirs] };
}

/** Builds a generation from an already loaded config and rules stage (the CLI's first load). */
export function ruleSetFrom(loaded: LoadedConfig, stage: ReturnType<typeof loadConfiguredRules>, rulesPaths: readonly string[]): DaemonRuleSet {
  const paths = rulesPaths.length > 0 ? rulesPaths : loaded.config.rulesFiles;
  return {
    loaded,
    ruleset: stage.loaded,
    enabledRuleIds: stage.loaded.rules.filter((r) => stage.active.has(r.name)).map((r) => r.id),
    rulesFiles: stage.files,
    watch: watchSetOf(loaded, paths, expandRulesPaths(paths)),
  };
}

/** Loads a new generation; throws with Falco's error text when the config or a rules file is bad. */
export function loadRuleSet(req: LoadRequest): DaemonRuleSet {
  const loaded = loadConfig({ file: req.configFile, overrides: req.overrides, env: req.env });
  const stage = loadConfiguredRules({ config: loaded.config, rulesPaths: req.rulesPaths, logger: req.logger });
  return ruleSetFrom(loaded, stage, req.rulesPaths);
}

export function sha256File(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return '';
  }
}

/**
 * The event types a generation needs from the kernel, for the capture's syscall map: every
 * enabled rule's types, with `base_syscalls.custom_set` added (`!name` removes one), or `all`
 * when a rule is not restricted to types or `base_syscalls.all` is set. The state-keeping
 * syscalls `base_syscalls.repair` asks for are the capture module's to add.
 */
export function interestingEventTypes(set: DaemonRuleSet): { all: boolean; names: string[] } {
  const base = set.loaded.config.baseSyscalls;
  const enabled = new Set(set.enabledRuleIds);
  const rules = set.ruleset.rules.filter((r) => enabled.has(r.id));
  if (base.all || rules.some((r) => r.eventTypes.all)) return { all: true, names: [] };
  const names = new Set(rules.flatMap((r) => r.eventTypes.names));
  for (const entry of base.customSet) if (!entry.startsWith('!')) names.add(entry);
  for (const entry of base.customSet) if (entry.startsWith('!')) names.delete(entry.slice(1));
  return { all: false, names: [...names].sort() };
}

/** Which opens the generation's enabled rules can never see (host/capture/open-prefilter.ts). */
export function openFilterPlan(set: DaemonRuleSet): OpenFilterPlan {
  const enabled = new Set(set.enabledRuleIds);
  return planOpenFilter(set.ruleset.rules.filter((r) => enabled.has(r.id)));
}
