// Smoke tests of the real `saker` binary (bin/saker.js over the compiled dist/), run the way a
// user runs it. The sources are compiled once first.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bpfAvailable } from '../native/support.js';

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'saker.js');
const FIX = join(__dirname, 'fixtures');
const ENV = { ...process.env, SAKER_CONFIG_PATH: '/nonexistent/saker.yaml' };

function saker(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: ENV, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // tsc still emits when files elsewhere in the tree have type errors; the CLI's own output is what matters.
  spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
  expect(existsSync(join(ROOT, 'dist', 'host', 'cli', 'main.js'))).toBe(true);
}, 120_000);

describe('bin/saker.js', () => {
  it("does not load Node's bundled undici (an ES import of node:http would, for the daemon's life)", () => {
    const main = join(ROOT, 'dist', 'host', 'cli', 'main.js');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(main)}); console.log(process.moduleLoadList.filter((m) => m.includes('undici')).length)`], { cwd: ROOT, encoding: 'utf8' });
    expect(out.trim()).toBe('0');
  });

  it('--version prints the engine version the rules files gate on', () => {
    const out = execFileSync(process.execPath, [BIN, '--version'], { cwd: ROOT, env: ENV, encoding: 'utf8' });
    expect(out).toContain('Engine:        0.62.0');
  });

  it('-V exits 0 for a valid file and 1 for an invalid one', () => {
    const good = saker(['-V', join(FIX, 'good_rules.yaml')]);
    expect(good.status).toBe(0);
    expect(good.stdout).toBe(`${join(FIX, 'good_rules.yaml')}: Ok\n`);
    const bad = saker(['-V', join(FIX, 'bad_rules.yaml')]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('LOAD_ERR_COMPILE_CONDITION');
    expect(bad.stderr).toContain(`Error: ${join(FIX, 'bad_rules.yaml')}: Invalid`);
  });

  it('-L with json_output prints parseable JSON', () => {
    const r = saker(['-r', join(FIX, 'good_rules.yaml'), '-L', '-o', 'json_output=true']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { rules: unknown[]; macros: unknown[]; lists: unknown[] };
    expect([doc.rules.length, doc.macros.length, doc.lists.length]).toEqual([2, 1, 1]);
  });

  it('rejects an unknown flag with exit code 1', () => {
    const r = saker(['--no-such-flag']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('Error: Option \u2018no-such-flag\u2019 does not exist\n');
  });

  it.skipIf(!bpfAvailable)('runs on the embedded defaults with the modern BPF probe until SIGTERM, then exits 0', async () => {
    const child = spawn(process.execPath, [BIN], { cwd: ROOT, env: ENV });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    for (let i = 0; i < 1500 && !stderr.includes('One ring buffer'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(stderr).toContain("Opening 'syscall' source with modern BPF probe.");
    expect(stderr).not.toContain('no driver');
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(stderr).toContain('SIGINT received, exiting...');
  }, 60_000);

  it('fails at start with exit code 1 and the reason when the BPF probe cannot be loaded', () => {
    // As root the run is repeated as nobody (the compile cache is warm from the run above, so only
    // the probe is refused); a non-root user sees the refusal directly.
    const asRoot = process.getuid?.() === 0;
    const argv = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, '-M', '5'] : [process.execPath, BIN, '-M', '5'];
    const r = spawnSync(argv[0]!, argv.slice(1), { cwd: ROOT, env: ENV, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Opening 'syscall' source with modern BPF probe.");
    expect(r.stderr).toContain('An error occurred in an event source, forcing termination...');
    expect(r.stderr).not.toContain('One ring buffer');
    expect(r.stderr).toMatch(/\nError: Initialization issues during scap_init \(.+\)\n$/);
  }, 60_000);
});
