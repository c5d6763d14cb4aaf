// The oracle's own tests: libs semantics it must have, checked on hand-made events.
import { describe, expect, it } from 'vitest';
import type { EventInput, ProcessInput } from '../../host/engine/batch-encoder.js';
import { rulesetOf } from '../engine-diff/ruleset.js';
import { evaluate, oracleMatches, OracleUnsupported } from './oracle.js';
import { pathPrefixMatch } from './pmatch.js';
import { OPEN_FLAGS, renderCaps, renderFlags } from './render.js';

const init: ProcessInput = { pid: 1, name: 'systemd' };
const sshd: ProcessInput = { pid: 100, name: 'sshd', parent: init };
const bash: ProcessInput = { pid: 200, name: 'bash', exe: '/bin/bash', args: ['-i'], cwd: '/root', parent: sshd, uid: 0, userName: 'root' };
const cat: ProcessInput = { pid: 300, name: 'cat', exe: '/usr/bin/cat', args: ['/etc/shadow'], cwd: '/root', parent: bash, uid: 4294967295 };

const open = (name: string | null, flags = 1, extra: Partial<EventInput> = {}): EventInput => ({
  type: 'openat', res: 3, args: { name: name ?? undefined, flags }, fd: { num: 3, type: 'file', name }, proc: cat, ...extra,
});
const connect: EventInput = {
  type: 'connect', res: 0, proc: bash,
  fd: { num: 4, type: 'ipv4', l4proto: 'tcp', role: 'client', client: { ip: '10.1.2.3', port: 40000 }, server: { ip: '93.184.216.34', port: 443 } },
};

/** Does `condition` hold for event `e` (through the real loader, as a one-rule set)? */
function holds(condition: string, e: EventInput): boolean {
  const rs = rulesetOf([condition]);
  return evaluate(rs.rules[0]!.condition, e, 0);
}

describe('oracle: missing values', () => {
  it('a field that cannot be extracted makes every comparison false, also !=', () => {
    const noFd: EventInput = { type: 'execve', res: 0, proc: cat };
    expect(holds('fd.name = /etc/shadow', noFd)).toBe(false);
    expect(holds('fd.name != /etc/shadow', noFd)).toBe(false);
    expect(holds('not fd.name = /etc/shadow', noFd)).toBe(true);
    expect(holds('fd.name exists', noFd)).toBe(false);
    expect(holds('proc.pname != x', { type: 'execve', proc: init })).toBe(false);
  });

  it('an empty string is present', () => {
    expect(holds('fd.name = ""', open(''))).toBe(true);
    expect(holds('fd.name exists', open(''))).toBe(true);
  });
});

describe('oracle: process ancestry', () => {
  it('proc.aname without an index means any ancestor, with one the N-th (0 = the process)', () => {
    expect(holds('proc.aname = sshd', open('/x'))).toBe(true);
    expect(holds('proc.aname = systemd', open('/x'))).toBe(true);
    expect(holds('proc.aname = cat', open('/x'))).toBe(false);
    expect(holds('proc.aname[0] = cat', open('/x'))).toBe(true);
    expect(holds('proc.aname[2] = sshd', open('/x'))).toBe(true);
    expect(holds('proc.aname[4] = x', open('/x'))).toBe(false);
    expect(holds('proc.aname[4] != x', open('/x'))).toBe(false);
    // any ancestor that differs is enough for !=
    expect(holds('proc.aname != sshd', open('/x'))).toBe(true);
  });

  it('compares each ancestor with the whole modified list (libs: flt_compare per ancestor)', () => {
    // no single ancestor differs from all three names, though each name has an ancestor differing
    expect(holds('proc.aname != allof (bash, sshd, systemd)', open('/x'))).toBe(false);
    expect(holds('proc.aname != allof (bash, sshd)', open('/x'))).toBe(true);
    expect(holds('proc.aname startswith allof (s, ss)', open('/x'))).toBe(true);
    expect(holds('proc.aname startswith allof (b, ss)', open('/x'))).toBe(false);
  });

  it('reads cmdline as name and arguments', () => {
    expect(holds('proc.cmdline = "cat /etc/shadow"', open('/x'))).toBe(true);
    expect(holds('proc.pcmdline = "bash -i"', open('/x'))).toBe(true);
    expect(holds('proc.args = /etc/shadow', open('/x'))).toBe(true);
  });
});

