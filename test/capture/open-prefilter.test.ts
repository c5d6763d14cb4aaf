// The open prefilter's rule analysis (host/capture/open-prefilter.ts): which opens the kernel may
// drop for a rule set. Unit cases for each kind of check, the upstream files' results, and a
// property: any open the kernel would drop (modelled below from native/README.md) matches no rule
// in the oracle, starting from every upstream open rule's triggering event.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planOpenFilter, type OpenFilter } from '../../host/capture/open-prefilter.js';
import type { EventInput } from '../../host/engine/batch-encoder.js';
import { eventTypeId } from '../../host/engine/event-types.js';
import { defaultLanguage, loadRules, type ResolvedRule } from '../../host/rules/index.js';
import { oracleMatches } from '../oracle/oracle.js';
import { sharedAvailable, sharedPath } from '../support/shared.js';
import { buildEvent } from '../upstream-rules/event-builder.js';
import { isUnmatchable } from '../upstream-rules/fixture-types.js';
import { FIXTURES as STABLE } from '../upstream-rules/fixtures/falco_rules.js';

const rule = (name: string, condition: string, output = 'x', source = 'syscall'): string =>
  `- rule: ${name}\n  desc: d\n  condition: ${condition}\n  output: ${output}\n  priority: WARNING\n  source: ${source}\n`;

const OPEN_READ = 'evt.type in (open, openat, openat2) and evt.is_open_read = true and fd.typechar = f and fd.num >= 0';
const OPEN_WRITE = 'evt.type in (open, openat, openat2) and evt.is_open_write = true and fd.typechar = f and fd.num >= 0';

function rulesOf(text: string): ResolvedRule[] {
  const out = loadRules([{ name: 'r.yaml', content: text }], { language: defaultLanguage });
  if (out.ruleset === undefined) throw new Error(JSON.stringify(out));
  return out.ruleset.rules.filter((r) => r.enabled);
}

const plan = (text: string) => planOpenFilter(rulesOf(text));
const ids = (...names: string[]): number[] => names.map(eventTypeId).sort((a, b) => a - b);
const READ_TYPES = ids('open', 'openat', 'openat2');
const WRITE_TYPES = ids('open', 'openat', 'openat2'); // creat (O_CREAT|O_TRUNC) is never dropped

/** The kernel's drop decision for a successful open of a non-directory (native/README.md). */
function kernelDrops(f: OpenFilter, type: string, write: boolean, path: string): boolean {
  if (type === 'creat') return false; // O_CREAT|O_TRUNC
  if (!(write ? f.dropWrite : f.dropRead).includes(eventTypeId(type))) return false;
  if (!path.startsWith('/') || path.endsWith('/') || Buffer.byteLength(path) > 255) return false;
  if (path.includes('//') || path.includes('/.') || path.includes('..')) return false;
  return !f.prefixes.some((p) => path.startsWith(p)) && !f.exact.includes(path);
}

