// Shutdown and capture counters through the CLI: SIGTERM with an HTTP output that never answers
// ends within the drain deadline with exit 0; capture counters with drops raise Falco's internal
// drop alert on the outputs.
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../host/cli/main.js';
import { encodeBatch, type ProcessInput } from '../../host/engine/batch-encoder.js';
import { ZERO_STATS, type ScapStats } from '../../host/daemon/event-drops.js';

const RULES = '- rule: Any open\n  desc: d\n  condition: evt.type = openat\n  output: "open %fd.name"\n  priority: WARNING\n';
const proc: ProcessInput = { pid: 9, name: 'p', exe: '/bin/p', args: [], containerId: 'host' };
const S = 1_000_000_000n;
const T0 = 1_700_000_000n * S;
const openat = (i: number, ts: bigint) => ({ type: 'openat', ts, proc, res: 3, args: { dirfd: -100, name: `/f${i}`, flags: 1, mode: 0 }, fd: { num: 3, type: 'file' as const, name: `/f${i}` } });

function setup(extra: string): { dir: string; cfg: string } {
  const dir = mkdtempSync(join(tmpdir(), 'saker-shut-'));
  writeFileSync(join(dir, 'rules.yaml'), RULES);
  const cfg = join(dir, 'c.yaml');
  writeFileSync(cfg, `rules_files: [${join(dir, 'rules.yaml')}]\nstdout_output: {enabled: false}\nsyslog_output: {enabled: false}\nlog_stderr: true\n${extra}`);
  return { dir, cfg };
}

describe('shutdown and capture counters', () => {
  it('SIGTERM with a stuck HTTP endpoint exits 0 within the drain deadline', async () => {
    const sockets: Socket[] = [];
    const stuck = createServer((s) => void sockets.push(s)); // accepts, never answers
    await new Promise<void>((r) => stuck.listen(0, '127.0.0.1', r));
    const port = (stuck.address() as { port: number }).port;
    const { cfg } = setup(`output_timeout: 500\nhttp_output: {enabled: true, url: "http://127.0.0.1:${port}/"}\n`);
    const signals = new EventEmitter();
    const err: string[] = [];
    async function* events(): AsyncGenerator<Uint8Array> {
      yield encodeBatch([openat(1, T0), openat(2, T0 + 1n)]);
      await new Promise(() => undefined); // then nothing more
    }
    const done = main(['-c', cfg], { stdout: () => undefined, stderr: (t) => void err.push(t), defaultConfigPath: '/nonexistent', env: {}, signals, events: events() });
    const end = Date.now() + 60_000;
    while (sockets.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(sockets.length).toBeGreaterThan(0);
    const t = Date.now();
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
    // Deadline: output_timeout + 1 s to deliver, then up to what is left plus 1 s for the stop.
    expect(Date.now() - t).toBeLessThan(4000);
    for (const s of sockets) s.destroy();
    stuck.close();
  }, 90_000);

  it('capture counters with drops over the threshold put the internal drop alert on the outputs', async () => {
    const { dir, cfg } = setup(`file_output:\n  enabled: true\n  filename: ${'${DIR}'}/alerts.txt\nsyscall_event_drops: {threshold: 0.1, actions: [alert], rate: 1, max_burst: 1}\n`);
    const signals = new EventEmitter();
    let stats: ScapStats = { ...ZERO_STATS };
    async function* events(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 3; i++) {
        stats = { ...stats, n_evts: stats.n_evts + 1000, n_drops: stats.n_drops + 500, n_drops_buffer: stats.n_drops_buffer + 500 };
        yield encodeBatch([openat(i, T0 + BigInt(i) * 2n * S)]);
      }
    }
    const code = await main(['-c', cfg, '-U'], {
      stdout: () => undefined,
      stderr: () => undefined,
      defaultConfigPath: '/nonexistent',
      env: { DIR: dir },
      signals,
      events: events(),
      captureStats: () => stats,
      deliveryDeps: { utcOffsetSeconds: () => 0 },
    });
    expect(code).toBe(0);
    const out = existsSync(join(dir, 'alerts.txt')) ? readFileSync(join(dir, 'alerts.txt'), 'utf8') : '';
    expect(out).toContain('Debug Falco internal: syscall event drop. 500 system calls dropped in last second. (ebpf_enabled="0" n_drops="500"');
    expect(out).toContain('Warning open /f0\n');
  }, 90_000);
});
