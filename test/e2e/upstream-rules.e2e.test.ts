// End to end: the real `saker` (bin/saker.js over dist/) with the four upstream rules files, the
// real kernel, real actions on this host, and the exact alert lines, in text (stdout) and JSON
// (file_output). Each action is crafted from the upstream rule's condition; the processes run
// under a parent whose name the test chooses (a copy of bash named `e2e-gp` running the script
// `e2e-actions`), so `parent=` and `command=` are fixed. Under CI=true the suite must run (the
// shared support module fails without BPF); elsewhere it is skipped with the reason printed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bpfAvailable } from '../native/support.js';
import { sharedAvailable, sharedPath, UPSTREAM_RULES_FILES } from '../support/shared.js';
import { readJsonAlerts, ROOT, runUnderE2eGp, startSaker, stopSaker, until, type Daemon, type JsonAlert } from './support.js';

const TIME = '\\d\\d:\\d\\d:\\d\\d\\.\\d{9}';
// The embedded defaults append the container plugin's suggested fields (Falco's shipped
// `append_output: [{suggested_output: true}]`); these processes run on the host.
const HOST_SUGGESTED =
  ' container_id=host container_name=host container_image_repository= container_image_tag= k8s_pod_name=<NA> k8s_ns_name=<NA>';

/** A non-loopback IPv4 address of this host (the network rule ignores 127.0.0.0/8). */
function hostIPv4(): string | undefined {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

const python = (): string | undefined => {
  const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};

const ip = hostIPv4();
const py = python();
const missing = !sharedAvailable ? '../shared is missing' : ip === undefined ? 'no non-loopback IPv4 address' : py === undefined ? 'python3 is missing' : undefined;
if (bpfAvailable && missing !== undefined) {
  if (process.env.CI === 'true') throw new Error(`CI=true but the e2e suite cannot run: ${missing}`);
  process.stderr.write(`[skip] e2e upstream rules: ${missing}\n`);
}

/** The four upstream files, no config file. */
function startWithRules(dir: string, extra: string[]): Daemon {
  const rules = UPSTREAM_RULES_FILES.flatMap((f) => ['-r', sharedPath('falco-rules', f)]);
  return startSaker(dir, [...rules, '-o', 'watch_config_files=false', ...extra]);
}

describe.skipIf(!bpfAvailable || missing !== undefined)('saker with the upstream rules on the real kernel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'saker-e2e-'));
  const jsonFile = join(dir, 'alerts.json');
  let text: Daemon;
  let json: Daemon;
  let server: Server;
  let port = 0;
  let ptraceTarget = 0;
  let textExit: number | null = null;
  let jsonExit: number | null = null;

  beforeAll(async () => {
    // tsc still emits when files elsewhere in the tree have type errors.
    spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
    expect(existsSync(join(ROOT, 'dist', 'host', 'cli', 'main.js'))).toBe(true);
    server = createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
    port = (server.address() as { port: number }).port;

    text = startWithRules(dir, ['-U']);
    json = startWithRules(dir, ['-o', 'json_output=true', '-o', 'stdout_output.enabled=false', '-o', 'file_output.enabled=true', '-o', `file_output.filename=${jsonFile}`]);
    const ready = (d: Daemon) => () => d.stderr().includes("One ring buffer every '2' CPUs.") || d.child.exitCode !== null;
    expect(await until(ready(text), 45_000)).toBe(true);
    expect(await until(ready(json), 45_000)).toBe(true);
    expect(text.child.exitCode).toBe(null);
    expect(json.child.exitCode).toBe(null);

    // The actions. The parent is the script `e2e-actions`, run by a bash copy named `e2e-gp`.
    const script = join(dir, 'e2e-actions');
    writeFileSync(
      script,
      [
        '#!/bin/bash',
        'cat /etc/shadow > /dev/null',
        "sh -c 'echo x > /etc/saker-e2e-write'",
        'rm -f /etc/saker-e2e-write',
        'ln /etc/shadow /etc/saker-e2e-link',
        'rm -f /etc/saker-e2e-link',
        'cp /bin/true /dev/shm/saker-e2e-true && /dev/shm/saker-e2e-true',
        'rm -f /dev/shm/saker-e2e-true',
        `${py} -c "import os; fd=os.memfd_create('saker-e2e', 0); os.write(fd, open('/bin/true','rb').read()); os.execv('/proc/self/fd/%d' % fd, ['saker-memfd'])"`,
        'sleep 5 </dev/null >/dev/null 2>&1 & echo $! > ptrace.pid',
        `${py} -c "import ctypes; libc=ctypes.CDLL(None); libc.ptrace(16, $(cat ptrace.pid), 0, 0)"`,
        // The tracer exits without detaching: the sleep stays stopped, so SIGKILL.
        'kill -9 $(cat ptrace.pid)',
        `find ${dir} -name id_rsa`,
        `echo data > ${dir}/secret && shred ${dir}/secret`,
        "sh -c ': > /var/log/saker-e2e.log'",
        'rm -f /var/log/saker-e2e.log',
        `bash -c 'exec 3<>/dev/tcp/${ip}/${port}'`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    ptraceTarget = 0;
    expect(await runUnderE2eGp(dir, script)).toBe(0);
    ptraceTarget = Number(readFileSync(join(dir, 'ptrace.pid'), 'utf8').trim());
    const count = (s: string, needle: string): number => s.split(needle).length - 1;
    // The last action's alert in both, then the rest has been evaluated too (batches in order).
    await until(() => count(text.stdout(), 'Known system binary sent/received network traffic') > 0 && existsSync(jsonFile) && count(readFileSync(jsonFile, 'utf8'), 'Known system binary sent/received network traffic') > 0, 20_000);
    textExit = await stopSaker(text);
    jsonExit = await stopSaker(json);
  }, 85_000);

  afterAll(async () => {
    for (const d of [text, json]) if (d && d.child.exitCode === null) await stopSaker(d);
    server?.close();
    rmSync('/etc/saker-e2e-write', { force: true });
    rmSync('/etc/saker-e2e-link', { force: true });
  });

  /** The alerts of one rule whose process is a child of the actions script. */
  function textLines(rule: RegExp): string[] {
    return text.stdout().split('\n').filter((l) => rule.test(l) && l.includes('parent=e2e-actions'));
  }
  function jsonAlerts(rule: string): JsonAlert[] {
    return readJsonAlerts(jsonFile).filter((a) => a.rule === rule && a.output_fields['proc.pname'] === 'e2e-actions');
  }

  /** One alert of `rule` in both outputs, its output matching `pattern` (after the time stamp). */
  function expectAlert(rule: string, priority: string, pattern: string): JsonAlert {
    const full = new RegExp(`^${TIME}: ${priority} ${pattern}${HOST_SUGGESTED}$`);
    const lines = textLines(new RegExp(`^${TIME}: ${priority} `)).filter((l) => full.test(l));
    expect(lines, `text alert for ${rule}`).toHaveLength(1);
    const alerts = jsonAlerts(rule);
    expect(alerts, `JSON alert for ${rule}`).toHaveLength(1);
    const a = alerts[0]!;
    expect(a.priority).toBe(priority);
    expect(a.source).toBe('syscall');
    expect(a.hostname).toBe('e2e-host');
    expect(a.output).toMatch(full);
    // Same event in both daemons: the same line after the time stamp (each daemon converts boot
    // time to wall time with its own offset, read at its start, so the nanoseconds may differ).
    expect(a.output.replace(/^\S+ /, '')).toBe(lines[0]!.replace(/^\S+ /, ''));
    return a;
  }

  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const who = (process: string, exe: string, command: string): string =>
    esc(`user=root user_uid=0 user_loginuid=-1 process=${process} proc_exepath=${exe} parent=e2e-actions command=${command} terminal=0`);

  it('both daemons ran and exited 0 on SIGTERM', () => {
    expect(textExit).toBe(0);
    expect(jsonExit).toBe(0);
    expect(text.stderr()).toContain("Opening 'syscall' source with modern BPF probe.");
  });

  it('Read sensitive file untrusted: cat /etc/shadow', () => {
    const a = expectAlert(
      'Read sensitive file untrusted',
      'Warning',
      `Sensitive file opened for reading by non-trusted program \\| file=/etc/shadow gparent=e2e-gp ggparent=\\S+ gggparent=\\S+ evt_type=openat ${who('cat', '/usr/bin/cat', 'cat /etc/shadow')}`,
    );
    expect(a.output_fields).toMatchObject({ 'fd.name': '/etc/shadow', 'proc.name': 'cat', 'proc.aname[2]': 'e2e-gp', 'user.uid': 0, 'evt.type': 'openat' });
    expect(a.tags).toContain('T1555');
  });

  it('Write below etc (sandbox rule, write_etc_common): a shell writing /etc/saker-e2e-write', () => {
    expectAlert(
      'Write below etc',
      'Error',
      `File below /etc opened for writing \\| file=/etc/saker-e2e-write pcmdline=e2e-actions ${esc(join(dir, 'e2e-actions'))} gparent=e2e-gp ggparent=\\S+ gggparent=\\S+ evt_type=openat ${who('sh', '/usr/bin/dash', "sh -c echo x > /etc/saker-e2e-write")}`,
    );
  });

  it('Create Hardlink Over Sensitive Files: ln /etc/shadow', () => {
    expectAlert(
      'Create Hardlink Over Sensitive Files',
      'Warning',
      `Hardlinks created over sensitive files \\| target=/etc/shadow linkpath=/etc/saker-e2e-link evt_type=linkat ${who('ln', '/usr/bin/ln', 'ln /etc/shadow /etc/saker-e2e-link')}`,
    );
  });

  it('Execution from /dev/shm', () => {
    expectAlert(
      'Execution from /dev/shm',
      'Warning',
      `File execution detected from /dev/shm \\| evt_res=SUCCESS file=<NA> proc_cwd=${esc(dir)}/ proc_pcmdline=e2e-actions ${esc(join(dir, 'e2e-actions'))} user_loginname=<NA> group_gid=0 group_name=root evt_type=execve ${who('saker-e2e-true', '/dev/shm/saker-e2e-true', 'saker-e2e-true')} exe_flags=EXE_WRITABLE`,
    );
  });

  it('Fileless execution via memfd_create (the name is the basename of /proc/self/fd/N)', () => {
    expectAlert(
      'Fileless execution via memfd_create',
      'Critical',
      `Fileless execution via memfd_create \\| container_start_ts=<NA> proc_cwd=${esc(dir)}/ evt_res=SUCCESS proc_sname=\\S+ gparent=e2e-gp evt_type=execve user=root user_uid=0 user_loginuid=-1 process=(\\d+) proc_exepath=/memfd:saker-e2e \\(deleted\\) parent=e2e-actions command=\\1 terminal=0 exe_flags=EXE_WRITABLE\\|EXE_FROM_MEMFD`,
    );
  });

  it('PTRACE attached to process: PTRACE_ATTACH on a sleeping child', () => {
    expect(ptraceTarget).toBeGreaterThan(0);
    expectAlert(
      'PTRACE attached to process',
      'Warning',
      `Detected ptrace PTRACE_ATTACH attempt \\| proc_pcmdline=e2e-actions ${esc(join(dir, 'e2e-actions'))} evt_type=ptrace user=root user_uid=0 user_loginuid=-1 process=python3 proc_exepath=\\S+ parent=e2e-actions command=python3 -c import ctypes; libc=ctypes.CDLL\\(None\\); libc.ptrace\\(16, ${ptraceTarget}, 0, 0\\) terminal=0`,
    );
  });

  it('Search Private Keys or Passwords: find -name id_rsa', () => {
    expectAlert(
      'Search Private Keys or Passwords',
      'Warning',
      `Grep private keys or passwords activities found \\| evt_type=execve ${who('find', '/usr/bin/find', `find ${dir} -name id_rsa`)} exe_flags=EXE_WRITABLE`,
    );
  });

  it('shred is Remove Bulk Data from Disk; truncating a file below /var/log is Clear Log Activities', () => {
    expectAlert(
      'Remove Bulk Data from Disk',
      'Warning',
      `Bulk data has been removed from disk \\| file=<NA> evt_type=execve ${who('shred', '/usr/bin/shred', `shred ${dir}/secret`)} exe_flags=EXE_WRITABLE`,
    );
    expectAlert(
      'Clear Log Activities',
      'Warning',
      `Log files were tampered \\| file=/var/log/saker-e2e.log evt_type=openat ${who('sh', '/usr/bin/dash', 'sh -c : > /var/log/saker-e2e.log')}`,
    );
  });

  it('System procs network activity (incubating): bash connecting to this host on a non-loopback address', () => {
    expectAlert(
      'System procs network activity',
      'Notice',
      `Known system binary sent/received network traffic \\| connection=${esc(ip!)}:(\\d+)->${esc(ip!)}:${port} lport=\\1 rport=${port} fd_type=ipv4 fd_proto=tcp evt_type=connect ${who('bash', '/usr/bin/bash', `bash -c exec 3<>/dev/tcp/${ip}/${port}`)}`,
    );
  });
});