describe('open prefilter: what each check lets the kernel drop', () => {
  it('a rule on read opens of some paths: other paths drop, writes too (O_RDWR opens read)', () => {
    // "/root/.ssh/" needs no key: a droppable path has no "/." in it.
    const p = plan(rule('R', `${OPEN_READ} and (fd.name in (/etc/shadow, /etc/gshadow) or fd.directory = /etc/sudoers.d or fd.name startswith /root/.ssh/)`));
    expect(p.filter).toEqual({ dropRead: READ_TYPES, dropWrite: WRITE_TYPES, prefixes: ['/etc/sudoers.d/'], exact: ['/etc/gshadow', '/etc/shadow'] });
  });

  it('a path check the kernel cannot decide blocks that class only', () => {
    const p = plan(rule('R', `${OPEN_READ} and fd.name contains id_rsa`));
    // O_RDWR opens are in the write class and read too: nothing drops.
    expect(p.filter).toBeNull();
    expect(p.blocked).toEqual(['open read: rule "R"', 'open write: rule "R"', 'openat read: rule "R"', 'openat write: rule "R"', 'openat2 read: rule "R"', 'openat2 write: rule "R"']);
  });

  it('a rule without a path check blocks the types it names', () => {
    const p = plan(rule('R', 'evt.type = openat and proc.name = cat'));
    expect(p.filter!.dropRead).toEqual(ids('open', 'openat2'));
    expect(p.filter!.dropWrite).toEqual(ids('open', 'openat2'));
  });

  it('checks no droppable path can pass are false without a key: "..", "/.", relative paths', () => {
    for (const cond of ['fd.nameraw contains ../', 'fd.name contains /.ssh/', 'fd.name startswith relative/', 'fd.name = etc/shadow', 'fd.name startswith /etc/./']) {
      const p = plan(rule('R', `${OPEN_READ} and ${cond}`));
      expect(p.filter, cond).toEqual({ dropRead: READ_TYPES, dropWrite: WRITE_TYPES, prefixes: [], exact: [] });
    }
  });

  it('opens with O_TRUNC or O_CREAT are never dropped, so rules on those flags need no key', () => {
    for (const flag of ['O_TRUNC', 'O_CREAT', 'O_F_CREATED']) {
      const p = plan(rule('R', `evt.type in (open, openat, openat2) and evt.arg.flags contains ${flag} and fd.name endswith _history`));
      expect(p.filter, flag).toEqual({ dropRead: READ_TYPES, dropWrite: WRITE_TYPES, prefixes: [], exact: [] });
    }
  });

  it('failed opens are never dropped, so rules on failures need no key', () => {
    for (const cond of ['evt.res startswith E', 'fd.num = -1', 'evt.rawres < 0', 'evt.failed = true', 'evt.res != SUCCESS']) {
      const p = plan(rule('R', `evt.type = openat and ${cond}`));
      expect(p.filter!.dropRead, cond).toEqual(READ_TYPES);
    }
  });

  it('a negated path check is true for most paths: blocked', () => {
    expect(plan(rule('R', `${OPEN_READ} and not fd.name = /etc/shadow`)).filter).toBeNull();
    expect(plan(rule('R', `${OPEN_READ} and fd.name != /etc/shadow`)).filter).toBeNull();
  });

  it('pmatch, glob and fd.directory become prefix keys', () => {
    expect(plan(rule('R', `${OPEN_READ} and fd.name pmatch (/srv/data)`)).filter).toMatchObject({ prefixes: ['/srv/data/'], exact: ['/srv/data'] });
    expect(plan(rule('R', `${OPEN_READ} and fd.name glob /home/*/secret`)).filter).toMatchObject({ prefixes: ['/home/'] });
    expect(plan(rule('R', `${OPEN_READ} and fd.directory in (/var/run, /run/)`)).filter).toMatchObject({ prefixes: ['/run/', '/var/run/'] });
    expect(plan(rule('R', `${OPEN_READ} and fd.directory = /`)).filter).toBeNull();
  });

  it('keys are kept only for the rules they refute', () => {
    // B cannot be refuted (fd.filename is undecided): its /b would not help, so it is not a key.
    const p = plan(rule('A', `${OPEN_READ} and fd.name = /a`) + rule('B', `${OPEN_WRITE} and (fd.name = /b or fd.filename = x)`));
    expect(p.filter).toEqual({ dropRead: READ_TYPES, dropWrite: [], exact: ['/a'], prefixes: [] });
  });

  it('writes and reads are told apart by is_open_read / is_open_write (O_RDWR is both)', () => {
    expect(plan(rule('R', `${OPEN_WRITE} and proc.name = x`)).filter!.dropRead).toEqual(READ_TYPES);
    // O_RDWR opens read too.
    expect(plan(rule('R', `${OPEN_READ} and proc.name = x`)).filter).toBeNull();
    expect(plan(rule('R', `evt.type = openat and evt.is_open_read = true and proc.name = x`)).filter!.dropWrite).toEqual(WRITE_TYPES.filter((id) => id !== eventTypeId('openat')));
  });

  it('an unrestricted rule blocks everything', () => {
    const p = plan(rule('R', 'proc.name = x'));
    expect(p.filter).toBeNull();
  });

  it('a rule reading the count of open fds turns it off', () => {
    const p = plan(rule('A', `${OPEN_READ} and fd.name = /a`) + rule('B', 'evt.type = execve and proc.fdopencount > 100'));
    expect(p.filter).toBeNull();
    expect(p.blocked[0]).toContain('"B"');
  });

  it('a path longer than the kernel key turns it off', () => {
    const p = plan(rule('R', `${OPEN_READ} and fd.name = /${'x'.repeat(300)}`));
    expect(p.filter).toBeNull();
  });
});

