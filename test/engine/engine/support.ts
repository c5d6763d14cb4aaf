// Shared helpers for the engine suites: rule sets from YAML text, compiled once per text and
// matching mode (asc runs in a worker; the on-disk cache makes re-runs cheap), and match helpers.
import { compileEngine } from '../../../host/engine/engine.js';
import type { CompiledEngine, RuleMatching } from '../../../host/engine/engine-api.js';
import { encodeBatch, type EventInput } from '../../../host/engine/batch-encoder.js';
import { defaultLanguage, loadRules, type RuleSet } from '../../../host/rules/index.js';

export function rulesetFromYaml(yaml: string, name = 'test_rules.yaml'): RuleSet {
  const out = loadRules([{ name, content: yaml }], { language: defaultLanguage });
  if (out.ruleset === undefined) {
    const errs = out.results.flatMap((r) => r.errors.map((e) => `${e.code}: ${e.message}`));
    throw new Error(`rules failed to load: ${errs.join('; ')}`);
  }
  return out.ruleset;
}

const engines = new Map<string, Promise<CompiledEngine>>();

/**
 * `everyType`: every rule runs for every event type, so that a case table's rules are all
 * evaluated on each event whatever its type.
 */
export function engineFor(yaml: string, ruleMatching: RuleMatching = 'all', everyType = false): Promise<CompiledEngine> {
  const key = `${ruleMatching}\n${everyType}\n${yaml}`;
  let e = engines.get(key);
  if (e === undefined) {
    const ruleset = rulesetFromYaml(yaml);
    if (everyType) for (const r of ruleset.rules) r.eventTypes = { all: true, names: [] };
    // -O0 only: the suites check semantics, which do not depend on the optimisation level
    // (engine-compile.test.ts compares the tiers)
    e = compileEngine(ruleset, { ruleMatching, optimize: 'fast' });
    engines.set(key, e);
  }
  return e;
}

/** One rule per entry: name -> condition (output lists the condition's main fields). */
export function rulesYaml(rules: Record<string, string>, output = 'hit %proc.name'): string {
  return Object.entries(rules)
    .map(([name, cond]) => `- rule: ${name}\n  desc: d\n  condition: ${JSON.stringify(cond)}\n  output: ${JSON.stringify(output)}\n  priority: WARNING\n`)
    .join('\n');
}

/** Names of the rules matching each event, in match order. */
export function matchNames(engine: CompiledEngine, events: EventInput[]): string[][] {
  const batch = encodeBatch(events);
  const out: string[][] = events.map(() => []);
  for (const m of engine.evaluate(batch)) out[m.event]!.push(engine.ruleset.rules[m.rule]!.name);
  return out;
}

/** Does rule `name` match this single event? */
export function matchesRule(engine: CompiledEngine, event: EventInput, name: string): boolean {
  return matchNames(engine, [event])[0]!.includes(name);
}
