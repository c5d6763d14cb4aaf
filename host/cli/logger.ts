// Saker's own log lines, in Falco's logger format: on stderr when `log_stderr` is set, prefixed
// with asctime()-style local time (`Mon Nov 23 05:12:35 2026: `) or ISO 8601 UTC when
// `time_format_iso_8601` is set, filtered by `log_level`.
import type { LogLevel } from '../config/keys.js';

const SEVERITY: Record<LogLevel, number> = {
  emergency: 0,
  alert: 1,
  critical: 2,
  error: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** C's asctime() without its newline: `Mon Nov  3 05:12:35 2026` (day of month space-padded). */
export function asctime(d: Date): string {
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${d.getFullYear()}`;
}

/** strftime("%FT%T%z") in UTC: `2026-11-23T05:12:35+0000`. */
export function isoUtc(d: Date): string {
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}+0000`;
}

export interface LoggerSettings {
  stderr: boolean;
  level: LogLevel;
  iso8601: boolean;
  /** `log_syslog`: also send each line to syslog (through the sink given to the Logger). */
  syslog?: boolean;
}

/** Where `log_syslog` lines go: syslog severity (0 emergency … 7 debug) and the bare message. */
export type SyslogSink = (severity: number, message: string) => void;

export class Logger {
  private settings: LoggerSettings;

  constructor(
    settings: LoggerSettings,
    private readonly write: (text: string) => void = (t) => process.stderr.write(t),
    private readonly now: () => Date = () => new Date(),
    private readonly syslogSink?: SyslogSink,
  ) {
    this.settings = settings;
  }

  configure(settings: LoggerSettings): void {
    this.settings = settings;
  }

  get writesToStderr(): boolean {
    return this.settings.stderr;
  }

  log(level: LogLevel, message: string): void {
    if (SEVERITY[level] > SEVERITY[this.settings.level]) return;
    if (this.settings.syslog && this.syslogSink) this.syslogSink(SEVERITY[level], message.replace(/\n+$/, ''));
    if (!this.settings.stderr) return;
    const d = this.now();
    const stamp = this.settings.iso8601 ? isoUtc(d) : asctime(d);
    const line = message.endsWith('\n') ? message : `${message}\n`;
    this.write(`${stamp}: ${line}`);
  }

  info(message: string): void {
    this.log('info', message);
  }

  warning(message: string): void {
    this.log('warning', message);
  }

  error(message: string): void {
    this.log('error', message);
  }

  debug(message: string): void {
    this.log('debug', message);
  }
}