describe('oracle: string operators', () => {
  it("glob's * crosses / (fnmatch without FNM_PATHNAME); iglob folds ASCII case", () => {
    expect(holds('fd.name glob /etc/*', open('/etc/ssh/sshd_config'))).toBe(true);
    expect(holds('fd.name glob /home/*/.ssh/*', open('/home/a/b/.ssh/x/y'))).toBe(true);
    expect(holds('fd.name glob /etc/?', open('/etc/ab'))).toBe(false);
    expect(holds('fd.name iglob /ETC/*', open('/etc/x'))).toBe(true);
  });

  it('compares bytes; icontains and tolower fold ASCII only', () => {
    expect(holds('fd.name icontains SHADOW', open('/etc/shadow'))).toBe(true);
    expect(holds('fd.name icontains é', open('/tmp/É'))).toBe(false);
    expect(holds('tolower(fd.name) = /tmp/É', open('/TMP/É'))).toBe(true);
    expect(holds('toupper(fd.name) = /TMP/X', open('/tmp/x'))).toBe(true);
    expect(holds('fd.name startswith /etc', open('/etcetera'))).toBe(true);
    expect(holds('fd.name endswith shadow', open('/etc/shadow'))).toBe(true);
    expect(holds('fd.name contains 日本', open('/tmp/日本語'))).toBe(true);
  });

  it('regex is a full match', () => {
    expect(holds('fd.name regex "/etc/[a-z]+"', open('/etc/shadow'))).toBe(true);
    expect(holds('fd.name regex "etc"', open('/etc/shadow'))).toBe(false);
    expect(holds('fd.name regex ".*sha.*"', open('/etc/shadow'))).toBe(true);
  });

  it('in, intersects and pmatch take lists', () => {
    expect(holds('proc.name in (sh, cat)', open('/x'))).toBe(true);
    expect(holds('proc.name intersects (sh, cat)', open('/x'))).toBe(true);
    expect(holds('proc.name in (sh, "")', open('/x'))).toBe(false);
    expect(holds('fd.name pmatch (/etc, /usr/lib)', open('/etc/ssh/x'))).toBe(true);
    expect(holds('fd.name pmatch (/etc, /usr/lib)', open('/etcetera'))).toBe(false);
    expect(pathPrefixMatch(['/opt/*/sub'], '/opt/a/sub/file')).toBe(true);
    expect(pathPrefixMatch(['/'], '/anything')).toBe(true);
    expect(pathPrefixMatch(['/var/run/'], '//var///run')).toBe(true);
  });

  it('oneof/anyof hold when one list item does, allof when all do', () => {
    expect(holds('fd.name startswith anyof (/usr, /etc)', open('/etc/x'))).toBe(true);
    expect(holds('fd.name startswith oneof (/usr, /etc)', open('/etc/x'))).toBe(true);
    expect(holds('fd.name startswith allof (/usr, /etc)', open('/etc/x'))).toBe(false);
    expect(holds('fd.name contains allof (etc, x)', open('/etc/x'))).toBe(true);
  });

  it('transformers: basename, len; val() compares two fields', () => {
    expect(holds('basename(fd.name) = shadow', open('/etc/shadow'))).toBe(true);
    expect(holds('basename(fd.name) = ""', open('/etc/'))).toBe(true);
    expect(holds('len(fd.name) = 11', open('/etc/shadow'))).toBe(true);
    expect(holds('len(fd.name) > 11', open('/etc/shadow'))).toBe(false);
    expect(holds('proc.cwd = val(proc.pname)', open('/x'))).toBe(false);
    expect(holds('proc.cwd startswith val(fd.directory)', open('/root/x'))).toBe(true);
  });

  it('bcontains and bstartswith take hex bytes', () => {
    const recv: EventInput = { type: 'recvfrom', res: 4, args: { data: new Uint8Array([0xca, 0xfe, 0xba, 0xbe, 0]) }, proc: cat };
    expect(holds('evt.buffer bcontains febabe', recv)).toBe(true);
    expect(holds('evt.buffer bstartswith cafe', recv)).toBe(true);
    expect(holds('evt.buffer bstartswith babe', recv)).toBe(false);
  });
});

