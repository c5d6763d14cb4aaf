// Load warnings: unused macros and lists, missing event-type restriction, unknown sources,
// skip-if-unknown-filter, deprecated items, compile warnings; their order and contexts.
import { describe, expect, it } from 'vitest';
import { errorsOf, load, rule, ruleYaml, warningCodes, warningsOf } from './helpers.js';

describe('unused items', () => {
  it('warns about an unused macro at its definition', () => {
    const l = load(`- macro: lonely\n  condition: evt.type = open\n${ruleYaml('r')}`);
    expect(warningsOf(l)).toEqual([{ code: 'LOAD_UNUSED_MACRO', message: 'Macro not referred to by any other rule/macro' }]);
    expect(l.results[0]!.warnings[0]!.context.asString()).toBe(
      "In rules content: (rules.yaml:0:0)\n    macro 'lonely': (rules.yaml:0:2)\n",
    );
  });

  it('warns about an unused list at its definition', () => {
    const l = load(`- list: lonely\n  items: [a]\n${ruleYaml('r')}`);
    expect(warningsOf(l)).toEqual([{ code: 'LOAD_UNUSED_LIST', message: 'List not referred to by any other rule/macro' }]);
  });

  it('counts a list used only by another list as used', () => {
    const l = load(`- list: a\n  items: [x]\n- list: b\n  items: [a]\n${ruleYaml('r', 'evt.type = open and proc.name in (b)')}`);
    expect(warningCodes(l)).toEqual([]);
  });

  it('reports unused macros before unused lists, each in definition order', () => {
    const l = load(`- list: l1\n  items: [a]\n- macro: m1\n  condition: evt.type = open\n- list: l2\n  items: [b]\n- macro: m2\n  condition: evt.type = close\n`);
    expect(l.results[0]!.warnings.map((w) => `${w.code} ${w.context.locations[1]!.itemName}`)).toEqual([
      'LOAD_UNUSED_MACRO m1',
      'LOAD_UNUSED_MACRO m2',
      'LOAD_UNUSED_LIST l1',
      'LOAD_UNUSED_LIST l2',
    ]);
  });

  it('does not count macros used only by a rule with an unknown source', () => {
    const l = load(`- macro: m\n  condition: evt.type = open\n${ruleYaml('r', 'm', '  source: aws_cloudtrail\n')}`);
    expect(warningsOf(l)).toEqual([
      { code: 'LOAD_UNKNOWN_SOURCE', message: 'Unknown source aws_cloudtrail, skipping' },
      { code: 'LOAD_UNUSED_MACRO', message: 'Macro not referred to by any other rule/macro' },
    ]);
    expect(l.ruleset!.rules).toEqual([]);
  });
});

describe('event types', () => {
  it('warns when a rule has no event-type restriction', () => {
    const l = load(ruleYaml('r', 'proc.name = cat'));
    expect(warningsOf(l)).toEqual([
      { code: 'LOAD_NO_EVTTYPE', message: 'Rule matches too many evt.type values. This has a significant performance penalty.' },
    ]);
    expect(l.results[0]!.warnings[0]!.context.asString()).toBe("In rules content: (rules.yaml:0:0)\n    rule 'r': (rules.yaml:0:2)\n");
    expect(rule(l, 'r').eventTypes.all).toBe(true);
  });

  it('does not warn when warn_evttypes is false', () => {
    expect(warningCodes(load(ruleYaml('r', 'proc.name = cat', '  warn_evttypes: false\n')))).toEqual([]);
  });

  it('does not warn for a negated single event type... which matches nearly everything', () => {
    expect(warningCodes(load(ruleYaml('r', 'evt.type != open')))).toEqual(['LOAD_NO_EVTTYPE']);
  });

  it('does not warn for a condition that can never match (evt.num = 0)', () => {
    const l = load(ruleYaml('r', 'evt.num = 0'));
    expect(warningCodes(l)).toEqual([]);
    expect(rule(l, 'r').eventTypes).toEqual({ all: false, names: [] });
  });

  it('infers the event types of the expanded condition', () => {
    const l = load(`- macro: opens\n  condition: evt.type in (open, openat)\n${ruleYaml('r', 'opens and proc.name = cat')}`);
    expect(rule(l, 'r').eventTypes).toEqual({ all: false, names: ['open', 'openat'] });
  });

  it('does not check event types for other sources', () => {
    const l = load(ruleYaml('r', 'proc.name = cat', '  source: other\n'), { sources: ['syscall', 'other'] });
    expect(warningCodes(l)).toEqual([]);
  });
});

