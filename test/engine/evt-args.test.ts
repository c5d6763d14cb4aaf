// evt.args through the real compiled engine: every parameter of the exit event, `name=value`
// with libs' resolved part in parentheses, one space between parameters (libs 0.22
// sinsp_filtercheck_event.cpp TYPE_ARGS and event.cpp get_param_as_str; see
// host/engine/compiler/evt-args.ts for the facts).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch, type EventInput, type ProcessInput } from '../../host/engine/batch-encoder.js';
import type { CompiledEngine } from '../../host/engine/engine-api.js';
import { compileEngine } from '../../host/engine/engine.js';
import { defaultLanguage, loadRules } from '../../host/rules/index.js';
import { connect, execve, O, openat, tree } from './engine/events.js';
import { engineFor } from './engine/support.js';
import { sharedAvailable, sharedPath } from '../support/shared.js';

const { bash, cat } = tree();

const YAML = `
- rule: all_args
  desc: d
  condition: evt.type != execve or evt.type = execve
  output: "%evt.args"
  priority: WARNING
- rule: arg_fields
  desc: evt.arg.NAME goes through the same rendering
  condition: evt.type in (socket, connect)
  output: "domain=%evt.arg.domain fd=%evt.arg.fd"
  priority: WARNING
- rule: args_match
  desc: evt.args in a condition
  condition: evt.type = openat and evt.args contains "(<f>/etc/shadow)"
  output: "info=%evt.info"
  priority: WARNING
`;

