// Robustness: random YAML and mutated upstream rules never make the loader throw or hang; every
// outcome is a structured result (successful with a rule set, or failed with exactly one error).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defaultLanguage } from '../../host/rules/default-language.js';
import { loadRules } from '../../host/rules/loader.js';
import { formatResultText, formatResultsJson } from '../../host/rules/report.js';
import { sharedAvailable, sharedPath, UPSTREAM_RULES_FILES } from '../support/shared.js';

const MAX_MS = 3000;

function checkOutcome(content: string): void {
  const started = Date.now();
  const out = loadRules([{ name: 'fuzz.yaml', content }], { language: defaultLanguage });
  expect(Date.now() - started).toBeLessThan(MAX_MS);
  const r = out.results[0]!;
  if (r.successful) {
    expect(out.ruleset).toBeDefined();
  } else {
    expect(r.errors).toHaveLength(1);
    expect(out.ruleset).toBeUndefined();
  }
  for (const d of [...r.errors, ...r.warnings]) {
    expect(typeof d.message).toBe('string');
    expect(d.context.locations.length).toBeGreaterThan(0);
  }
  const contents = new Map([['fuzz.yaml', content]]);
  expect(typeof formatResultText(r, contents)).toBe('string');
  expect(() => JSON.parse(formatResultsJson(out.results, contents))).not.toThrow();
}

const KEYS = ['rule', 'macro', 'list', 'desc', 'condition', 'output', 'priority', 'items', 'append', 'override',
  'exceptions', 'enabled', 'tags', 'source', 'name', 'fields', 'comps', 'values', 'required_engine_version',
  'required_plugin_versions', 'version', 'alternatives', 'warn_evttypes', 'skip-if-unknown-filter'];
const WORDS = ['evt.type', 'open', 'and', 'or', 'not', '=', 'in', '(', ')', 'proc.name', 'append', 'replace',
  'INFO', 'true', 'false', '0.62.0', '26', 'm', 'l', 'r', '%proc.name', 'container', ',', '"', "'"];

const scalar = fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 5 })),
})).node;
const item = fc.dictionary(fc.constantFrom(...KEYS), value, { minKeys: 1, maxKeys: 7 });

describe('the loader on arbitrary input', () => {
  it('handles random rules-like YAML documents', () => {
    fc.assert(fc.property(fc.array(item, { maxLength: 8 }), (items) => checkOutcome(stringify(items))), { numRuns: 300 });
  });

  it('handles arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => checkOutcome(text)), { numRuns: 300 });
  });

  it('handles rules built from condition fragments', () => {
    const cond = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 12 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(cond, cond, fc.constantFrom('INFO', 'info', 'bogus'), (c1, c2, prio) =>
        checkOutcome(
          `- macro: m\n  condition: ${JSON.stringify(c1)}\n- list: l\n  items: [a, "b c"]\n- rule: r\n  desc: d\n  condition: ${JSON.stringify(c2)}\n  output: "%proc.name"\n  priority: ${prio}\n`,
        ),
      ),
      { numRuns: 300 },
    );
  });
});

describe.skipIf(!sharedAvailable)('the loader on mutated upstream rules', () => {
  const files = sharedAvailable ? UPSTREAM_RULES_FILES.map((f) => readFileSync(sharedPath('falco-rules', f), 'utf8').split('\n')) : [];
  const NOISE = [':', '-', ' ', '  ', '\n', '[', ']', '{', '}', '"', "'", '#', '>', '|', '&a', '*a', '\t', ',', '(', ')', 'and', 'not'];

  type Mutation = { kind: 'delete' | 'insert' | 'dupline' | 'dropline' | 'swap'; at: number; noise: string };
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    kind: fc.constantFrom('delete', 'insert', 'dupline', 'dropline', 'swap'),
    at: fc.nat(),
    noise: fc.constantFrom(...NOISE),
  });

  function mutate(lines: string[], muts: Mutation[]): string {
    const out = [...lines];
    for (const m of muts) {
      const i = out.length === 0 ? 0 : m.at % out.length;
      const line = out[i] ?? '';
      const col = line.length === 0 ? 0 : m.at % line.length;
      switch (m.kind) {
        case 'delete':
          out[i] = line.slice(0, col) + line.slice(col + 1);
          break;
        case 'insert':
          out[i] = line.slice(0, col) + m.noise + line.slice(col);
          break;
        case 'dupline':
          out.splice(i, 0, line);
          break;
        case 'dropline':
          out.splice(i, 1);
          break;
        case 'swap':
          if (i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
          break;
      }
    }
    return out.join('\n');
  }

  it('never throws or hangs on slices of upstream files with random edits', () => {
    fc.assert(
      fc.property(fc.nat(3), fc.nat(), fc.integer({ min: 20, max: 400 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (f, start, len, muts) => {
        const lines = files[f]!;
        const from = start % lines.length;
        checkOutcome(mutate(lines.slice(from, from + len), muts));
      }),
      { numRuns: 150 },
    );
  });

  it('never throws on whole upstream files with one edit', () => {
    fc.assert(
      fc.property(fc.nat(3), mutation, (f, m) => checkOutcome(mutate(files[f]!, [m]))),
      { numRuns: 40 },
    );
  });
});
