// The upstream Falco rules load unchanged: all four files in Falco's order with no errors, and
// per file every rule's event types and fully expanded condition equal the reference analysis.
// The only warnings are the evt.dir deprecations Falco 0.44 reports for the deprecated file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultLanguage } from '../../host/rules/default-language.js';
import { checkPluginRequirements, loadRules, type RulesSource } from '../../host/rules/loader.js';
import { readSharedJson, sharedAvailable, sharedPath, UPSTREAM_RULES_FILES } from '../support/shared.js';

interface ReferenceRule {
  rule: string;
  expanded_condition: string;
  evt_types: string[];
  enabled: boolean;
  priority: string;
  source: string;
  tags: string[];
  output: string;
  macros_used: string[];
  lists_used: string[];
}
type Reference = Record<string, { rules: ReferenceRule[]; counts: { macros: number; lists: number; rules: number } }>;

describe.skipIf(!sharedAvailable)('upstream rules', () => {
  const sources: RulesSource[] = sharedAvailable
    ? UPSTREAM_RULES_FILES.map((f) => ({ name: f, content: readFileSync(sharedPath('falco-rules', f), 'utf8') }))
    : [];
  const reference = sharedAvailable ? readSharedJson<Reference>('reference', 'upstream-rules-analysis.json') : {};

  it('load together in order with no errors', () => {
    const out = loadRules(sources, { language: defaultLanguage });
    expect(out.results.map((r) => [r.name, r.errors.map((e) => e.message)])).toEqual(UPSTREAM_RULES_FILES.map((f) => [f, []]));
    expect(out.ruleset).toBeDefined();
    const expected = UPSTREAM_RULES_FILES.flatMap((f) => reference[f]!.rules.map((r) => r.rule));
    expect(out.ruleset!.rules.map((r) => r.name)).toEqual([...new Set(expected)]);
    expect(out.ruleset!.requiredEngineVersion).toBe('0.57.0');
    expect(checkPluginRequirements(out.ruleset!)).toBeUndefined();
  });

  it('warn only about evt.dir, which the deprecated file brings back into shared macros', () => {
    const out = loadRules(sources, { language: defaultLanguage });
    expect(out.results.slice(0, 3).map((r) => r.warnings.length)).toEqual([0, 0, 0]);
    const last = out.results[3]!.warnings;
    expect(new Set(last.map((w) => `${w.code} ${w.deprecatedField}`))).toEqual(new Set(['LOAD_DEPRECATED_ITEM evt.dir']));
    // The deprecated file redefines `outbound` and `inbound_outbound`, which rules of the other
    // files use too: after it loads, every rule using them sees evt.dir.
    const users = out.ruleset!.rules.filter((r) => /evt\.dir/.test(r.conditionText)).map((r) => r.name);
    expect(last.map((w) => w.context.locations[1]!.itemName)).toEqual(users);
    expect(users).toHaveLength(12);
  });

  it('warn about the four deprecated rules when the deprecated file loads alone, as Falco reports', () => {
    const out = loadRules([sources[3]!], { language: defaultLanguage });
    const w = out.results[0]!.warnings;
    expect(w.map((x) => x.context.locations[1]!.itemName)).toEqual([
      'Disallowed SSH Connection',
      'Unexpected outbound connection destination',
      'Outbound or Inbound Traffic not to Authorized Server Process and Port',
      'Outbound Connection to C2 Servers',
    ]);
    // Falco: "rule 'Disallowed SSH Connection': (…:82:2)", "rule condition: (…:88:13)".
    expect(w[0]!.context.asString().split('\n').slice(0, 3)).toEqual([
      'In rules content: (falco-deprecated_rules.yaml:0:0)',
      "    rule 'Disallowed SSH Connection': (falco-deprecated_rules.yaml:82:2)",
      '    rule condition: (falco-deprecated_rules.yaml:88:13)',
    ]);
  });

  for (const file of UPSTREAM_RULES_FILES) {
    it(`${file}: expanded conditions and event types match the reference`, () => {
      const source = sources.find((s) => s.name === file)!;
      const out = loadRules([source], { language: defaultLanguage });
      expect(out.results[0]!.errors).toEqual([]);
      const rules = out.ruleset!.rules;
      const ref = reference[file]!;
      expect(rules.map((r) => r.name)).toEqual(ref.rules.map((r) => r.rule));
      expect(out.ruleset!.macros).toHaveLength(ref.counts.macros);
      expect(out.ruleset!.lists).toHaveLength(ref.counts.lists);
      for (const r of ref.rules) {
        const mine = rules.find((x) => x.name === r.rule)!;
        expect({ rule: r.rule, condition: mine.conditionText }).toEqual({ rule: r.rule, condition: r.expanded_condition });
        expect({ rule: r.rule, evt: mine.eventTypes }).toEqual({ rule: r.rule, evt: { all: false, names: r.evt_types } });
        expect([mine.enabled, mine.source, mine.output, mine.tags]).toEqual([r.enabled, r.source, r.output, [...r.tags].sort()]);
        expect(mine.priority.toLowerCase().startsWith(r.priority.toLowerCase())).toBe(true);
      }
    });
  }
});
