// The bundled default ruleset: loads with no error and no warning, follows the conventions every
// rule must keep (desc, output naming who/what/where, priority, MITRE tags, an extensible
// exception list), compiles in the Wasm engine, and for every rule a synthetic event triggers it
// while a nearby benign event does not.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch, type EventInput } from '../../host/engine/batch-encoder.js';
import { compileEngine } from '../../host/engine/engine.js';
import type { CompiledEngine } from '../../host/engine/engine-api.js';
import type { RuleSet } from '../../host/rules/index.js';
import { CASES } from './cases.js';
import { loadDefaultRules, problems } from './default-rules.js';

function loadedRuleset(): RuleSet {
  const out = loadDefaultRules();
  expect(problems(out)).toEqual([]);
  expect(out.ruleset).toBeDefined();
  return out.ruleset!;
}

/** Rule names that match one event, through the compiled engine. */
function matching(engine: CompiledEngine, ev: EventInput): string[] {
  const batch = encodeBatch([ev]);
  return engine.evaluate(batch).map((m) => engine.ruleset.rules[m.rule]!.name);
}

function output(engine: CompiledEngine, ev: EventInput, rule: string): string {
  const batch = encodeBatch([ev]);
  const m = engine.evaluate(batch).find((x) => engine.ruleset.rules[x.rule]!.name === rule);
  if (m === undefined) throw new Error(`${rule} did not match`);
  return engine.formatOutput(batch, m);
}

describe('default ruleset: loading and conventions', () => {
  const ruleset = loadedRuleset();

  it('loads every file of rules/ with 0 errors and 0 warnings', () => {
    expect(problems(loadDefaultRules())).toEqual([]);
    expect(ruleset.rules.length).toBeGreaterThanOrEqual(25);
  });

  it.each(ruleset.rules.map((r) => [r.name, r] as const))('%s keeps the conventions', (name, r) => {
    expect(name).toMatch(/^Saker /);
    expect(name.length).toBeLessThanOrEqual(50); // fits the name column of `saker -L`
    expect(r.enabled).toBe(true);
    expect(r.description.length).toBeGreaterThan(80);
    // who did what to which object, and where
    for (const f of ['%user.name', '%proc.name', '%proc.cmdline', '%container.id']) expect(r.output).toContain(f);
    expect(r.output).toMatch(/%proc\.pname|%container\.mounts/);
    expect(r.output).toMatch(/%container\.image/);
    expect(['EMERGENCY', 'ALERT', 'CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFORMATIONAL', 'INFO', 'DEBUG']).toContain(r.priority.toUpperCase());
    expect(r.tags.some((t) => /^mitre_/.test(t))).toBe(true);
    expect(r.tags.some((t) => /^T\d{4}(\.\d{3})?$/.test(t))).toBe(true);
    // an exception list (or exceptions block) the user can extend: a saker_*_allowed_* list the
    // rule's condition refers to
    const lists = [...r.originalCondition.matchAll(/\b(saker_\w*allowed\w*)\b/g)].map((m) => m[1]);
    expect(lists.length + (r.exceptions?.length ?? 0)).toBeGreaterThan(0);
  });
});

describe('default ruleset: every rule triggers on its attack and stays quiet on the benign neighbour', () => {
  const ruleset = loadedRuleset();
  let engine: CompiledEngine;
  beforeAll(async () => {
    engine = await compileEngine(ruleset, { ruleMatching: 'all', optimize: 'fast' });
  }, 240_000);

  it('has a trigger and a benign case for every rule, and no case for a rule that does not exist', () => {
    const names = ruleset.rules.map((r) => r.name).sort();
    expect(Object.keys(CASES).sort()).toEqual(names);
  });

  it.each(Object.entries(CASES))('%s', (name, c) => {
    expect(matching(engine, c.trigger)).toContain(name);
    // the benign neighbour is quiet for the whole default set, not just this rule
    expect(matching(engine, c.benign)).toEqual([]);
    for (const ev of c.alsoBenign ?? []) expect(matching(engine, ev)).not.toContain(name);
    for (const ev of c.alsoTrigger ?? []) expect(matching(engine, ev)).toContain(name);
    const text = output(engine, c.trigger, name);
    for (const part of c.output) expect(text).toContain(part);
  });
});
