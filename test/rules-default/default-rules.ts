// The bundled default ruleset (rules/*.yaml), loaded the way the embedded config loads it: every
// file of the folder, sorted by path, through one loader.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledRulesDir } from '../../host/config/defaults.js';
import { defaultLanguage, loadRules, type LoadRulesOutcome } from '../../host/rules/index.js';

export interface RulesSourceFile {
  name: string;
  content: string;
}

export function defaultRuleFiles(): RulesSourceFile[] {
  const dir = bundledRulesDir();
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => ({ name: join(dir, f), content: readFileSync(join(dir, f), 'utf8') }));
}

/** Loads the default files plus any extra files after them (a user's rules.d). */
export function loadDefaultRules(extra: RulesSourceFile[] = []): LoadRulesOutcome {
  return loadRules([...defaultRuleFiles(), ...extra], { language: defaultLanguage, continueAfterError: true });
}

export function problems(out: LoadRulesOutcome): string[] {
  return out.results.flatMap((r) => [
    ...r.errors.map((e) => `${r.name}: error ${e.code}: ${e.message}`),
    ...r.warnings.map((w) => `${r.name}: warning ${w.code}: ${w.message}`),
  ]);
}
