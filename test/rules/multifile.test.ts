// Several files into one rule set, in order: later files use and override earlier items,
// compile diagnostics land in the file being loaded, a failed file stops loading by default,
// and directories expand to their sorted .yaml/.yml files.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultLanguage } from '../../host/rules/default-language.js';
import { loadRules, RulesLoader } from '../../host/rules/loader.js';
import { expandRulesPath, readRulesPaths } from '../../host/rules/paths.js';
import { load, rule, ruleYaml } from './helpers.js';

const base = { name: 'base.yaml', content: `- list: shells\n  items: [sh]\n- macro: spawned\n  condition: evt.type = execve\n${ruleYaml('shell', 'spawned and proc.name in (shells)')}` };

describe('loading files in order', () => {
  it('lets a later file use earlier macros and lists', () => {
    const l = load([base, { name: 'local.yaml', content: ruleYaml('mine', 'spawned and proc.pname in (shells)') }]);
    expect(l.ruleset!.rules.map((r) => r.name)).toEqual(['shell', 'mine']);
    expect(rule(l, 'mine').conditionText).toBe('(evt.type = execve and proc.pname in (sh))');
  });

  it('lets a later file override items of an earlier one, for every rule', () => {
    const l = load([base, { name: 'local.yaml', content: '- list: shells\n  items: [bash]\n  override:\n    items: append\n' }]);
    expect(rule(l, 'shell').conditionText).toBe('(evt.type = execve and proc.name in (sh, bash))');
  });

  it('re-compiles everything per file, so unused warnings repeat in later results', () => {
    const l = load([
      { name: 'a.yaml', content: `- macro: lonely\n  condition: evt.type = open\n${ruleYaml('r')}` },
      { name: 'b.yaml', content: ruleYaml('s') },
    ]);
    expect(l.results.map((r) => r.warnings.map((w) => `${w.code}@${w.context.name}`))).toEqual([
      ['LOAD_UNUSED_MACRO@a.yaml'],
      ['LOAD_UNUSED_MACRO@a.yaml'],
    ]);
  });

  it('stops at the first failed file unless told to continue', () => {
    const bad = { name: 'bad.yaml', content: '- rule: x\n' };
    const stop = loadRules([bad, base], { language: defaultLanguage });
    expect(stop.results.map((r) => [r.name, r.successful])).toEqual([['bad.yaml', false]]);
    expect(stop.ruleset).toBeUndefined();
    const cont = loadRules([bad, base], { language: defaultLanguage, continueAfterError: true });
    expect(cont.results.map((r) => [r.name, r.successful])).toEqual([['bad.yaml', false], ['base.yaml', true]]);
    expect(cont.ruleset).toBeUndefined();
  });

  it('keeps items read before an error, as Falco does', () => {
    const loader = new RulesLoader({ language: defaultLanguage });
    expect(loader.load({ name: 'a.yaml', content: '- macro: m\n  condition: evt.type = open\n- rule: broken\n' }).successful).toBe(false);
    const second = loader.load({ name: 'b.yaml', content: ruleYaml('r', 'm') });
    expect(second.successful).toBe(true);
    expect(loader.ruleset!.rules[0]!.conditionText).toBe('evt.type = open');
  });

  it('names the file of the failing item in the location chain', () => {
    const l = load([base, { name: 'local.yaml', content: '- macro: spawned\n  condition: nope\n' }]);
    expect(l.results[1]!.errors[0]!.context.asString()).toBe(
      'In rules content: (local.yaml:0:0)\n    macro \'spawned\': (local.yaml:0:2)\n    condition expression: ("nope":1:3)\n',
    );
  });

  it('gives an empty rule set for no files', () => {
    expect(loadRules([], { language: defaultLanguage }).ruleset?.rules).toEqual([]);
  });
});

describe('rules paths', () => {
  it('expands a directory into its sorted .yaml/.yml files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-rules-'));
    writeFileSync(join(dir, 'b.yaml'), ruleYaml('b'));
    writeFileSync(join(dir, 'a.yml'), ruleYaml('a'));
    writeFileSync(join(dir, 'notes.txt'), 'x');
    mkdirSync(join(dir, 'sub.yaml'));
    expect(expandRulesPath(dir)).toEqual([join(dir, 'a.yml'), join(dir, 'b.yaml')]);
    const { sources, failures } = readRulesPaths([dir, join(dir, 'missing.yaml')]);
    expect(sources.map((s) => s.name)).toEqual([join(dir, 'a.yml'), join(dir, 'b.yaml')]);
    expect(failures.map((f) => f.path)).toEqual([join(dir, 'missing.yaml')]);
    expect(loadRules(sources, { language: defaultLanguage }).ruleset!.rules.map((r) => r.name)).toEqual(['a', 'b']);
  });
});
