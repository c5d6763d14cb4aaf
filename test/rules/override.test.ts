// append: true (deprecated) and override: {key: append|replace} on lists, macros and rules,
// the standalone enabled form, and redefinitions, with Falco's messages.
import { describe, expect, it } from 'vitest';
import { MSG } from '../../host/rules/codes.js';
import { errorsOf, load, onlyError, rule, ruleYaml, warningCodes, warningsOf } from './helpers.js';

const BASE_RULE = ruleYaml('legit_rule', 'evt.type=open').replace('desc: d', 'desc: legit rule description').replace('output: o', 'output: user=%user.name');

describe('lists', () => {
  it('appends items with override', () => {
    const l = load(`- list: shell_binaries
  items: [ash, bash]
${ruleYaml('r', 'evt.type=open and proc.name in (shell_binaries)')}
- list: shell_binaries
  items: [pwsh]
  override:
    items: append
`);
    expect(rule(l, 'r').conditionText).toBe('(evt.type = open and proc.name in (ash, bash, pwsh))');
    expect(warningsOf(l)).toEqual([]);
  });

  it('appends items with the deprecated append flag and warns', () => {
    const l = load(`- list: l
  items: [blkid]
- list: l
  items: ["csi-provisioner", "csi-attacher"]
  append: true
${ruleYaml('r', 'evt.type = execve and proc.name in (l)')}`);
    expect(rule(l, 'r').conditionText).toBe('(evt.type = execve and proc.name in (blkid, csi-provisioner, csi-attacher))');
    expect(warningsOf(l)).toEqual([{ code: 'LOAD_DEPRECATED_ITEM', message: MSG.warningAppend }]);
  });

  it('refuses to append to a list defined later', () => {
    const e = onlyError(load(`- list: l
  items: [a]
  override:
    items: append
- list: l
  items: [b]
`));
    expect(e).toEqual({
      code: 'LOAD_ERR_VALIDATE',
      message: "List uses 'append' or 'override.items: append' but no list by that name already exists",
      where: "In rules content: (rules.yaml:0:0)\n    list 'l': (rules.yaml:0:2)\n",
    });
  });

  it('lets override replace define a list that does not exist yet', () => {
    const l = load(`- list: l
  items: [a]
  override:
    items: replace
- list: l
  items: [b]
${ruleYaml('r', 'evt.type = execve and proc.name in (l)')}`);
    expect(rule(l, 'r').conditionText).toBe('(evt.type = execve and proc.name in (b))');
  });

  it('rejects append together with override', () => {
    const l = load(`- list: l
  items: [a]
- list: l
  items: [b]
  append: true
  override:
    items: append
`);
    expect(errorsOf(l)).toEqual([{ code: 'LOAD_ERR_YAML_VALIDATE', message: MSG.errorOverrideAppend }]);
    expect(warningCodes(l)).toEqual(['LOAD_DEPRECATED_ITEM']);
  });

  it('rejects override keys a list does not have', () => {
    const e = onlyError(load('- list: l\n  items: [a]\n  override:\n    condition: append\n'));
    expect(e.message).toBe("Key 'condition' cannot be appended to, use 'replace' instead");
    expect(e.where).toBe(
      "In rules content: (rules.yaml:0:0)\n    list 'l': (rules.yaml:0:2)\n    overrides: (rules.yaml:0:2)\n    overrides 'condition': (rules.yaml:3:4)\n",
    );
  });

  it('rejects an unknown override operation, listing what is allowed', () => {
    const e = onlyError(load('- list: l\n  items: [a]\n  override:\n    items: merge\n'));
    expect(e.message).toBe("Invalid override operation for key 'items': 'merge'. Allowed values are: append replace ");
    expect(e.where).toContain("value for 'items': (rules.yaml:3:11)");
  });
});

