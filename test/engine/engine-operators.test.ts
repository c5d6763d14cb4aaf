// Every operator, modifier and transformer through the real compiled engine, with edge cases:
// missing values (every comparison false, also !=), empty strings, UTF-8, very long strings, lists
// with duplicates, numeric boundaries, IPv4/IPv6 and CIDR. One rule per case, one compile per file.
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventInput, ProcessInput } from '../../host/engine/batch-encoder.js';
import type { CompiledEngine } from '../../host/engine/engine-api.js';
import { connect, execve, O, openat, tree } from './engine/events.js';
import { engineFor, matchNames, rulesYaml } from './engine/support.js';

const { init, sshd, bash, cat } = tree();
const longCmd: ProcessInput = { ...bash, name: 'python3', args: ['-c', `${'x'.repeat(100_000)}needle`] };
const upper: ProcessInput = { ...bash, name: 'BaSh' };
const utf: ProcessInput = { ...bash, name: 'über', args: ['ça', 'va'] };
const orphan: ProcessInput = { ...bash, parent: null, sessionLeader: null };
const b64: ProcessInput = { ...bash, args: 'aGVsbG8=' };
// long values that differ only outside the bytes a long-string hash samples
const LONG_A = `${'y'.repeat(10)}A${'y'.repeat(29)}`;
const LONG_B = `${'y'.repeat(10)}B${'y'.repeat(29)}`;
const longExe: ProcessInput = { ...bash, exe: LONG_B };

type Case = [name: string, condition: string, event: EventInput, expected: boolean];

const ev = {
  bashOpen: openat(bash, '/etc/ssl/certs/ca.pem'),
  catShadow: openat(cat, '/etc/shadow'),
  noProc: openat(null, '/etc/shadow'),
  noFd: { type: 'openat', proc: bash, res: -2, args: { dirfd: -100, name: '/nope', flags: O.RDONLY, mode: 0 } } as EventInput,
  write: openat(bash, '/tmp/x', O.CREAT | O.WRONLY | O.CLOEXEC),
  exec: execve(bash),
  long: execve(longCmd),
  upper: execve(upper),
  utf: execve(utf),
  orphan: execve(orphan),
  b64: execve(b64),
  conn4: connect(bash, '10.0.0.2', 51000, '93.184.216.34', 443),
  conn6: connect(bash, '2001:db8::7', 40000, '::1', 22, true),
  ptrace: { type: 'ptrace', proc: bash, res: 0, args: { request: 11, pid: 1 } } as EventInput,
  setuid: { type: 'setuid', proc: bash, res: 0, args: { uid: { id: 0, name: 'root' } } } as EventInput,
  chmod: { type: 'chmod', proc: bash, res: 0, args: { filename: '/tmp/x', mode: 2048 | 256 | 128 | 64 } } as EventInput,
  socket: { type: 'socket', proc: bash, res: 3, args: { domain: 17, type: 3, proto: 0 } } as EventInput,
  sendto: { type: 'sendto', proc: bash, res: 5, args: { data: new Uint8Array([0, 1, 0xff, 0xca, 0xfe]), fd: 5, size: 5 } } as EventInput,
  bigNum: { ...openat(bash, '/x'), num: 0xffff_ffff_ffff_ffffn } as EventInput,
  rootUid: execve({ ...bash, uid: 4294967295 }),
  failed: openat(bash, '/etc/none', O.RDONLY, { res: -2 }),
  mount: { type: 'mount', proc: bash, res: 0, args: { dev: 'overlay', dir: '/host', type: 'overlay', flags: 1 | 2 | 4096 } } as EventInput,
  umount2: { type: 'umount2', proc: bash, res: 0, args: { name: '/host', flags: 2 } } as EventInput,
};

