// YAML structure and value validation: Falco's LOAD_ERR_YAML_PARSE / LOAD_ERR_YAML_VALIDATE
// messages with their location chains (zero-based line:column, like yaml-cpp marks).
import { describe, expect, it } from 'vitest';
import { errorsOf, load, onlyError, ruleYaml, warningsOf } from './helpers.js';

describe('rules content structure', () => {
  it('accepts an empty file and comment-only documents', () => {
    const l = load('# nothing here\n');
    expect(l.results[0]!.successful).toBe(true);
    expect(l.ruleset?.rules).toEqual([]);
  });

  it('rejects a scalar document', () => {
    expect(onlyError(load('hello\n'))).toEqual({
      code: 'LOAD_ERR_YAML_VALIDATE',
      message: 'Rules content is not yaml',
      where: 'In rules content: (rules.yaml:0:0)\n',
    });
  });

  it('rejects a mapping document', () => {
    expect(onlyError(load('rule: x\ndesc: y\n')).message).toBe('Rules content is not yaml array of objects');
  });

  it('rejects a non-mapping item with its position', () => {
    expect(onlyError(load('- list: a\n  items: [x]\n- just a string\n'))).toEqual({
      code: 'LOAD_ERR_YAML_VALIDATE',
      message: 'Unexpected element type. Each element should be a yaml associative array.',
      where: 'In rules content: (rules.yaml:0:0)\n    rules content item: (rules.yaml:2:2)\n',
    });
  });

  it('skips null items', () => {
    const l = load('-\n' + ruleYaml('r'));
    expect(l.results[0]!.successful).toBe(true);
    expect(l.ruleset?.rules.map((r) => r.name)).toEqual(['r']);
  });

  it('reports YAML syntax errors as LOAD_ERR_YAML_PARSE in yaml-cpp wording', () => {
    const e = onlyError(load('- rule: a\n  items: [a, b\n'));
    expect(e.code).toBe('LOAD_ERR_YAML_PARSE');
    expect(e.message).toMatch(/^yaml-cpp: error at line \d+, column \d+: /);
    expect(e.where).toMatch(/^In rules content: \(rules\.yaml:0:0\)\n    value for: \(rules\.yaml:\d+:\d+\)\n$/);
  });

  it('warns about unknown top level items and keeps going', () => {
    const l = load('- foo: bar\n' + ruleYaml('r'));
    expect(warningsOf(l)).toEqual([{ code: 'LOAD_UNKNOWN_ITEM', message: 'Unknown top level item' }]);
    expect(l.results[0]!.warnings[0]!.context.asString()).toBe(
      'In rules content: (rules.yaml:0:0)\n    rules content item: (rules.yaml:0:2)\n',
    );
    expect(l.ruleset?.rules).toHaveLength(1);
  });

  it('stops at the first error of a file, even in a later document', () => {
    const l = load(ruleYaml('a') + '---\n- list: l\n---\n- macro: m\n');
    expect(errorsOf(l)).toEqual([{ code: 'LOAD_ERR_YAML_VALIDATE', message: "Item has no mapping for key 'items'" }]);
  });

  it('reads items from several YAML documents', () => {
    const l = load('- list: l\n  items: [x]\n---\n' + ruleYaml('a', 'evt.type = open and proc.name in (l)'));
    expect(l.ruleset?.rules[0]!.conditionText).toBe('(evt.type = open and proc.name in (x))');
  });
});

