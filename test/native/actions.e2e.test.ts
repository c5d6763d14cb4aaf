// More real actions the upstream rules look for, checked in the enriched events.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { eventTypeId } from '../../host/engine/event-types.js';
import { ancestors, bpfAvailable, captureDuring, findEvents, isMine } from './support.js';

const ids = (...names: string[]): number[] => names.map((n) => eventTypeId(n));
const PPM_O_WRONLY = 2n, PPM_O_CREAT = 4n, PPM_O_F_CREATED = 1n << 14n;

describe.skipIf(!bpfAvailable)('real actions on the real kernel', () => {
  test('dup a connected socket onto stdout: dup2 with res 1 and the socket as its fd', async () => {
    const server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const c = await captureDuring({ eventTypes: ids('dup2', 'dup3', 'fcntl') }, () => {
        spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}; exec 1>&3`], { stdio: 'ignore' });
      });
      const hits = findEvents(c, 'dup2', (f) => f.proc.name === 'bash' && f.event.res === 1n && isMine(f))
        .concat(findEvents(c, 'dup3', (f) => f.proc.name === 'bash' && f.event.res === 1n && isMine(f)))
        .filter((f) => f.event.fd?.type === 'ipv4');
      expect(hits.length).toBe(1);
      const { event } = hits[0]!;
      expect(event.fd?.server?.port).toBe(port);
      expect(event.fd?.l4proto).toBe('tcp');
      expect(event.args.newfd).toBe(1n);
    } finally {
      server.close();
    }
  });

  test('symlink and hard link over /etc files: targets and link paths', async () => {
    const sym = `/tmp/saker-sym-${process.pid}`, hard = `/tmp/saker-hard-${process.pid}`;
    rmSync(sym, { force: true });
    rmSync(hard, { force: true });
    try {
      const c = await captureDuring({ eventTypes: ids('symlink', 'symlinkat', 'link', 'linkat') }, () => {
        execFileSync('ln', ['-s', '/etc/shadow', sym]);
        spawnSync('ln', ['/etc/hostname', hard]); // may fail across file systems: the event shows it either way
      });
      const s = findEvents(c, 'symlinkat', (f) => f.proc.name === 'ln' && isMine(f)).concat(findEvents(c, 'symlink', (f) => f.proc.name === 'ln' && isMine(f)));
      expect(s.length).toBe(1);
      expect(s[0]!.event.args.target).toBe('/etc/shadow');
      expect(s[0]!.event.args.linkpath).toBe(sym);
      expect(s[0]!.event.res).toBe(0n);
      const l = findEvents(c, 'linkat', (f) => f.proc.name === 'ln' && isMine(f)).concat(findEvents(c, 'link', (f) => f.proc.name === 'ln' && isMine(f)));
      expect(l.length).toBe(1);
      expect(l[0]!.event.args.oldpath).toBe('/etc/hostname');
      expect(l[0]!.event.args.newpath).toBe(hard);
    } finally {
      rmSync(sym, { force: true });
      rmSync(hard, { force: true });
    }
  });

  test('write below /etc: openat with write and create flags, marked as created', async () => {
    const path = `/etc/saker-test-${process.pid}`;
    rmSync(path, { force: true });
    try {
      const c = await captureDuring({ eventTypes: ids('openat') }, () => {
        execFileSync('touch', [path]);
      });
      const hits = findEvents(c, 'openat', (f) => f.proc.name === 'touch' && f.event.fd?.name === path);
      expect(hits.length).toBe(1);
      const flags = hits[0]!.event.args.flags as bigint;
      expect(flags & PPM_O_WRONLY).toBe(PPM_O_WRONLY);
      expect(flags & PPM_O_CREAT).toBe(PPM_O_CREAT);
      expect(flags & PPM_O_F_CREATED).toBe(PPM_O_F_CREATED);
      expect(hits[0]!.event.fd?.type).toBe('file');
    } finally {
      rmSync(path, { force: true });
    }
  });

  test('relative paths resolve against the cwd and the dirfd; fd.nameraw keeps them as given', async () => {
    const c = await captureDuring({ eventTypes: ids('openat') }, () => {
      execFileSync('bash', ['-c', 'cd /etc && cat ./hostname ../etc/./hostname > /dev/null']);
    });
    const hits = findEvents(c, 'openat', (f) => f.proc.name === 'cat' && f.event.fd?.name === '/etc/hostname' && isMine(f));
    expect(hits.map((h) => h.event.args.name)).toEqual(['./hostname', '../etc/./hostname']);
    // fd.nameraw keeps the path as given (libs: the open's name parameter).
    expect(hits.map((h) => h.event.fd?.nameraw)).toEqual(['./hostname', '../etc/./hostname']);
    expect(hits[0]!.proc.cwd).toBe('/etc/');
  });

  test('setuid: the event names the user, and later events of the process carry the new uid', async () => {
    const c = await captureDuring({ eventTypes: ids('setuid', 'setresuid', 'openat') }, () => {
      execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'cat', '/etc/hostname']);
    });
    const set = findEvents(c, 'setresuid', (f) => f.proc.name === 'setpriv').concat(
      findEvents(c, 'setuid', (f) => f.proc.name === 'setpriv'),
    );
    expect(set.length).toBeGreaterThanOrEqual(1);
    const ev = set[0]!.event;
    const uidArg = (ev.args.euid ?? ev.args.uid) as { id: bigint; name: string | null };
    expect(uidArg.id).toBe(65534n);
    expect(uidArg.name).toBe('nobody');
    const opens = findEvents(c, 'openat', (f) => f.proc.name === 'cat' && f.event.fd?.name === '/etc/hostname' && isMine(f));
    expect(opens.length).toBe(1);
    expect(opens[0]!.proc.uid).toBe(65534);
    expect(opens[0]!.proc.userName).toBe('nobody');
    expect(opens[0]!.proc.groupName).toBe('nogroup');
  });

  test('exec from /dev/shm: exepath and the shell that started it', async () => {
    const bin = `/dev/shm/saker-true-${process.pid}`;
    copyFileSync('/bin/true', bin);
    execFileSync('chmod', ['+x', bin]);
    try {
      const c = await captureDuring({ eventTypes: ids('execve') }, () => {
        execFileSync('sh', ['-c', `${bin} one; exit 0`]);
      });
      const hits = findEvents(c, 'execve', (f) => f.proc.exepath === bin);
      expect(hits.length).toBe(1);
      // proc.exe_ino.ctime/mtime: the executable's inode times, as stat shows them.
      const st = statSync(bin, { bigint: true });
      expect(hits[0]!.proc.exeInoMtime).toBe(st.mtimeNs);
      expect(hits[0]!.proc.exeInoCtime).toBe(st.ctimeNs);
      expect(hits[0]!.proc.args).toBe('one');
      expect(ancestors(hits[0]!.batch, hits[0]!.proc)[0]?.name).toBe('sh');
    } finally {
      rmSync(bin, { force: true });
    }
  });

  test('ptrace: strace attaching shows the request', async () => {
    const c = await captureDuring({ eventTypes: ids('ptrace') }, () => {
      spawnSync('strace', ['-o', '/dev/null', 'true'], { stdio: 'ignore' });
    });
    const hits = findEvents(c, 'ptrace', (f) => f.proc.name === 'strace' && isMine(f));
    expect(hits.length).toBeGreaterThan(0);
    // PPM_PTRACE_SEIZE (20) or PPM_PTRACE_ATTACH (11) to start tracing the child.
    expect(hits.some((h) => h.event.args.request === 20n || h.event.args.request === 11n)).toBe(true);
  });

  test('process exit: a procexit event with the exit status, for the exited process', async () => {
    const c = await captureDuring({ eventTypes: ids('execve') }, () => {
      spawnSync('sh', ['-c', 'exit 3'], { stdio: 'ignore' });
    });
    const exits = findEvents(c, 'procexit', (f) => f.proc.name === 'sh' && f.proc.cmdline === 'sh -c exit 3');
    expect(exits.length).toBe(1);
    expect(exits[0]!.event.args.ret).toBe(3n);
    expect(exits[0]!.event.args.sig).toBe(0n);
    expect(exits[0]!.event.res).toBeNull();
  });

  test('a shell with a tty: proc.tty as /proc shows it, sid and the session leader', async () => {
    const c = await captureDuring({ eventTypes: ids('openat') }, () => {
      execFileSync('script', ['-qc', 'cat /proc/self/stat > /tmp/saker-tty-' + process.pid, '/dev/null'], { stdio: 'ignore' });
    });
    const stat = execFileSync('cat', [`/tmp/saker-tty-${process.pid}`]).toString();
    rmSync(`/tmp/saker-tty-${process.pid}`, { force: true });
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ttyNr = Number(fields[4]);
    const sid = Number(fields[3]);
    expect(ttyNr).toBeGreaterThan(0);
    const hits = findEvents(c, 'openat', (f) => f.proc.name === 'cat' && f.event.fd?.name === '/proc/self/stat' && isMine(f));
    // cat opens /proc/self/stat: the name as given, resolved fd.name is the same path
    expect(hits.length).toBe(1);
    const { proc, batch } = hits[0]!;
    expect(proc.tty).toBe(ttyNr);
    expect(proc.sid).toBe(sid);
    const leader = batch.processes[proc.sessionLeader ?? -1];
    expect(leader?.pid).toBe(sid);
    // cat runs under the shell script started on the pty.
    expect(ancestors(batch, proc).map((p) => p.name)).toContain('script');
  });

  test('exec of a memfd: execveat, proc.is_exe_from_memfd, and the memfd_create before it', async () => {
    const py = [
      'import os',
      'fd = os.memfd_create("saker-payload", 0)',
      'os.write(fd, open("/bin/true", "rb").read())',
      'os.execve(fd, ["payload", "arg1"], {})',
    ].join('\n');
    const c = await captureDuring({ eventTypes: ids('execveat', 'execve', 'memfd_create') }, () => {
      spawnSync('/usr/bin/python3', ['-c', py], { stdio: 'ignore' });
    });
    const created = findEvents(c, 'memfd_create', (f) => f.event.args.name === 'saker-payload');
    expect(created.length).toBe(1);
    expect(created[0]!.event.fd?.type).toBe('memfd');
    const execs = findEvents(c, 'execveat', (f) => f.proc.argv?.[0] === 'arg1').concat(
      findEvents(c, 'execve', (f) => f.proc.argv?.[0] === 'arg1' && f.proc.exe === 'payload'),
    );
    expect(execs.length).toBe(1);
    const { proc } = execs[0]!;
    expect(proc.exeFromMemfd).toBe(true);
    expect(proc.exe).toBe('payload');
    expect(proc.exepath).toBe('/memfd:saker-payload (deleted)');
  });

  test('fork: clone events in the parent (res = child pid) and in the child (res = 0)', async () => {
    const c = await captureDuring({ eventTypes: ids('clone', 'clone3', 'fork', 'vfork') }, () => {
      spawnSync('bash', ['-c', 'sleep 0 & wait'], { stdio: 'ignore' });
    });
    const all = ['clone', 'clone3', 'fork', 'vfork'].flatMap((t) => findEvents(c, t, (f) => f.proc.name === 'bash' && isMine(f)));
    const parent = all.find((f) => f.event.res !== null && f.event.res > 0n);
    expect(parent).toBeDefined();
    const childPid = Number(parent!.event.res);
    const child = all.find((f) => f.event.res === 0n && f.event.pid === childPid);
    expect(child).toBeDefined();
    expect(child!.proc.pid).toBe(childPid);
    expect(child!.proc.ppid).toBe(parent!.event.pid);
    expect(ancestors(child!.batch, child!.proc)[0]?.pid).toBe(parent!.event.pid);
  });

  test('orphans: when a parent exits, its children are adopted by the reaper the kernel picks', async () => {
    const out = `/tmp/saker-reaper-${process.pid}`;
    const script = `( sleep 0.3; cut -d' ' -f4 /proc/$BASHPID/stat > ${out}; head -c1 /etc/hostname > /dev/null ) & exit 0`;
    const c = await captureDuring({ eventTypes: ids('openat') }, async () => {
      spawnSync('bash', ['-c', script], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 800));
    });
    const reaper = Number(execFileSync('cat', [out]).toString().trim());
    rmSync(out, { force: true });
    expect(reaper).toBeGreaterThan(0);
    const hits = findEvents(c, 'openat', (f) => f.proc.name === 'head' && f.event.fd?.name === '/etc/hostname');
    expect(hits.length).toBe(1);
    const chain = ancestors(hits[0]!.batch, hits[0]!.proc);
    expect(chain[0]?.name).toBe('bash'); // the subshell
    expect(chain[1]?.pid).toBe(reaper); // its exited parent's place is taken by the reaper
    // The parent's exit names the same reaper (the subshell, which exits later, has the same cmdline).
    const exits = findEvents(c, 'procexit', (f) => f.proc.cmdline === `bash -c ${script}` && f.event.pid !== chain[0]!.pid);
    expect(exits.length).toBe(1);
    expect(exits[0]!.event.args.reaper_tid).toBe(BigInt(reaper));
  });

  test('a group leader that exits before its other threads stays the parent of its children until the group is gone', async () => {
    // The main thread starts a child, then leaves with SYS_exit (60) while a second thread lives on
    // for 1 s; the child's own child runs at 0.4 s, when its grandparent is an exited leader.
    const py = [
      'import ctypes, os, subprocess, sys, threading, time',
      'threading.Thread(target=lambda: time.sleep(1.0)).start()',
      "subprocess.Popen(['sh', '-c', 'sleep 0.4; head -c1 /etc/hostname > /dev/null'])",
      'print(os.getpid(), flush=True)',
      'ctypes.CDLL(None).syscall(60, 0)',
    ].join('\n');
    let leader = 0;
    const c = await captureDuring({ eventTypes: ids('openat') }, async () => {
      const r = spawnSync('python3', ['-c', py], { encoding: 'utf8' });
      leader = Number(r.stdout.trim());
      await new Promise((res) => setTimeout(res, 1500));
    });
    expect(leader).toBeGreaterThan(0);
    const hits = findEvents(c, 'openat', (f) => f.proc.name === 'head' && f.event.fd?.name === '/etc/hostname');
    expect(hits.length).toBe(1);
    const chain = ancestors(hits[0]!.batch, hits[0]!.proc);
    expect(chain[0]?.name).toBe('sh');
    expect(chain[1]?.pid).toBe(leader); // the exited leader, still named while its thread lives
  });

  test('sendto/recvfrom/sendmsg/recvmsg carry the data (evt.buffer, up to 80 bytes)', async () => {
    const py = [
      'import socket',
      'r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(("127.0.0.1", 0))',
      's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
      'payload = bytes.fromhex("cafebabe") + b"x" * 100',
      's.sendto(payload, r.getsockname())',
      'r.recvfrom(4096)',
      's.connect(r.getsockname()); s.sendmsg([b"msg-part-1", b"msg-part-2"])',
      'r.recvmsg(4096)',
    ].join('\n');
    const c = await captureDuring({ eventTypes: ids('sendto', 'recvfrom', 'sendmsg', 'recvmsg') }, () => {
      spawnSync('/usr/bin/python3', ['-c', py], { stdio: 'ignore' });
    });
    const expected = Buffer.concat([Buffer.from('cafebabe', 'hex'), Buffer.alloc(76, 'x')]);
    const sent = findEvents(c, 'sendto', (f) => f.proc.name?.startsWith('python') === true && isMine(f));
    const got = findEvents(c, 'recvfrom', (f) => f.proc.name?.startsWith('python') === true && isMine(f));
    expect(sent.length).toBe(1);
    expect(got.length).toBe(1);
    expect(sent[0]!.event.res).toBe(104n);
    expect(Buffer.from(sent[0]!.event.args.data as Uint8Array)).toEqual(expected);
    expect(Buffer.from(got[0]!.event.args.data as Uint8Array)).toEqual(expected);
    expect(got[0]!.event.args.size).toBe(4096n);
    // sendmsg/recvmsg: the first iovec's data (the receiver's single buffer holds both parts).
    const sentMsg = findEvents(c, 'sendmsg', (f) => f.proc.name?.startsWith('python') === true && isMine(f));
    const gotMsg = findEvents(c, 'recvmsg', (f) => f.proc.name?.startsWith('python') === true && isMine(f));
    expect(sentMsg.length).toBe(1);
    expect(gotMsg.length).toBe(1);
    expect(Buffer.from(sentMsg[0]!.event.args.data as Uint8Array).toString()).toBe('msg-part-1');
    expect(Buffer.from(gotMsg[0]!.event.args.data as Uint8Array).toString()).toBe('msg-part-1msg-part-2');
  });

  test('exec from an overlayfs upper layer: proc.is_exe_upper_layer, and not for a lower-layer file', async () => {
    const { mkdtempSync, mkdirSync } = await import('node:fs');
    const base = mkdtempSync('/tmp/saker-ovl-');
    for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(`${base}/${d}`);
    copyFileSync('/bin/true', `${base}/lower/from-lower`);
    const mounted = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${base}/lower,upperdir=${base}/upper,workdir=${base}/work`, `${base}/merged`]);
    expect(mounted.status, 'mount -t overlay').toBe(0);
    try {
      copyFileSync('/bin/true', `${base}/merged/from-upper`);
      execFileSync('chmod', ['+x', `${base}/merged/from-upper`]);
      const c = await captureDuring({ eventTypes: ids('execve') }, () => {
        execFileSync(`${base}/merged/from-upper`);
        execFileSync(`${base}/merged/from-lower`);
      });
      const up = findEvents(c, 'execve', (f) => f.proc.exepath === `${base}/merged/from-upper`);
      const low = findEvents(c, 'execve', (f) => f.proc.exepath === `${base}/merged/from-lower`);
      expect(up.length).toBe(1);
      expect(low.length).toBe(1);
      expect(up[0]!.proc.exeUpperLayer).toBe(true);
      expect(low[0]!.proc.exeUpperLayer).toBe(false);
    } finally {
      spawnSync('umount', [`${base}/merged`]);
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('a socket connected before the start is known from /proc/net when it is used later', async () => {
    const server = createServer((s) => s.on('error', () => {}));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const { spawn } = await import('node:child_process');
    const accepted = new Promise((r) => server.once('connection', r));
    const child = spawn('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}; sleep 1.5; exec 1>&3`], { stdio: 'ignore' });
    try {
      await accepted; // connected before the capture starts (a fixed wait was too short under load)
      const c = await captureDuring({ eventTypes: ids('dup2', 'dup3') }, async () => {
        await new Promise((r) => child.on('exit', r));
      });
      const hits = findEvents(c, 'dup2', (f) => f.event.pid === child.pid && f.event.res === 1n).concat(
        findEvents(c, 'dup3', (f) => f.event.pid === child.pid && f.event.res === 1n),
      );
      expect(hits.length).toBe(1);
      const fd = hits[0]!.event.fd!;
      expect(fd.type).toBe('ipv4');
      expect(fd.l4proto).toBe('tcp');
      expect(fd.server).toEqual({ ip: '127.0.0.1', port });
      expect(fd.name).toBe(`127.0.0.1:${fd.client!.port}->127.0.0.1:${port}`);
    } finally {
      child.kill();
      server.close();
    }
  });

  test('a renamed parent: prctl(PR_SET_NAME) renames the thread for the events that follow', async () => {
    const py = [
      'import ctypes, os',
      'ctypes.CDLL(None).prctl(15, b"renamed-parent", 0, 0, 0)',
      'os.system("cat /etc/hostname > /dev/null")',
    ].join('\n');
    const c = await captureDuring({ eventTypes: ids('openat', 'prctl') }, () => {
      spawnSync('/usr/bin/python3', ['-c', py], { stdio: 'ignore' });
    });
    const renames = findEvents(c, 'prctl', (f) => f.event.args.arg2_str === 'renamed-parent');
    expect(renames.length).toBe(1);
    expect(renames[0]!.proc.name).toBe('renamed-parent'); // the state after the call, as libs shows it
    const hits = findEvents(c, 'openat', (f) => f.proc.name === 'cat' && f.event.fd?.name === '/etc/hostname' && isMine(f));
    expect(hits.length).toBe(1);
    const chain = ancestors(hits[0]!.batch, hits[0]!.proc).map((p) => p.name);
    expect(chain.slice(0, 2)).toEqual(['sh', 'renamed-parent']); // os.system runs sh -c
  });
});
