// What the reader collects from rules files before compilation (Falco's *_info structs): raw
// condition and output strings, list items and exception tuples, with the contexts errors and
// warnings point at, and the index/visibility bookkeeping that orders definitions.
import type { LoadContext } from './context.js';
import type { PriorityName } from './versions.js';

export interface ListInfo {
  ctx: LoadContext;
  /** Order of first definition; a redefinition keeps it. */
  index: number;
  /** Id of the latest define/append: the list sees lists with a smaller index. */
  visibility: number;
  name: string;
  items: string[];
}

export interface MacroInfo {
  ctx: LoadContext;
  condCtx: LoadContext;
  index: number;
  visibility: number;
  name: string;
  cond: string;
}

/**
 * One of an exception's fields/comps/values: a scalar or a (possibly nested) list. Mirrors
 * Falco's entry, where an empty scalar or empty list means "not given".
 */
export interface ExceptionEntry {
  isList: boolean;
  item: string;
  items: ExceptionEntry[];
}

export function emptyEntry(): ExceptionEntry {
  return { isList: false, item: '', items: [] };
}

export function entryIsValid(e: ExceptionEntry): boolean {
  return e.isList ? e.items.length > 0 : e.item !== '';
}

export interface ExceptionInfo {
  ctx: LoadContext;
  name: string;
  fields: ExceptionEntry;
  comps: ExceptionEntry;
  values: ExceptionEntry[];
}

export interface CaptureSettings {
  capture: boolean;
  captureDuration: number;
  captureEvents: number;
  captureFilesize: number;
}

export interface RuleInfo extends CaptureSettings {
  ctx: LoadContext;
  condCtx: LoadContext;
  outputCtx: LoadContext;
  index: number;
  visibility: number;
  unknownSource: boolean;
  name: string;
  cond: string;
  source: string;
  desc: string;
  output: string;
  /** A set, kept sorted like std::set<std::string>. */
  tags: string[];
  exceptions: ExceptionInfo[];
  priority: PriorityName;
  enabled: boolean;
  warnEvttypes: boolean;
  skipIfUnknownFilter: boolean;
}

/** An `append`/`override` request against an existing rule: only the given keys are set. */
export interface RuleUpdateInfo extends Partial<CaptureSettings> {
  ctx: LoadContext;
  name: string;
  cond?: string;
  output?: string;
  desc?: string;
  tags?: string[];
  exceptions?: ExceptionInfo[];
  priority?: PriorityName;
  enabled?: boolean;
  warnEvttypes?: boolean;
  skipIfUnknownFilter?: boolean;
}

export function updateHasAnyValue(u: RuleUpdateInfo): boolean {
  return (
    u.cond !== undefined || u.output !== undefined || u.desc !== undefined || u.tags !== undefined ||
    u.exceptions !== undefined || u.priority !== undefined || u.enabled !== undefined ||
    u.warnEvttypes !== undefined || u.skipIfUnknownFilter !== undefined || u.capture !== undefined ||
    u.captureDuration !== undefined || u.captureEvents !== undefined || u.captureFilesize !== undefined
  );
}

export interface PluginRequirement {
  name: string;
  version: string;
}

/** A `required_plugin_versions` entry: the first requirement and its alternatives. */
export type PluginRequirementAlternatives = PluginRequirement[];

/** A set of strings sorted by code unit, like std::set<std::string> for ASCII tags. */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
