// Accumulates definitions across rules files in load order, as Falco's rule_loader::collector
// does: redefinitions replace content but keep the first definition's order, appends extend,
// overrides replace selected keys. Throws RuleLoadError (LOAD_ERR_VALIDATE) for invalid requests.
import { MSG } from './codes.js';
import type { LoadContext } from './context.js';
import type { FileLoadResult } from './result.js';
import { RuleLoadError } from './result.js';
import {
  emptyEntry,
  entryIsValid,
  sortedSet,
  updateHasAnyValue,
  type ExceptionInfo,
  type ListInfo,
  type MacroInfo,
  type PluginRequirementAlternatives,
  type RuleInfo,
  type RuleUpdateInfo,
} from './infos.js';
import { formatSemver, isCompatible, parseSemver, type SemVer } from './versions.js';

/** libs' supported comparison operators (parser::supported_operators()). */
export const COMPARISON_OPERATORS: readonly string[] = [
  '=', '==', '!=', '<=', '>=', '<', '>', 'contains', 'bcontains', 'icontains', 'glob', 'iglob',
  'startswith', 'bstartswith', 'endswith', 'in', 'intersects', 'pmatch', 'exists', 'regex',
];
/** The operators that take a list on their right (parser::supported_operators(true)). */
export const LIST_OPERATORS: readonly string[] = ['in', 'intersects', 'pmatch'];

export interface CollectorEnvironment {
  engineVersion: SemVer;
  /** Event sources rules may use; others are skipped with LOAD_UNKNOWN_SOURCE. */
  sources: ReadonlySet<string>;
  /** Whether a field name (with optional [arg]) exists for a source. */
  fieldExists: (source: string, field: string) => boolean;
}

function fail(message: string, ctx: LoadContext): never {
  throw new RuleLoadError('LOAD_ERR_VALIDATE', message, ctx);
}

/** An insertion-ordered table of named infos (Falco's indexed_vector). */
class NamedTable<T extends { name: string }> {
  private readonly byName = new Map<string, T>();
  get(name: string): T | undefined {
    return this.byName.get(name);
  }
  set(info: T): void {
    this.byName.set(info.name, info);
  }
  /** Values in first-insertion order (a replaced entry keeps its slot). */
  values(): T[] {
    return [...this.byName.values()];
  }
}

export class RuleCollector {
  private curIndex = 0;
  readonly lists = new NamedTable<ListInfo>();
  readonly macros = new NamedTable<MacroInfo>();
  readonly rules = new NamedTable<RuleInfo>();
  readonly requiredPluginVersions: PluginRequirementAlternatives[] = [];
  requiredEngineVersion: { version: SemVer; ctx: LoadContext } | undefined;

  constructor(readonly env: CollectorEnvironment) {}

  defineEngineVersion(version: SemVer, ctx: LoadContext): void {
    if (!isCompatible(this.env.engineVersion, version)) {
      fail(
        `Rules require engine version ${formatSemver(version)}, but engine version is ${formatSemver(this.env.engineVersion)}`,
        ctx,
      );
    }
    const prev = this.requiredEngineVersion;
    if (!prev || compare(prev.version, version) < 0) this.requiredEngineVersion = { version, ctx };
  }

  definePluginVersions(alternatives: PluginRequirementAlternatives, ctx: LoadContext): void {
    const names = new Set<string>();
    for (const req of alternatives) {
      if (!parseSemver(req.version)) fail(`Invalid required version '${req.version}' for plugin '${req.name}'`, ctx);
      if (names.has(req.name)) fail(`Defined multiple alternative version requirements for plugin '${req.name}'`, ctx);
      names.add(req.name);
    }
    this.requiredPluginVersions.push(alternatives);
  }

  defineList(info: ListInfo): void {
    this.define(this.lists, info);
  }

  appendList(info: ListInfo): void {
    const prev = this.lists.get(info.name);
    if (!prev) fail(MSG.errorNoPreviousList, info.ctx);
    prev.items.push(...info.items);
    prev.visibility = this.curIndex++;
  }

  defineMacro(info: MacroInfo): void {
    this.define(this.macros, info);
  }

  appendMacro(info: MacroInfo): void {
    const prev = this.macros.get(info.name);
    if (!prev) fail(MSG.errorNoPreviousMacro, info.ctx);
    prev.cond += ' ' + info.cond;
    prev.visibility = this.curIndex++;
  }

  defineRule(info: RuleInfo, result: FileLoadResult): void {
    const prev = this.rules.get(info.name);
    if (prev && prev.source !== info.source) fail('Rule has been re-defined with a different source', info.ctx);
    const known = this.env.sources.has(info.source);
    if (!known) {
      info.unknownSource = true;
      result.addWarning('LOAD_UNKNOWN_SOURCE', `Unknown source ${info.source}, skipping`, info.ctx);
    }
    for (const ex of info.exceptions) {
      if (!entryIsValid(ex.fields)) fail('Rule exception item must have fields property with a list of fields', ex.ctx);
      this.validateException(known ? info.source : undefined, ex);
    }
    this.define(this.rules, info);
  }

