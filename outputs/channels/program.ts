// program_output: alerts written, one line each, to the stdin of `program` run through the
// shell (Falco uses popen). Without keep_alive every alert gets its own process, which Falco waits
// for; with keep_alive one process reads them all and is started again when it dies.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Alert } from '../alert.js';
import { DeliveryError, type Channel } from '../channel.js';
import type { OutputLog } from '../pipeline/log.js';

export interface ProgramChannelOptions {
  program: string;
  /** `program_output.keep_alive` */
  keepAlive?: boolean;
  format: (alert: Alert) => string;
  log?: OutputLog;
  /** Shell used like popen's; `/bin/sh`. */
  shell?: string;
  /** How long stop/reopen wait for the program to exit after its stdin closes. */
  exitWaitMs?: number;
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  exitInfo: { done: boolean; code: number | null; signal: NodeJS.Signals | null };
}

export class ProgramChannel implements Channel {
  readonly name = 'program_output';
  readonly maxBatch: number;
  private running: Running | undefined;
  private restarts = 0;

  constructor(private readonly options: ProgramChannelOptions) {
    this.maxBatch = options.keepAlive ? 512 : 1;
  }

  async start(): Promise<void> {
    if (this.options.keepAlive) this.running = this.spawn();
  }

  async deliver(alerts: Alert[]): Promise<void> {
    const data = alerts.map((a) => `${this.options.format(a)}\n`).join('');
    if (!this.options.keepAlive) {
      // One process per alert, waited for, as pclose() does.
      const r = this.spawn();
      await this.writeTo(r, data, true);
      await r.exited;
      return;
    }
    if (!this.running || this.running.exitInfo.done) {
      if (this.running) {
        this.restarts++;
        const { code, signal } = this.running.exitInfo;
        this.options.log?.('warning', `program output: "${this.options.program}" exited (${signal ?? `code ${code}`}), restarting it`);
      }
      this.running = this.spawn();
    }
    await this.writeTo(this.running, data, false);
  }

  /** How many times a keep_alive program was started again after it died. */
  get restartCount(): number {
    return this.restarts;
  }

  async reopen(): Promise<void> {
    await this.close();
    if (this.options.keepAlive) this.running = this.spawn();
  }

  async stop(): Promise<void> {
    await this.close();
  }

  private spawn(): Running {
    const child = spawn(this.options.shell ?? '/bin/sh', ['-c', this.options.program], {
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    const exitInfo: Running['exitInfo'] = { done: false, code: null, signal: null };
    const exited = new Promise<void>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (exitInfo.done) return;
        exitInfo.done = true;
        exitInfo.code = code;
        exitInfo.signal = signal;
        resolve();
      };
      child.once('exit', finish);
      child.once('error', () => finish(null, null));
    });
    // Errors surface through writeTo; this keeps an unread EPIPE from becoming uncaught.
    child.stdin?.on('error', () => undefined);
    return { child, exited, exitInfo };
  }

  private writeTo(r: Running, data: string, end: boolean): Promise<void> {
    const stdin = r.child.stdin;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (e: unknown): void => {
        if (settled) return;
        settled = true;
        const code = (e as NodeJS.ErrnoException | undefined)?.code;
        // Without keep_alive a program that exits without reading its input still got the alert,
        // as far as Falco is concerned (pclose ignores it).
        if (!this.options.keepAlive && code === 'EPIPE') {
          resolve();
          return;
        }
        reject(new DeliveryError(`program "${this.options.program}": ${(e as Error | undefined)?.message ?? 'exited'}`, { permanent: false, cause: e }));
      };
      r.child.once('error', fail);
      if (!stdin || stdin.destroyed) {
        fail(new Error('stdin closed'));
        return;
      }
      const done = (err?: Error | null): void => {
        r.child.off('error', fail);
        if (err) return fail(err);
        if (!settled) {
          settled = true;
          resolve();
        }
      };
      if (end) stdin.end(data, done);
      else stdin.write(data, done);
    });
  }

  private async close(): Promise<void> {
    const r = this.running;
    this.running = undefined;
    if (!r || r.exitInfo.done) return;
    r.child.stdin?.end();
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      r.exited.then(() => true),
      new Promise<boolean>((res) => {
        timer = setTimeout(() => res(false), this.options.exitWaitMs ?? 5000);
      }),
    ]);
    clearTimeout(timer);
    if (!waited) {
      r.child.kill('SIGTERM');
      await r.exited;
    }
  }
}
