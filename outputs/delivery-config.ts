// The output keys of falco.yaml, read from the untyped config tree into what the pipeline and
// the channels need. Falco's own keys keep Falco's defaults and, like Falco, fall back to them
// when a value cannot be read (schema validation reports it elsewhere). Saker's per-channel
// additions, valid under every `*_output` block, fail with the key named:
//   min_priority      alerts below it skip the channel (default debug = all)
//   queue_capacity    the channel's queue bound (default outputs_queue.capacity, else 10000)
//   rate_limit.rate   alerts per second (with rate_limit.burst, default = rate); absent = no limit
import { getAt, ConfigError, type ConfigNode } from '../host/config/tree.js';
import { toBool, toDouble, toInteger, toText } from '../host/config/scalars.js';
import { parsePriority } from '../host/rules/index.js';
import type { HttpChannelOptions } from './channels/http.js';
import { readEmailConfig, type EmailConfig } from './email/index.js';
import type { AlertFormatOptions } from './format/index.js';
import type { ChannelSettings } from './pipeline/index.js';
import { readSnsConfig, type SnsConfig } from './sns/index.js';

export const DEFAULT_CHANNEL_QUEUE = 10_000;

export type HttpSettings = Omit<HttpChannelOptions, 'format' | 'jsonOutput' | 'echoTo'>;

export type ChannelConfig =
  | { kind: 'stdout_output'; settings: ChannelSettings }
  | { kind: 'file_output'; filename: string; keepAlive: boolean; settings: ChannelSettings }
  | { kind: 'syslog_output'; settings: ChannelSettings }
  | { kind: 'program_output'; program: string; keepAlive: boolean; settings: ChannelSettings }
  | { kind: 'http_output'; http: HttpSettings; settings: ChannelSettings }
  | { kind: 'email_output'; email: EmailConfig; settings: ChannelSettings }
  | { kind: 'sns_output'; sns: SnsConfig; settings: ChannelSettings };

export interface DeliveryConfig {
  format: Omit<AlertFormatOptions, 'utcOffsetSeconds'>;
  bufferedOutputs: boolean;
  outputTimeoutMs: number;
  /** Enabled channels in Falco's order (stdout, file, syslog, program, http), then email and SNS. */
  channels: ChannelConfig[];
}

function bool(root: ConfigNode, key: string, fallback: boolean): boolean {
  return toBool(getAt(root, key)) ?? fallback;
}

function text(root: ConfigNode, key: string, fallback: string): string {
  return toText(getAt(root, key)) ?? fallback;
}

/** Saker's per-channel settings under `<block>.`. */
export function readChannelSettings(root: ConfigNode, block: string, defaultQueue: number): ChannelSettings {
  const settings: ChannelSettings = { queueCapacity: defaultQueue };
  const minText = toText(getAt(root, `${block}.min_priority`));
  if (minText !== undefined) {
    const p = parsePriority(minText);
    if (p === undefined) {
      throw new ConfigError(
        `${block}.min_priority: '${minText}' is not one of emergency, alert, critical, error, warning, notice, informational, debug`,
      );
    }
    settings.minPriority = p;
  }
  const queueNode = getAt(root, `${block}.queue_capacity`);
  if (queueNode !== undefined && queueNode !== null) {
    const q = toInteger(queueNode, { min: 1, max: 100_000_000 });
    if (q === undefined) throw new ConfigError(`${block}.queue_capacity: '${String(queueNode)}' is not a whole number between 1 and 100000000`);
    settings.queueCapacity = q;
  }
  const rateNode = getAt(root, `${block}.rate_limit.rate`);
  if (rateNode !== undefined && rateNode !== null) {
    const rate = toDouble(rateNode);
    if (rate === undefined || !(rate > 0) || !Number.isFinite(rate)) {
      throw new ConfigError(`${block}.rate_limit.rate: '${String(rateNode)}' is not a positive number of alerts per second`);
    }
    const burstNode = getAt(root, `${block}.rate_limit.burst`);
    let burst = Math.max(1, Math.ceil(rate));
    if (burstNode !== undefined && burstNode !== null) {
      const b = toInteger(burstNode, { min: 1, max: 100_000_000 });
      if (b === undefined) throw new ConfigError(`${block}.rate_limit.burst: '${String(burstNode)}' is not a whole number of at least 1`);
      burst = b;
    }
    settings.rateLimit = { rate, burst };
  }
  return settings;
}

