// Differential property test: random rule sets and random events through the Wasm engine and the
// reference oracle must give identical match lists, with rule_matching `all` and `first`.
// Each run checks RULESETS x RULES x EVENTS rule/event cases (default 20 x 50 x 12 = 12,000).
// Reproduce a failure with ENGINE_DIFF_SEED=<seed printed in the failure>.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCondition } from '../../host/condition/format.js';
import type { Expr } from '../../host/condition/ast.js';
import { encodeBatch } from '../../host/engine/batch-encoder.js';
import { compileEngine } from '../../host/engine/engine.js';
import type { Match, RuleMatching } from '../../host/engine/engine-api.js';
import { oracleMatches } from '../oracle/oracle.js';
import { DnsCache, fixedResolver } from '../../host/engine/dns-cache.js';
import { conditionArb, DNS_TABLE, dnsCacheFor, eventArb } from './arbitraries.js';
import { minimize, type Compile } from './minimize.js';
import { rulesetOf } from './ruleset.js';

const RULESETS = Number(process.env.ENGINE_DIFF_RULESETS ?? 20);
const RULES = 50;
const EVENTS = 12;
const MODES = (process.env.ENGINE_DIFF_MODES ?? 'all,first').split(',') as RuleMatching[];
const SEED = Number(process.env.ENGINE_DIFF_SEED ?? Math.floor(Math.random() * 0x7fffffff));

// -O0 modules only: same semantics as -O1, and no background -O1 build competing for the compiler
const dns = new DnsCache(fixedResolver(DNS_TABLE), { timer: false });
const compile: Compile = (ruleset, options) => compileEngine(ruleset, { ...options, optimize: 'fast', dns });
const cacheDir = mkdtempSync(join(tmpdir(), 'saker-engine-diff-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const key = (m: Match): string => `${m.event}:${m.rule}`;
const sorted = (ms: readonly Match[]): string[] => ms.map(key).sort();

/** Conditions that the loader accepts (the generator aims for all of them). */
function loadable(conditions: readonly Expr[]): Expr[] {
  return conditions.filter((c) => {
    try {
      rulesetOf([c]);
      return true;
    } catch {
      return false;
    }
  });
}

describe('engine and oracle agree', () => {
  let cases = 0;
  let matches = 0;

  it(`on ${RULESETS} random rule sets of ${RULES} rules x ${EVENTS} events (seed ${SEED})`, async () => {
    const property = fc.asyncProperty(
      fc.array(conditionArb, { minLength: RULES, maxLength: RULES }),
      fc.array(eventArb, { minLength: EVENTS, maxLength: EVENTS }),
      async (generated, events) => {
        const conditions = loadable(generated);
        expect(conditions.length).toBeGreaterThan(RULES * 0.9);
        const ruleset = rulesetOf(conditions);
        const batch = encodeBatch(events);
        for (const ruleMatching of MODES) {
          const engine = await compile(ruleset, { ruleMatching, cacheDir });
          const got = sorted(engine.evaluate(batch));
          const want = sorted(oracleMatches(ruleset, events, { ruleMatching, dns: dnsCacheFor(ruleset.rules.map((r) => r.condition)) }));
          if (ruleMatching === 'all') matches += want.length;
          if (got.join() !== want.join()) {
            const diff = [...got.filter((k) => !want.includes(k)), ...want.filter((k) => !got.includes(k))];
            const [ev, rule] = diff[0]!.split(':').map(Number) as [number, number];
            const onEvent = (ks: string[]): string => ks.filter((k) => k.startsWith(`${ev}:`)).map((k) => `r${k.split(':')[1]}`).join(', ') || 'none';
            const describeRule = (id: number): string =>
              `r${id}${ruleset.rules[id]!.eventTypes.all ? ' (all event types)' : ''}: ${formatCondition(ruleset.rules[id]!.condition)}`;
            const report = ruleMatching === 'all'
              ? `minimized:\n${await minimize(compile, ruleset.rules[rule]!.condition, events[ev]!, cacheDir)}`
              : `event ${ev}: engine matched ${onEvent(got)}, oracle ${onEvent(want)}\n` +
                [...new Set(diff.filter((k) => k.startsWith(`${ev}:`)).map((k) => Number(k.split(':')[1])))].map(describeRule).join('\n');
            throw new Error(`rule_matching ${ruleMatching}: ${diff.length} (event:rule) pairs differ, e.g. ${describeRule(rule)} on event ${ev}\n${report}`);
          }
        }
        cases += ruleset.rules.length * events.length;
      },
    );
    // fc.check rather than fc.assert: the minimized report says more than fast-check's dump of 50 ASTs
    const result = await fc.check(property, { numRuns: RULESETS, seed: SEED, endOnFailure: true });
    if (result.failed) {
      const cause = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      throw new Error(`engine and oracle disagree (ENGINE_DIFF_SEED=${SEED}):\n${cause}`);
    }
    expect(cases).toBeGreaterThanOrEqual(RULESETS * RULES * 0.9 * EVENTS);
    // the generator must make matches common, or agreement would say little
    expect(matches / cases).toBeGreaterThan(0.1);
  }, 600_000);
});
