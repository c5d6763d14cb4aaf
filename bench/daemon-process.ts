// The processes of the `daemon` benchmark: the real `saker` (bin/saker.js over dist/) with its
// output lines time-stamped on arrival, and the action generators (daemon-actions.ts). Every child
// is registered so that a failure, an exception or a signal to the benchmark still ends it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'saker.js');
const ACTIONS = join(ROOT, 'bench', 'daemon-actions.ts');

/** Extra node flags for the daemon (experiments, e.g. `--max-semi-space-size=2`): BENCH_DAEMON_NODE_ARGS. */
export const NODE_ARGS = (process.env.BENCH_DAEMON_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');

const children = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Last resort (exit, uncaught error, signal): kills whatever is still running. */
export function killAllChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Ends a child: SIGTERM, then SIGKILL after `graceMs`. Resolves with its exit code (null when killed). */
export async function endChild(child: ChildProcess, graceMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

/** Calls `onLine` for each complete line of `stream`, with the time its chunk arrived (performance.now()). */
function tapLines(stream: Readable, onLine: (line: string, at: number) => void): void {
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const at = performance.now();
    // latin1: alert lines may carry any byte (file names), and only ASCII is matched here
    const parts = (rest + chunk.toString('latin1')).split('\n');
    rest = parts.pop()!;
    for (const p of parts) onLine(p, at);
  });
}

/** USER_HZ: /proc times are in these ticks (100 on Linux). */
const CLOCK_TICKS = 100;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 5 ms until it returns a value; `abort` (checked too) turns into an error. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs: number, abort?: () => string | undefined): Promise<T> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    const why = abort?.();
    if (why !== undefined) throw new Error(`${what}: ${why}`);
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

export class SakerDaemon {
  readonly child: ChildProcess;
  /** performance.now() just before the spawn. */
  readonly spawnedAt: number;
  private stderrText = '';
  private readonly stderrLines: { line: string; at: number }[] = [];
  private readonly lineListeners: ((line: string, at: number) => void)[] = [];

  /**
   * Starts `saker -c <config> -U`; `-M` bounds its life should the benchmark die without ending it.
   * `-U` (Falco's unbuffered outputs): without it stdout keeps lines until 4 KiB gather, which
   * would time the output buffer instead of the event's evaluation.
   */
  constructor(configFile: string, maxSeconds: number) {
    this.spawnedAt = performance.now();
    this.child = track(
      spawn(process.execPath, [...NODE_ARGS, BIN, '-c', configFile, '-U', '-M', String(maxSeconds)], {
        cwd: ROOT,
        env: { ...process.env, SAKER_CONFIG_PATH: configFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    tapLines(this.child.stdout!, (line, at) => {
      for (const l of this.lineListeners) l(line, at);
    });
    tapLines(this.child.stderr!, (line, at) => {
      this.stderrText += `${line}\n`;
      this.stderrLines.push({ line, at });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Subscribes to stdout lines (alerts), each with its arrival time. */
  onLine(listener: (line: string, at: number) => void): void {
    this.lineListeners.push(listener);
  }

  /** Arrival time of the first stderr line containing `text` (arrived at or after `since`), if any. */
  stderrLineAt(text: string, since = 0): number | undefined {
    return this.stderrLines.find((l) => l.at >= since && l.line.includes(text))?.at;
  }

  /** How many stderr lines contain `text`. */
  countStderr(text: string): number {
    let n = 0;
    for (const l of this.stderrLines) if (l.line.includes(text)) n++;
    return n;
  }

  /** Why waiting is pointless: the daemon exited (with the end of its log), or undefined. */
  readonly exited = (): string | undefined => {
    if (this.child.exitCode === null && this.child.signalCode === null) return undefined;
    return `saker exited (${this.child.exitCode ?? this.child.signalCode}); its log ends with:\n${this.stderrText.slice(-3000)}`;
  };

  /** VmRSS of the daemon's node process and its anonymous and file-backed parts, MiB. */
  memory(): { rss: number; anon: number; file: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (key: string): number => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(status);
      if (!m) throw new Error(`no ${key} in /proc/${this.pid}/status`);
      return Number(m[1]) / 1024;
    };
    return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') + kb('RssShmem') };
  }

  /** CPU time (user + system) of the daemon's process so far, ms. */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // the fields after the command name, which is in parentheses and may hold spaces
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  }

  /** Counts reloads applied so far; throws when one was rejected (the benchmark's rules are valid). */
  reloadsApplied(): number {
    if (this.countStderr('Reload rejected') > 0) throw new Error(`a reload was rejected:\n${this.stderrText.slice(-3000)}`);
    return this.countStderr('Reload applied: new rules are active');
  }

  /** Waits until `n` reloads in total have been applied. */
  async awaitReloads(n: number, timeoutMs: number): Promise<void> {
    await waitFor(`reload #${n} applied`, () => (this.reloadsApplied() >= n ? true : undefined), timeoutMs, this.exited);
  }

  /** SIGTERM (drain), SIGKILL after 15 s; resolves with the exit code. */
  stop(): Promise<number | null> {
    return endChild(this.child, 15_000);
  }
}

/** An action generator (daemon-actions.ts) in its own process. */
export function startActions(args: string[]): ChildProcess {
  return track(
    spawn(process.execPath, ['--experimental-transform-types', '--no-warnings', ACTIONS, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
}