export function readDeliveryConfig(root: ConfigNode, env: NodeJS.ProcessEnv = process.env): DeliveryConfig {
  const sharedQueue = toInteger(getAt(root, 'outputs_queue.capacity'), { unsigned: true }) ?? 0;
  const defaultQueue = sharedQueue > 0 ? sharedQueue : DEFAULT_CHANNEL_QUEUE;
  const settings = (block: string): ChannelSettings => readChannelSettings(root, block, defaultQueue);
  const enabled = (block: string, fallback = false): boolean => bool(root, `${block}.enabled`, fallback);
  const channels: ChannelConfig[] = [];

  if (enabled('stdout_output', true)) channels.push({ kind: 'stdout_output', settings: settings('stdout_output') });
  if (enabled('file_output')) {
    channels.push({
      kind: 'file_output',
      filename: text(root, 'file_output.filename', './events.txt'),
      keepAlive: bool(root, 'file_output.keep_alive', false),
      settings: settings('file_output'),
    });
  }
  if (enabled('syslog_output', true)) channels.push({ kind: 'syslog_output', settings: settings('syslog_output') });
  if (enabled('program_output')) {
    const program = text(root, 'program_output.program', '');
    if (program === '') throw new ConfigError('program_output.program: a program is required when program_output is enabled');
    channels.push({ kind: 'program_output', program, keepAlive: bool(root, 'program_output.keep_alive', false), settings: settings('program_output') });
  }
  if (enabled('http_output')) {
    const url = text(root, 'http_output.url', '');
    if (url === '') throw new ConfigError('http_output.url: a URL is required when http_output is enabled');
    const h = (k: string, d: string): string => text(root, `http_output.${k}`, d);
    const b = (k: string): boolean => bool(root, `http_output.${k}`, false);
    channels.push({
      kind: 'http_output',
      http: {
        url,
        userAgent: h('user_agent', 'falcosecurity/falco'),
        insecure: b('insecure'),
        caCert: h('ca_cert', ''),
        caBundle: h('ca_bundle', ''),
        caPath: h('ca_path', '/etc/ssl/certs'),
        mtls: b('mtls'),
        clientCert: h('client_cert', '/etc/ssl/certs/client.crt'),
        clientKey: h('client_key', '/etc/ssl/certs/client.key'),
        compressUploads: b('compress_uploads'),
        keepAlive: b('keep_alive'),
        echo: b('echo'),
      },
      settings: settings('http_output'),
    });
  }
  // Their readers own `enabled` and their keys; they return undefined when disabled.
  const email = readEmailConfig(getAt(root, 'email_output'), env);
  if (email) channels.push({ kind: 'email_output', email, settings: { ...settings('email_output'), minPriority: email.minPriority } });
  const sns = readSnsConfig(getAt(root, 'sns_output'));
  if (sns) channels.push({ kind: 'sns_output', sns, settings: { ...settings('sns_output'), minPriority: sns.minPriority } });

  return {
    format: {
      jsonOutput: bool(root, 'json_output', false),
      jsonIncludeOutputProperty: bool(root, 'json_include_output_property', true),
      jsonIncludeTagsProperty: bool(root, 'json_include_tags_property', true),
      jsonIncludeMessageProperty: bool(root, 'json_include_message_property', false),
      jsonIncludeOutputFieldsProperty: bool(root, 'json_include_output_fields_property', true),
      timeFormatIso8601: bool(root, 'time_format_iso_8601', false),
    },
    bufferedOutputs: bool(root, 'buffered_outputs', false),
    outputTimeoutMs: toInteger(getAt(root, 'output_timeout'), { unsigned: true }) ?? 2000,
    channels,
  };
}
