// Builds the running delivery from a DeliveryConfig: the formatter every channel shares and the
// pipeline with one worker per enabled channel. The daemon calls publish(), reopen() on SIGUSR1
// and drain() on SIGTERM; counters() feeds /metrics.
import { FileChannel, HttpChannel, ProgramChannel, StdoutChannel, SyslogChannel } from './channels/index.js';
import type { Channel } from './channel.js';
import type { ChannelConfig, DeliveryConfig } from './delivery-config.js';
import { EmailChannel } from './email/index.js';
import { AlertFormatter } from './format/index.js';
import { OutputPipeline, type OutputLog, type PipelineChannel } from './pipeline/index.js';
import { SnsChannel } from './sns/index.js';

export interface DeliveryDeps {
  log: OutputLog;
  /** Offset for local times; the process time zone's current one by default. */
  utcOffsetSeconds?: () => number;
  /** stdout_output's descriptor (tests). */
  stdoutFd?: number;
  /** syslog_output's socket (tests); /dev/log by default. */
  syslogSocket?: string;
}

export interface Delivery {
  formatter: AlertFormatter;
  pipeline: OutputPipeline;
}

export function createDelivery(config: DeliveryConfig, deps: DeliveryDeps): Delivery {
  const formatter = new AlertFormatter({
    ...config.format,
    ...(deps.utcOffsetSeconds ? { utcOffsetSeconds: deps.utcOffsetSeconds } : {}),
  });
  const format = (a: Parameters<AlertFormatter['format']>[0]): string => formatter.format(a);
  let pipeline: OutputPipeline | undefined;

  const build = (c: ChannelConfig): Channel => {
    switch (c.kind) {
      case 'stdout_output':
        return new StdoutChannel({ format, buffered: config.bufferedOutputs, ...(deps.stdoutFd !== undefined ? { fd: deps.stdoutFd } : {}) });
      case 'file_output':
        return new FileChannel({ filename: c.filename, keepAlive: c.keepAlive, format });
      case 'syslog_output':
        return new SyslogChannel({ format, ...(deps.syslogSocket ? { socketPath: deps.syslogSocket } : {}) });
      case 'program_output':
        return new ProgramChannel({ program: c.program, keepAlive: c.keepAlive, format, log: deps.log });
      case 'http_output':
        return new HttpChannel({ ...c.http, format, jsonOutput: config.format.jsonOutput });
      case 'email_output':
        return new EmailChannel(c.email, {
          log: deps.log,
          onDigestDropped: (count) => pipeline?.reportLateFailure('email_output', count),
        });
      case 'sns_output':
        return new SnsChannel(c.sns, {
          formatter,
          log: deps.log,
          onDropped: (count) => pipeline?.reportLateFailure('sns_output', count),
        });
    }
  };

  const channels: PipelineChannel[] = config.channels.map((c) => ({ channel: build(c), settings: c.settings }));
  pipeline = new OutputPipeline(channels, { log: deps.log, outputTimeoutMs: config.outputTimeoutMs });
  return { formatter, pipeline };
}
