// Lists and macros: textual list substitution as Falco does it (quoting, empty lists, nested
// lists), macro visibility (earlier macros only, rules see all), redefinitions, and the errors
// for bad conditions and undefined macros with their locations.
import { describe, expect, it } from 'vitest';
import { substituteList } from '../../host/rules/condition-text.js';
import { errorsOf, load, onlyError, rule, ruleYaml, warningCodes } from './helpers.js';

describe('textual list substitution', () => {
  it('replaces whole-word occurrences only', () => {
    expect(substituteList('proc.name in (shells, myshells) and shells_x', 'shells', ['sh', 'bash'])).toEqual({
      text: 'proc.name in ( sh, bash , myshells) and shells_x',
      used: true,
    });
  });

  it('quotes items with spaces and leaves already quoted ones', () => {
    expect(substituteList('x in (l)', 'l', ['a b', '"c d"', 'e']).text).toBe('x in ( "a b", "c d", e )');
  });

  it('drops a neighbouring comma for an empty list', () => {
    expect(substituteList('x in (a, l)', 'l', []).text).toBe('x in (a  )');
    expect(substituteList('x in (l, a)', 'l', []).text).toBe('x in (   a)');
    expect(substituteList('x in (l)', 'l', []).text).toBe('x in (  )');
  });

  it('also replaces names outside list brackets (Falco does)', () => {
    expect(substituteList('l = 1', 'l', ['a']).text).toBe('a = 1');
  });

  it('reports unused when the name never appears as a word', () => {
    expect(substituteList('proc.name = lx', 'l', ['a']).used).toBe(false);
  });
});

describe('lists in rules', () => {
  it('expands lists referenced by earlier-defined lists, one level deep', () => {
    const lo = load(`- list: a
  items: [x, y]
- list: b
  items: [a, z]
${ruleYaml('r', 'evt.type = open and proc.name in (b)')}`);
    expect(rule(lo, 'r').conditionText).toBe('(evt.type = open and proc.name in (x, y, z))');
    expect(lo.ruleset!.lists.map((l) => [l.name, l.items, l.used])).toEqual([
      ['a', ['x', 'y'], true],
      ['b', ['x', 'y', 'z'], true],
    ]);
  });

  it('keeps a name of a list defined later as a literal item', () => {
    const lo = load(`- list: b
  items: [a, z]
- list: a
  items: [x]
${ruleYaml('r', 'evt.type = open and proc.name in (b)')}`);
    // The condition text still mentions "a", which list substitution then replaces.
    expect(rule(lo, 'r').conditionText).toBe('(evt.type = open and proc.name in (x, z))');
  });

  it('substitutes empty lists', () => {
    const lo = load(`- list: empty
  items: []
${ruleYaml('r', 'evt.type = open and not proc.name in (empty)')}`);
    expect(rule(lo, 'r').conditionText).toBe('(evt.type = open and not (proc.name in ()))');
  });

  it('substitutes a list mixed with literal items', () => {
    const lo = load(`- list: shells
  items: [sh, bash]
${ruleYaml('r', 'evt.type = open and proc.name in (zsh, shells, "my shell")')}`);
    expect(rule(lo, 'r').conditionText).toBe('(evt.type = open and proc.name in (zsh, sh, bash, "my shell"))');
  });

  it('uses the latest definition of a redefined list', () => {
    const lo = load(`- list: l
  items: [a]
${ruleYaml('r', 'evt.type = open and proc.name in (l)')}- list: l
  items: [b]
`);
    expect(rule(lo, 'r').conditionText).toBe('(evt.type = open and proc.name in (b))');
  });
});