describe('oracle: edge cases', () => {
  it('empty lists match nothing; duplicates change nothing; long and UTF-8 strings compare by bytes', () => {
    expect(holds('proc.name in ()', open('/x'))).toBe(false);
    expect(holds('not proc.name in ()', open('/x'))).toBe(true);
    expect(holds('proc.name in (cat, cat, cat)', open('/x'))).toBe(true);
    const long = `/tmp/${'a'.repeat(10000)}/end`;
    expect(holds('fd.name endswith /end and fd.name startswith /tmp/aaaa', open(long))).toBe(true);
    expect(holds('fd.name glob "/tmp/*/end"', open(long))).toBe(true);
    expect(holds('len(fd.name) = 10009', open(long))).toBe(true);
    expect(holds('len(fd.name) = 7', open('/tmp/é'))).toBe(true); // bytes, not characters
    expect(holds('fd.name glob "/tmp/?"', open('/tmp/é'))).toBe(false); // ? is one byte
  });

  it('64-bit boundaries', () => {
    const big = open('/x', 1, { fd: { num: 9223372036854775807n, type: 'file', name: '/x' }, res: -9223372036854775808n });
    expect(holds('fd.num = 9223372036854775807', big)).toBe(true);
    expect(holds('fd.num > 9223372036854775806', big)).toBe(true);
    expect(holds('evt.rawres = -9223372036854775808 and evt.rawres < 0', big)).toBe(true);
  });

  it('CIDR edges: /0 holds every address of its family, /32 and /128 one', () => {
    expect(holds('fd.snet = 0.0.0.0/0', connect)).toBe(true);
    expect(holds('fd.snet = 93.184.216.34/32', connect)).toBe(true);
    expect(holds('fd.snet = 93.184.216.35/32', connect)).toBe(false);
    expect(holds('fd.snet = ::/0', connect)).toBe(false);
  });
});

describe('oracle: numbers and booleans', () => {
  it('reads numeric literals as decimal and in the field type', () => {
    expect(holds('fd.num = 03', open('/x'))).toBe(true);
    expect(holds('proc.pid = 0300', open('/x'))).toBe(true);
    expect(holds('fd.num > 2 and fd.num < 4', open('/x'))).toBe(true);
    // a negative literal for an unsigned 32-bit field wraps, as libs' scanf does
    expect(holds('user.uid = -1', open('/x'))).toBe(true);
    expect(holds('user.uid = 4294967295', open('/x'))).toBe(true);
    expect(holds('evt.rawres >= 0', open('/x', 1, { res: -2 }))).toBe(false);
  });

  it('booleans: evt.is_open_read/write/exec from the PPM open flags and mode', () => {
    expect(holds('evt.is_open_read = true', open('/x', 1))).toBe(true);
    expect(holds('evt.is_open_write = true', open('/x', 1))).toBe(false);
    expect(holds('evt.is_open_write = true and evt.is_open_read = true', open('/x', 3))).toBe(true);
    const exec = open('/x', 2 | 4, { args: { name: '/x', flags: 2 | 4, mode: 0o755 } });
    expect(holds('evt.is_open_exec = true', exec)).toBe(true);
    expect(holds('evt.is_open_exec = false', open('/x', 2))).toBe(true);
    // present (false) on events that are not opens
    expect(holds('evt.is_open_read = false', { type: 'execve', res: 0, proc: cat })).toBe(true);
  });
});