describe('evt.args', () => {
  let engine: CompiledEngine;
  beforeAll(async () => {
    engine = await engineFor(YAML);
  });

  function args(event: EventInput): string | null {
    const batch = encodeBatch([event]);
    const m = engine.evaluate(batch).find((x) => x.rule === 0);
    expect(m).toBeDefined();
    return engine.outputFields(batch, m!)['evt.args'] as string | null;
  }

  it('openat: fd resolved through the fd table, AT_FDCWD, flag names, octal mode, hex dev', () => {
    const e = openat(cat, '/etc/shadow', O.RDONLY | O.CLOEXEC);
    e.args = { ...e.args, mode: 0, dev: 0x803, ino: 1234567 };
    expect(args(e)).toBe('fd=3(<f>/etc/shadow) dirfd=-100(AT_FDCWD) name=/etc/shadow flags=4097(O_RDONLY|O_CLOEXEC) mode=0 dev=803 ino=1234567');
  });

  it('openat: a failed open shows the errno, a relative name its absolute path, parameters not carried <NA>', () => {
    const e = openat(bash, 'notes/../x.txt', O.CREAT | O.WRONLY, { res: -13, fd: null });
    expect(args(e)).toBe('fd=-13(EACCES) dirfd=-100(AT_FDCWD) name=notes/../x.txt(/root/x.txt) flags=6(O_CREAT|O_WRONLY) mode=0644 dev=<NA> ino=<NA>');
  });

  it('is usable in conditions, and evt.info is the same text', () => {
    const batch = encodeBatch([openat(cat, '/etc/shadow')]);
    const m = engine.evaluate(batch).find((x) => x.rule === 2);
    expect(m).toBeDefined();
    expect(engine.formatOutput(batch, m!)).toBe('info=fd=3(<f>/etc/shadow) dirfd=-100(AT_FDCWD) name=/etc/shadow flags=1(O_RDONLY) mode=0644 dev=<NA> ino=<NA>');
    expect(engine.evaluate(encodeBatch([openat(cat, '/etc/passwd')])).some((x) => x.rule === 2)).toBe(false);
  });

  it('socket (AF_PACKET): enum name, an fd of unknown type with an empty name', () => {
    expect(args({
      type: 'socket', proc: cat, res: 3, args: { domain: 17, type: 3, proto: 768, flags: 0 },
      fd: { num: 3, type: 'unknown', name: '' },
    })).toBe('fd=3(<o>) domain=17(AF_PACKET) type=3 proto=768 flags=0');
  });

  it('socket (AF_UNIX, AF_INET): both names of family 1, the l4 protocol char of an IP socket', () => {
    expect(args({ type: 'socket', proc: cat, res: 4, args: { domain: 1, type: 1, proto: 0, flags: 0 }, fd: { num: 4, type: 'unix', name: '' } }))
      .toBe('fd=4(<u>) domain=1(AF_LOCAL|AF_UNIX) type=1 proto=0 flags=0');
    expect(args({ type: 'socket', proc: cat, res: 5, args: { domain: 2, type: 2, proto: 17, flags: 0 }, fd: { num: 5, type: 'ipv4', l4proto: 'udp', family: 'inet', name: '' } }))
      .toBe('fd=5(<4u>) domain=2(AF_INET) type=2 proto=17 flags=0');
  });

  it('evt.arg.domain lists both names of family 1; evt.arg.fd is the resolved fd (return value or argument), with the protocol char', () => {
    const batch = encodeBatch([
      { type: 'socket', proc: cat, res: 4, args: { domain: 1, type: 1, proto: 0, flags: 0 }, fd: { num: 4, type: 'unix', name: '' } },
      connect(bash, '10.0.0.2', 51000, '93.184.216.34', 443),
    ]);
    const lines = engine.evaluate(batch).filter((x) => x.rule === 1).map((m) => engine.formatOutput(batch, m));
    expect(lines).toEqual(['domain=AF_LOCAL|AF_UNIX fd=<u>', 'domain=<NA> fd=<4t>10.0.0.2:51000->93.184.216.34:443']);
  });

  it('connect: socket tuple, fd with its tuple name, server address; IPv6 as inet_ntop writes it', () => {
    expect(args(connect(bash, '10.0.0.2', 51000, '93.184.216.34', 443)))
      .toBe('res=0 tuple=10.0.0.2:51000->93.184.216.34:443 fd=5(<4t>10.0.0.2:51000->93.184.216.34:443) addr=93.184.216.34:443');
    expect(args(connect(bash, '2001:db8::7', 40000, '::1', 22, true)))
      .toBe('res=0 tuple=2001:db8::7:40000->::1:22 fd=5(<6t>2001:db8::7:40000->::1:22) addr=::1:22');
    const refused = connect(bash, '10.0.0.2', 51000, '10.0.0.9', 80);
    refused.res = -111;
    refused.fd = { ...refused.fd!, client: null, name: '' };
    expect(args(refused)).toBe('res=-111(ECONNREFUSED) tuple=NULL fd=5(<4t>) addr=10.0.0.9:80');
  });

  it('tuples: inbound calls put the remote side first, a failed receive has none, mapped IPv4 prints as IPv4', () => {
    const fd = {
      num: 5, type: 'ipv4' as const, l4proto: 'tcp' as const, family: 'inet' as const, client: { ip: '10.0.0.2', port: 51000 }, server: { ip: '10.0.0.9', port: 80 },
      role: 'client' as const, connected: true, name: '10.0.0.2:51000->10.0.0.9:80',
    };
    expect(args({ type: 'recvfrom', proc: bash, res: 2, args: { data: 'ok', fd: 5, size: 512 }, fd }))
      .toBe('res=2 data=ok tuple=10.0.0.9:80->10.0.0.2:51000 fd=5(<4t>10.0.0.2:51000->10.0.0.9:80) size=512');
    expect(args({ type: 'recvfrom', proc: bash, res: -11, args: { data: null, fd: 5, size: 512 }, fd }))
      .toBe('res=-11(EAGAIN) data=NULL tuple=NULL fd=5(<4t>10.0.0.2:51000->10.0.0.9:80) size=512');
    const accepted = {
      num: 7, type: 'ipv6' as const, l4proto: 'tcp' as const, family: 'inet6' as const, client: { ip: '::ffff:10.0.0.2', port: 51000 }, server: { ip: '::ffff:10.0.0.9', port: 80 },
      role: 'server' as const, connected: true, name: '10.0.0.2:51000->10.0.0.9:80',
    };
    expect(args({ type: 'accept4', proc: bash, res: 7, args: { queuepct: 0, queuelen: 0, queuemax: 128, flags: 0x80000 }, fd: accepted }))
      .toBe('fd=7(<6t>10.0.0.2:51000->10.0.0.9:80) tuple=10.0.0.2:51000->10.0.0.9:80 queuepct=0 queuelen=0 queuemax=128 flags=80000');
  });

  it('rename and renameat2: paths, dirfds, flag names', () => {
    expect(args({ type: 'rename', proc: bash, res: 0, args: { oldpath: '/usr/bin/ls', newpath: 'ls.bak' } }))
      .toBe('res=0 oldpath=/usr/bin/ls newpath=ls.bak(/root/ls.bak)');
    expect(args({
      type: 'renameat2', proc: bash, res: -2,
      args: { olddirfd: -100, oldpath: '/usr/bin/ls', newdirfd: 7, newpath: 'x', flags: 1 },
    })).toBe('res=-2(ENOENT) olddirfd=-100(AT_FDCWD) oldpath=/usr/bin/ls newdirfd=7 newpath=x flags=1(RENAME_NOREPLACE)');
  });

  it('unlinkat: AT_REMOVEDIR, and no name for flags 0', () => {
    expect(args({ type: 'unlinkat', proc: bash, res: 0, args: { dirfd: -100, name: '/bin/tool', flags: 0x200 } }))
      .toBe('res=0 dirfd=-100(AT_FDCWD) name=/bin/tool flags=512(AT_REMOVEDIR)');
    expect(args({ type: 'unlinkat', proc: bash, res: 0, args: { dirfd: -100, name: '/bin/tool', flags: 0 } }))
      .toBe('res=0 dirfd=-100(AT_FDCWD) name=/bin/tool flags=0');
  });

  it('setuid: the uid and its user name, <NA> when unknown, -1(<NONE>) for (uid_t)-1', () => {
    expect(args({ type: 'setuid', proc: bash, res: 0, args: { uid: { id: 0, name: 'root' } } })).toBe('res=0 uid=0(root)');
    expect(args({ type: 'setuid', proc: bash, res: -1, args: { uid: { id: 4000, name: '' } } })).toBe('res=-1(EPERM) uid=4000(<NA>)');
    expect(args({ type: 'setuid', proc: bash, res: 0, args: { uid: { id: 0xffffffff, name: null } } })).toBe('res=0 uid=-1(<NONE>)');
  });

  it('execve: the exit parameters the batch carries, in libs order, from the event and its process', () => {
    const child: ProcessInput = {
      ...cat, tid: 4243, cwd: '/root/', tty: 34816, vpgid: 7, loginuid: 1000, loginName: 'alice',
      capInheritable: 0n, capPermitted: 0x1ffffffffffn, capEffective: 0x1ffffffffffn, env: ['HOME=/root', 'TERM=xterm'],
    };
    const e = execve(child);
    e.tid = 4243;
    e.args = { ...e.args, flags: 1 };
    expect(args(e)).toBe(
      'res=0 exe=/bin/cat args=/etc/shadow. tid=4243(cat) pid=4243(cat) ptid=4242(bash) cwd=/root/ comm=cat ' +
        'env=HOME=/root.TERM=xterm. tty=34816 vpgid=7 loginuid=1000(alice) flags=1(EXE_WRITABLE) cap_inheritable=0 ' +
        'cap_permitted=1FFFFFFFFFF cap_effective=1FFFFFFFFFF uid=0(root) trusted_exepath=/usr/bin/cat gid=0(root) filename=/bin/cat',
    );
  });

  it('byte buffers with dots for unprintable bytes, NULL when empty; chmod mode in octal with names; signals', () => {
    expect(args({
      type: 'sendto', proc: bash, res: 6, args: { data: new Uint8Array([0x47, 0x45, 0x54, 0x0d, 0x0a, 0x00]), fd: 5, size: 6 },
      fd: { num: 5, type: 'ipv4', l4proto: 'udp', family: 'inet', client: { ip: '10.0.0.2', port: 5353 }, server: { ip: '10.0.0.1', port: 53 }, role: 'client', name: '10.0.0.2:5353->10.0.0.1:53' },
    })).toBe('res=6 data=GET... fd=5(<4u>10.0.0.2:5353->10.0.0.1:53) size=6 tuple=10.0.0.2:5353->10.0.0.1:53');
    expect(args({ type: 'sendto', proc: bash, res: 0, args: { data: new Uint8Array(0), fd: 9, size: 0 } }))
      .toBe('res=0 data=NULL fd=9 size=0 tuple=NULL');
    expect(args({ type: 'chmod', proc: bash, res: 0, args: { filename: '/tmp/x', mode: 0o4755 } }))
      .toBe('res=0 filename=/tmp/x mode=04755(S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID)');
    // a pid resolves to a command name when the batch has that thread (the event's own chain)
    expect(args({ type: 'kill', proc: bash, res: 0, args: { pid: 812, sig: 9 } })).toBe('res=0 pid=812(sshd) sig=9(SIGKILL)');
    expect(args({ type: 'kill', proc: bash, res: -3, args: { pid: 99999, sig: 15 } })).toBe('res=-3(ESRCH) pid=99999 sig=15(SIGTERM)');
  });

  it('evt.arg of a pid return value is the command name when the batch has that thread', async () => {
    const e = await engineFor(`
- rule: res
  desc: d
  condition: evt.type in (setsid, clone)
  output: "res=%evt.arg.res"
  priority: WARNING
`);
    const batch = encodeBatch([
      { type: 'setsid', proc: bash, tid: 4242, res: 4242 },
      { type: 'clone', proc: bash, tid: 4242, res: 4250, args: { flags: 0 } },
    ]);
    expect(e.evaluate(batch).map((m) => e.formatOutput(batch, m))).toEqual(['res=bash', 'res=4250']);
  });

  it('clone: the child pid and the caller described by its process record', () => {
    expect(args({ type: 'clone', proc: bash, tid: 4242, res: 4250, args: { flags: 0x11 } }))
      .toBe('res=4250 exe=/bin/bash args=-c.cat /etc/shadow. tid=4242(bash) pid=4242(bash) ptid=812(sshd) cwd=/root/ comm=bash flags=17(CLONE_FILES|CLONE_NEWNET) uid=1000 gid=1000 vpid=7');
  });

  it('without a process: fds and paths stay unresolved, flag names do not need one', () => {
    expect(args(openat(null, 'x'))).toBe('fd=3 dirfd=-100 name=x flags=1(O_RDONLY) mode=0644 dev=<NA> ino=<NA>');
  });

  it('enter events read as missing', () => {
    expect(args({ ...openat(cat, '/etc/shadow'), dir: '>' })).toBeNull();
  });
});

