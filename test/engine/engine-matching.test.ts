// Falco's evaluation order and rule_matching (evttype_index_ruleset): rules with a known event-type
// set run only for those types (dispatch), by rule id; the rules that run for every type run after
// them and only when none of them matched. `first` stops at the first match; `all` reports every
// match of the group that matched. Disabled rules and rules outside enabledRuleIds never run.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../host/engine/batch-encoder.js';
import { compileEngine } from '../../host/engine/engine.js';
import type { CompiledEngine } from '../../host/engine/engine-api.js';
import { execve, openat, tree } from './engine/events.js';
import { engineFor, matchNames, rulesetFromYaml, rulesYaml } from './engine/support.js';

const { bash, cat } = tree();

// rule ids in order: any_bash (every type), open_bash (openat family), exec_bash (execve), open_cat
const RULES = rulesYaml({
  any_bash: 'proc.name = bash',
  open_bash: 'evt.type in (open, openat) and proc.name = bash',
  exec_bash: 'evt.type = execve and proc.name = bash',
  open_bash_etc: 'evt.type = openat and fd.name startswith /etc',
  any_cat: 'proc.name = cat',
});

describe('rule_matching', () => {
  let all: CompiledEngine;
  let first: CompiledEngine;
  beforeAll(async () => {
    [all, first] = await Promise.all([engineFor(RULES, 'all'), engineFor(RULES, 'first')]);
  });

  it('all: every matching typed rule by id; the rules for every type only when none matched', () => {
    expect(matchNames(all, [openat(bash, '/etc/passwd')])[0]).toEqual(['open_bash', 'open_bash_etc']);
    expect(matchNames(all, [execve(bash)])[0]).toEqual(['exec_bash']);
    expect(matchNames(all, [openat(cat, '/etc/passwd')])[0]).toEqual(['open_bash_etc']);
    expect(matchNames(all, [openat(cat, '/tmp/x')])[0]).toEqual(['any_cat']);
    expect(matchNames(all, [{ type: 'close', proc: bash, res: 0, args: { fd: 3 } }])[0]).toEqual(['any_bash']);
  });

  it('first: the first match in Falco\'s order, so a typed rule wins over a lower-id untyped one', () => {
    expect(matchNames(first, [openat(bash, '/etc/passwd')])[0]).toEqual(['open_bash']);
    expect(matchNames(first, [execve(bash)])[0]).toEqual(['exec_bash']);
    // only the untyped rule matches a close
    expect(matchNames(first, [{ type: 'close', proc: bash, res: 0, args: { fd: 3 } }])[0]).toEqual(['any_bash']);
  });

  it('match pairs carry the event index and rule id for every event of a batch', () => {
    const events = [execve(cat), openat(bash, '/tmp/a'), execve(bash)];
    expect(first.evaluate(encodeBatch(events))).toEqual([
      { event: 0, rule: 4 },
      { event: 1, rule: 1 },
      { event: 2, rule: 2 },
    ]);
  });
});

describe('dispatch by event type', () => {
  it('a rule whose event types are {openat} never runs on execve, even when its condition would match', async () => {
    const ruleset = rulesetFromYaml(rulesYaml({ bash_anything: 'proc.name = bash' }));
    ruleset.rules[0]!.eventTypes = { all: false, names: ['openat'] };
    const engine = await compileEngine(ruleset, { ruleMatching: 'all' });
    expect(engine.evaluate(encodeBatch([openat(bash, '/x')]))).toEqual([{ event: 0, rule: 0 }]);
    expect(engine.evaluate(encodeBatch([execve(bash)]))).toEqual([]);
  });
});

describe('rule selection', () => {
  it('disabled rules do not run; enabledRuleIds selects exactly those rules', async () => {
    const yaml = `${rulesYaml({ on_rule: 'proc.name = bash', off_rule: 'proc.name = bash' })}\n- rule: off_rule\n  enabled: false\n  override:\n    enabled: replace\n`;
    const ruleset = rulesetFromYaml(yaml);
    expect(ruleset.rules.map((r) => [r.name, r.enabled])).toEqual([['on_rule', true], ['off_rule', false]]);
    const byDefault = await compileEngine(ruleset, { ruleMatching: 'all' });
    expect(byDefault.evaluate(encodeBatch([execve(bash)])).map((m) => m.rule)).toEqual([0]);
    const onlyOff = await compileEngine(ruleset, { ruleMatching: 'all', enabledRuleIds: [1] });
    expect(onlyOff.evaluate(encodeBatch([execve(bash)])).map((m) => m.rule)).toEqual([1]);
  });
});

describe('exceptions', () => {
  it('are folded into the condition: a matching exception row suppresses the rule', async () => {
    const yaml = `
- rule: shell_reads_etc
  desc: d
  condition: evt.type = openat and fd.name startswith /etc
  output: "read %fd.name by %proc.name"
  priority: WARNING
  exceptions:
    - name: known_readers
      fields: [proc.name, fd.name]
      comps: [=, in]
      values:
        - [bash, [/etc/ssl/certs/ca.pem, /etc/hosts]]
    - name: by_dir
      fields: fd.directory
      comps: pmatch
      values: [/etc/ld.so.conf.d]
`;
    const engine = await engineFor(yaml);
    expect(matchNames(engine, [openat(bash, '/etc/hosts')])[0]).toEqual([]);
    expect(matchNames(engine, [openat(bash, '/etc/shadow')])[0]).toEqual(['shell_reads_etc']);
    expect(matchNames(engine, [openat(cat, '/etc/hosts')])[0]).toEqual(['shell_reads_etc']);
    expect(matchNames(engine, [openat(cat, '/etc/ld.so.conf.d/x.conf')])[0]).toEqual([]);
  });
});