describe('open prefilter: later events on a dropped fd', () => {
  it('a rule on an event using an fd that reads fd fields turns it off unless a file fd cannot match', () => {
    const off = plan(rule('A', `${OPEN_READ} and fd.name = /a`) + rule('F', 'evt.type = connect and fd.name contains tmp'));
    expect(off.filter).toBeNull();
    expect(off.blocked[0]).toContain('"F"');
    // With its path as a key, opens under /tmp are never dropped: a dropped fd is not under /tmp.
    const keyed = plan(rule('A', `${OPEN_READ} and fd.name = /a`) + rule('F', 'evt.type = connect and fd.name startswith /tmp'));
    expect(keyed.filter).toMatchObject({ prefixes: ['/tmp'], exact: ['/a'] });
    // Falco sees a file, Saker no fd: a socket-only check is false either way.
    const on = plan(rule('A', `${OPEN_READ} and fd.name = /a`) + rule('D', 'evt.type in (dup, dup2) and fd.type in (ipv4, ipv6)', 'fd=%fd.name'));
    expect(on.filter).not.toBeNull();
  });

  it('an output that prints the fd of such an event turns it off', () => {
    const p = plan(rule('C', 'evt.type = sendto and proc.name = nc', 'fd=%evt.arg.fd'));
    expect(p.filter).toBeNull();
  });

  it('events the kernel shows a dropped fd to (late open) or never gives one (setns) do not matter', () => {
    for (const type of ['fchmod', 'dup2', 'fcntl', 'finit_module', 'setns']) {
      const p = plan(rule('A', `${OPEN_READ} and fd.name = /a`) + rule('C', `evt.type = ${type} and fd.name contains x`, 'fd=%evt.arg.fd name=%fd.name'));
      expect(p.filter, type).not.toBeNull();
    }
  });

  it('events that only create fds (socket) or name none (execve) do not matter', () => {
    const p = plan(rule('S', 'evt.type = socket and evt.arg.domain contains AF_PACKET', 'fd=%fd.name type=%fd.type') + rule('E', 'evt.type = execve and proc.name = x', 'file=%fd.name'));
    expect(p.filter).not.toBeNull();
  });
});

describe('open prefilter: Saker\'s bundled rules', () => {
  it('drop read opens outside the paths they watch', () => {
    const dir = resolve(import.meta.dirname, '..', '..', 'rules');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
    const out = loadRules(files.map((f) => ({ name: f, content: readFileSync(join(dir, f), 'utf8') })), { language: defaultLanguage });
    const p = planOpenFilter(out.ruleset!.rules.filter((r) => r.enabled));
    expect(p.filter).toMatchObject({ dropRead: READ_TYPES, dropWrite: [] });
    expect(p.filter!.exact).toContain('/etc/gshadow');
    expect(p.blocked.every((b) => b.includes('write: rule "Saker Cgroup Release Agent Write"'))).toBe(true);
  });
});

