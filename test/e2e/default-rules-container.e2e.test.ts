// End to end: the real `saker` with its embedded default configuration (bundled rules/, no -r), the
// real kernel and real Docker containers, for the two container rules default-rules.e2e.test.ts
// does not reach: Saker Package Management in Container and Saker Unexpected Program in Single-App
// Container. Each gets its triggering action and a benign neighbour that must stay silent.
//
// Package management: busybox's `rpm` and `dpkg` applets inside a container of the shared test image
// (the rule looks at the program name only); the neighbours are the real dpkg on the host and a
// plain `ls` in the same container. Single-app: the rule only watches images whose repository is in
// saker_single_program_images (redis, memcached), so the suite imports its own image under the
// repository `redis` (busybox plus a tiny static `redis-server` that waits for a signal) with a tag
// unique to the run, and removes it after. Tagging the shared test image instead would not do: the
// repository comes from the image's first RepoTag, and other suites' containers would change name.
// The trigger is `ls` run in that container; the neighbours are the container's own `redis-server`
// start and a second `redis-server` run by `docker exec`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailable, TEST_IMAGE } from '../container/support.js';
import { BIN, readJsonAlerts, ROOT, runUnderE2eGp, terminate, until, type JsonAlert } from './support.js';

// At most 15 characters (the kernel's comm length): host-side alerts are picked by proc.pname.
const PARENT = `e2e-ctr-${process.pid}`;
const PM_CONTAINER = `saker-pm-e2e-${process.pid}`;
const APP_CONTAINER = `saker-app-e2e-${process.pid}`;
// Repository `redis` is in the default saker_single_program_images list.
const APP_IMAGE = `redis:saker-e2e-${process.pid}`;

const gcc = spawnSync('sh', ['-c', 'command -v gcc'], { encoding: 'utf8' }).status === 0;
if (dockerAvailable && !gcc) {
  if (process.env.CI === 'true') throw new Error('CI=true but the container default-rules e2e suite cannot run: gcc is missing');
  process.stderr.write('[skip] e2e container default rules: gcc is missing (it builds the static redis-server)\n');
}

// A stand-in for redis-server: waits for a signal as PID 1; with an argument it prints a version
// line and exits (the benign `docker exec ... redis-server --version`).
const REDIS_SERVER_C = `#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
  (void)argv;
  if (argc > 1) { puts("redis-server stand-in v=0.0.0"); return 0; }
  for (;;) pause();
}
`;

