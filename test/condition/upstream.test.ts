// Every macro and rule condition in the upstream Falco rules files parses.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseCondition } from '../../host/condition/parser.js';
import { UPSTREAM_RULES_FILES, sharedAvailable, sharedPath } from '../support/shared.js';

interface RulesItem {
  macro?: string;
  rule?: string;
  condition?: string;
}

describe.skipIf(!sharedAvailable)('upstream rules conditions', () => {
  for (const file of UPSTREAM_RULES_FILES) {
    it(`parses every condition in ${file}`, () => {
      const items = parseYaml(readFileSync(sharedPath('falco-rules', file), 'utf8')) as RulesItem[];
      const conditions = items.filter((i) => typeof i.condition === 'string');
      expect(conditions.length).toBeGreaterThan(0);
      const failures: string[] = [];
      for (const item of conditions) {
        try {
          parseCondition(item.condition!);
        } catch (e) {
          failures.push(`${item.macro ?? item.rule}: ${(e as Error).message}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