describe('macros', () => {
  it('appends a condition with override', () => {
    const l = load(`- macro: interactive
  condition: >
    ((proc.aname=sshd and proc.name != sshd) or
    proc.name=systemd-logind or proc.name=login)
${ruleYaml('legit_rule', 'evt.type=open and interactive')}
- macro: interactive
  condition: or proc.name = ssh
  override:
    condition: append
`);
    expect(rule(l, 'legit_rule').conditionText).toBe(
      '(evt.type = open and (((proc.aname = sshd and proc.name != sshd) or proc.name = systemd-logind or proc.name = login) or proc.name = ssh))',
    );
  });

  it('appends with the deprecated flag after the definition', () => {
    const l = load(`- macro: open_simple
  condition: evt.type in (open,openat)
- macro: open_simple
  condition: or evt.type = openat2
  append: true
${ruleYaml('test_rule', 'open_simple')}`);
    expect(rule(l, 'test_rule').conditionText).toBe('(evt.type in (open, openat) or evt.type = openat2)');
    expect(warningCodes(l)).toEqual(['LOAD_DEPRECATED_ITEM']);
  });

  it('refuses to append to a macro defined later', () => {
    const l = load(`- macro: open_simple
  condition: or evt.type = openat2
  append: true
- macro: open_simple
  condition: evt.type in (open,openat)
`);
    expect(errorsOf(l)).toEqual([{ code: 'LOAD_ERR_VALIDATE', message: MSG.errorNoPreviousMacro }]);
  });

  it('lets override replace stand for a definition', () => {
    const l = load(`- macro: open_simple
  condition: or evt.type = openat2
  override:
    condition: replace
- macro: open_simple
  condition: evt.type in (open,openat)
${ruleYaml('test_rule', 'open_simple')}`);
    expect(rule(l, 'test_rule').conditionText).toBe('evt.type in (open, openat)');
  });
});

