// Every rule of the four upstream rules files (all enabled, in Falco's load order) has an event
// that triggers it and one that only just misses it (fixtures/*.ts). Each pair is checked against
// the oracle first and then against the compiled Wasm engine, and the engine must report exactly
// the oracle's matches over the whole fixture batch.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch, type EventInput } from '../../host/engine/batch-encoder.js';
import type { CompiledEngine, Match } from '../../host/engine/engine-api.js';
import { DnsCache, fixedResolver } from '../../host/engine/dns-cache.js';
import { compileEngine } from '../../host/engine/engine.js';
import { defaultLanguage, loadRules, type ResolvedRule, type RuleSet } from '../../host/rules/index.js';
import { oracleMatches } from '../oracle/oracle.js';
import { sharedAvailable, sharedPath, UPSTREAM_RULES_FILES } from '../support/shared.js';
import { buildEvent, FIXTURE_DNS } from './event-builder.js';
import { isUnmatchable, type RuleFixture, type UpstreamFixture } from './fixture-types.js';
import { FIXTURES as DEPRECATED } from './fixtures/falco_deprecated_rules.js';
import { FIXTURES as INCUBATING } from './fixtures/falco_incubating_rules.js';
import { FIXTURES as STABLE } from './fixtures/falco_rules.js';
import { FIXTURES as SANDBOX } from './fixtures/falco_sandbox_rules.js';

const BY_FILE: Record<string, Record<string, UpstreamFixture>> = {
  'falco_rules.yaml': STABLE,
  'falco-incubating_rules.yaml': INCUBATING,
  'falco-sandbox_rules.yaml': SANDBOX,
  'falco-deprecated_rules.yaml': DEPRECATED,
};

// libs' DNS cache holds the names the rules compare fd.*ip.name with; those the fixtures use resolve
const dns = new Map(Object.entries(FIXTURE_DNS));

const read = (files: readonly string[]) => files.map((f) => ({ name: f, content: readFileSync(sharedPath('falco-rules', f), 'utf8') }));

interface Case {
  rule: ResolvedRule;
  fixture: RuleFixture;
  hit: EventInput;
  miss: EventInput;
}

describe.skipIf(!sharedAvailable)('upstream rules: a triggering and a near-miss event for every rule', () => {
  let ruleset: RuleSet;
  /** The file that first defines each rule (loading the files one more at a time). */
  const owner = new Map<string, string>();
  const cases: Case[] = [];
  let events: EventInput[];
  let allIds: number[];

  beforeAll(() => {
    for (let i = 1; i <= UPSTREAM_RULES_FILES.length; i++) {
      const out = loadRules(read(UPSTREAM_RULES_FILES.slice(0, i)), { language: defaultLanguage });
      for (const r of out.ruleset!.rules) if (!owner.has(r.name)) owner.set(r.name, UPSTREAM_RULES_FILES[i - 1]!);
    }
    ruleset = loadRules(read(UPSTREAM_RULES_FILES), { language: defaultLanguage }).ruleset!;
    allIds = ruleset.rules.map((r) => r.id); // disabled rules are enabled for the test
    for (const rule of ruleset.rules) {
      const fixture = BY_FILE[owner.get(rule.name)!]?.[rule.name];
      if (fixture === undefined || isUnmatchable(fixture)) continue;
      cases.push({ rule, fixture, hit: buildEvent(fixture.type, fixture.hit), miss: buildEvent(fixture.type, fixture.hit, fixture.miss) });
    }
    events = cases.flatMap((c) => [c.hit, c.miss]);
  });

  it('has fixtures for every rule of every file, and none for rules that do not exist', () => {
    expect(ruleset.rules.length).toBe(97);
    for (const rule of ruleset.rules) {
      const file = owner.get(rule.name)!;
      expect(BY_FILE[file]![rule.name], `${file}: ${rule.name}`).toBeDefined();
    }
    for (const [file, fixtures] of Object.entries(BY_FILE)) {
      for (const name of Object.keys(fixtures)) expect(owner.get(name), `${file}: ${name}`).toBe(file);
    }
  });

  it('says why a rule cannot trigger, with a check its condition really has', () => {
    const unmatchable = ruleset.rules.filter((r) => {
      const f = BY_FILE[owner.get(r.name)!]![r.name]!;
      if (!isUnmatchable(f)) return false;
      expect(r.conditionText, r.name).toContain(f.because);
      return true;
    });
    expect(unmatchable.map((r) => r.name).sort()).toEqual([
      'Launch Disallowed Container',
      'Network Connection outside Local Subnet',
      'Outbound Connection to C2 Servers',
      'Outbound or Inbound Traffic not to Authorized Server Process and Port',
    ]);
  });

  it('oracle: every hit triggers its rule and every miss does not', () => {
    const matches = oracleMatches(ruleset, events, { ruleMatching: 'all', enabledRuleIds: allIds, dns });
    const matched = new Set(matches.map((m) => `${m.event}:${m.rule}`));
    const wrong: string[] = [];
    cases.forEach((c, i) => {
      if (!matched.has(`${2 * i}:${c.rule.id}`)) wrong.push(`hit does not trigger: ${c.rule.name}`);
      if (matched.has(`${2 * i + 1}:${c.rule.id}`)) wrong.push(`miss triggers: ${c.rule.name}`);
    });
    expect(wrong).toEqual([]);
    expect(cases.length).toBe(93);
  });

  describe('engine', () => {
    let engine: CompiledEngine;
    let batch: Uint8Array;
    beforeAll(async () => {
      engine = await compileEngine(ruleset, { ruleMatching: 'all', enabledRuleIds: allIds, dns: new DnsCache(fixedResolver(FIXTURE_DNS), { timer: false }) });
      batch = encodeBatch(events);
    }, 120_000);

    it('every hit triggers its rule and every miss does not', () => {
      const matched = new Set(engine.evaluate(batch).map((m) => `${m.event}:${m.rule}`));
      const wrong: string[] = [];
      cases.forEach((c, i) => {
        if (!matched.has(`${2 * i}:${c.rule.id}`)) wrong.push(`hit does not trigger: ${c.rule.name}`);
        if (matched.has(`${2 * i + 1}:${c.rule.id}`)) wrong.push(`miss triggers: ${c.rule.name}`);
      });
      expect(wrong).toEqual([]);
    });

    it('reports exactly the oracle matches over all fixture events (other rules included)', () => {
      const key = (m: Match): string => `${m.event}:${ruleset.rules[m.rule]!.name}`;
      const got = engine.evaluate(batch).map(key).sort();
      const want = oracleMatches(ruleset, events, { ruleMatching: 'all', enabledRuleIds: allIds, dns }).map(key).sort();
      expect(got).toEqual(want);
    });
  });
});
