// Shared helpers for the rules loader suites: load YAML snippets with Saker's language and look
// at results the way Falco's own loader tests do (messages, codes, locations).
import { defaultLanguage } from '../../host/rules/default-language.js';
import { loadRules, type LoadRulesOptions, type LoadRulesOutcome } from '../../host/rules/loader.js';
import { formatResultText } from '../../host/rules/report.js';
import type { FileLoadResult } from '../../host/rules/result.js';

export interface Loaded extends LoadRulesOutcome {
  /** The verbose text report of every file, joined. */
  text: string;
  contents: Map<string, string>;
}

export function load(
  files: string | { name: string; content: string }[],
  options: Partial<LoadRulesOptions> = {},
): Loaded {
  const sources = typeof files === 'string' ? [{ name: 'rules.yaml', content: files }] : files;
  const out = loadRules(sources, { language: defaultLanguage, continueAfterError: true, ...options });
  const contents = new Map(sources.map((s) => [s.name, s.content]));
  return { ...out, contents, text: out.results.map((r) => formatResultText(r, contents)).join('\n') };
}

export function errorsOf(l: Loaded): { code: string; message: string }[] {
  return l.results.flatMap((r) => r.errors.map((e) => ({ code: e.code, message: e.message })));
}

export function warningsOf(l: Loaded): { code: string; message: string }[] {
  return l.results.flatMap((r) => r.warnings.map((w) => ({ code: w.code, message: w.message })));
}

export function warningCodes(l: Loaded): string[] {
  return warningsOf(l).map((w) => w.code);
}

/** The single error of a failed load, with its location chain as Falco prints it. */
export function onlyError(l: Loaded): { code: string; message: string; where: string } {
  const failed = l.results.filter((r: FileLoadResult) => !r.successful);
  if (failed.length !== 1 || failed[0]!.errors.length !== 1) {
    throw new Error(`expected exactly one error, got:\n${l.text}`);
  }
  const e = failed[0]!.errors[0]!;
  return { code: e.code, message: e.message, where: e.context.asString() };
}

export function rule(l: Loaded, name: string) {
  const r = l.ruleset?.rules.find((x) => x.name === name);
  if (!r) throw new Error(`rule ${name} not in rule set:\n${l.text}`);
  return r;
}

/** A minimal valid rule, for tests that care about other items. */
export function ruleYaml(name: string, condition = 'evt.type = open', extra = ''): string {
  return `- rule: ${name}
  desc: d
  condition: ${condition}
  output: o
  priority: INFO
${extra}`;
}