const CASES: Case[] = [
  // equality and missing values
  ['eq', 'proc.name = bash', ev.exec, true],
  ['eq_prefix', 'proc.name = bas', ev.exec, false],
  ['eqeq', 'proc.name == bash', ev.exec, true],
  ['ne', 'proc.name != zsh', ev.exec, true],
  ['ne_same', 'proc.name != bash', ev.exec, false],
  ['ne_missing', 'proc.name != zsh', ev.noProc, false],
  ['not_eq_missing', 'not proc.name = zsh', ev.noProc, true],
  ['eq_missing', 'proc.name = bash', ev.noProc, false],
  ['fd_missing_ne', 'fd.name != /x', ev.noFd, false],
  ['exists', 'proc.pname exists', ev.exec, true],
  ['exists_missing', 'proc.pname exists', ev.orphan, false],
  ['not_exists_missing', 'not proc.pname exists', ev.orphan, true],
  // string operators
  ['contains', 'proc.cmdline contains "cat /etc"', ev.exec, true],
  ['contains_empty', 'proc.name contains ""', ev.exec, true],
  ['contains_long', 'proc.cmdline contains needle', ev.long, true],
  ['contains_long_miss', 'proc.cmdline contains needles', ev.long, false],
  ['icontains', 'proc.name icontains BAS', ev.exec, true],
  ['icontains_utf8_fold', 'proc.name icontains ÜBER', ev.utf, false],
  ['icontains_utf8', 'proc.name icontains üBER', ev.utf, true],
  ['eq_utf8', 'proc.name = über', ev.utf, true],
  ['startswith', 'fd.name startswith /etc/', ev.bashOpen, true],
  ['startswith_miss', 'fd.name startswith /etcx', ev.bashOpen, false],
  ['endswith', 'fd.name endswith .pem', ev.bashOpen, true],
  ['len_lt', 'len(proc.name) < 5', ev.exec, true],
  ['len_gt_miss', 'len(proc.name) > 4', ev.exec, false],
  ['glob_cross_slash', 'fd.name glob "/etc/*.pem"', ev.bashOpen, true],
  ['glob_class', 'fd.name glob "/etc/ss[lm]/*"', ev.bashOpen, true],
  ['glob_miss', 'fd.name glob "/etc/*.key"', ev.bashOpen, false],
  ['iglob', 'fd.name iglob "/ETC/*.PEM"', ev.bashOpen, true],
  ['empty_args', 'proc.args = ""', execve(sshd), false],
  ['empty_args_init', 'proc.args = ""', execve(init), true],
  ['in_small', 'proc.name in (zsh, bash)', ev.exec, true],
  ['in_dups', 'proc.name in (a, b, c, bash, bash, d, a, e)', ev.exec, true],
  ['in_dups_miss', 'proc.name in (a, b, c, bas, bash2, d, a, e)', ev.exec, false],
  ['in_long_near_miss', `proc.exe in (${LONG_A}, a, b, c)`, execve(longExe), false],
  ['in_long_hit', `proc.exe in (${LONG_A}, ${LONG_B}, a, b)`, execve(longExe), true],
  ['eq_long_near_miss', `proc.exe = ${LONG_A}`, execve(longExe), false],
  ['in_missing', 'proc.name in (a, b, c, bash, d)', ev.noProc, false],
  ['not_in_missing', 'not proc.name in (a, b, c, bash, d)', ev.noProc, true],
  ['intersects', 'proc.name intersects (bash, zsh)', ev.exec, true],
  ['pmatch', 'fd.name pmatch (/usr/lib, /etc)', ev.bashOpen, true],
  ['pmatch_partial', 'fd.name pmatch (/etc/ss)', ev.bashOpen, false],
  ['startswith_oneof', 'fd.name startswith oneof (/tmp, /etc)', ev.bashOpen, true],
  ['contains_anyof', 'proc.cmdline contains anyof (zzz, shadow)', ev.exec, true],
  ['contains_allof', 'proc.cmdline contains allof (cat, shadow)', ev.exec, true],
  ['contains_allof_miss', 'proc.cmdline contains allof (cat, passwd)', ev.exec, false],
  ['bcontains', 'evt.buffer bcontains 01ffca', ev.sendto, true],
  ['bcontains_miss', 'evt.buffer bcontains cafebabe', ev.sendto, false],
  ['bstartswith', 'evt.buffer bstartswith 0001', ev.sendto, true],
  ['regex', 'proc.name regex "ba.h"', ev.exec, true],
  ['regex_full', 'proc.name regex "ba"', ev.exec, false],
  // numbers
  ['num_ge', 'fd.num >= 0', ev.bashOpen, true],
  ['num_signed', 'evt.rawres < 0', ev.failed, true],
  ['num_signed_eq', 'evt.rawres = -2', ev.failed, true],
  ['num_u64_max', 'evt.num > 18446744073709551614', ev.bigNum, true],
  ['num_u32_max', 'user.uid = 4294967295', ev.rootUid, true],
  ['num_in', 'user.uid in (0, 1000)', ev.exec, true],
  ['num_in_miss', 'user.uid in (0, 1001)', ev.exec, false],
  ['num_missing_ne', 'fd.num != 1', ev.noFd, false],
  ['loginuid_neg', 'user.loginuid = -1', execve(cat), true],
  ['vpid', 'proc.vpid = 7', ev.exec, true],
  ['bool_true', 'proc.is_exe_writable = true', ev.exec, true],
  ['bool_false', 'proc.is_exe_writable = false', execve(cat), true],
  ['is_open_read', 'evt.is_open_read = true', ev.bashOpen, true],
  ['is_open_write', 'evt.is_open_write = true', ev.write, true],
  ['is_open_write_miss', 'evt.is_open_write = true', ev.bashOpen, false],
  ['vpgid_leader', 'proc.is_vpgid_leader = true', ev.exec, true],
  // transformers
  ['tolower', 'tolower(proc.name) = bash', ev.upper, true],
  ['toupper', 'toupper(proc.name) = BASH', ev.upper, true],
  ['basename', 'basename(proc.exe) = bash', ev.exec, true],
  ['len', 'len(proc.name) = 4', ev.exec, true],
  ['len_utf8_bytes', 'len(proc.name) = 5', ev.utf, true],
  ['b64', 'b64(proc.args) = hello', ev.b64, true],
  ['tolower_missing', 'tolower(proc.name) != x', ev.noProc, false],
  ['join', 'join("-", (proc.name, proc.pname)) = bash-sshd', ev.exec, true],
  ['join_value', 'join("/", (proc.name, "x")) = "bash/x"', ev.exec, true],
  ['join_skips_missing', 'join(",", (proc.name, fd.name)) = bash', ev.exec, true],
  // field to field
  ['f2f_eq', 'proc.name = val(proc.name)', ev.exec, true],
  ['f2f_ne', 'proc.name != val(proc.pname)', ev.exec, true],
  ['f2f_num', 'proc.pid > val(proc.ppid)', ev.exec, true],
  ['f2f_missing', 'proc.name != val(proc.pname)', ev.orphan, false],
  // process tree
  ['pname', 'proc.pname = sshd', ev.exec, true],
  ['aname_any', 'proc.aname = systemd', ev.exec, true],
  ['aname_any_self', 'proc.aname = bash', ev.exec, false],
  ['aname_idx', 'proc.aname[2] = systemd', ev.exec, true],
  ['aname_idx0', 'proc.aname[0] = bash', ev.exec, true],
  ['aname_in', 'proc.aname in (x, sshd)', ev.exec, true],
  ['apid', 'proc.apid[1] = 812', ev.exec, true],
  ['sname', 'proc.sname = bash', execve(cat), true],
  ['args_idx', 'proc.args[1] = "cat /etc/shadow"', ev.exec, true],
  ['env_key', 'proc.env[TERM] = xterm', ev.exec, true],
  ['env', 'proc.env contains "HOME=/root TERM"', ev.exec, true],
  ['caps', 'thread.cap_effective contains CAP_SYS_ADMIN', ev.exec, true],
  ['caps_first', 'thread.cap_permitted startswith "CAP_CHOWN CAP_SYS_ADMIN"', ev.exec, true],
  ['container', 'container.id != host and container.image.repository endswith nginx', ev.exec, true],
  ['container_host', 'container.id = host', execve(sshd), true],
  ['container_priv', 'container.privileged = true', ev.exec, true],
  ['mount_dest', 'container.mount.dest[/var/run/docker.sock] = /var/run/docker.sock', ev.exec, true],
  ['mount_glob', 'container.mount.dest[/srv*] = /usr/share/nginx/html', ev.exec, true],
  ['k8s', 'k8s.ns.name = default and k8s.pod.name startswith web', ev.exec, true],
  ['user', 'user.name = alice and group.name = staff and user.loginname = alice', ev.exec, true],
  // events and fds
  ['evt_type', 'evt.type = openat', ev.bashOpen, true],
  ['evt_type_ne', 'evt.type != openat', ev.exec, true],
  ['evt_type_in', 'evt.type in (open, openat)', ev.bashOpen, true],
  ['evt_type_unknown', 'evt.type = mmap', ev.bashOpen, false],
  ['evt_type_str', 'evt.type startswith open', ev.bashOpen, true],
  ['evt_dir', 'evt.dir = <', ev.bashOpen, true],
  ['flags_text', 'evt.arg.flags = "O_CREAT|O_WRONLY|O_CLOEXEC"', ev.write, true],
  ['flags_rdonly', 'evt.arg.flags = O_RDONLY', ev.bashOpen, true],
  ['flags_contains', 'evt.arg.flags contains O_CREAT', ev.write, true],
  ['res_errno', 'evt.res = ENOENT', ev.failed, true],
  ['res_success', 'evt.res = SUCCESS', ev.bashOpen, true],
  ['res_startswith_e', 'evt.res startswith E', ev.bashOpen, false],
  ['ptrace_req', 'evt.arg.request contains PTRACE_ATTACH', ev.ptrace, true],
  ['setuid_name', 'evt.arg.uid = root', ev.setuid, true],
  ['chmod_mode', 'evt.arg.mode contains S_ISUID', ev.chmod, true],
  ['chmod_mode_text', 'evt.arg.mode = "S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID"', ev.chmod, true],
  ['domain', 'evt.arg.domain contains AF_PACKET', ev.socket, true],
  // libs' mount_flags/umount_flags names carry no MS_/MNT_ prefix
  ['mount_flags', 'evt.arg.flags = "RDONLY|NOSUID|BIND" and evt.arg.dir = /host and evt.arg.type = overlay', ev.mount, true],
  ['umount_flags', 'evt.arg.flags = DETACH and evt.arg.name = /host', ev.umount2, true],
  ['arg_name', 'evt.arg.name = /etc/shadow', ev.catShadow, true],
  ['arg_missing_type', 'evt.arg.name exists', ev.exec, false],
  ['rawarg', 'evt.rawarg.flags = 1', ev.bashOpen, true],
  ['typechar', 'fd.typechar = f', ev.bashOpen, true],
  ['typechar_ne_socket', 'fd.typechar != f', ev.conn4, true],
  ['typechar_ne_nofd', 'fd.typechar != f', ev.noFd, false],
  ['typechar_in', 'fd.typechar in (4, 6)', ev.conn6, true],
  ['typechar_str_op', 'fd.typechar startswith 4', ev.conn4, true],
  ['fd_type_in', 'fd.type in (ipv4, ipv6)', ev.conn6, true],
  ['fd_type_ne_nofd', 'fd.type != file', ev.noFd, false],
  ['evt_dir_enter', 'evt.dir = ">"', { ...ev.exec, dir: '>' }, true],
  ['evt_dir_ne', 'evt.dir != "<"', ev.exec, false],
  ['evt_dir_other', 'evt.dir != x', ev.exec, true],
  ['fd_type', 'fd.type = ipv4', ev.conn4, true],
  ['directory', 'fd.directory = /etc/ssl/certs', ev.bashOpen, true],
  ['filename', 'fd.filename = ca.pem', ev.bashOpen, true],
  ['directory_root_file', 'fd.directory = / and fd.filename = x', openat(bash, '/x'), true],
  ['directory_trailing_slash', 'fd.directory = /etc/ and fd.filename = /etc/', openat(bash, '/etc/'), true],
  ['directory_relative', 'fd.directory = / and fd.filename = / ', openat(bash, 'relative'), true],
  ['l4proto', 'fd.l4proto = tcp', ev.conn4, true],
  ['sockfamily', 'fd.sockfamily = ip', ev.conn6, true],
  ['connected', 'fd.connected = true', ev.conn4, true],
  // addresses and networks
  ['sip', 'fd.sip = 93.184.216.34', ev.conn4, true],
  ['sip_miss', 'fd.sip = 93.184.216.35', ev.conn4, false],
  ['snet', 'fd.snet = 93.184.0.0/16', ev.conn4, true],
  ['snet_in', 'fd.snet in (10.0.0.0/8, 93.184.216.0/24)', ev.conn4, true],
  ['cnet_all', 'fd.cnet = 0.0.0.0/0', ev.conn4, true],
  ['net_either', 'fd.net = 10.0.0.0/8', ev.conn4, true],
  ['ip_either', 'fd.ip = 10.0.0.2', ev.conn4, true],
  ['ip_ne_one_endpoint', 'fd.ip != 10.0.0.2', ev.conn4, false],
  ['ip_ne_both', 'fd.ip != 10.9.9.9', ev.conn4, true],
  ['net_ne_one_endpoint', 'fd.net != 10.0.0.0/8', ev.conn4, false],
  ['port_ne_one_endpoint', 'fd.port != 443', ev.conn4, false],
  ['sip_v6', 'fd.sip = "::1"', ev.conn6, true],
  ['sip_v6_vs_v4', 'fd.sip = 0.0.0.1', ev.conn6, false],
  ['snet_v6', 'fd.cnet = "2001:db8::/32"', ev.conn6, true],
  ['snet_v6_miss', 'fd.cnet = "2001:db9::/32"', ev.conn6, false],
  ['sip_in_mixed', 'fd.sip in ("::1", 1.2.3.4)', ev.conn6, true],
  ['ip_missing', 'fd.sip != 1.2.3.4', ev.bashOpen, false],
  ['sport', 'fd.sport = 443', ev.conn4, true],
  ['sport_in', 'fd.sport in (80, 443)', ev.conn4, true],
  ['port_either', 'fd.port = 51000', ev.conn4, true],
  ['lport', 'fd.lport = 51000', ev.conn4, true],
  ['rport', 'fd.rport = 443', ev.conn4, true],
  ['sport_range', 'fd.sport >= 400 and fd.sport <= 500', ev.conn4, true],
];

describe('operators, modifiers and transformers in the compiled engine', () => {
  let engine: CompiledEngine;
  beforeAll(async () => {
    // every case rule runs for every event type, so that matching case rules cannot shadow others
    engine = await engineFor(rulesYaml(Object.fromEntries(CASES.map(([n, c]) => [n, c]))), 'all', true);
  });

  it('compiles every case rule', () => {
    expect(engine.ruleset.rules.map((r) => r.name)).toEqual(CASES.map(([n]) => n));
  });

  for (const [name, condition, event, expected] of CASES) {
    it(`${name}: ${condition} -> ${expected}`, () => {
      const names = matchNames(engine, [event])[0]!;
      expect(names.includes(name)).toBe(expected);
    });
  }

  it('evaluates all cases in one batch the same as one by one', () => {
    const events = CASES.map(([, , e]) => e);
    const together = matchNames(engine, events);
    events.forEach((e, i) => expect(together[i]).toEqual(matchNames(engine, [e])[0]));
  });
});
