// Shared by the end-to-end suites: Falco's JSON alert as the suites read it, a polling wait, and
// the real `saker` (bin/saker.js over dist/) as a child process whose output is collected.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'saker.js');

/** One line of Falco's JSON output (json_output: true). */
export interface JsonAlert {
  time: string;
  rule: string;
  priority: string;
  source: string;
  hostname: string;
  output: string;
  output_fields: Record<string, unknown>;
  tags: string[];
}

/** Polls `check` every 50 ms; false when `ms` passed first. */
export async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

export interface Daemon {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
}

/** Starts `saker` with no config file (the embedded defaults), UTC times and a fixed hostname. */
export function startSaker(dir: string, args: string[]): Daemon {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { ...process.env, SAKER_CONFIG_PATH: '/nonexistent/saker.yaml', TZ: 'UTC', FALCO_HOSTNAME: 'e2e-host' },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return { child, stdout: () => out, stderr: () => err };
}

/** SIGTERM, then the exit code (at once if it already exited). */
export async function stopSaker(d: Daemon): Promise<number | null> {
  if (d.child.exitCode !== null) return d.child.exitCode;
  d.child.kill('SIGTERM');
  return new Promise((r) => d.child.on('exit', (c) => r(c)));
}