describe('oracle: file descriptors', () => {
  it('fd.directory and fd.filename as libs cuts the name', () => {
    expect(holds('fd.directory = /etc and fd.filename = shadow', open('/etc/shadow'))).toBe(true);
    expect(holds('fd.directory = / and fd.filename = x', open('/x'))).toBe(true);
    // a trailing slash keeps the whole name; no slash at all reads as /
    expect(holds('fd.directory = /etc/ and fd.filename = /etc/', open('/etc/'))).toBe(true);
    expect(holds('fd.directory = / and fd.filename = /', open('relative'))).toBe(true);
    const dir: EventInput = { type: 'openat', res: 3, args: { flags: 1 }, fd: { num: 3, type: 'directory', name: '/etc/ssh' }, proc: cat };
    expect(holds('fd.directory = /etc/ssh', dir)).toBe(true);
    expect(holds('fd.filename exists', dir)).toBe(false);
    expect(holds('fd.typechar = d and fd.type = directory', dir)).toBe(true);
  });

  it('fd.typechar and fd.type names', () => {
    expect(holds('fd.typechar = f and fd.type = file', open('/x'))).toBe(true);
    expect(holds('fd.typechar = 4 and fd.type = ipv4 and fd.sockfamily = ip', connect)).toBe(true);
    const server: EventInput = { type: 'accept', res: 5, proc: bash, fd: { num: 5, type: 'ipv6_server', server: { ip: '::', port: 22 } } };
    expect(holds('fd.typechar = 6 and fd.type = ipv6', server)).toBe(true);
  });

  it('addresses, ports and CIDR; fd.ip/net/port read both endpoints', () => {
    expect(holds('fd.sip = 93.184.216.34 and fd.cip = 10.1.2.3', connect)).toBe(true);
    expect(holds('fd.sport = 443 and fd.rport = 443 and fd.lport = 40000', connect)).toBe(true);
    expect(holds('fd.snet = 93.184.0.0/16', connect)).toBe(true);
    expect(holds('fd.net = 10.0.0.0/8', connect)).toBe(true);
    expect(holds('fd.ip = 10.1.2.3', connect)).toBe(true);
    // != needs every endpoint to differ
    expect(holds('fd.ip != 10.1.2.3', connect)).toBe(false);
    expect(holds('fd.net != 10.0.0.0/8', connect)).toBe(false);
    expect(holds('fd.ip != 1.1.1.1', connect)).toBe(true);
    expect(holds('fd.port in (443)', connect)).toBe(true);
    expect(holds('fd.rnet in (10.0.0.0/8, 192.168.0.0/16)', connect)).toBe(false);
    const v6: EventInput = { ...connect, fd: { num: 4, type: 'ipv6', role: 'client', client: { ip: '2001:db8::1', port: 1 }, server: { ip: '2001:db8:1::5', port: 2 } } };
    expect(holds('fd.snet = 2001:db8::/32', v6)).toBe(true);
    expect(holds('fd.snet = 10.0.0.0/8', v6)).toBe(false);
    expect(holds('fd.sip = "2001:db8:1::5"', v6)).toBe(true);
  });
});

describe('oracle: rendered parameters', () => {
  it('evt.arg.flags, evt.res and thread.cap_* as libs renders them', () => {
    expect(renderFlags(OPEN_FLAGS, 3 | 4 | 256)).toBe('O_TRUNC|O_CREAT|O_RDWR');
    expect(renderFlags(OPEN_FLAGS, 0)).toBe('O_NONE');
    expect(renderFlags(OPEN_FLAGS, 1 | (1 << 12))).toBe('O_RDONLY|O_CLOEXEC');
    expect(holds('evt.arg.flags contains O_TRUNC', open('/x', 2 | 256))).toBe(true);
    expect(holds('evt.res = SUCCESS', open('/x'))).toBe(true);
    expect(holds('evt.res = ENOENT', open('/x', 1, { res: -2 }))).toBe(true);
    expect(renderCaps((1n << 21n) | 1n)).toBe('CAP_CHOWN CAP_SYS_ADMIN');
    const ptrace: EventInput = { type: 'ptrace', res: 0, args: { request: 11 }, proc: cat };
    expect(holds('evt.arg.request = PTRACE_ATTACH', ptrace)).toBe(true);
    const setuid: EventInput = { type: 'setuid', res: 0, args: { uid: { id: 33, name: 'www-data' } }, proc: cat };
    expect(holds('evt.arg.uid = www-data', setuid)).toBe(true);
  });

  it('refuses what it does not model instead of guessing', () => {
    expect(() => holds('evt.arg.fd = 3', open('/x'))).toThrow(OracleUnsupported);
    expect(() => holds('evt.args contains "/x"', open('/x'))).toThrow(OracleUnsupported);
    expect(() => holds('evt.info contains "/x"', { ...open('/x'), proc: null })).toThrow(OracleUnsupported);
  });
});

describe('oracle: rule sets', () => {
  it('rule_matching first stops at the first matching rule of an event, all reports every one', () => {
    const rs = rulesetOf(['proc.name = cat', 'fd.name startswith /etc', 'evt.type = openat and proc.name = nobody']);
    const events = [open('/etc/shadow'), open('/tmp/x')];
    expect(oracleMatches(rs, events, { ruleMatching: 'all' })).toEqual([{ event: 0, rule: 0 }, { event: 0, rule: 1 }, { event: 1, rule: 0 }]);
    expect(oracleMatches(rs, events, { ruleMatching: 'first' })).toEqual([{ event: 0, rule: 0 }, { event: 1, rule: 0 }]);
    expect(oracleMatches(rs, events, { ruleMatching: 'all', enabledRuleIds: [1] })).toEqual([{ event: 0, rule: 1 }]);
  });

  it('runs a rule only for its inferred event types', () => {
    const rs = rulesetOf(['evt.type = execve and proc.name = cat']);
    expect(oracleMatches(rs, [open('/x'), { type: 'execve', res: 0, proc: cat }], { ruleMatching: 'all' })).toEqual([{ event: 1, rule: 0 }]);
  });
});

