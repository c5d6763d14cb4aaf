// Guard: every upstream rule's fully expanded condition passes the compile checks with no error,
// its inferred event types match the reference analysis, and every output template parses.
import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../host/condition/parser.js';
import { checkCondition } from '../../host/compile/check.js';
import { inferEventTypes, isAllEvents, sortedNames } from '../../host/compile/evttypes.js';
import { expandContainerInfo, parseOutputTemplate } from '../../host/output/template.js';
import { readSharedJson, sharedAvailable, UPSTREAM_RULES_FILES } from '../support/shared.js';

interface AnalysedRule {
  rule: string;
  expanded_condition: string;
  output: string;
  evt_types: string[] | string;
  source: string;
}
type Analysis = Record<string, { rules: AnalysedRule[] }>;

describe.skipIf(!sharedAvailable)('upstream rules pass the compile checks', () => {
  const analysis = sharedAvailable ? readSharedJson<Analysis>('reference', 'upstream-rules-analysis.json') : {};

  for (const file of UPSTREAM_RULES_FILES) {
    const rules = analysis[file]?.rules ?? [];
    it(`${file}: analysed rules are present`, () => {
      expect(rules.length).toBeGreaterThan(0);
    });
    for (const r of rules) {
      it(`${file}: ${r.rule}`, () => {
        const ast = parseCondition(r.expanded_condition);
        const res = checkCondition(ast);
        expect(res.errors).toEqual([]);
        expect(res.warnings).toEqual([]);
        const set = inferEventTypes(ast);
        if (Array.isArray(r.evt_types)) expect(sortedNames(set)).toEqual([...r.evt_types].sort());
        else expect(isAllEvents(set)).toBe(true);
        expect(() => parseOutputTemplate(expandContainerInfo(r.output).output)).not.toThrow();
      });
    }
  }
});