describe('value decoding', () => {
  it('requires rule keys, naming the missing one', () => {
    const e = onlyError(load('- rule: r\n  desc: d\n  condition: evt.type = open\n  priority: INFO\n'));
    expect(e).toEqual({
      code: 'LOAD_ERR_YAML_VALIDATE',
      message: "Item has no mapping for key 'output'",
      where: "In rules content: (rules.yaml:0:0)\n    rule 'r': (rules.yaml:0:2)\n",
    });
  });

  it('rejects an empty mapping value', () => {
    expect(onlyError(load('- rule: r\n  desc:\n  condition: evt.type = open\n  output: o\n  priority: INFO\n')).message).toBe(
      "Mapping for key 'desc' is empty",
    );
  });

  it('rejects a non-scalar value and points at it', () => {
    const e = onlyError(load('- rule: r\n  desc: [a]\n  condition: evt.type = open\n  output: o\n  priority: INFO\n'));
    expect(e.message).toBe('Value is not a scalar value');
    expect(e.where).toBe(
      "In rules content: (rules.yaml:0:0)\n    rule 'r': (rules.yaml:0:2)\n    value for 'desc': (rules.yaml:1:8)\n",
    );
  });

  it('rejects an empty quoted string', () => {
    expect(onlyError(load('- rule: r\n  desc: ""\n  condition: evt.type = open\n  output: o\n  priority: INFO\n')).message).toBe(
      'Value must be non-empty',
    );
  });

  it('rejects a boolean it cannot decode', () => {
    expect(onlyError(load(ruleYaml('r', 'evt.type = open', '  enabled: maybe\n'))).message).toBe(
      "Can't decode YAML scalar value",
    );
  });

  it('accepts yaml-cpp boolean spellings', () => {
    const l = load(ruleYaml('a', 'evt.type = open', '  enabled: no\n') + ruleYaml('b', 'evt.type = open', '  enabled: On\n'));
    expect(l.ruleset?.rules.map((r) => r.enabled)).toEqual([false, true]);
  });

  it('requires list items to be a sequence of scalars', () => {
    expect(onlyError(load('- list: l\n  items: a\n')).message).toBe('Value is not a sequence');
    const e = onlyError(load('- list: l\n  items: [a, [b]]\n'));
    expect(e.message).toBe('sequence value is not scalar');
    expect(e.where).toBe(
      "In rules content: (rules.yaml:0:0)\n    list 'l': (rules.yaml:0:2)\n    value for 'items': (rules.yaml:1:9)\n    list item: (rules.yaml:1:13)\n",
    );
  });

  it('keeps scalars as written (no number typing)', () => {
    const l = load('- list: ports\n  items: [80, 0x1F, 010]\n' + ruleYaml('r', 'evt.type = open and proc.name in (ports)'));
    expect(l.ruleset?.lists[0]!.items).toEqual(['80', '0x1F', '010']);
  });

  it('trims the output and reads tags as a sorted set', () => {
    const l = load(ruleYaml('r', 'evt.type = open', '  tags: [b, a, b]\n').replace('output: o', 'output: >\n    hello %proc.name\n'));
    const r = l.ruleset!.rules[0]!;
    expect(r.output).toBe('hello %proc.name');
    expect(r.tags).toEqual(['a', 'b']);
  });

  it('rejects tags that are not a sequence', () => {
    expect(onlyError(load(ruleYaml('r', 'evt.type = open', '  tags: a\n'))).message).toBe('Value is not a sequence');
  });
});

describe('priorities', () => {
  it.each([
    ['WARNING', 'Warning'],
    ['warning', 'Warning'],
    ['Informational', 'Informational'],
    ['info', 'Informational'],
    ['INFO', 'Informational'],
    ['emergency', 'Emergency'],
    ['DEBUG', 'Debug'],
    ['Notice', 'Notice'],
  ])('%s is %s', (text, name) => {
    const l = load(ruleYaml('r').replace('priority: INFO', `priority: ${text}`));
    expect(l.ruleset!.rules[0]!.priority).toBe(name);
  });

  it('rejects an unknown priority at the priority value', () => {
    const e = onlyError(load(ruleYaml('r').replace('priority: INFO', 'priority: LOUD')));
    expect(e).toEqual({
      code: 'LOAD_ERR_YAML_VALIDATE',
      message: 'Invalid priority',
      where: "In rules content: (rules.yaml:0:0)\n    rule 'r': (rules.yaml:0:2)\n    rule priority: (rules.yaml:4:12)\n",
    });
  });
});

describe('unknown keys and names', () => {
  it('warns about keys an item kind does not know', () => {
    const l = load(ruleYaml('r', 'evt.type = open', '  severity: high\n'));
    expect(warningsOf(l)).toEqual([{ code: 'LOAD_UNKNOWN_KEY', message: "Unknown key 'severity'" }]);
    expect(l.ruleset?.rules).toHaveLength(1);
  });

  it('treats a misspelled override key as unknown (the item is a plain redefinition)', () => {
    const l = load(
      '- list: l\n  items: [a]\n  overridde:\n    items: append\n- list: l\n  items: [b]\n' +
        ruleYaml('r', 'evt.type = open and proc.name in (l)'),
    );
    expect(warningsOf(l)).toEqual([{ code: 'LOAD_UNKNOWN_KEY', message: "Unknown key 'overridde'" }]);
    expect(l.ruleset!.rules[0]!.conditionText).toBe('(evt.type = open and proc.name in (b))');
  });

  it('warns about invalid macro names', () => {
    const l = load('- macro: 1bad\n  condition: evt.type = open\n');
    expect(warningsOf(l)[0]).toEqual({
      code: 'LOAD_INVALID_MACRO_NAME',
      message: 'Macro has an invalid name. Macro names should match a regular expression: ([a-zA-Z]+[a-zA-Z0-9_]*)',
    });
  });

  it('warns about invalid list names', () => {
    const l = load('- list: "bad name"\n  items: [a]\n');
    expect(warningsOf(l)[0]).toEqual({
      code: 'LOAD_INVALID_LIST_NAME',
      message: 'List has an invalid name. List names should match a regular expression: ([^()"\'[:space:]=,]+)',
    });
  });
});
