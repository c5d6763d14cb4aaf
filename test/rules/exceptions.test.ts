// Rule exceptions: reading, validation (Falco's messages), defaults for comps, appending
// values, and how they are folded into the condition text.
import { describe, expect, it } from 'vitest';
import { foldExceptions } from '../../host/rules/condition-text.js';
import { LoadContext } from '../../host/rules/context.js';
import type { ExceptionEntry, ExceptionInfo } from '../../host/rules/infos.js';
import { errorsOf, load, onlyError, rule, ruleYaml, warningsOf } from './helpers.js';

const s = (item: string): ExceptionEntry => ({ isList: false, item, items: [] });
const l = (...items: (string | ExceptionEntry)[]): ExceptionEntry => ({
  isList: true,
  item: '',
  items: items.map((i) => (typeof i === 'string' ? s(i) : i)),
});
const ex = (name: string, fields: ExceptionEntry, comps: ExceptionEntry, values: ExceptionEntry[]): ExceptionInfo => ({
  ctx: LoadContext.root('t'),
  name,
  fields,
  comps,
  values,
});

describe('folding exceptions into the condition text', () => {
  it('builds tuples with and/or and quotes items containing spaces', () => {
    const out = foldExceptions('evt.type = open', [
      ex('e', l('proc.name', 'fd.name'), l('=', 'startswith'), [l('cat', '/tmp'), l('my program', '/var')]),
    ]);
    expect(out.condition).toBe(
      '(evt.type = open) and not (( proc.name = cat and  fd.name startswith /tmp) or ( proc.name = "my program" and  fd.name startswith /var))',
    );
    expect(out.exceptionFields).toEqual(['fd.name', 'proc.name']);
  });

  it('writes a single field as one list comparison', () => {
    const out = foldExceptions('evt.type = open', [ex('e', s('proc.name'), s('in'), [s('cat'), s('my cat')])]);
    expect(out.condition).toBe('(evt.type = open) and not (proc.name in (cat, "my cat"))');
  });

  it('parenthesises scalar values of list operators and lists of values', () => {
    const out = foldExceptions('x', [
      ex('e', l('proc.name', 'fd.name'), l('in', 'pmatch'), [l('cat', l('/a', '/b c'))]),
    ]);
    expect(out.condition).toBe('(x) and not (( proc.name in (cat) and  fd.name pmatch (/a, "/b c")))');
  });

  it('adds nothing for an exception without values', () => {
    expect(foldExceptions('x', [ex('e', l('proc.name'), l('='), [])]).condition).toBe('(x)');
    expect(foldExceptions('x', [ex('e', s('proc.name'), s('in'), [])]).condition).toBe('(x)');
  });

  it('rejects value rows of the wrong length', () => {
    expect(() => foldExceptions('x', [ex('e', l('proc.name', 'fd.name'), l('=', '='), [l('a')])])).toThrow(
      'Fields and values lists must have equal length',
    );
  });

  it('rejects list values for a single field', () => {
    expect(() => foldExceptions('x', [ex('e', s('proc.name'), s('in'), [l('a')])])).toThrow(
      'Expected values array to contain a list of strings',
    );
  });
});

const withExceptions = (body: string) => ruleYaml('r', 'evt.type = open', `  exceptions:\n${body}`);