describe('rules', () => {
  it('appends condition, output and desc with override', () => {
    const l = load(`${BASE_RULE}
- rule: legit_rule
  desc: with append
  condition: and proc.name = cat
  output: proc=%proc.name
  override:
    desc: append
    condition: append
    output: append
`);
    const r = rule(l, 'legit_rule');
    expect(r.originalCondition).toBe('evt.type=open and proc.name = cat');
    expect(r.output).toBe('user=%user.name proc=%proc.name');
    expect(r.description).toBe('legit rule description with append');
    expect(warningsOf(l)).toEqual([]);
  });

  it('appends a condition with the deprecated flag', () => {
    const l = load(`${BASE_RULE}
- rule: legit_rule
  condition: and proc.name = cat
  append: true
`);
    expect(rule(l, 'legit_rule').conditionText).toBe('(evt.type = open and proc.name = cat)');
    expect(warningsOf(l)).toEqual([{ code: 'LOAD_DEPRECATED_ITEM', message: MSG.warningAppend }]);
  });

  it('replaces keys with override and keeps the others', () => {
    const l = load(`${BASE_RULE}
- rule: legit_rule
  desc: a replaced legit description
  condition: evt.type = close
  priority: WARNING
  tags: [x]
  override:
    desc: replace
    condition: replace
    priority: replace
    tags: replace
`);
    const r = rule(l, 'legit_rule');
    expect([r.originalCondition, r.description, r.priority, r.output, r.tags]).toEqual([
      'evt.type = close', 'a replaced legit description', 'Warning', 'user=%user.name', ['x'],
    ]);
  });

  it('mixes append and replace in one override', () => {
    const l = load(`${BASE_RULE}
- rule: legit_rule
  desc: new
  condition: and proc.name = cat
  override:
    desc: replace
    condition: append
`);
    const r = rule(l, 'legit_rule');
    expect([r.originalCondition, r.description]).toEqual(['evt.type=open and proc.name = cat', 'new']);
  });

  it('refuses to append to priority', () => {
    const l = load(`${BASE_RULE}
- rule: legit_rule
  priority: WARNING
  override:
    priority: append
`);
    expect(errorsOf(l)).toEqual([
      { code: 'LOAD_ERR_YAML_VALIDATE', message: "Key 'priority' cannot be appended to, use 'replace' instead" },
    ]);
    expect(l.results[0]!.errors[0]!.context.snippet(l.contents)).toContain('priority: append');
  });

  it('refuses to replace a key that cannot be replaced', () => {
    const l = load(`${BASE_RULE}
- rule: legit_rule
  source: k8s_audit
  override:
    source: replace
`);
    expect(errorsOf(l)[0]!.message).toBe("Key 'source' cannot be replaced");
  });

  it('rejects append together with override, after the deprecation warning', () => {
    const l = load(`${BASE_RULE}
- rule: legit_rule
  condition: and proc.name = cat
  append: true
  override:
    condition: append
`);
    expect(errorsOf(l)[0]!.message).toBe(MSG.errorOverrideAppend);
    expect(warningsOf(l)).toEqual([{ code: 'LOAD_DEPRECATED_ITEM', message: MSG.warningAppend }]);
  });

  it('requires the overridden key to be present', () => {
    const l = load(`${BASE_RULE}
- rule: legit_rule
  desc: x
  override:
    desc: replace
    condition: append
`);
    expect(errorsOf(l)[0]!.message).toBe("An append override for 'condition' was specified but 'condition' is not defined");
  });

  it('rejects a defined key that no override claims, pointing at it', () => {
    const e = onlyError(load(`${BASE_RULE}
- rule: legit_rule
  desc: x
  condition: and proc.name = cat
  priority: WARNING
  override:
    desc: replace
    condition: append
`));
    expect(e.message).toBe("Unexpected key 'priority': no corresponding entry under 'override' is defined.");
    expect(e.where).toBe(
      "In rules content: (rules.yaml:0:0)\n    rule 'legit_rule': (rules.yaml:6:2)\n    overrides 'priority': (rules.yaml:9:12)\n",
    );
  });

  it('refuses overrides of a rule not defined yet', () => {
    expect(errorsOf(load(`- rule: r\n  condition: and proc.name = cat\n  override:\n    condition: append\n${ruleYaml('r')}`))).toEqual([
      { code: 'LOAD_ERR_VALIDATE', message: MSG.errorNoPreviousRuleAppend },
    ]);
    expect(errorsOf(load(`- rule: r\n  condition: x\n  override:\n    condition: replace\n${ruleYaml('r')}`))).toEqual([
      { code: 'LOAD_ERR_VALIDATE', message: MSG.errorNoPreviousRuleReplace },
    ]);
    expect(errorsOf(load(`- rule: r\n  condition: and proc.name = cat\n  append: true\n${ruleYaml('r')}`))).toEqual([
      { code: 'LOAD_ERR_VALIDATE', message: MSG.errorNoPreviousRuleAppend },
    ]);
  });

  it('requires something to append', () => {
    expect(errorsOf(load(`${BASE_RULE}\n- rule: legit_rule\n  append: true\n`))).toEqual([
      { code: 'LOAD_ERR_VALIDATE', message: 'Appended rule must have exceptions or condition property' },
    ]);
  });

  // Falco writes "An" for both kinds of override.
  it('replaces enabled with override and needs the key', () => {
    const disabled = ruleYaml('test_rule', 'evt.type = close', '  enabled: false\n');
    const ok = load(`${disabled}- rule: test_rule
  desc: correct override
  condition: and proc.name = cat
  enabled: true
  override:
    desc: replace
    condition: append
    enabled: replace
`);
    expect(rule(ok, 'test_rule').enabled).toBe(true);
    expect(warningsOf(ok)).toEqual([]);
    const missing = load(`${disabled}- rule: test_rule
  desc: missing enabled key
  condition: and proc.name = cat
  override:
    desc: replace
    condition: append
    enabled: replace
`);
    expect(errorsOf(missing)[0]!.message).toBe("An replace override for 'enabled' was specified but 'enabled' is not defined");
  });

  it('toggles a rule with the standalone enabled form, with a deprecation warning', () => {
    const l = load(`${ruleYaml('test_rule', 'evt.type = close', '  enabled: false\n')}- rule: test_rule\n  enabled: true\n`);
    expect(rule(l, 'test_rule').enabled).toBe(true);
    expect(warningsOf(l)).toEqual([{ code: 'LOAD_DEPRECATED_ITEM', message: MSG.warningEnabled }]);
  });

  it('requires the standalone enabled form to name an existing rule', () => {
    expect(onlyError(load('- rule: ghost\n  enabled: false\n'))).toEqual({
      code: 'LOAD_ERR_VALIDATE',
      message: "Rule has 'enabled' key but no rule by that name already exists",
      where: "In rules content: (rules.yaml:0:0)\n    rule 'ghost': (rules.yaml:0:2)\n",
    });
  });

  it('ignores enabled on a deprecated append', () => {
    const l = load(`${ruleYaml('test_rule', 'evt.type = close', '  enabled: false\n')}- rule: test_rule
  condition: and proc.name = cat
  append: true
  enabled: true
`);
    expect(rule(l, 'test_rule').enabled).toBe(false);
  });

  it('replaces a redefined rule entirely but keeps its place', () => {
    const l = load(`${ruleYaml('first')}${ruleYaml('second')}${ruleYaml('first', 'proc.name = cat', '  enabled: true\n').replace('priority: INFO', 'priority: WARNING')}`);
    expect(l.ruleset!.rules.map((r) => [r.name, r.originalCondition, r.priority])).toEqual([
      ['first', 'proc.name = cat', 'Warning'],
      ['second', 'evt.type = open', 'Informational'],
    ]);
  });

  it('refuses to redefine a rule with another source', () => {
    const l = load(`${ruleYaml('r')}${ruleYaml('r', 'evt.type = open', '  source: k8s_audit\n')}`, {
      sources: ['syscall', 'k8s_audit'],
    });
    expect(errorsOf(l)).toEqual([{ code: 'LOAD_ERR_VALIDATE', message: 'Rule has been re-defined with a different source' }]);
  });
});
