// Loading rules files the way Falco's engine does: one collector accumulates every file in
// order (later files see and override earlier items), each file is read until its first error,
// and after each successfully read file everything collected so far is compiled again, so
// compile-time warnings and errors land in that file's result.
import { ENGINE_VERSION } from '../version.js';
import { RuleCollector } from './collector.js';
import { LoadContext } from './context.js';
import type { OutputAppend } from './append-output.js';
import { RuleCompiler } from './compiler.js';
import type { RuleLanguage } from './language.js';
import { readRulesContent } from './reader.js';
import { FileLoadResult } from './result.js';
import type { RuleSet } from './ruleset.js';
import { isCompatible, parseSemver, type SemVer } from './versions.js';

export interface RulesSource {
  /** Usually the file path; errors and reports name the file with it. */
  name: string;
  content: string;
}

export interface LoadRulesOptions {
  /** Condition/output language; defaults to Saker's (see default-language.ts). */
  language: RuleLanguage;
  /** Event sources with a loaded implementation; rules for others are skipped with a warning. */
  sources?: readonly string[];
  /** Engine version rules are checked against; defaults to Falco 0.44's 0.62.0. */
  engineVersion?: string;
  /**
   * Keep loading the following files after a file fails, as `falco -V` does. By default loading
   * stops at the first failed file, as Falco does when starting.
   */
  continueAfterError?: boolean;
  /** append_output entries (suggested fields already expanded, see resolveAppendOutput). */
  appendOutput?: readonly OutputAppend[];
}

export interface LoadRulesOutcome {
  /** One result per file loaded, in order. */
  results: FileLoadResult[];
  /** The compiled rule set, present only when every file loaded without error. */
  ruleset?: RuleSet;
}

/** A stateful loader: call load() once per file, in order. */
export class RulesLoader {
  private readonly collector: RuleCollector;
  private readonly language: RuleLanguage;
  private latest: RuleSet | undefined;
  private readonly appends: readonly OutputAppend[];

  constructor(options: Omit<LoadRulesOptions, 'continueAfterError'>) {
    const engine = parseSemver(options.engineVersion ?? ENGINE_VERSION);
    if (!engine) throw new Error(`invalid engine version ${options.engineVersion}`);
    this.language = options.language;
    this.appends = options.appendOutput ?? [];
    this.collector = new RuleCollector({
      engineVersion: engine,
      sources: new Set(options.sources ?? ['syscall']),
      fieldExists: (source, field) => options.language.fieldExists(source, field),
    });
  }

  load(source: RulesSource): FileLoadResult {
    const result = new FileLoadResult(source.name);
    try {
      if (readRulesContent(source.name, source.content, { collector: this.collector, result })) {
        this.latest = new RuleCompiler(this.language, this.collector, result, this.appends).compile();
      }
    } catch (e) {
      // Falco reports an unexpected exception while validating as LOAD_ERR_VALIDATE.
      const message = e instanceof Error ? e.message : 'unknown validation error';
      result.addError('LOAD_ERR_VALIDATE', message, LoadContext.root(source.name));
    }
    return result;
  }

  /** The rule set compiled after the last successful load. */
  get ruleset(): RuleSet | undefined {
    return this.latest;
  }
}

export function loadRules(sources: readonly RulesSource[], options: LoadRulesOptions): LoadRulesOutcome {
  const loader = new RulesLoader(options);
  const results: FileLoadResult[] = [];
  for (const source of sources) {
    const result = loader.load(source);
    results.push(result);
    if (!result.successful && !options.continueAfterError) break;
  }
  const ok = results.length === sources.length && results.every((r) => r.successful);
  if (!ok) return { results };
  // With no files at all there is nothing compiled: an empty rule set.
  return { results, ruleset: loader.ruleset ?? { rules: [], macros: [], lists: [], requiredPluginVersions: [] } };
}

export interface LoadedPlugin {
  name: string;
  version: string;
}

/** The container plugin ships inside Saker, as Falco ships it by default. */
export const BUILTIN_PLUGINS: readonly LoadedPlugin[] = [{ name: 'container', version: '0.6.0' }];

/**
 * Checks `required_plugin_versions` against the available plugins as Falco does after loading:
 * each requirement needs one of its alternatives loaded at a compatible version. Returns Falco's
 * error message, or undefined when all are met.
 */
export function checkPluginRequirements(
  ruleset: Pick<RuleSet, 'requiredPluginVersions'>,
  plugins: readonly LoadedPlugin[] = BUILTIN_PLUGINS,
): string | undefined {
  for (const alternatives of ruleset.requiredPluginVersions) {
    let anyLoaded = false;
    for (const req of alternatives) {
      const plugin = plugins.find((p) => p.name === req.name);
      if (!plugin) continue;
      anyLoaded = true;
      const have: SemVer | undefined = parseSemver(plugin.version);
      const want = parseSemver(req.version);
      if (!have || !want || !isCompatible(have, want)) {
        return `Plugin '${plugin.name}' version '${plugin.version}' is not compatible with required plugin version '${req.version}'`;
      }
    }
    if (!anyLoaded && alternatives[0]) return `Plugin '${alternatives[0].name}' is required but not loaded`;
  }
  return undefined;
}
