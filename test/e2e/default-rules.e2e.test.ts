// End to end: the real `saker` with its embedded default configuration (the bundled rules/ folder,
// no -r), the real kernel, and for each host-side default rule the real action that should trigger
// it next to a benign neighbour that should not. One daemon writes JSON alerts to a file; the
// actions run as children of a script named `e2e-act-<pid>` (run by a bash copy named `e2e-gp`), so
// every alert of interest has proc.pname = that name. The suite asserts each rule's alerts from
// that parent one by one (rule name and key output fields) and then that no other default rule
// fired for that parent: the benign neighbours stay silent. Two container rules run in a real
// busybox container (`docker exec` from the same script), checked by container name. Under CI=true
// the suite must run (the BPF and Docker support modules fail without them); elsewhere it is
// skipped with the reason printed. Not covered here: Saker Mount in Privileged Container (the capture
// has no mount event yet), Package Management and Unexpected Program (in
// default-rules-container.e2e.test.ts, which builds the image the latter needs), and Kernel Module
// Loaded on kernels without module support (see below).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailable, TEST_IMAGE } from '../container/support.js';
import { bpfAvailable } from '../native/support.js';
import { BIN, readJsonAlerts, ROOT, runUnderE2eGp, terminate, until, type JsonAlert } from './support.js';

// Unique per run (and at most 15 characters, the kernel's comm length): the daemon sees the whole
// host, so a concurrent run of this or another e2e suite must not add alerts to this run's parent.
const PARENT = `e2e-act-${process.pid}`;
const CONTAINER = `saker-dflt-e2e-${process.pid}`;
const TAG = `saker-dflt-e2e-${process.pid}`;
// A kernel built without module support (CONFIG_MODULES=n, as on some microVM kernels) has no
// finit_module tracepoint and answers ENOSYS: there is nothing to capture and the rule cannot fire.
const FINIT_MODULE_TRACEPOINT = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'].some((t) => existsSync(join(t, 'events', 'syscalls', 'sys_exit_finit_module')));
const TRACEFS_READABLE = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'].some((t) => existsSync(join(t, 'events', 'syscalls', 'sys_exit_openat')));

