// The upstream rules as Falco users load them: the stable file alone, or all four in order.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultLanguage, loadRules, type RuleSet } from '../host/rules/index.js';

const SHARED = process.env.SAKER_SHARED_DIR ?? resolve(import.meta.dirname, '..', '..', 'shared');
export const UPSTREAM_FILES = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml', 'falco-deprecated_rules.yaml'];

export function loadUpstream(set: 'stable' | 'all'): RuleSet {
  const files = set === 'stable' ? UPSTREAM_FILES.slice(0, 1) : UPSTREAM_FILES;
  const out = loadRules(files.map((f) => ({ name: f, content: readFileSync(join(SHARED, 'falco-rules', f), 'utf8') })), { language: defaultLanguage });
  if (out.ruleset === undefined) throw new Error(`upstream rules do not load from ${SHARED}`);
  return out.ruleset;
}