describe('macros', () => {
  it('expands macros that use earlier macros', () => {
    const lo = load(`- macro: open_read
  condition: evt.type = open
- macro: shell_open
  condition: open_read and proc.name = sh
${ruleYaml('r', 'shell_open and fd.name = /etc/passwd')}`);
    expect(rule(lo, 'r').conditionText).toBe('((evt.type = open and proc.name = sh) and fd.name = /etc/passwd)');
  });

  it('lets rules use macros defined after them', () => {
    const lo = load(`${ruleYaml('r', 'm')}- macro: m
  condition: evt.type = open
`);
    expect(rule(lo, 'r').conditionText).toBe('evt.type = open');
  });

  it('refuses a macro that uses a later macro', () => {
    const e = onlyError(load(`- macro: a
  condition: b and proc.name = x
- macro: b
  condition: evt.type = open
${ruleYaml('r', 'a')}`));
    expect(e).toEqual({
      code: 'LOAD_ERR_VALIDATE',
      message: "Undefined macro 'b' used in filter.",
      where: 'In rules content: (rules.yaml:0:0)\n    macro \'a\': (rules.yaml:0:2)\n    condition expression: ("b and proc.name = x":1:3)\n',
    });
  });

  it('refuses undefined macros in rules, pointing into the condition', () => {
    const e = onlyError(load(ruleYaml('r', 'evt.type = open and nope')));
    expect(e.message).toBe("Undefined macro 'nope' used in filter.");
    expect(e.where).toBe(
      'In rules content: (rules.yaml:0:0)\n    rule \'r\': (rules.yaml:0:2)\n    condition expression: ("evt.type = open a...":1:23)\n',
    );
  });

  it('sees a later macro after an append moved its visibility', () => {
    const lo = load(`- macro: a
  condition: evt.type = open
- macro: b
  condition: proc.name = x
- macro: a
  condition: and b
  override:
    condition: append
${ruleYaml('r', 'a')}`);
    expect(rule(lo, 'r').conditionText).toBe('(evt.type = open and proc.name = x)');
  });

  it('uses the latest definition of a redefined macro everywhere', () => {
    const lo = load(`- macro: m
  condition: evt.type = open
${ruleYaml('r', 'm')}- macro: m
  condition: evt.type = close
`);
    expect(rule(lo, 'r').conditionText).toBe('evt.type = close');
  });

  it('substitutes lists inside macro conditions', () => {
    const lo = load(`- list: l
  items: [a, b]
- macro: m
  condition: proc.name in (l)
${ruleYaml('r', 'evt.type = open and m')}`);
    expect(rule(lo, 'r').conditionText).toBe('(evt.type = open and proc.name in (a, b))');
  });

  it('reports condition syntax errors with the condition as location name', () => {
    const e = onlyError(load(ruleYaml('r', 'evt.type = open and')));
    expect(e.code).toBe('LOAD_ERR_COMPILE_CONDITION');
    expect(e.message).toBe("expected blank or '(' after 'and'");
    expect(e.where).toBe(
      'In rules content: (rules.yaml:0:0)\n    rule \'r\': (rules.yaml:0:2)\n    rule condition: (rules.yaml:2:13)\n    condition expression: ("evt.type = open and":3:33)\n',
    );
  });

  it('reports macro syntax errors against the macro condition', () => {
    const e = onlyError(load('- macro: m\n  condition: (evt.type = open\n'));
    expect(e.code).toBe('LOAD_ERR_COMPILE_CONDITION');
    expect(e.where).toContain('    macro condition: (rules.yaml:1:13)\n    condition expression: ("(evt.type = open":');
  });

  it('reports a macro that refers to itself as undefined', () => {
    expect(errorsOf(load(`- macro: m\n  condition: m or evt.type = open\n${ruleYaml('r', 'm')}`))).toEqual([
      { code: 'LOAD_ERR_VALIDATE', message: "Undefined macro 'm' used in filter." },
    ]);
  });

  it('marks macros used through other macros', () => {
    const lo = load(`- macro: inner
  condition: evt.type = open
- macro: outer
  condition: inner
${ruleYaml('r', 'outer')}`);
    expect(warningCodes(lo)).toEqual([]);
    expect(lo.ruleset!.macros.map((m) => [m.name, m.used])).toEqual([['inner', true], ['outer', true]]);
  });
});
