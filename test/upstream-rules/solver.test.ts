// The fixture solver (a drafting tool for fixtures/*.ts) keeps working: its drafts trigger the
// rule and their misses do not, on small conditions and on a few upstream-style ones.
import { describe, expect, it } from 'vitest';
import { rulesetOf } from '../engine-diff/ruleset.js';
import { evaluate } from '../oracle/oracle.js';
import { buildEvent } from './event-builder.js';
import { draftFixture } from './solver.js';

const CONDITIONS = [
  'evt.type in (open, openat) and evt.is_open_write = true and fd.directory = /etc and not proc.name in (vi, nano)',
  'evt.type = execve and proc.pname = bash and proc.aname[2] = sshd and not proc.args contains --safe',
  'evt.type = connect and fd.typechar = 4 and not fd.snet in (10.0.0.0/8, 192.168.0.0/16) and fd.sport in (4444, 5555)',
  'evt.type = chmod and evt.arg.mode contains S_ISUID and container.id != host',
];

describe('fixture solver', () => {
  it.each(CONDITIONS)('drafts a hit and a near miss for %s', (condition) => {
    const rule = rulesetOf([condition]).rules[0]!;
    const draft = draftFixture(rule);
    expect(draft).toBeDefined();
    const { type, hit, miss } = draft!;
    expect(evaluate(rule.condition, buildEvent(type, hit), 0)).toBe(true);
    expect(evaluate(rule.condition, buildEvent(type, hit, miss), 0)).toBe(false);
    expect(miss.length).toBeGreaterThan(0);
  });
});
