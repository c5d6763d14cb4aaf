// End to end: Saker Mount in Privileged Container with the real `saker` (embedded defaults, bundled
// rules/), the real kernel's mount syscall and real Docker containers. A privileged container cannot
// start on this machine kind (runc: "unable to apply caps: operation not permitted" — root here lacks
// CAP_SYS_RESOURCE), so the rule's trigger is covered by the synthetic test in test/rules-default/;
// here the real path is checked up to it: a tmpfs mounted inside a container given CAP_SYS_ADMIN
// (not privileged) reaches the engine with the container's metadata — a test rule loaded next to
// the defaults (`-r`) fires on it — while the default rule stays silent, as it does for a refused
// mount in a plain container and for a mount on the host.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailable, TEST_IMAGE } from '../container/support.js';
import { BIN, readJsonAlerts, ROOT, runUnderE2eGp, terminate, until, type JsonAlert } from './support.js';

const PARENT = `e2e-mnt-${process.pid}`; // at most 15 characters: the kernel's comm length
const CAPS = `saker-mnt-caps-${process.pid}`;
const PLAIN = `saker-mnt-plain-${process.pid}`;

describe.skipIf(!dockerAvailable)('Saker Mount in Privileged Container on the real kernel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'saker-mnt-e2e-'));
  const jsonFile = join(dir, 'alerts.json');
  let daemon: ChildProcess;
  let stderr = '';
  let exitCode: number | null = null;
  let alerts: JsonAlert[] = [];

  beforeAll(async () => {
    spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT });
    // The test rule: every mount in a container, with the fields the default rule would print.
    writeFileSync(join(dir, 'mount-probe.yaml'), [
      '- rule: E2E Mount Seen in Container',
      '  desc: any mount call in a container',
      '  condition: evt.type = mount and container.id != host',
      '  output: mount in container (res=%evt.res dir=%evt.arg.dir type=%evt.arg.type flags=%evt.arg.flags name=%container.name privileged=%container.privileged)',
      '  priority: NOTICE',
      '',
    ].join('\n'));
    daemon = spawn(
      process.execPath,
      // -r replaces the embedded rules_files: name the bundled rules explicitly, then the probe.
      [BIN, '-r', join(ROOT, 'rules'), '-r', join(dir, 'mount-probe.yaml'), '-o', 'watch_config_files=false', '-o', 'json_output=true', '-o', 'stdout_output.enabled=false', '-o', 'file_output.enabled=true', '-o', `file_output.filename=${jsonFile}`],
      { cwd: dir, env: { ...process.env, SAKER_CONFIG_PATH: '/nonexistent/saker.yaml', TZ: 'UTC', FALCO_HOSTNAME: 'e2e-host' } },
    );
    daemon.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    daemon.stdout!.resume();
    expect(await until(() => stderr.includes('One ring buffer every') || daemon.exitCode !== null, 45_000)).toBe(true);
    expect(daemon.exitCode, stderr).toBe(null);
    for (const [name, extra] of [[CAPS, ['--cap-add', 'SYS_ADMIN']], [PLAIN, []]] as const) {
      const run = spawnSync('docker', ['run', '-d', '--rm', '--network', 'none', '--name', name, ...extra, TEST_IMAGE, 'sleep', '60'], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
    }
    await new Promise((r) => setTimeout(r, 1500)); // the daemon's Docker lookups land first
    const hostMount = join(dir, 'host-mnt');
    const script = join(dir, PARENT);
    writeFileSync(script, [
      '#!/bin/bash',
      `docker exec ${CAPS} sh -c 'mkdir -p /tmp/m && mount -t tmpfs saker-e2e /tmp/m'`,
      `docker exec ${PLAIN} sh -c 'mkdir -p /tmp/m && mount -t tmpfs saker-e2e /tmp/m' || true`,
      `mkdir -p ${hostMount} && mount -t tmpfs saker-e2e ${hostMount} && umount ${hostMount}`,
      'cat /etc/gshadow > /dev/null', // the marker: its alert shows everything before was evaluated
      '',
    ].join('\n'), { mode: 0o755 });
    expect(await runUnderE2eGp(dir, script)).toBe(0);
    await until(() => existsSync(jsonFile) && readFileSync(jsonFile, 'utf8').includes('/etc/gshadow'), 20_000);
    exitCode = await terminate(daemon);
    alerts = readJsonAlerts(jsonFile);
  }, 85_000);

  afterAll(() => {
    spawnSync('docker', ['rm', '-f', CAPS, PLAIN]);
    if (daemon && daemon.exitCode === null) daemon.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('the daemon ran the bundled rules to the marker and exited 0', () => {
    expect(exitCode).toBe(0);
    expect(alerts.some((a) => a.rule === 'Saker Sensitive File Read' && a.output_fields['proc.pname'] === PARENT)).toBe(true);
  });

  it('the mounts in both containers reach the engine with their container metadata', () => {
    const seen = alerts.filter((a) => a.rule === 'E2E Mount Seen in Container');
    const byName = new Map(seen.map((a) => [a.output_fields['container.name'], a.output]));
    // busybox's mount passes MS_SILENT, which libs names SILENT.
    expect(byName.get(CAPS)).toContain(`: Notice mount in container (res=SUCCESS dir=/tmp/m type=tmpfs flags=SILENT name=${CAPS} privileged=false)`);
    expect(byName.get(PLAIN)).toContain(`: Notice mount in container (res=EPERM dir=/tmp/m type=tmpfs flags=SILENT name=${PLAIN} privileged=false)`);
  });

  it('Saker Mount in Privileged Container stays silent for unprivileged containers and the host', () => {
    expect(alerts.filter((a) => a.rule === 'Saker Mount in Privileged Container')).toEqual([]);
    expect(alerts.filter((a) => a.output_fields['proc.pname'] === PARENT).map((a) => a.rule)).toEqual(['Saker Sensitive File Read']);
  });
});
