// `-L` and `-l RULE`: Falco's rule descriptions. Text: the two-column name/description table.
// JSON (json_output): Falco's describe_rule document, {"rules": [...], "macros": [...],
// "lists": [...], "required_engine_version", "required_plugin_versions"} for -L and {"rules": [one]}
// for -l, each item with "info" (as written) and "details" (what the compiled condition uses).
import type { Expr } from '../../condition/ast.js';
import { formatCondition } from '../../condition/format.js';
import { parseCondition } from '../../condition/parser.js';
import { walkExpr } from '../../condition/walk.js';
import { SYSCALL_EVENT_TYPES } from '../../events/event_types.js';
import { parseOutputTemplate } from '../../output/template.js';
import type { ResolvedList, ResolvedMacro, ResolvedRule, RuleSet } from '../../rules/index.js';
import { formatRulesAsText } from '../describe-text.js';
import { dumpJson } from '../json.js';

export type DescribeWhat = { all: true } | { rule: string };

/** The rules a description covers; `-l` of a rule that was not loaded fails like Falco. */
function selectRules(ruleset: RuleSet, what: DescribeWhat): ResolvedRule[] {
  if ('all' in what) return ruleset.rules;
  const rule = ruleset.rules.find((r) => r.name === what.rule);
  if (!rule) throw new Error(`Rule "${what.rule}" is not loaded`);
  return [rule];
}

interface ExprDetails {
  macros: Set<string>;
  lists: Set<string>;
  operators: Set<string>;
  fields: Set<string>;
}

/** Falco's filter_details_resolver: macro and list names, check operators and fields. */
function exprDetails(expr: Expr, macros: ReadonlySet<string>, lists: ReadonlySet<string>): ExprDetails {
  const d: ExprDetails = { macros: new Set(), lists: new Set(), operators: new Set(), fields: new Set() };
  walkExpr(expr, (node) => {
    switch (node.kind) {
      case 'identifier':
        if (macros.has(node.name)) d.macros.add(node.name);
        break;
      case 'value':
        if (lists.has(node.value)) d.lists.add(node.value);
        break;
      case 'binary':
      case 'unary':
        d.operators.add(node.op);
        break;
      case 'field':
        d.fields.add(node.arg !== undefined ? `${node.field}[${node.arg}]` : node.field);
        break;
      default:
        break;
    }
  });
  return d;
}

/** The field references of an output template, in order (Falco's formatter field names). */
export function outputFields(output: string): string[] {
  try {
    return parseOutputTemplate(output).tokens.flatMap((t) => (t.kind === 'field' ? [t.name] : []));
  } catch {
    return [];
  }
}

const sorted = (s: Iterable<string>): string[] => [...s].sort();

/** Plugins a rule uses: the built-in container plugin when it reads container fields. */
function usedPlugins(fields: Iterable<string>): string[] {
  for (const f of fields) if (f.startsWith('container.')) return ['container'];
  return [];
}

function eventNames(types: { all: boolean; names: string[] }): string[] {
  // Falco adds the async-event code to every syscall rule's event set.
  const names = types.all ? SYSCALL_EVENT_TYPES : types.names;
  return sorted(new Set([...names, 'asyncevent']));
}

function parseOrUndefined(text: string): Expr | undefined {
  try {
    return parseCondition(text);
  } catch {
    return undefined;
  }
}

function ruleJson(r: ResolvedRule, macroNames: ReadonlySet<string>, listNames: ReadonlySet<string>): object {
  const written = parseOrUndefined(r.originalCondition);
  const raw = written ? exprDetails(written, macroNames, listNames) : undefined;
  const compiled = exprDetails(r.condition, macroNames, listNames);
  const outFields = outputFields(r.output);
  const exceptionOperators = new Set(r.exceptions.flatMap((e) => e.comps));
  return {
    details: {
      condition_compiled: r.conditionText,
      condition_fields: sorted(compiled.fields),
      condition_operators: sorted(compiled.operators),
      events: eventNames(r.eventTypes),
      exception_fields: r.exceptionFields,
      exception_names: sorted(new Set(r.exceptions.map((e) => e.name))),
      exception_operators: sorted(exceptionOperators),
      lists: sorted(raw?.lists ?? []),
      macros: sorted(raw?.macros ?? []),
      output_compiled: r.output,
      output_fields: outFields,
      plugins: usedPlugins([...compiled.fields, ...outFields]),
    },
    info: {
      condition: r.originalCondition,
      description: r.description,
      enabled: r.enabled,
      name: r.name,
      output: r.output,
      priority: r.priority,
      source: r.source,
      tags: r.tags,
    },
  };
}

function macroJson(m: ResolvedMacro, macroNames: ReadonlySet<string>, listNames: ReadonlySet<string>): object {
  const written = parseOrUndefined(m.condition);
  const raw = written ? exprDetails(written, macroNames, listNames) : undefined;
  const compiled = exprDetails(m.expr, macroNames, listNames);
  return {
    details: {
      condition_compiled: formatCondition(m.expr),
      condition_fields: sorted(compiled.fields),
      condition_operators: sorted(compiled.operators),
      lists: sorted(raw?.lists ?? []),
      macros: sorted(raw?.macros ?? []),
      plugins: [],
      used: m.used,
    },
    info: { condition: m.condition, name: m.name },
  };
}

function listJson(l: ResolvedList): object {
  return {
    details: { items_compiled: l.items, lists: [], plugins: [], used: l.used },
    info: { items: l.items, name: l.name },
  };
}

export function describeJson(ruleset: RuleSet, what: DescribeWhat): object {
  const macroNames = new Set(ruleset.macros.map((m) => m.name));
  const listNames = new Set(ruleset.lists.map((l) => l.name));
  const rules = selectRules(ruleset, what).map((r) => ruleJson(r, macroNames, listNames));
  if (!('all' in what)) return { rules };
  return {
    lists: ruleset.lists.map(listJson),
    macros: ruleset.macros.map((m) => macroJson(m, macroNames, listNames)),
    required_engine_version: ruleset.requiredEngineVersion ?? '0.0.0',
    required_plugin_versions: ruleset.requiredPluginVersions.map((alts) => ({
      alternatives: alts.slice(1).map((a) => ({ name: a.name, version: a.version })),
      name: alts[0]?.name ?? '',
      version: alts[0]?.version ?? '',
    })),
    rules,
  };
}

/** What `-L` / `-l` print on stdout. */
export function describeRules(ruleset: RuleSet, what: DescribeWhat, json: boolean): string {
  if (json) return `${dumpJson(describeJson(ruleset, what))}\n`;
  return formatRulesAsText(selectRules(ruleset, what).map((r) => ({ name: r.name, description: r.description })));
}
