// One alert as an SNS message: the body, the attributes subscribers filter on, and for FIFO topics
// the message group (one per rule, so each rule's alerts stay in order) and a deduplication id
// that is the same for the same alert however often it is retried.
import { createHash } from 'node:crypto';
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import type { Alert } from '../alert.js';
import { priorityLevel } from '../../host/rules/index.js';
import type { AlertFormatter } from '../format/index.js';
import type { SnsFormat } from './config.js';

/** SNS's limit for one message, and for all messages of one PublishBatch together. */
export const SNS_MAX_BYTES = 262_144;
export const SNS_MAX_BATCH = 10;

export interface SnsMessage {
  body: string;
  attributes: Record<string, MessageAttributeValue>;
  groupId?: string;
  dedupId?: string;
  /** What SNS counts against its size limit: body plus attribute names, types and values. */
  bytes: number;
}

/**
 * Attributes for filter policies: `priority`, `rule`, `source`, `hostname` as String, `tags` as
 * String.Array (a policy matches when any tag matches), and `priority_level` as Number (0 =
 * Emergency … 7 = Debug) so a policy can ask for "Warning or worse" with a numeric range. SNS
 * refuses empty attribute values, so empty ones are left out.
 */
export function messageAttributes(alert: Alert): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  const str = (name: string, value: string): void => {
    if (value !== '') out[name] = { DataType: 'String', StringValue: value };
  };
  str('priority', alert.priority);
  out['priority_level'] = { DataType: 'Number', StringValue: String(priorityLevel(alert.priority)) };
  str('rule', alert.rule);
  str('source', alert.source);
  str('hostname', alert.hostname);
  if (alert.tags.length > 0) out['tags'] = { DataType: 'String.Array', StringValue: JSON.stringify(alert.tags) };
  return out;
}

// FIFO ids may hold letters, digits and ASCII punctuation, at most 128 characters.
const FIFO_ID_CHARS = /^[!-~]{1,128}$/;

/** The rule name when it is a valid group id; otherwise a readable form with a hash to keep it unique. */
export function messageGroupId(rule: string): string {
  if (FIFO_ID_CHARS.test(rule)) return rule;
  const readable = rule.replace(/[^!-~]/g, '_').slice(0, 100);
  const hash = createHash('sha256').update(rule).digest('hex').slice(0, 16);
  return `${readable}-${hash}`;
}

/** A stable id per alert: the same event time, rule and output give the same id. */
export function deduplicationId(alert: Alert): string {
  return createHash('sha256').update(`${alert.timeNs}\0${alert.rule}\0${alert.output}`).digest('hex');
}

/** The body is Falco's JSON object or text line for the alert, from the daemon's formatter. */
export function snsMessage(alert: Alert, format: SnsFormat, fifo: boolean, formatter: AlertFormatter): SnsMessage {
  const body = format === 'json' ? formatter.json(alert) : formatter.text(alert);
  const attributes = messageAttributes(alert);
  let bytes = Buffer.byteLength(body);
  for (const [name, a] of Object.entries(attributes)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(a.DataType ?? '') + Buffer.byteLength(a.StringValue ?? '');
  }
  const message: SnsMessage = { body, attributes, bytes };
  if (fifo) {
    message.groupId = messageGroupId(alert.rule);
    message.dedupId = deduplicationId(alert);
  }
  return message;
}

/** Splits messages into PublishBatch requests: at most 10 entries and 256 KiB per request. */
export function batches<T extends { message: SnsMessage }>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length === SNS_MAX_BATCH || (current.length > 0 && bytes + item.message.bytes > SNS_MAX_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.message.bytes;
  }
  if (current.length > 0) out.push(current);
  return out;
}