  appendRule(info: RuleUpdateInfo): void {
    const prev = this.rules.get(info.name);
    if (!prev) fail(MSG.errorNoPreviousRuleAppend, info.ctx);
    if (!updateHasAnyValue(info)) fail('Appended rule must have exceptions or condition property', info.ctx);
    const source = this.sourceOf(prev, info.ctx);
    if (info.cond) prev.cond += ' ' + info.cond;
    if (info.output) prev.output += ' ' + info.output;
    if (info.desc) prev.desc += ' ' + info.desc;
    if (info.tags) prev.tags = sortedSet([...prev.tags, ...info.tags]);
    for (const ex of info.exceptions ?? []) {
      const prevEx = prev.exceptions.find((e) => e.name === ex.name);
      if (!prevEx) {
        if (!entryIsValid(ex.fields)) fail('Rule exception must have fields property with a list of fields', ex.ctx);
        if (ex.values.length === 0) fail('Rule exception must have values property with a list of values', ex.ctx);
        this.validateException(source, ex);
        prev.exceptions.push(ex);
      } else {
        if (entryIsValid(ex.fields)) fail('Can not append exception fields to existing exception, only values', ex.ctx);
        if (entryIsValid(ex.comps)) fail('Can not append exception comps to existing exception, only values', ex.ctx);
        prevEx.values.push(...ex.values);
      }
    }
    prev.visibility = this.curIndex++;
  }

  replaceRule(info: RuleUpdateInfo): void {
    const prev = this.rules.get(info.name);
    if (!prev) fail(MSG.errorNoPreviousRuleReplace, info.ctx);
    if (!updateHasAnyValue(info)) fail('The rule must have at least one field that can be replaced', info.ctx);
    const source = this.sourceOf(prev, info.ctx);
    if (info.cond !== undefined) prev.cond = info.cond;
    if (info.output !== undefined) prev.output = info.output;
    if (info.desc !== undefined) prev.desc = info.desc;
    if (info.tags !== undefined) prev.tags = info.tags;
    if (info.exceptions !== undefined) {
      // Falco does not re-validate replaced exceptions; filling the default comps keeps the
      // condition builder away from missing comparators (undefined behaviour in Falco).
      for (const ex of info.exceptions) if (entryIsValid(ex.fields)) this.validateException(source, ex);
      prev.exceptions = info.exceptions;
    }
    if (info.priority !== undefined) prev.priority = info.priority;
    if (info.enabled !== undefined) prev.enabled = info.enabled;
    if (info.warnEvttypes !== undefined) prev.warnEvttypes = info.warnEvttypes;
    if (info.skipIfUnknownFilter !== undefined) prev.skipIfUnknownFilter = info.skipIfUnknownFilter;
    if (info.capture !== undefined) prev.capture = info.capture;
    if (info.captureDuration !== undefined) prev.captureDuration = info.captureDuration;
    if (info.captureEvents !== undefined) prev.captureEvents = info.captureEvents;
    if (info.captureFilesize !== undefined) prev.captureFilesize = info.captureFilesize;
    prev.visibility = this.curIndex++;
  }

  enableRule(name: string, enabled: boolean, ctx: LoadContext): void {
    const prev = this.rules.get(name);
    if (!prev) fail("Rule has 'enabled' key but no rule by that name already exists", ctx);
    prev.enabled = enabled;
  }

  private sourceOf(prev: RuleInfo, ctx: LoadContext): string | undefined {
    if (prev.unknownSource) return undefined;
    if (!this.env.sources.has(prev.source)) fail(`Unknown source ${prev.source}`, ctx);
    return prev.source;
  }

  private define<T extends { name: string; index: number; visibility: number }>(table: NamedTable<T>, info: T): void {
    const id = this.curIndex++;
    const prev = table.get(info.name);
    info.index = prev ? prev.index : id;
    info.visibility = id;
    table.set(info);
  }

  /** Fills default comparators and checks operators and fields (Falco's validate_exception_info). */
  private validateException(source: string | undefined, ex: ExceptionInfo): void {
    if (ex.fields.isList) {
      if (!entryIsValid(ex.comps)) {
        ex.comps = { isList: true, item: '', items: ex.fields.items.map(() => ({ ...emptyEntry(), item: '=' })) };
      }
      if (ex.fields.items.length !== ex.comps.items.length) fail('Fields and comps lists must have equal length', ex.ctx);
      for (const c of ex.comps.items) {
        if (!COMPARISON_OPERATORS.includes(c.item)) fail(`'${c.item}' is not a supported comparison operator`, ex.ctx);
      }
      if (source !== undefined) {
        for (const f of ex.fields.items) {
          if (!this.env.fieldExists(source, f.item)) fail(`'${f.item}' is not a supported filter field`, ex.ctx);
        }
      }
    } else {
      if (!entryIsValid(ex.comps)) ex.comps = { ...emptyEntry(), item: 'in' };
      if (ex.comps.isList) fail('Fields and comps must both be strings', ex.ctx);
      if (!LIST_OPERATORS.includes(ex.comps.item)) {
        fail('When fields is a single value, comps must be one of (in, pmatch, intersects)', ex.ctx);
      }
      if (source !== undefined && !this.env.fieldExists(source, ex.fields.item)) {
        fail(`'${ex.fields.item}' is not a supported filter field`, ex.ctx);
      }
    }
  }
}

function compare(a: SemVer, b: SemVer): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}
