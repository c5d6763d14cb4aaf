// The resolved rule set the loader hands to the compiler: rules in Falco's order with fully
// expanded conditions (macros and lists substituted, exceptions folded in) and their event types.
import type { Expr } from '../condition/ast.js';
import type { ExceptionInfo, PluginRequirementAlternatives } from './infos.js';
import type { PriorityName } from './versions.js';

export interface ResolvedException {
  name: string;
  /** Field names; one entry when the exception was written with a single field. */
  fields: string[];
  comps: string[];
  /** One tuple per value row; each cell is a string or a list of strings. */
  values: (string | string[])[][];
}

export interface ResolvedRule {
  /** Position in the rule set (Falco's rule id). */
  id: number;
  name: string;
  description: string;
  priority: PriorityName;
  source: string;
  /** Sorted, unique. */
  tags: string[];
  enabled: boolean;
  /** The output with any append_output text already appended. */
  output: string;
  /** append_output's extra_fields for this rule: JSON output_fields key to output format. */
  extraOutputFields?: Record<string, string>;
  /** The condition as written (after appends/overrides), before expansion. */
  originalCondition: string;
  /** The condition with exceptions folded in and lists and macros substituted. */
  condition: Expr;
  /** `condition` in libs' text form. */
  conditionText: string;
  /** Event types the condition can match; `all` when unrestricted. */
  eventTypes: { all: boolean; names: string[] };
  exceptions: ResolvedException[];
  /** Fields compared by exceptions (Falco's exception_fields), sorted. */
  exceptionFields: string[];
  warnEvttypes: boolean;
  skipIfUnknownFilter: boolean;
  capture: boolean;
  captureDuration: number;
  captureEvents: number;
  captureFilesize: number;
}

export interface ResolvedMacro {
  name: string;
  /** Raw condition text (after appends). */
  condition: string;
  /** Condition AST with lists and visible macros substituted. */
  expr: Expr;
  used: boolean;
}

export interface ResolvedList {
  name: string;
  /** Items with referenced (earlier) lists expanded one level, as Falco does. */
  items: string[];
  used: boolean;
}

export interface RuleSet {
  rules: ResolvedRule[];
  macros: ResolvedMacro[];
  lists: ResolvedList[];
  /** Highest required_engine_version seen, "x.y.z". */
  requiredEngineVersion?: string;
  requiredPluginVersions: PluginRequirementAlternatives[];
}

export function resolveException(ex: ExceptionInfo): ResolvedException {
  const cell = (e: { isList: boolean; item: string; items: { item: string }[] }): string | string[] =>
    e.isList ? e.items.map((i) => i.item) : e.item;
  const fields = ex.fields.isList ? ex.fields.items.map((f) => f.item) : [ex.fields.item];
  const comps = ex.comps.isList ? ex.comps.items.map((c) => c.item) : [ex.comps.item];
  const values = ex.values.map((row) => (ex.fields.isList ? row.items.map(cell) : [cell(row)]));
  return { name: ex.name, fields, comps, values };
}
