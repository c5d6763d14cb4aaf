// Shared by the end-to-end suites: Falco's JSON alert as the suites read it, a polling wait, and
// the real `saker` (bin/saker.js over dist/) as a child process whose output is collected.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
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

/** Every complete alert line of a json_output file (a line still being written is left out). */
export function readJsonAlerts(file: string): JsonAlert[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(0, -1)
    .map((l) => JSON.parse(l) as JsonAlert);
}

/**
 * Runs `script` under a copy of bash named `e2e-gp` in `dir`, so the script's own processes have a
 * parent the suite names (the script) and a fixed grandparent; resolves with its exit code.
 * `-c 'script; true'`: bash runs the script as its child (no exec of the last command).
 */
export async function runUnderE2eGp(dir: string, script: string): Promise<number | null> {
  const gp = join(dir, 'e2e-gp');
  if (!existsSync(gp)) copyFileSync('/bin/bash', gp);
  const actions = spawn(gp, ['-c', `${script}; true`], { cwd: dir, stdio: 'ignore' });
  return exitCodeOf(actions);
}

/** The child's exit code once it has exited. */
export function exitCodeOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.on('exit', (c) => r(c)));
}

/** SIGTERM, then the exit code (at once if it already exited). */
export async function terminate(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  return exitCodeOf(child);
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
export function stopSaker(d: Daemon): Promise<number | null> {
  return terminate(d.child);
}