describe('unknown fields and sources', () => {
  it('skips a rule with an unknown source with a warning', () => {
    const l = load(ruleYaml('r', 'ka.verb = create', '  source: k8s_audit\n') + ruleYaml('s'));
    expect(warningsOf(l)).toEqual([{ code: 'LOAD_UNKNOWN_SOURCE', message: 'Unknown source k8s_audit, skipping' }]);
    expect(l.ruleset!.rules.map((r) => r.name)).toEqual(['s']);
  });

  it('allows appending to a rule with an unknown source', () => {
    const l = load(ruleYaml('r', 'ka.verb = create', '  source: k8s_audit\n') + '- rule: r\n  condition: or ka.verb = delete\n  override:\n    condition: append\n');
    expect(errorsOf(l)).toEqual([]);
  });

  it('fails on an unknown field in the condition', () => {
    expect(errorsOf(load(ruleYaml('r', 'evt.type = open and proc.nope = x')))).toEqual([
      { code: 'LOAD_ERR_COMPILE_CONDITION', message: 'filter_check called with nonexistent field proc.nope' },
    ]);
  });

  it('skips the rule instead with skip-if-unknown-filter', () => {
    const l = load(ruleYaml('r', 'evt.type = open and proc.nope = x', '  skip-if-unknown-filter: true\n') + ruleYaml('s'));
    expect(warningsOf(l)).toEqual([
      { code: 'LOAD_UNKNOWN_FILTER', message: 'filter_check called with nonexistent field proc.nope' },
    ]);
    expect(l.ruleset!.rules.map((r) => r.name)).toEqual(['s']);
  });

  it('fails on an unknown field in the output, at the output', () => {
    const l = load(ruleYaml('r').replace('output: o', 'output: "cmd=%proc.nope"'));
    expect(errorsOf(l)).toEqual([{ code: 'LOAD_ERR_COMPILE_OUTPUT', message: 'invalid formatting token proc.nope' }]);
    expect(l.results[0]!.errors[0]!.context.asString()).toBe(
      "In rules content: (rules.yaml:0:0)\n    rule 'r': (rules.yaml:0:2)\n    rule output: (rules.yaml:3:10)\n",
    );
  });

  it('skips a rule with an unknown output field under skip-if-unknown-filter', () => {
    const l = load(ruleYaml('r', 'evt.type = open', '  skip-if-unknown-filter: true\n').replace('output: o', 'output: "%proc.nope"'));
    expect(warningCodes(l)).toEqual(['LOAD_UNKNOWN_FILTER']);
    expect(l.ruleset!.rules).toEqual([]);
  });

  it('still fails on other errors under skip-if-unknown-filter', () => {
    const l = load(ruleYaml('r', 'evt.type = open and proc.pid = abc', '  skip-if-unknown-filter: true\n'));
    expect(errorsOf(l).map((e) => e.code)).toEqual(['LOAD_ERR_COMPILE_CONDITION']);
  });
});

describe('deprecations and compile warnings', () => {
  it('warns once per rule about evt.dir in the condition, pointing into it', () => {
    const l = load(`- macro: outbound\n  condition: evt.type = connect and evt.dir = <\n${ruleYaml('r', 'outbound and evt.dir = < and fd.num > 0')}`);
    const w = l.results[0]!.warnings;
    expect(w.map((x) => [x.code, x.deprecatedField])).toEqual([['LOAD_DEPRECATED_ITEM', 'evt.dir']]);
    expect(w[0]!.message).toBe(
      "due to the drop of enter events, 'evt.dir = <' always evaluates to true, and 'evt.dir = >' always evaluates to false. The rule expression can be simplified by removing the condition on 'evt.dir'",
    );
    expect(w[0]!.context.locations.map((x) => x.itemType)).toEqual(['rules content', 'rule', 'rule condition', 'condition expression']);
  });

  it('warns about deprecated fields in the output by substring, as Falco does', () => {
    const l = load(ruleYaml('r').replace('output: o', 'output: "lat=%evt.latency.s"'));
    expect(warningsOf(l).map((w) => w.message)).toEqual([
      "usage of deprecated field 'evt.latency' has been detected in the rule output",
      "usage of deprecated field 'evt.latency.s' has been detected in the rule output",
    ]);
  });

  it('drops %container.info from outputs with a deprecation warning', () => {
    const l = load(ruleYaml('r').replace('output: o', 'output: "cmd=%proc.cmdline %container.info"'));
    expect(warningCodes(l)).toEqual(['LOAD_DEPRECATED_ITEM']);
    expect(rule(l, 'r').output).toBe('cmd=%proc.cmdline ');
  });

  it('passes on compile warnings as LOAD_COMPILE_CONDITION', () => {
    const l = load(ruleYaml('r', 'evt.type = open and proc.name regex "a.*"'));
    expect(warningCodes(l)).toEqual(['LOAD_COMPILE_CONDITION']);
  });

  it('warns about <NA> comparisons on unsafe fields', () => {
    const l = load(ruleYaml('r', 'evt.type = open and jevt.value[/x] = <NA>'), {});
    // jevt fields belong to a plugin source Saker does not load: the condition fails to compile
    // after the warning resolver ran, which is Falco's order too.
    expect(warningCodes(l)).toEqual(['LOAD_UNSAFE_NA_CHECK']);
    expect(errorsOf(l).map((e) => e.code)).toEqual(['LOAD_ERR_COMPILE_CONDITION']);
  });
});