describe('exceptions in rules', () => {
  it('defaults comps to = for a field list and folds the values in', () => {
    const lo = load(withExceptions('    - name: procs\n      fields: [proc.name, proc.pname]\n      values:\n        - [cat, bash]\n'));
    const r = rule(lo, 'r');
    expect(r.conditionText).toBe('(evt.type = open and not ((proc.name = cat and proc.pname = bash)))');
    expect(r.exceptions).toEqual([{ name: 'procs', fields: ['proc.name', 'proc.pname'], comps: ['=', '='], values: [['cat', 'bash']] }]);
    expect(r.exceptionFields).toEqual(['proc.name', 'proc.pname']);
  });

  it('defaults comps to in for a single field', () => {
    const r = rule(load(withExceptions('    - name: procs\n      fields: proc.name\n      values: [cat, dog]\n')), 'r');
    expect(r.conditionText).toBe('(evt.type = open and not (proc.name in (cat, dog)))');
    expect(r.exceptions[0]!.comps).toEqual(['in']);
  });

  it('accepts an exception without values', () => {
    const r = rule(load(withExceptions('    - name: procs\n      fields: [proc.name]\n')), 'r');
    expect(r.conditionText).toBe('evt.type = open');
  });

  it('requires a name', () => {
    const e = onlyError(load(withExceptions('    - fields: [proc.name]\n')));
    expect(e.message).toBe("Item has no mapping for key 'name'");
    expect(e.where).toBe(
      "In rules content: (rules.yaml:0:0)\n    rule 'r': (rules.yaml:0:2)\n    exceptions: (rules.yaml:6:4)\n    exception: (rules.yaml:6:6)\n",
    );
  });

  it('requires fields', () => {
    const e = onlyError(load(withExceptions('    - name: procs\n      values: [[a]]\n')));
    expect(e.message).toBe("Item has no mapping for key 'fields'");
    expect(e.where).toBe("In rules content: (rules.yaml:0:0)\n    rule 'r': (rules.yaml:0:2)\n    exception 'procs': (rules.yaml:6:6)\n");
  });

  it('requires a sequence of mappings', () => {
    expect(onlyError(load(ruleYaml('r', 'evt.type = open', '  exceptions: foo\n'))).message).toBe('Rule exceptions must be a sequence');
    expect(onlyError(load(withExceptions('    - foo\n'))).message).toBe('Rule exception must be a mapping');
    expect(onlyError(load(withExceptions('    - name: e\n      fields: proc.name\n      values: x\n'))).message).toBe(
      'Rule exception values must be a sequence',
    );
  });

  it('validates comps and fields', () => {
    const cases: [string, string][] = [
      ['      fields: [proc.name, fd.name]\n      comps: [=]\n', 'Fields and comps lists must have equal length'],
      ['      fields: [proc.name]\n      comps: [like]\n', "'like' is not a supported comparison operator"],
      ['      fields: [proc.nope]\n', "'proc.nope' is not a supported filter field"],
      ['      fields: proc.name\n      comps: [in]\n', 'Fields and comps must both be strings'],
      ['      fields: proc.name\n      comps: =\n', 'When fields is a single value, comps must be one of (in, pmatch, intersects)'],
      ['      fields: proc.nope\n', "'proc.nope' is not a supported filter field"],
    ];
    for (const [body, message] of cases) {
      const e = onlyError(load(withExceptions(`    - name: e\n${body}`)));
      expect([e.code, e.message]).toEqual(['LOAD_ERR_VALIDATE', message]);
      expect(e.where).toContain("exception 'e': (rules.yaml:6:6)");
    }
  });

  it('rejects value rows of the wrong length when compiling', () => {
    const e = onlyError(load(withExceptions('    - name: e\n      fields: [proc.name, fd.name]\n      values: [[a]]\n')));
    expect([e.code, e.message]).toEqual(['LOAD_ERR_VALIDATE', 'Fields and values lists must have equal length']);
  });

  it('warns about duplicate exception names', () => {
    const lo = load(withExceptions('    - name: e\n      fields: [proc.name]\n    - name: e\n      fields: [fd.name]\n'));
    expect(warningsOf(lo)).toEqual([
      { code: 'LOAD_EXCEPTION_NAME_NOT_UNIQUE', message: "Multiple definitions of exception 'e' in the same rule" },
    ]);
  });

  it('appends values to an existing exception', () => {
    const lo = load(`${withExceptions('    - name: e\n      fields: [proc.name]\n      values: [[cat]]\n')}- rule: r
  exceptions:
    - name: e
      values: [[dog]]
  override:
    exceptions: append
`);
    expect(rule(lo, 'r').conditionText).toBe('(evt.type = open and not ((proc.name = cat or proc.name = dog)))');
  });

  it('adds a new exception by appending', () => {
    const lo = load(`${ruleYaml('r')}- rule: r
  exceptions:
    - name: e
      fields: proc.name
      values: [cat]
  append: true
`);
    expect(rule(lo, 'r').conditionText).toBe('(evt.type = open and not (proc.name in (cat)))');
  });

  it('refuses to append fields or comps to an existing exception', () => {
    const base = withExceptions('    - name: e\n      fields: [proc.name]\n      values: [[cat]]\n');
    const append = (body: string) => `${base}- rule: r\n  exceptions:\n    - name: e\n${body}  override:\n    exceptions: append\n`;
    expect(errorsOf(load(append('      fields: [fd.name]\n      values: [[x]]\n')))[0]!.message).toBe(
      'Can not append exception fields to existing exception, only values',
    );
    expect(errorsOf(load(append('      comps: [=]\n      values: [[x]]\n')))[0]!.message).toBe(
      'Can not append exception comps to existing exception, only values',
    );
  });

  it('requires values on a new appended exception and warns when an append has none', () => {
    const lo = load(`${ruleYaml('r')}- rule: r
  exceptions:
    - name: e
      fields: [proc.name]
  override:
    exceptions: append
`);
    expect(warningsOf(lo)).toEqual([{ code: 'LOAD_APPEND_NO_VALUES', message: 'Overriding/appending exception with no values' }]);
    expect(errorsOf(lo)).toEqual([{ code: 'LOAD_ERR_VALIDATE', message: 'Rule exception must have values property with a list of values' }]);
  });

  it('replaces exceptions with override', () => {
    const lo = load(`${withExceptions('    - name: e\n      fields: [proc.name]\n      values: [[cat]]\n')}- rule: r
  exceptions:
    - name: f
      fields: [fd.name]
      values: [[/tmp]]
  override:
    exceptions: replace
`);
    expect(rule(lo, 'r').conditionText).toBe('(evt.type = open and not (fd.name = /tmp))');
  });
});
