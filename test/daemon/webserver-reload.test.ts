// webserver.* changes in a reloaded config restart the webserver with the new settings.
import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../host/cli/main.js';

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('webserver across a reload', () => {
  it('comes back with the new endpoint after SIGHUP', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-wsr-'));
    const cfg = join(dir, 'c.yaml');
    const write = (endpoint: string): void =>
      writeFileSync(
        cfg,
        `rules_files: [${resolve(__dirname, '..', 'cli', 'fixtures', 'good_rules.yaml')}]
engine: {kind: nodriver}
log_stderr: true
syslog_output: {enabled: false}
watch_config_files: false
webserver: {enabled: true, listen_address: 127.0.0.1, listen_port: 0, k8s_healthz_endpoint: ${endpoint}}
`,
      );
    write('/first');
    const signals = new EventEmitter();
    const err: string[] = [];
    const done = main(['-c', cfg], { stdout: () => undefined, stderr: (t) => void err.push(t), defaultConfigPath: '/nonexistent', env: {}, signals });
    const ports = (): string[] => [...err.join('').matchAll(/listening on 127\.0\.0\.1:(\d+)/g)].map((m) => m[1]!);
    await until('webserver up', () => ports().length === 1);
    expect((await fetch(`http://127.0.0.1:${ports()[0]}/first`)).status).toBe(200);
    write('/second');
    signals.emit('SIGHUP');
    await until('webserver restarted', () => ports().length === 2);
    const port = ports()[1];
    expect((await fetch(`http://127.0.0.1:${port}/second`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/first`)).status).toBe(404);
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
  }, 30_000);
});

describe('a webserver that cannot start', () => {
  it('fails the start with the webserver named (outputs already started are drained)', async () => {
    const { createServer } = await import('node:net');
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'saker-wsf-'));
    const err: string[] = [];
    const code = await main(
      ['-r', resolve(__dirname, '..', 'cli', 'fixtures', 'good_rules.yaml'), '-o', 'engine.kind=nodriver', '-o', 'webserver.enabled=true',
        '-o', 'webserver.listen_address=127.0.0.1', '-o', `webserver.listen_port=${port}`,
        '-o', 'program_output.enabled=true', '-o', `program_output.program=cat > ${join(dir, 'p.txt')}`, '-o', 'program_output.keep_alive=true'],
      { stdout: () => undefined, stderr: (t) => void err.push(t), defaultConfigPath: '/nonexistent', env: {} },
    );
    taken.close();
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/Runtime error: Could not create embedded webserver: .*EADDRINUSE/);
  }, 30_000);
});
