// syslog_output: each alert as one message on the local syslog socket (/dev/log), the way Falco's
// ::syslog(priority, "%s", msg) sends it with glibc's defaults (no openlog): facility user,
// severity = the rule priority (Emergency 0 … Debug 7), tag = program name, no pid, so the
// datagram reads `<12>Nov 23 05:12:35 falco: <alert>`.
//
// Node has no unix datagram sockets, so the default transport hands lines to util-linux
// `logger`, one long-lived process per severity, which writes exactly that datagram.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Alert } from '../alert.js';
import { DeliveryError, type Channel } from '../channel.js';
import { priorityLevel } from '../../host/rules/index.js';

/** syslog(3) severities by Falco priority level (they coincide: LOG_EMERG 0 … LOG_DEBUG 7). */
export const SYSLOG_SEVERITY_NAMES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
/** LOG_USER, glibc's facility when openlog() was never called. */
export const SYSLOG_FACILITY_USER = 1;

/** Sends messages (no trailing newline) at one severity (0–7). */
export interface SyslogTransport {
  send(severity: number, messages: string[]): Promise<void>;
  close(): Promise<void>;
}

export interface SyslogChannelOptions {
  format: (alert: Alert) => string;
  /** Default `/dev/log`. */
  socketPath?: string;
  /** Default `falco`, the tag Falco's messages carry, so existing syslog filters keep matching. */
  tag?: string;
  transport?: SyslogTransport;
}

export class SyslogChannel implements Channel {
  readonly name = 'syslog_output';
  readonly maxBatch = 256;
  private readonly transport: SyslogTransport;

  constructor(private readonly options: SyslogChannelOptions) {
    this.transport =
      options.transport ?? new LoggerProcessTransport(options.socketPath ?? '/dev/log', options.tag ?? 'falco');
  }

  async start(): Promise<void> {}

  async deliver(alerts: Alert[]): Promise<void> {
    // Keep order while grouping consecutive alerts of the same severity.
    let i = 0;
    while (i < alerts.length) {
      const sev = priorityLevel(alerts[i]!.priority);
      const group: string[] = [];
      while (i < alerts.length && priorityLevel(alerts[i]!.priority) === sev) group.push(this.options.format(alerts[i++]!));
      await this.transport.send(sev, group);
    }
  }

  async reopen(): Promise<void> {
    await this.transport.close();
  }

  async stop(): Promise<void> {
    await this.transport.close();
  }
}

interface LoggerProc {
  child: ChildProcess;
  exited: boolean;
  /** Settles when the process is gone and its stderr read. */
  gone: Promise<void>;
  stderr: string;
}

/** util-linux `logger --socket PATH`, fed one message per line on stdin. */
export class LoggerProcessTransport implements SyslogTransport {
  private readonly procs = new Map<number, LoggerProc>();

  constructor(
    private readonly socketPath: string,
    private readonly tag: string,
    private readonly loggerPath = 'logger',
  ) {}

  async send(severity: number, messages: string[]): Promise<void> {
    let p = this.procs.get(severity);
    if (p?.exited) {
      this.procs.delete(severity);
      const reason = p.stderr.trim() || 'logger exited';
      throw new DeliveryError(`syslog: ${reason}`, { permanent: false });
    }
    if (!p) {
      p = this.spawn(severity);
      this.procs.set(severity, p);
    }
    const proc = p;
    // A line break would split one alert into several syslog messages.
    const data = messages.map((m) => `${m.replace(/\n/g, ' ')}\n`).join('');
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error): void => reject(new DeliveryError(`syslog: ${e.message}`, { permanent: false, cause: e }));
      proc.child.once('error', onError);
      proc.child.stdin!.write(data, (err) => {
        proc.child.off('error', onError);
        if (!err) return resolve();
        this.procs.delete(severity);
        // logger says why it quit (e.g. the socket is missing) on stderr; wait briefly for it.
        const why = (): void =>
          reject(new DeliveryError(`syslog: ${proc.stderr.trim() || err.message}`, { permanent: false, cause: err }));
        void Promise.race([proc.gone, new Promise((r) => setTimeout(r, 500))]).then(why);
      });
    });
  }

  async close(): Promise<void> {
    const procs = [...this.procs.values()];
    this.procs.clear();
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exited) return resolve();
            void p.gone.then(resolve);
            p.child.stdin!.end();
          }),
      ),
    );
  }

  private spawn(severity: number): LoggerProc {
    const child = spawn(
      this.loggerPath,
      [
        `--socket=${this.socketPath}`,
        '--socket-errors=on',
        `--tag=${this.tag}`,
        `--priority=user.${SYSLOG_SEVERITY_NAMES[severity]}`,
        '--size=65536',
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let markGone!: () => void;
    const p: LoggerProc = { child, exited: false, stderr: '', gone: new Promise<void>((r) => (markGone = r)) };
    child.stdin!.on('error', () => undefined);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      if (p.stderr.length < 4096) p.stderr += s;
    });
    // 'close' comes after exit and after stderr is fully read.
    child.once('close', () => {
      p.exited = true;
      markGone();
    });
    child.once('error', (e) => {
      p.exited = true;
      p.stderr ||= e.message;
      markGone();
    });
    return p;
  }
}
