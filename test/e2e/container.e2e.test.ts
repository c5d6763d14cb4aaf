// End to end with a real Docker container: the daemon's capture looks container metadata up from
// the Docker Engine API and the alert of an action inside the container names the container, its
// image and its mounts. Under CI=true it must run (test/container/support.ts fails without Docker).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailable, TEST_IMAGE } from '../container/support.js';
import { BIN, ROOT } from './support.js';

const NAME = `saker-e2e-${process.pid}`;

const RULES = `
- rule: E2E container shadow read
  desc: cat reads /etc/shadow inside a container
  condition: evt.type in (open, openat, openat2) and fd.name = /etc/shadow and container.id != host and proc.name = cat
  output: >
    shadow read in container (id=%container.id name=%container.name image=%container.image.repository
    tag=%container.image.tag privileged=%container.privileged mount=%container.mount.dest[/etc])
  priority: WARNING
`;

interface JsonAlert {
  rule: string;
  output_fields: Record<string, unknown>;
}

describe.skipIf(!dockerAvailable)('saker with a real Docker container', () => {
  const dir = mkdtempSync(join(tmpdir(), 'saker-e2e-docker-'));
  const alerts = join(dir, 'alerts.json');
  let daemon: ChildProcess;
  let stderr = '';
  let containerId = '';

  beforeAll(async () => {
    spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT });
    writeFileSync(join(dir, 'rules.yaml'), RULES);
    daemon = spawn(
      process.execPath,
      [BIN, '-r', join(dir, 'rules.yaml'), '-o', 'watch_config_files=false', '-o', 'json_output=true', '-o', 'stdout_output.enabled=false',
        '-o', 'file_output.enabled=true', '-o', `file_output.filename=${alerts}`],
      { cwd: dir, env: { ...process.env, SAKER_CONFIG_PATH: '/nonexistent/saker.yaml' } },
    );
    daemon.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const end = Date.now() + 45_000;
    while (!stderr.includes('One ring buffer every') && daemon.exitCode === null && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(daemon.exitCode).toBe(null);

    // The container sleeps first so that the daemon's lookup (Docker /events) lands before the read.
    const run = spawnSync('docker', ['run', '-d', '--rm', '--network', 'none', '--name', NAME, '-v', '/etc:/host/etc:ro', TEST_IMAGE,
      'sh', '-c', 'sleep 2; for i in 1 2 3 4 5 6; do cat /etc/shadow > /dev/null; sleep 0.5; done'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    containerId = run.stdout.trim().slice(0, 12);
    spawnSync('docker', ['wait', NAME], { timeout: 30_000 });
    const until = Date.now() + 10_000;
    while (!(existsSync(alerts) && readFileSync(alerts, 'utf8').includes(NAME)) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  }, 90_000);

  afterAll(async () => {
    spawnSync('docker', ['rm', '-f', NAME]);
    if (daemon && daemon.exitCode === null) {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.on('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the container, its image and its bind mount once the metadata has arrived', () => {
    const lines = readFileSync(alerts, 'utf8').split('\n').filter((l) => l !== '');
    const withMeta = lines.map((l) => JSON.parse(l) as JsonAlert).filter((a) => a.output_fields['container.name'] === NAME);
    expect(withMeta.length, stderr).toBeGreaterThan(0);
    const f = withMeta[0]!.output_fields;
    expect(f['container.id']).toBe(containerId);
    expect(f['container.image.repository']).toBe('saker-test/busybox');
    expect(f['container.image.tag']).toBe('1');
    expect(f['container.privileged']).toBe(false);
    // container.mount.dest[X] looks the mount up by its source, as libs documents it.
    expect(f['container.mount.dest[/etc]']).toBe('/host/etc');
  });
});
