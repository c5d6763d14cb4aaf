// `log_syslog`: Saker's log lines also go to the local syslog, as Falco's logger sends them
// (facility user, the log level as severity, tag `falco` so existing filters keep matching).
// Uses the syslog transport of the outputs (util-linux `logger`, one process per severity),
// started on the first line; nothing is started when the host has no /dev/log.
import { existsSync } from 'node:fs';
import { LoggerProcessTransport } from '../../outputs/channels/syslog.js';
import type { SyslogSink } from './logger.js';

export interface ClosableSyslogSink {
  sink: SyslogSink;
  close: () => Promise<void>;
}

export function createSyslogSink(socketPath = '/dev/log', tag = 'falco'): ClosableSyslogSink {
  if (!existsSync(socketPath)) return { sink: () => undefined, close: async () => undefined };
  const transport = new LoggerProcessTransport(socketPath, tag);
  // Log lines must never fail the daemon: a syslog that went away only loses its copy.
  return {
    sink: (severity, message) => void transport.send(severity, [message]).catch(() => undefined),
    close: () => transport.close(),
  };
}
