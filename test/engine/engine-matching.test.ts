// Falco's evaluation order and rule_matching (evttype_index_ruleset): a rule with a known event-type
// set is indexed under those types, a rule without one under every type (libs' ppm_event_codes of a
// condition without evt.type is all codes), so each event runs its candidates in plain rule id
// order, restricted and unrestricted interleaved. `first` stops at the first match; `all` reports
// every match. Disabled rules and rules outside enabledRuleIds never run.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../host/engine/batch-encoder.js';
import { compileEngine, generateSource } from '../../host/engine/engine.js';
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

  it('all: every matching rule in id order, unrestricted and type-specific interleaved', () => {
    expect(matchNames(all, [openat(bash, '/etc/passwd')])[0]).toEqual(['any_bash', 'open_bash', 'open_bash_etc']);
    expect(matchNames(all, [execve(bash)])[0]).toEqual(['any_bash', 'exec_bash']);
    expect(matchNames(all, [openat(cat, '/etc/passwd')])[0]).toEqual(['open_bash_etc', 'any_cat']);
    expect(matchNames(all, [openat(cat, '/tmp/x')])[0]).toEqual(['any_cat']);
    expect(matchNames(all, [{ type: 'close', proc: bash, res: 0, args: { fd: 3 } }])[0]).toEqual(['any_bash']);
  });

  it('first: the lowest-id matching rule, whether it is type-specific or not', () => {
    expect(matchNames(first, [openat(bash, '/etc/passwd')])[0]).toEqual(['any_bash']);
    expect(matchNames(first, [execve(bash)])[0]).toEqual(['any_bash']);
    // a type-specific rule with a lower id wins over an unrestricted one
    expect(matchNames(first, [openat(cat, '/etc/passwd')])[0]).toEqual(['open_bash_etc']);
    expect(matchNames(first, [openat(cat, '/tmp/x')])[0]).toEqual(['any_cat']);
    // a type no rule names runs the unrestricted rules only
    expect(matchNames(first, [{ type: 'close', proc: bash, res: 0, args: { fd: 3 } }])[0]).toEqual(['any_bash']);
  });

  it('match pairs carry the event index and rule id for every event of a batch', () => {
    const events = [execve(cat), openat(cat, '/etc/a'), execve(bash), openat(bash, '/tmp/a')];
    expect(first.evaluate(encodeBatch(events))).toEqual([
      { event: 0, rule: 4 },
      { event: 1, rule: 3 },
      { event: 2, rule: 0 },
      { event: 3, rule: 0 },
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

describe('process-derived values across the events of a batch', () => {
  it('events sharing a process record and events of other processes get the same matches as alone', async () => {
    const { init, sshd, bash, cat } = tree();
    const yaml = rulesYaml({
      name_bash: 'proc.name = bash',
      parent_bash: 'proc.pname in (bash, zsh)',
      grandparent_sshd: 'proc.aname[2] = sshd',
      image_nginx: 'container.image.repository = docker.io/library/nginx',
      not_root_user: 'user.name != root',
    });
    const engine = await engineFor(yaml, 'all', true);
    const events = [openat(bash, '/a'), openat(cat, '/b'), execve(bash), openat(sshd, '/c'), openat(cat, '/d'), openat(init, '/e'), openat(null, '/f'), execve(cat)];
    const together = matchNames(engine, events);
    const alone = events.map((e) => matchNames(engine, [e])[0]!);
    expect(together).toEqual(alone);
    expect(together[0]).toEqual(['name_bash', 'image_nginx', 'not_root_user']);
    expect(together[1]).toEqual(['parent_bash', 'grandparent_sshd', 'image_nginx']);
    expect(together[4]).toEqual(together[1]);
  });
});

describe('rules gated by a shared first operand', () => {
  const yaml = rulesYaml({
    bash_etc: 'evt.type = openat and proc.name = bash and fd.name startswith /etc',
    cat_any: 'evt.type = openat and proc.name = cat',
    bash_tmp: 'evt.type = openat and proc.name = bash and fd.name startswith /tmp',
  });

  it('the module tests the shared operand once per event (so this suite covers the gate)', () => {
    const { source } = generateSource(rulesetFromYaml(yaml), { ruleMatching: 'all' });
    expect(source).toMatch(/const g_c\d+ = c\d+\(ev\);/);
  });

  it('gated rules match exactly as ungated ones, in both modes', async () => {
    const { bash, cat } = tree();
    const events = [openat(bash, '/etc/a'), openat(bash, '/tmp/a'), openat(cat, '/etc/a'), openat(bash, '/var/a')];
    const all = await engineFor(yaml, 'all');
    expect(matchNames(all, events)).toEqual([['bash_etc'], ['bash_tmp'], ['cat_any'], []]);
    const first = await engineFor(yaml, 'first');
    expect(matchNames(first, events)).toEqual([['bash_etc'], ['bash_tmp'], ['cat_any'], []]);
  });
});