/** Loads upstream rules files; returns the engine and a rule id by name. */
async function upstreamEngine(files: string[]): Promise<{ engine: CompiledEngine; ruleId: (name: string) => number }> {
  const out = loadRules(files.map((f) => ({ name: f, content: readFileSync(sharedPath('falco-rules', f), 'utf8') })), { language: defaultLanguage });
  if (out.ruleset === undefined) throw new Error('upstream rules failed to load');
  const ruleset = out.ruleset;
  const engine = await compileEngine(ruleset, { ruleMatching: 'all', optimize: 'fast' });
  return { engine, ruleId: (name) => ruleset.rules.findIndex((r) => r.name === name) };
}

describe.skipIf(!sharedAvailable)('upstream rules that print evt.args', () => {
  it('Packet socket created in container: socket_info', async () => {
    const { engine, ruleId } = await upstreamEngine(['falco_rules.yaml']);
    const id = ruleId('Packet socket created in container');
    expect(id).toBeGreaterThanOrEqual(0);
    const batch = encodeBatch([{
      type: 'socket', proc: cat, res: 3, args: { domain: 17, type: 3, proto: 768, flags: 0 },
      fd: { num: 3, type: 'unknown', name: '' },
    }]);
    const m = engine.evaluate(batch).find((x) => x.rule === id);
    expect(m).toBeDefined();
    expect(engine.outputFields(batch, m!)['evt.args']).toBe('fd=3(<o>) domain=17(AF_PACKET) type=3 proto=768 flags=0');
    expect(engine.formatOutput(batch, m!)).toContain('socket_info=fd=3(<o>) domain=17(AF_PACKET) type=3 proto=768 flags=0');
  });

  it('Modify binary dirs (File below known binary directory renamed/removed): evt_args', async () => {
    const { engine, ruleId } = await upstreamEngine(['falco_rules.yaml', 'falco-sandbox_rules.yaml']);
    const id = ruleId('Modify binary dirs');
    expect(id).toBeGreaterThanOrEqual(0);
    const events: EventInput[] = [
      { type: 'unlinkat', proc: bash, res: 0, args: { dirfd: -100, name: '/bin/evil', flags: 0 } },
      { type: 'renameat2', proc: bash, res: 0, args: { olddirfd: -100, oldpath: '/usr/bin/ls', newdirfd: -100, newpath: '/usr/bin/ls.bak', flags: 0 } },
    ];
    const expected = [
      'evt_args=res=0 dirfd=-100(AT_FDCWD) name=/bin/evil flags=0',
      'evt_args=res=0 olddirfd=-100(AT_FDCWD) oldpath=/usr/bin/ls newdirfd=-100(AT_FDCWD) newpath=/usr/bin/ls.bak flags=0',
    ];
    events.forEach((e, i) => {
      const batch = encodeBatch([e]);
      const m = engine.evaluate(batch).find((x) => x.rule === id);
      expect(m, e.type).toBeDefined();
      expect(engine.formatOutput(batch, m!)).toContain(expected[i]);
    });
  });
});
