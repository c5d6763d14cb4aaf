// Builds a rule set from bare conditions through the real rules loader (one rule per condition,
// named r0, r1, ...), so the engine and the oracle see exactly what Falco's loader would produce.
import type { Expr } from '../../host/condition/ast.js';
import { formatCondition } from '../../host/condition/format.js';
import { defaultLanguage, loadRules, type RuleSet } from '../../host/rules/index.js';

export function rulesYaml(conditions: readonly string[]): string {
  return conditions
    .map((c, i) => `- rule: r${i}\n  desc: generated\n  condition: ${JSON.stringify(c)}\n  output: "r${i} %proc.name"\n  priority: WARNING\n`)
    .join('');
}

/** The rule set of the given conditions; throws with the loader's errors when one does not load. */
export function rulesetOf(conditions: readonly (string | Expr)[]): RuleSet {
  const texts = conditions.map((c) => (typeof c === 'string' ? c : formatCondition(c)));
  const out = loadRules([{ name: 'generated.yaml', content: rulesYaml(texts) }], { language: defaultLanguage });
  if (out.ruleset === undefined) {
    const errors = out.results.flatMap((r) => r.errors.map((e) => e.message));
    throw new Error(`generated rules do not load: ${errors.join('; ')}`);
  }
  return out.ruleset;
}
