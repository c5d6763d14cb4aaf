// Every condition of libs' compile corpus that Falco accepts (on real fields) goes through the
// code generator, and all of them together compile with asc: no construct the loader accepts can
// break codegen or produce invalid AssemblyScript.
import { describe, expect, it } from 'vitest';
import { compileEngine, generateSource } from '../../../host/engine/engine.js';
import { defaultLanguage, loadRules } from '../../../host/rules/index.js';
import { readSharedJson, sharedAvailable } from '../../support/shared.js';
import { rulesYaml } from '../engine/support.js';

interface CompileCase {
  kind: string;
  filter?: string;
  expect_fail?: boolean;
  assertion?: string;
}

function acceptedConditions(): string[] {
  const cases = readSharedJson<CompileCase[]>('conformance', 'compile_cases.json');
  const accepted = cases.filter((c) =>
    c.filter !== undefined && !/\bc\.[a-z]/.test(c.filter) &&
    ((c.kind === 'compile' && c.expect_fail === false) || (c.kind === 'filter_compiles' && c.assertion === 'ASSERT_TRUE')));
  const out: string[] = [];
  for (const c of accepted) {
    const loaded = loadRules([{ name: 'c.yaml', content: rulesYaml({ r: c.filter! }) }], { language: defaultLanguage });
    if (loaded.ruleset !== undefined) out.push(c.filter!);
  }
  return [...new Set(out)];
}

describe.skipIf(!sharedAvailable)('codegen over the libs compile corpus', () => {
  it('generates and compiles every accepted condition', { timeout: 120_000 }, async () => {
    const conditions = acceptedConditions();
    expect(conditions.length).toBeGreaterThan(50);
    const yaml = rulesYaml(Object.fromEntries(conditions.map((c, i) => [`case_${i}`, c])));
    const loaded = loadRules([{ name: 'corpus.yaml', content: yaml }], { language: defaultLanguage });
    const ruleset = loaded.ruleset!;
    const generated = generateSource(ruleset, { ruleMatching: 'all' });
    expect(generated.rules).toHaveLength(conditions.length);
    expect(generated.notes).toEqual([]);
    const engine = await compileEngine(ruleset, { ruleMatching: 'all', optimize: 'fast' });
    expect(engine.tier).toBe('O0');
  });
});