describe.skipIf(!sharedAvailable)('open prefilter: upstream rules', () => {
  const load = (files: string[]): ResolvedRule[] =>
    loadRules(files.map((f) => ({ name: f, content: readFileSync(sharedPath('falco-rules', f), 'utf8') })), { language: defaultLanguage }).ruleset!.rules.filter((r) => r.enabled);

  it('the stable rules drop read opens outside the sensitive files', () => {
    const p = planOpenFilter(load(['falco_rules.yaml']));
    expect(p.filter).toEqual({
      dropRead: READ_TYPES,
      dropWrite: [],
      prefixes: ['/etc/pam.d/', '/etc/sudoers.d/'],
      exact: ['/etc/pam.conf', '/etc/security/pwquality.conf', '/etc/shadow', '/etc/sudoers'],
    });
  });

  it('with the incubating rules nothing drops: "Exfiltrating Artifacts via Kubernetes Control Plane" reads every open by tar', () => {
    const p = planOpenFilter(load(['falco_rules.yaml', 'falco-incubating_rules.yaml']));
    expect(p.filter).toBeNull();
    expect(p.blocked).toContain('openat read: rule "Exfiltrating Artifacts via Kubernetes Control Plane"');
  });

  it('no open the kernel would drop matches a stable rule (from each open rule\'s triggering event)', () => {
    const rules = load(['falco_rules.yaml']);
    const ruleset = loadRules([{ name: 'falco_rules.yaml', content: readFileSync(sharedPath('falco-rules', 'falco_rules.yaml'), 'utf8') }], { language: defaultLanguage }).ruleset!;
    const filter = planOpenFilter(rules).filter!;
    const openRules = Object.entries(STABLE).filter(([, f]) => !isUnmatchable(f) && ['open', 'openat', 'openat2', 'creat'].includes(f.type));
    expect(openRules.length).toBeGreaterThanOrEqual(5);
    // Paths near what the rules compare: their literals, cut or extended, and random components.
    const literals = ['/etc/shadow', '/etc/sudoers', '/etc/pam.d', '/etc/pam.conf', '/etc/sudoers.d', '/var/log', '/root/.ssh', '/home/u/.ssh/id_rsa', 'release_agent', 'auth.log', 'syslog', '/etc/', '/dev/log', '/sys/fs/cgroup/release_agent'];
    const segment = fc.oneof(fc.constantFrom(...literals), fc.stringMatching(/^[a-z._-]{1,8}$/));
    const path = fc.oneof(
      fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`.replace(/\/+/g, '/')),
      fc.tuple(fc.constantFrom(...literals), fc.stringMatching(/^[a-z./_-]{0,6}$/)).map(([a, b]) => a + b),
      fc.tuple(fc.constantFrom(...literals), fc.nat(20)).map(([a, n]) => a.slice(0, n)),
    );
    let dropped = 0;
    fc.assert(
      fc.property(fc.constantFrom(...openRules), path, fc.constantFrom(1, 2, 3), fc.constantFrom('open', 'openat', 'openat2', 'creat'), ([, f], p, flags, type) => {
        if (isUnmatchable(f)) return;
        // The triggering settings without those the open's flags decide (set below).
        const hit = f.hit.filter(([field]) => !field.startsWith('evt.is_open') && field !== 'evt.arg.flags');
        const e: EventInput = buildEvent(type, hit, [['fd.name', p]]);
        e.args = type === 'creat' ? { ...e.args, name: p } : { ...e.args, name: p, flags };
        const write = type === 'creat' || flags !== 1;
        if (!kernelDrops(filter, type, write, p)) return;
        dropped++;
        const matches = oracleMatches(ruleset, [e], { enabledRuleIds: rules.map((r) => r.id), ruleMatching: 'all' });
        expect(matches, `${type} ${p} flags ${flags}`).toEqual([]);
      }),
      { numRuns: 3000 },
    );
    expect(dropped).toBeGreaterThan(250);
  });
});