describe.skipIf(!dockerAvailable || !gcc)('saker default container rules on the real kernel with Docker', () => {
  mkdirSync('/srv', { recursive: true });
  const dir = mkdtempSync('/srv/saker-ctr-e2e-');
  const jsonFile = join(dir, 'alerts.json');
  let daemon: ChildProcess;
  let stderr = '';
  let exitCode: number | null = null;
  let alerts: JsonAlert[] = [];

  beforeAll(async () => {
    spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
    expect(existsSync(join(ROOT, 'dist', 'host', 'cli', 'main.js'))).toBe(true);

    // The single-app image: busybox (for sh and ls) and the static redis-server stand-in.
    writeFileSync(join(dir, 'redis-server.c'), REDIS_SERVER_C);
    const cc = spawnSync('gcc', ['-static', '-Os', '-o', join(dir, 'redis-server'), join(dir, 'redis-server.c')], { encoding: 'utf8' });
    expect(cc.status, cc.stderr).toBe(0);
    const root = join(dir, 'rootfs');
    for (const d of ['bin', 'usr/local/bin', 'tmp', 'proc', 'sys', 'dev', 'etc']) mkdirSync(join(root, d), { recursive: true });
    copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'));
    chmodSync(join(root, 'bin', 'busybox'), 0o755);
    for (const applet of ['sh', 'ls']) symlinkSync('busybox', join(root, 'bin', applet));
    copyFileSync(join(dir, 'redis-server'), join(root, 'usr', 'local', 'bin', 'redis-server'));
    chmodSync(join(root, 'usr', 'local', 'bin', 'redis-server'), 0o755);
    writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    // Unique content: two runs never share an image id (the repository comes from its tags).
    writeFileSync(join(root, 'etc', 'saker-e2e-run'), `${process.pid} ${Date.now()}\n`);
    const tar = spawnSync('tar', ['-C', root, '-cf', join(dir, 'rootfs.tar'), '.'], { encoding: 'utf8' });
    expect(tar.status, tar.stderr).toBe(0);
    const imported = spawnSync('docker', ['import', '--change', 'CMD ["/usr/local/bin/redis-server"]', join(dir, 'rootfs.tar'), APP_IMAGE], { encoding: 'utf8' });
    expect(imported.status, imported.stderr).toBe(0);

    daemon = spawn(
      process.execPath,
      [BIN, '-o', 'watch_config_files=false', '-o', 'json_output=true', '-o', 'stdout_output.enabled=false', '-o', 'file_output.enabled=true', '-o', `file_output.filename=${jsonFile}`],
      { cwd: dir, env: { ...process.env, SAKER_CONFIG_PATH: '/nonexistent/saker.yaml', TZ: 'UTC', FALCO_HOSTNAME: 'e2e-host' } },
    );
    daemon.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    daemon.stdout!.resume();
    expect(await until(() => stderr.includes('One ring buffer every') || daemon.exitCode !== null, 45_000)).toBe(true);
    expect(daemon.exitCode, stderr).toBe(null);

    for (const [name, image, cmd] of [
      [PM_CONTAINER, TEST_IMAGE, ['sleep', '60']],
      [APP_CONTAINER, APP_IMAGE, []],
    ] as const) {
      const run = spawnSync('docker', ['run', '-d', '--rm', '--pull', 'never', '--network', 'none', '--name', name, image, ...cmd], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
    }
    // Give the daemon's Docker lookups time to land before the containers' actions.
    await new Promise((r) => setTimeout(r, 1500));

    const script = join(dir, PARENT);
    const lines = [
      '#!/bin/bash',
      // Saker Package Management in Container: rpm and dpkg run in the container. (Not from busybox's
      // sh: it runs its own applets through /proc/self/exe, so the program name is `exe`.)
      `docker exec ${PM_CONTAINER} rpm -qa || true`,
      `docker exec ${PM_CONTAINER} dpkg -l || true`,
      // Benign: a plain program in the same container, and the real dpkg on the host.
      `docker exec ${PM_CONTAINER} ls /`,
      'dpkg --version > /dev/null',
      'dpkg-query -W dpkg > /dev/null',
      // Saker Unexpected Program in Single-App Container: ls in the redis container.
      `docker exec ${APP_CONTAINER} ls /`,
      // Benign: the image's own program run again (its start as PID 1 is the other neighbour).
      `docker exec ${APP_CONTAINER} redis-server --version`,
      // The last action: its alert shows that everything before it has been evaluated.
      'cat /etc/gshadow > /dev/null',
      '',
    ];
    writeFileSync(script, lines.join('\n'), { mode: 0o755 });
    expect(await runUnderE2eGp(dir, script)).toBe(0);
    await until(() => existsSync(jsonFile) && readFileSync(jsonFile, 'utf8').includes('/etc/gshadow'), 20_000);
    exitCode = await terminate(daemon);
    alerts = readJsonAlerts(jsonFile);
  }, 85_000);

  afterAll(() => {
    spawnSync('docker', ['rm', '-f', PM_CONTAINER, APP_CONTAINER]);
    spawnSync('docker', ['rmi', '-f', APP_IMAGE]);
    if (daemon && daemon.exitCode === null) daemon.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  const inContainer = (name: string): JsonAlert[] => alerts.filter((a) => a.output_fields['container.name'] === name);

  it('the daemon loaded the bundled default rules and exited 0 on SIGTERM', () => {
    expect(exitCode).toBe(0);
    expect(stderr).toContain("Opening 'syscall' source with modern BPF probe.");
    // The marker action was seen: the host side ran to the end.
    expect(alerts.some((a) => a.rule === 'Saker Sensitive File Read' && a.output_fields['proc.pname'] === PARENT)).toBe(true);
  });

  it('Saker Package Management in Container: rpm and dpkg in a container, not ls there nor dpkg on the host', () => {
    const found = inContainer(PM_CONTAINER);
    expect(found.map((a) => a.rule)).toEqual(['Saker Package Management in Container', 'Saker Package Management in Container']);
    for (const a of found) {
      expect(a.priority).toBe('Error');
      expect(a.source).toBe('syscall');
      expect(a.output_fields).toMatchObject({ 'user.name': 'root', 'container.image.repository': 'saker-test/busybox', 'container.image.tag': '1' });
      expect(String(a.output_fields['container.id'])).toMatch(/^[0-9a-f]{12}$/);
    }
    expect(found.map((a) => [a.output_fields['proc.name'], a.output_fields['proc.cmdline']])).toEqual([
      ['rpm', 'rpm -qa'],
      ['dpkg', 'dpkg -l'],
    ]);
    // dpkg and dpkg-query on the host: no alert of any default rule for them.
    expect(alerts.filter((a) => a.output_fields['proc.pname'] === PARENT && String(a.output_fields['proc.name']).startsWith('dpkg'))).toEqual([]);
  });

  it('Saker Unexpected Program in Single-App Container: ls in a redis container, not its redis-server', () => {
    const found = inContainer(APP_CONTAINER);
    expect(found.map((a) => a.output)).toHaveLength(1);
    const a = found[0]!;
    expect(a.rule).toBe('Saker Unexpected Program in Single-App Container');
    expect(a.priority).toBe('Warning');
    expect(a.output_fields).toMatchObject({
      'user.name': 'root',
      'proc.name': 'ls',
      'proc.cmdline': 'ls /',
      'container.image.repository': 'redis',
      'container.image.tag': `saker-e2e-${process.pid}`,
    });
    expect(a.output).toContain(`container_name=${APP_CONTAINER}`);
  });

  it('the host-side neighbours raised nothing but the final marker', () => {
    expect(alerts.filter((a) => a.output_fields['proc.pname'] === PARENT).map((a) => [a.rule, a.output_fields['proc.name']])).toEqual([['Saker Sensitive File Read', 'cat']]);
  });
});
