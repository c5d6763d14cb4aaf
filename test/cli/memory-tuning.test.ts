// The daemon restarts itself once with its memory settings (host/cli/memory-tuning.ts): V8's
// young generation capped, glibc's arenas and mmap threshold fixed; one-shot commands do not.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { restartWithMemorySettings } from '../../host/cli/memory-tuning.js';

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'saker.js');

describe('restartWithMemorySettings', () => {
  const saved = { ...process.env };
  afterEach(() => {
    vi.restoreAllMocks();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('restarts a daemon run in place with the V8 flag and the glibc tunables, keeping node flags and arguments', () => {
    const execve = vi.spyOn(process, 'execve').mockImplementation(() => undefined as never);
    delete process.env.SAKER_MEMORY_TUNED;
    delete process.env.SAKER_NO_MEMORY_TUNING;
    process.env.NODE_OPTIONS = '--no-warnings';
    delete process.env.GLIBC_TUNABLES;
    restartWithMemorySettings(['-c', '/etc/saker/saker.yaml']);
    expect(execve).toHaveBeenCalledTimes(1);
    const [file, argv, env] = execve.mock.calls[0]!;
    expect(file).toBe(process.execPath);
    expect(argv).toEqual([process.execPath, ...process.execArgv, ...process.argv.slice(1)]);
    expect(env!.NODE_OPTIONS).toBe('--no-warnings --max-semi-space-size=1');
    expect(env!.GLIBC_TUNABLES).toBe('glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=131072');
    expect(JSON.parse(env!.SAKER_MEMORY_TUNED!)).toEqual({ NODE_OPTIONS: '--no-warnings', GLIBC_TUNABLES: null });
  });

  it("keeps the caller's own settings: they come last and win", () => {
    const execve = vi.spyOn(process, 'execve').mockImplementation(() => undefined as never);
    delete process.env.SAKER_MEMORY_TUNED;
    process.env.NODE_OPTIONS = '--max-semi-space-size=8';
    process.env.GLIBC_TUNABLES = 'glibc.malloc.arena_max=8';
    restartWithMemorySettings([]);
    const env = execve.mock.calls[0]![2]!;
    expect(env.NODE_OPTIONS).toBe('--max-semi-space-size=8');
    expect(env.GLIBC_TUNABLES).toBe('glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=131072:glibc.malloc.arena_max=8');
  });

  it('does not restart one-shot commands, nor when SAKER_NO_MEMORY_TUNING is set', () => {
    const execve = vi.spyOn(process, 'execve').mockImplementation(() => undefined as never);
    delete process.env.SAKER_MEMORY_TUNED;
    for (const args of [['--version'], ['-L'], ['-V', 'x.yaml'], ['--list=syscall'], ['--support'], ['--dry-run']]) restartWithMemorySettings(args);
    process.env.SAKER_NO_MEMORY_TUNING = '1';
    restartWithMemorySettings(['-c', 'x.yaml']);
    expect(execve).not.toHaveBeenCalled();
  });

  it('after the restart, gives the caller its environment back (programs Saker starts do not inherit the settings)', () => {
    const execve = vi.spyOn(process, 'execve').mockImplementation(() => undefined as never);
    process.env.SAKER_MEMORY_TUNED = JSON.stringify({ NODE_OPTIONS: null, GLIBC_TUNABLES: 'glibc.malloc.check=0' });
    process.env.NODE_OPTIONS = '--max-semi-space-size=1';
    process.env.GLIBC_TUNABLES = 'glibc.malloc.arena_max=2';
    restartWithMemorySettings([]);
    expect(execve).not.toHaveBeenCalled();
    expect(process.env.SAKER_MEMORY_TUNED).toBeUndefined();
    expect(process.env.NODE_OPTIONS).toBeUndefined();
    expect(process.env.GLIBC_TUNABLES).toBe('glibc.malloc.check=0');
  });
});

describe('bin/saker.js', () => {
  it('runs the daemon in the same process, restarted with the settings', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, SAKER_CONFIG_PATH: '/nonexistent/saker.yaml' };
    delete env.SAKER_MEMORY_TUNED;
    delete env.SAKER_NO_MEMORY_TUNING;
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, [BIN, '-o', 'engine.kind=nodriver', '-o', 'stdout_output.enabled=false', '-M', '20'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      // the restarted process (same pid) logs the source it opens
      const deadline = Date.now() + 15_000;
      while (!stderr.includes('Opening') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(stderr).toContain("Opening 'syscall' source with no driver");
      const environ = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');
      expect(environ).toContain('NODE_OPTIONS=--max-semi-space-size=1');
      // ld.so parses GLIBC_TUNABLES in place (it cuts the original string at the first ':'), and
      // /proc/<pid>/environ shows that original memory.
      expect(environ.find((e) => e.startsWith('GLIBC_TUNABLES='))).toMatch(/^GLIBC_TUNABLES=glibc\.malloc\.arena_max=2\b/);
      expect(environ.some((e) => e.startsWith('SAKER_MEMORY_TUNED='))).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 30_000);
});