describe('oracle: DNS-name fields (libs name_of and compare_domain)', () => {
  const dns = new Map<string, readonly string[]>([['b.example', ['93.184.216.34', '10.1.2.3']], ['a.example', ['93.184.216.34']], ['v6.example', ['2001:db8::1']]]);
  const matches = (condition: string, e: EventInput, table = dns): boolean =>
    oracleMatches(rulesetOf([condition]), [e], { ruleMatching: 'all', dns: table }).length > 0;

  it('the field is the smallest name resolving to the address, compared as a string', () => {
    expect(matches('fd.sip.name = a.example', connect)).toBe(true);
    // b.example resolves to the address too, but the field reads a.example
    expect(matches('fd.sip.name = b.example', connect)).toBe(false);
    expect(matches('fd.sip.name != b.example', connect)).toBe(true);
    expect(matches('fd.sip.name in (b.example, a.example)', connect)).toBe(true);
    expect(matches('fd.sip.name startswith a.', connect)).toBe(true);
    expect(matches('fd.cip.name = b.example', connect)).toBe(true);
    // client socket: local is the client side, remote the server side
    expect(matches('fd.lip.name = b.example', connect)).toBe(true);
    expect(matches('fd.rip.name = a.example', connect)).toBe(true);
  });

  it('without a name: = and in ask whether a literal resolves to the address, != negates, others are false', () => {
    const partial = new Map([['b.example', ['93.184.216.34']]]);
    const onlyLiteral = new Map([['c.example', ['93.184.216.34']]]);
    const none = new Map<string, readonly string[]>();
    expect(matches('fd.sip.name = c.example', connect, onlyLiteral)).toBe(true); // extracted c.example
    expect(matches('fd.sip.name = b.example', connect, none)).toBe(false);
    expect(matches('fd.sip.name != b.example', connect, none)).toBe(true);
    expect(matches('fd.sip.name in (x, y)', connect, none)).toBe(false);
    expect(matches('fd.sip.name contains b', connect, none)).toBe(false);
    expect(matches('fd.sip.name exists', connect, none)).toBe(false);
    expect(matches('fd.sip.name = b.example', connect, partial)).toBe(true);
  });

  it('needs an IP socket with a role; a listening socket has a server name but no compare_domain', () => {
    const noRole: EventInput = { ...connect, fd: { ...connect.fd!, role: null } };
    expect(matches('fd.sip.name = a.example', noRole)).toBe(false);
    expect(matches('fd.sip.name != x', noRole)).toBe(false);
    expect(matches('fd.sip.name != x', open('/etc/passwd'))).toBe(false);
    const listening: EventInput = { type: 'listen', proc: bash, fd: { num: 4, type: 'ipv4_server', role: 'server', server: { ip: '93.184.216.34', port: 443 } } };
    expect(matches('fd.sip.name = a.example', listening)).toBe(true);
    expect(matches('fd.cip.name != a.example', listening)).toBe(false);
    expect(matches('fd.sip.name != a.example', { ...listening, fd: { ...listening.fd!, server: { ip: '1.1.1.1', port: 1 } } })).toBe(false);
  });

  it('IPv6 addresses match only IPv6 sockets; a missing endpoint is the zero address', () => {
    const v6: EventInput = { ...connect, fd: { ...connect.fd!, type: 'ipv6', client: { ip: '::1', port: 1 }, server: { ip: '2001:db8::1', port: 443 } } };
    expect(matches('fd.sip.name = v6.example', v6)).toBe(true);
    expect(matches('fd.sip.name = v6.example', connect)).toBe(false);
    const noServer: EventInput = { ...connect, fd: { ...connect.fd!, server: null } };
    expect(matches('fd.sip.name != a.example', noServer)).toBe(true);
    expect(matches('fd.sip.name = zero', noServer, new Map([['zero', ['0.0.0.0']]]))).toBe(true);
  });
});
