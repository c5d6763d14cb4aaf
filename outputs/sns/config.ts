// The `sns_output` config block: topic, region, optional endpoint and body format. Credentials are
// not configured here; the AWS SDK's standard chain finds them (environment, profile, role).
import { ConfigError, type ConfigNode } from '../../host/config/tree.js';
import { openEnabledBlock } from '../config-block.js';
import { toInteger } from '../../host/config/scalars.js';
import { parsePriority, type PriorityName } from '../../host/rules/index.js';

export const SNS_KEY = 'sns_output';

export type SnsFormat = 'json' | 'text';

export interface SnsConfig {
  topicArn: string;
  region: string;
  endpoint?: string;
  format: SnsFormat;
  minPriority: PriorityName;
  /** FIFO topics (ARN ends in `.fifo`) need a message group and deduplication id. */
  fifo: boolean;
  /** Per-request timeout; a hung endpoint fails the attempt instead of stalling the channel. */
  timeoutMs: number;
}

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$/;

/** Reads `sns_output`; undefined when the block is absent or `enabled` is false. */
export function readSnsConfig(node: ConfigNode | undefined): SnsConfig | undefined {
  const block = openEnabledBlock(node, SNS_KEY);
  if (block === undefined) return undefined;
  const { key, text } = block;

  const topicArn = text('topic_arn');
  if (topicArn === undefined || topicArn === '') throw new ConfigError(`${key('topic_arn')}: required when ${key('enabled')} is true`);
  const m = TOPIC_ARN.exec(topicArn);
  if (m === null) throw new ConfigError(`${key('topic_arn')}: '${topicArn}' is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)`);

  const region = text('region') ?? m[1]!;
  if (!/^[a-z0-9-]+$/.test(region)) throw new ConfigError(`${key('region')}: '${region}' is not an AWS region name`);

  const endpoint = text('endpoint');
  if (endpoint !== undefined && endpoint !== '') {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new ConfigError(`${key('endpoint')}: '${endpoint}' is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${key('endpoint')}: '${endpoint}' must be an http:// or https:// URL`);
  }

  const formatText = text('format') ?? 'json';
  const format = (['json', 'text'] as const).find((f) => f === formatText.toLowerCase());
  if (format === undefined) throw new ConfigError(`${key('format')}: '${formatText}' is not one of json, text`);

  const minText = text('min_priority') ?? 'debug';
  const minPriority = parsePriority(minText);
  if (minPriority === undefined) {
    throw new ConfigError(`${key('min_priority')}: '${minText}' is not one of emergency, alert, critical, error, warning, notice, informational, debug`);
  }

  const timeoutText = text('timeout_ms');
  let timeoutMs = 10000;
  if (timeoutText !== undefined) {
    const t = toInteger(timeoutText, { min: 1, max: 600000 });
    if (t === undefined) throw new ConfigError(`${key('timeout_ms')}: '${timeoutText}' is not a whole number between 1 and 600000`);
    timeoutMs = t;
  }

  const config: SnsConfig = { topicArn, region, format, minPriority, fifo: topicArn.endsWith('.fifo'), timeoutMs };
  if (endpoint !== undefined && endpoint !== '') config.endpoint = endpoint;
  return config;
}
