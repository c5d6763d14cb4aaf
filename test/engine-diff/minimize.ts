// Narrows an engine/oracle disagreement down to one rule and one event, then shrinks the rule's
// condition (replacing and/or/not nodes by one of their children) while the two still disagree.
import type { Expr } from '../../host/condition/ast.js';
import { formatCondition } from '../../host/condition/format.js';
import { encodeBatch, type EventInput } from '../../host/engine/batch-encoder.js';
import type { CompiledEngine, EngineOptions } from '../../host/engine/engine-api.js';
import type { RuleSet } from '../../host/rules/index.js';
import { oracleMatches } from '../oracle/oracle.js';
import { dnsCacheFor } from './arbitraries.js';
import { rulesetOf } from './ruleset.js';

export type Compile = (ruleset: RuleSet, options: EngineOptions) => Promise<CompiledEngine>;

/** Does the engine say something else than the oracle about `condition` on `event`? */
async function disagrees(compile: Compile, condition: Expr, event: EventInput, cacheDir: string): Promise<boolean> {
  let ruleset: RuleSet;
  try {
    ruleset = rulesetOf([condition]);
  } catch {
    return false; // a shrink step that no longer loads is not a candidate
  }
  const engine = await compile(ruleset, { ruleMatching: 'all', cacheDir });
  const got = engine.evaluate(encodeBatch([event])).length;
  const want = oracleMatches(ruleset, [event], { ruleMatching: 'all', dns: dnsCacheFor(ruleset.rules.map((r) => r.condition)) }).length;
  return got !== want;
}

function* shrinkSteps(e: Expr): Generator<Expr> {
  if (e.kind === 'and' || e.kind === 'or') {
    yield* e.children;
    for (let i = 0; i < e.children.length; i++) {
      for (const smaller of shrinkSteps(e.children[i]!)) {
        const children = e.children.slice();
        children[i] = smaller;
        yield { ...e, children };
      }
    }
  } else if (e.kind === 'not') {
    yield e.child;
    for (const smaller of shrinkSteps(e.child)) yield { ...e, child: smaller };
  }
}

/** A report of the smallest disagreeing condition found within `budget` compiles. */
export async function minimize(compile: Compile, condition: Expr, event: EventInput, cacheDir: string, budget = 30): Promise<string> {
  let current = condition;
  let spent = 0;
  if (await disagrees(compile, current, event, cacheDir)) {
    let progress = true;
    while (progress && spent < budget) {
      progress = false;
      for (const candidate of shrinkSteps(current)) {
        if (spent++ >= budget) break;
        if (await disagrees(compile, candidate, event, cacheDir)) {
          current = candidate;
          progress = true;
          break;
        }
      }
    }
  }
  const ruleset = rulesetOf([current]);
  const want = oracleMatches(ruleset, [event], { ruleMatching: 'all', dns: dnsCacheFor(ruleset.rules.map((r) => r.condition)) }).length > 0;
  return [
    `condition: ${formatCondition(current)}`,
    `oracle says: ${want ? 'match' : 'no match'}; engine says the opposite`,
    `event: ${JSON.stringify(event, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v), 1)}`,
  ].join('\n');
}