/** A non-loopback IPv4 address of this host (the mining-pool rule ignores 127.0.0.0/8). */
function hostIPv4(): string | undefined {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

/** The real python3 binary (pyenv's `python3` is a shell script shim). */
const python = (): string | undefined => {
  const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};

const ip = hostIPv4();
const py = python();
const tools = ['strace', 'gdb', 'useradd', 'getent', 'curl'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const missing =
  ip === undefined ? 'no non-loopback IPv4 address' : py === undefined ? 'python3 is missing' : tools.length > 0 ? `missing tools: ${tools.join(', ')}` : undefined;
if (bpfAvailable && missing !== undefined) {
  if (process.env.CI === 'true') throw new Error(`CI=true but the default-rules e2e suite cannot run: ${missing}`);
  process.stderr.write(`[skip] e2e default rules: ${missing}\n`);
}

function listen(host: string, port: number): Promise<Server | undefined> {
  const server = createServer((c) => c.end());
  return new Promise((r) => {
    server.once('error', () => r(undefined));
    server.listen(port, host, () => r(server));
  });
}

describe.skipIf(!bpfAvailable || missing !== undefined)('saker with its default rules on the real kernel', () => {
  // Not below /tmp: helper binaries copied here run as children of the actions script, and a
  // program run from /tmp is itself an alert of the default rules.
  mkdirSync('/srv', { recursive: true });
  const dir = mkdtempSync('/srv/saker-dflt-e2e-');
  const jsonFile = join(dir, 'alerts.json');
  let daemon: ChildProcess;
  let stderr = '';
  let exitCode: number | null = null;
  const servers: Server[] = [];
  let port = 0;
  let poolPort = 0;
  let alerts: JsonAlert[] = [];

  beforeAll(async () => {
    // tsc still emits when files elsewhere in the tree have type errors.
    spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
    expect(existsSync(join(ROOT, 'dist', 'host', 'cli', 'main.js'))).toBe(true);
    const local = await listen('0.0.0.0', 0);
    expect(local).toBeDefined();
    servers.push(local!);
    port = (local!.address() as { port: number }).port;
    // A stratum port on this host's own address (the rule only looks at the remote port and net).
    for (const p of [3333, 3334, 4444, 7777, 14444]) {
      const s = await listen(ip!, p);
      if (s !== undefined) {
        servers.push(s);
        poolPort = p;
        break;
      }
    }
    expect(poolPort).toBeGreaterThan(0);

    daemon = spawn(
      process.execPath,
      [BIN, '-o', 'watch_config_files=false', '-o', 'json_output=true', '-o', 'stdout_output.enabled=false', '-o', 'file_output.enabled=true', '-o', `file_output.filename=${jsonFile}`],
      { cwd: dir, env: { ...process.env, SAKER_CONFIG_PATH: '/nonexistent/saker.yaml', TZ: 'UTC', FALCO_HOSTNAME: 'e2e-host' } },
    );
    daemon.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    daemon.stdout!.resume();
    expect(await until(() => stderr.includes('One ring buffer every') || daemon.exitCode !== null, 45_000)).toBe(true);
    expect(daemon.exitCode, stderr).toBe(null);

    if (dockerAvailable) {
      const run = spawnSync('docker', ['run', '-d', '--rm', '--network', 'none', '--name', CONTAINER, TEST_IMAGE, 'sleep', '60'], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      // Give the daemon's Docker lookup time to land before the container's actions.
      await new Promise((r) => setTimeout(r, 1500));
    }
    const inContainer = (cmd: string): string => (dockerAvailable ? `docker exec ${CONTAINER} sh -c '${cmd}'` : 'true');

    copyFileSync('/bin/bash', join(dir, 'ls'));
    copyFileSync('/bin/dash', join(dir, 'logrotate'));
    mkdirSync(join(dir, 'home'));
    mkdirSync(join(dir, 'search'));
    writeFileSync(join(dir, 'search', 'notes.txt'), 'TODO nothing secret\n');
    writeFileSync(join(dir, 'modfile'), 'not a kernel module\n');
    const script = join(dir, PARENT);
    const lines = [
      '#!/bin/bash',
      // Sensitive File Read / benign: /etc/passwd.
      'cat /etc/shadow > /dev/null',
      'cat /etc/passwd > /dev/null',
      // Write Below Etc / benign: the same write in the work folder.
      `sh -c 'echo x > /etc/${TAG}.conf'`,
      `rm -f /etc/${TAG}.conf`,
      `sh -c 'echo x > ${dir}/${TAG}.conf'`,
      // Write Below Root Home / benign: a cache folder below /root.
      `sh -c 'echo x > /root/.${TAG}'`,
      `rm -f /root/.${TAG}`,
      `mkdir -p /root/.cache && sh -c 'echo x > /root/.cache/${TAG}'`,
      `rm -f /root/.cache/${TAG}`,
      // Write Below Binary or Library Directory / benign: a copy into the work folder.
      `cp /bin/true /usr/local/bin/${TAG}`,
      `rm -f /usr/local/bin/${TAG}`,
      `cp /bin/true ${dir}/${TAG}-true`,
      // Shell History Deleted / benign: another file in the same HOME.
      `touch ${dir}/home/.bash_history ${dir}/home/notes.txt`,
      `rm ${dir}/home/.bash_history`,
      `rm ${dir}/home/notes.txt`,
      // Log File Cleared (truncate by open, then delete) / benign: the same by a `logrotate`.
      `touch /var/log/${TAG}.log`,
      `sh -c ': > /var/log/${TAG}.log'`,
      `rm -f /var/log/${TAG}.log`,
      `touch /var/log/${TAG}-rot.log`,
      `${dir}/logrotate -c ': > /var/log/${TAG}-rot.log; rm -f /var/log/${TAG}-rot.log; true'`,
      // Fileless Execution via memfd / benign: /bin/true.
      `${py} -c "import os; fd=os.memfd_create('${TAG}', 0); os.write(fd, open('/bin/true','rb').read()); os.execv('/proc/self/fd/%d' % fd, ['saker-memfd'])"`,
      '/bin/true',
      // Execution from Temporary Directory (/dev/shm and /tmp).
      `cp /bin/true /dev/shm/${TAG} && /dev/shm/${TAG}`,
      `rm -f /dev/shm/${TAG}`,
      `cp /bin/true /tmp/${TAG} && /tmp/${TAG}`,
      `rm -f /tmp/${TAG}`,
      // Ptrace Attach / benign: strace -p on another sleeper.
      'sleep 1 </dev/null >/dev/null 2>&1 & strace -o /dev/null -p $!',
      'sleep 5 </dev/null >/dev/null 2>&1 & echo $! > ptrace.pid',
      `${py} -c "import ctypes; libc=ctypes.CDLL(None); libc.ptrace(16, $(cat ptrace.pid), 0, 0)"`,
      // The tracer exits without detaching: the sleep stays stopped, so SIGKILL.
      'kill -9 $(cat ptrace.pid)',
      // Ptrace Anti-Debug / benign: gdb's child asking to be traced.
      `${py} -c "import ctypes; libc=ctypes.CDLL(None); libc.ptrace(0, 0, 0, 0)"`,
      'gdb -nx -batch -ex run /bin/true > /dev/null 2>&1',
      // Crypto Miner Launched / benign: an ordinary URL.
      '/bin/true stratum+tcp://pool.invalid:3333',
      '/bin/true http://example.invalid',
      // Credential Search / benign: a search for TODO.
      `grep -r "PRIVATE KEY" ${dir}/search || true`,
      `grep -r TODO ${dir}/search > /dev/null`,
      // Kernel Module Loaded: finit_module of a file that is no module (the kernel refuses it).
      `${py} -c "import ctypes, os; libc=ctypes.CDLL(None); fd=os.open('${dir}/modfile', os.O_RDONLY); libc.syscall(313, fd, b'', 0)"`,
      // Cgroup Release Agent Write (a scratch file of that name) / benign: notify_on_release.
      `sh -c 'echo x > ${dir}/release_agent'`,
      `sh -c 'echo 1 > ${dir}/notify_on_release'`,
      // Setuid or Setgid Bit Set / benign: chmod 755.
      `touch ${dir}/suid && chmod 755 ${dir}/suid && chmod u+s ${dir}/suid`,
      // User Management Binary Run / benign: getent.
      'useradd --help > /dev/null || true',
      'getent passwd root > /dev/null',
      // Reverse Shell (a socket dup2'd onto stdin) / benign: pipes onto stdio.
      `bash -c 'exec 0<>/dev/tcp/127.0.0.1/${port}'`,
      "bash -c 'ls / | wc -l > /dev/null'",
      // Network Activity from Silent System Binary (a bash copy named ls) / benign: curl.
      `${dir}/ls -c 'exec 3<>/dev/tcp/127.0.0.1/${port}'`,
      `curl -s -o /dev/null http://127.0.0.1:${port}/ || true`,
      // Connection to Mining Pool Port / benign: the same connect to another port.
      `bash -c 'exec 3<>/dev/tcp/${ip}/${poolPort}'`,
      `bash -c 'exec 3<>/dev/tcp/${ip}/${port}'`,
      // In the container: Write to Container Immutable Directory / benign: /tmp.
      inContainer('echo x > /bin/planted'),
      inContainer('echo x > /tmp/ok'),
      // Dropped Binary Executed in Container / benign: the image's own busybox.
      inContainer('mkdir -p /opt && cp /bin/busybox /opt/bb-dropped && /opt/bb-dropped true'),
      inContainer('/bin/busybox true'),
      // Namespace Change in Container (unshare is refused there; the attempt alerts) / benign: the
      // same unshare on the host.
      inContainer('unshare -U true || true'),
      'unshare -U true',
      // Container With Sensitive Host Mount (the Docker socket) / benign: a data folder.
      dockerAvailable ? `docker run --rm --network none --name ${CONTAINER}-sock -v /var/run/docker.sock:/var/run/docker.sock ${TEST_IMAGE} true` : 'true',
      dockerAvailable ? `mkdir -p ${dir}/data && docker run --rm --network none --name ${CONTAINER}-data -v ${dir}/data:/data ${TEST_IMAGE} true` : 'true',
      // Terminal Shell in Container (docker exec -it under a pty from `script`) / benign: no tty.
      dockerAvailable ? `script -qec "docker exec -it ${CONTAINER} sh -c 'echo tty-shell'" /dev/null > /dev/null` : 'true',
      inContainer('echo no-tty-shell'),
      // The last action: its alert shows that everything before it has been evaluated.
      `cat /etc/gshadow > /dev/null`,
      '',
    ];
    writeFileSync(script, lines.join('\n'), { mode: 0o755 });
    expect(await runUnderE2eGp(dir, script)).toBe(0);
    await until(() => existsSync(jsonFile) && readFileSync(jsonFile, 'utf8').includes('/etc/gshadow'), 20_000);
    exitCode = await terminate(daemon);
    alerts = readJsonAlerts(jsonFile);
  }, 85_000);

  afterAll(async () => {
    if (dockerAvailable) spawnSync('docker', ['rm', '-f', CONTAINER, `${CONTAINER}-sock`, `${CONTAINER}-data`]);
    if (daemon && daemon.exitCode === null) daemon.kill('SIGTERM');
    for (const s of servers) s.close();
    for (const f of [`/etc/${TAG}.conf`, `/root/.${TAG}`, `/root/.cache/${TAG}`, `/usr/local/bin/${TAG}`, `/var/log/${TAG}.log`, `/var/log/${TAG}-rot.log`, `/dev/shm/${TAG}`, `/tmp/${TAG}`])
      rmSync(f, { force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  /** The alerts of `rule` raised for children of the actions script. */
  const of = (rule: string): JsonAlert[] => alerts.filter((a) => a.rule === rule && a.output_fields['proc.pname'] === PARENT);

  /** Exactly one alert of `rule` from the actions script, with these output fields. */
  function expectOne(rule: string, priority: string, fields: Record<string, unknown>): JsonAlert {
    const found = of(rule);
    expect(found.map((a) => a.output), `alerts of ${rule}`).toHaveLength(1);
    const a = found[0]!;
    expect(a.priority).toBe(priority);
    expect(a.source).toBe('syscall');
    expect(a.output_fields).toMatchObject({ 'user.name': 'root', 'container.id': 'host', ...fields });
    // Every default rule but the release_agent one prints the uid too.
    if ('user.uid' in a.output_fields) expect(a.output_fields['user.uid']).toBe(0);
    return a;
  }

  it('the daemon loaded the bundled default rules and exited 0 on SIGTERM', () => {
    expect(exitCode).toBe(0);
    expect(stderr).toContain("Opening 'syscall' source with modern BPF probe.");
  });

  it('Saker Sensitive File Read: cat /etc/shadow (and the last action, /etc/gshadow), not /etc/passwd', () => {
    const found = of('Saker Sensitive File Read').map((a) => a.output_fields['fd.name']);
    expect(found).toEqual(['/etc/shadow', '/etc/gshadow']);
    expect(of('Saker Sensitive File Read')[0]!.output_fields).toMatchObject({ 'proc.name': 'cat', 'proc.cmdline': 'cat /etc/shadow' });
  });

  it('Saker Write Below Etc: a shell writing /etc/<file>, not the same write elsewhere', () => {
    expectOne('Saker Write Below Etc', 'Error', { 'proc.name': 'sh', 'fd.name': `/etc/${TAG}.conf` });
  });

  it('Saker Write Below Root Home: /root/.<file>, not /root/.cache/<file>', () => {
    expectOne('Saker Write Below Root Home', 'Warning', { 'proc.name': 'sh', 'fd.name': `/root/.${TAG}` });
  });

  it('Saker Write Below Binary or Library Directory: cp into /usr/local/bin, not into the work folder', () => {
    expectOne('Saker Write Below Binary or Library Directory', 'Error', { 'proc.name': 'cp', 'fd.name': `/usr/local/bin/${TAG}` });
  });

  it('Saker Shell History Deleted: rm of .bash_history, not of notes.txt', () => {
    const a = expectOne('Saker Shell History Deleted', 'Warning', { 'proc.name': 'rm', 'evt.type': 'unlinkat' });
    expect(a.output).toContain(`${dir}/home/.bash_history`);
  });

  it('Saker Log File Cleared: truncation and removal by a shell and rm, not by logrotate', () => {
    const found = of('Saker Log File Cleared').map((a) => [a.output_fields['proc.name'], a.output_fields['evt.type']]);
    expect(found).toEqual([
      ['sh', 'openat'],
      ['rm', 'unlinkat'],
    ]);
    expect(alerts.filter((a) => a.rule === 'Saker Log File Cleared' && a.output.includes(`${TAG}-rot.log`))).toEqual([]);
  });

  it('Saker Fileless Execution via memfd: python executing a memfd', () => {
    const a = expectOne('Saker Fileless Execution via memfd', 'Critical', {});
    expect(a.output_fields['proc.exepath']).toBe(`/memfd:${TAG} (deleted)`);
  });

  it('Saker Execution from Temporary Directory: /dev/shm and /tmp, not /bin/true', () => {
    expect(of('Saker Execution from Temporary Directory').map((a) => a.output_fields['proc.exepath'])).toEqual([`/dev/shm/${TAG}`, `/tmp/${TAG}`]);
  });

  it('Saker Ptrace Attach: PTRACE_ATTACH from python, not strace -p', () => {
    const target = Number(readFileSync(join(dir, 'ptrace.pid'), 'utf8').trim());
    // evt.arg.* fields are rendered as text in the JSON output_fields, as in Falco.
    expectOne('Saker Ptrace Attach', 'Warning', { 'proc.pname': PARENT, 'evt.arg.request': 'PTRACE_ATTACH', 'evt.arg.pid': String(target) });
  });

  it('Saker Ptrace Anti-Debug: PTRACE_TRACEME from python, not from gdb', () => {
    const a = expectOne('Saker Ptrace Anti-Debug', 'Warning', {});
    expect(String(a.output_fields['proc.cmdline'])).toContain('libc.ptrace(0, 0, 0, 0)');
    expect(alerts.filter((a) => a.rule === 'Saker Ptrace Anti-Debug' && a.output_fields['proc.pname'] === 'gdb')).toEqual([]);
  });

  it('Saker Crypto Miner Launched: a stratum+tcp URL, not an http one', () => {
    expectOne('Saker Crypto Miner Launched', 'Critical', { 'proc.name': 'true', 'proc.cmdline': 'true stratum+tcp://pool.invalid:3333' });
  });

  it('Saker Credential Search: grep for PRIVATE KEY, not for TODO', () => {
    expectOne('Saker Credential Search', 'Warning', { 'proc.name': 'grep', 'proc.cmdline': `grep -r PRIVATE KEY ${dir}/search` });
  });

  it('Saker Kernel Module Loaded: finit_module of a non-module file (where the kernel has modules)', () => {
    if (FINIT_MODULE_TRACEPOINT) expectOne('Saker Kernel Module Loaded', 'Critical', { 'evt.type': 'finit_module' });
    else {
      // Only a kernel without modules excuses the missing alert, and tracefs must say so.
      expect(TRACEFS_READABLE).toBe(true);
      expect(existsSync('/proc/modules')).toBe(false);
      expect(of('Saker Kernel Module Loaded')).toEqual([]);
    }
  });

  it('Saker Cgroup Release Agent Write: a file named release_agent, not notify_on_release', () => {
    expectOne('Saker Cgroup Release Agent Write', 'Critical', { 'proc.name': 'sh', 'fd.name': `${dir}/release_agent` });
  });

  it('Saker Setuid or Setgid Bit Set: chmod u+s, not chmod 755', () => {
    const a = expectOne('Saker Setuid or Setgid Bit Set', 'Warning', { 'proc.name': 'chmod' });
    expect(String(a.output_fields['evt.arg.mode'])).toContain('S_ISUID');
  });

  it('Saker User Management Binary Run: useradd, not getent', () => {
    expectOne('Saker User Management Binary Run', 'Notice', { 'proc.name': 'useradd', 'proc.cmdline': 'useradd --help' });
  });

  it('Saker Reverse Shell: a TCP socket dup2-ed onto stdin, not pipes', () => {
    const a = expectOne('Saker Reverse Shell', 'Critical', { 'proc.name': 'bash', 'evt.rawres': 0 });
    expect(String(a.output_fields['fd.name'])).toMatch(new RegExp(`^127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:${port}$`));
  });

  it('Saker Network Activity from Silent System Binary: a program named ls connecting, not curl', () => {
    const a = expectOne('Saker Network Activity from Silent System Binary', 'Warning', { 'proc.name': 'ls', 'proc.exepath': `${dir}/ls` });
    expect(String(a.output_fields['fd.name'])).toMatch(new RegExp(`->127\\.0\\.0\\.1:${port}$`));
  });

  it('Saker Connection to Mining Pool Port: a stratum port on a non-loopback address, not another port', () => {
    expectOne('Saker Connection to Mining Pool Port', 'Warning', { 'proc.name': 'bash', 'fd.sport': poolPort });
  });

  /** The default rules' alerts raised inside the test container. */
  const inCtr = (): JsonAlert[] => alerts.filter((a) => a.output_fields['container.name'] === CONTAINER);

  it.skipIf(!dockerAvailable)('Saker Write to Container Immutable Directory: /bin/planted in a container, not /tmp/ok', () => {
    const found = inCtr().filter((a) => a.rule === 'Saker Write to Container Immutable Directory');
    expect(found.map((a) => a.output)).toHaveLength(1);
    expect(found[0]!.priority).toBe('Error');
    expect(found[0]!.output_fields).toMatchObject({ 'fd.name': '/bin/planted', 'container.image.repository': 'saker-test/busybox', 'container.image.tag': '1' });
  });

  it.skipIf(!dockerAvailable)('Saker Dropped Binary Executed in Container: a copied busybox, not the image one', () => {
    const found = inCtr().filter((a) => a.rule === 'Saker Dropped Binary Executed in Container');
    expect(found.map((a) => a.output)).toHaveLength(1);
    expect(found[0]!.output_fields).toMatchObject({ 'proc.exepath': '/opt/bb-dropped', 'container.image.repository': 'saker-test/busybox' });
  });

  it.skipIf(!dockerAvailable)('Saker Terminal Shell in Container: docker exec -it, not docker exec without a tty', () => {
    const found = inCtr().filter((a) => a.rule === 'Saker Terminal Shell in Container');
    expect(found.map((a) => a.output)).toHaveLength(1);
    expect(found[0]!.priority).toBe('Notice');
    expect(found[0]!.output_fields).toMatchObject({ 'proc.name': 'sh', 'proc.cmdline': 'sh -c echo tty-shell' });
    expect(found[0]!.output_fields['proc.tty']).not.toBe(0);
  });

  it.skipIf(!dockerAvailable)('Saker Namespace Change in Container: unshare -U in the container (refused), not on the host', () => {
    const found = inCtr().filter((a) => a.rule === 'Saker Namespace Change in Container');
    expect(found.map((a) => a.output)).toHaveLength(1);
    expect(found[0]!.output_fields).toMatchObject({ 'proc.name': 'unshare', 'evt.type': 'unshare', 'evt.res': 'EPERM' });
  });

  const ofCtr = (name: string): string[] => alerts.filter((a) => a.output_fields['container.name'] === name).map((a) => a.rule);

  it.skipIf(!dockerAvailable)('Saker Container With Sensitive Host Mount: the Docker socket mounted, not a data folder', () => {
    expect(ofCtr(`${CONTAINER}-sock`)).toEqual(['Saker Container With Sensitive Host Mount']);
    expect(ofCtr(`${CONTAINER}-data`)).toEqual([]);
  });

  it.skipIf(!dockerAvailable)('no other default rule fired in the container', () => {
    expect(inCtr().map((a) => a.rule).sort()).toEqual([
      'Saker Dropped Binary Executed in Container',
      'Saker Namespace Change in Container',
      'Saker Terminal Shell in Container',
      'Saker Write to Container Immutable Directory',
    ]);
  });

  it('no other default rule fired for the actions (the benign neighbours stay silent)', () => {
    const expected: Record<string, number> = {
      'Saker Sensitive File Read': 2,
      'Saker Log File Cleared': 2,
      'Saker Execution from Temporary Directory': 2,
    };
    const counts: Record<string, number> = {};
    for (const a of alerts) if (a.output_fields['proc.pname'] === PARENT) counts[a.rule] = (counts[a.rule] ?? 0) + 1;
    const rules = [
      'Saker Write Below Etc',
      'Saker Write Below Root Home',
      'Saker Write Below Binary or Library Directory',
      'Saker Shell History Deleted',
      'Saker Fileless Execution via memfd',
      'Saker Ptrace Attach',
      'Saker Ptrace Anti-Debug',
      'Saker Crypto Miner Launched',
      'Saker Credential Search',
      'Saker Cgroup Release Agent Write',
      'Saker Setuid or Setgid Bit Set',
      'Saker User Management Binary Run',
      'Saker Reverse Shell',
      'Saker Network Activity from Silent System Binary',
      'Saker Connection to Mining Pool Port',
    ];
    for (const r of rules) expected[r] = 1;
    if (FINIT_MODULE_TRACEPOINT) expected['Saker Kernel Module Loaded'] = 1;
    expect(counts).toEqual(expected);
  });
});
