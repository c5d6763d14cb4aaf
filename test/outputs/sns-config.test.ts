import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigMap } from '../../host/config/tree.js';
import { readSnsConfig } from '../../outputs/sns/index.js';
import { batches, deduplicationId, messageAttributes, messageGroupId, snsMessage, SNS_MAX_BYTES } from '../../outputs/sns/message.js';
import { AlertFormatter } from '../../outputs/format/index.js';
import { makeAlert } from './support/email-alerts.js';

const formatter = new AlertFormatter();

const ARN = 'arn:aws:sns:eu-west-1:123456789012:falco-alerts';

function errorOf(node: ConfigMap): string {
  try {
    readSnsConfig(node);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('sns_output config', () => {
  it('is off when absent or disabled; region comes from the ARN unless given', () => {
    expect(readSnsConfig(undefined)).toBeUndefined();
    expect(readSnsConfig({ enabled: 'no', topic_arn: 'garbage' })).toBeUndefined();
    expect(readSnsConfig({ enabled: 'true', topic_arn: ARN })).toEqual({
      topicArn: ARN, region: 'eu-west-1', format: 'json', minPriority: 'Debug', fifo: false, timeoutMs: 10000,
    });
    expect(readSnsConfig({ enabled: 'true', topic_arn: `${ARN}.fifo`, region: 'us-east-1', endpoint: 'http://127.0.0.1:4566', format: 'TEXT', min_priority: 'error' }))
      .toEqual({ topicArn: `${ARN}.fifo`, region: 'us-east-1', endpoint: 'http://127.0.0.1:4566', format: 'text', minPriority: 'Error', fifo: true, timeoutMs: 10000 });
  });

  it('names the key in every error', () => {
    expect(errorOf({ enabled: 'true' })).toBe('sns_output.topic_arn: required when sns_output.enabled is true');
    expect(errorOf({ enabled: 'true', topic_arn: 'falco-alerts' })).toBe(
      "sns_output.topic_arn: 'falco-alerts' is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)",
    );
    expect(errorOf({ enabled: 'true', topic_arn: ARN, format: 'xml' })).toBe("sns_output.format: 'xml' is not one of json, text");
    expect(errorOf({ enabled: 'true', topic_arn: ARN, endpoint: 'localhost:4566' })).toBe("sns_output.endpoint: 'localhost:4566' must be an http:// or https:// URL");
    expect(errorOf({ enabled: 'true', topic_arn: ARN, endpoint: 'http://' })).toBe("sns_output.endpoint: 'http://' is not a URL");
    expect(errorOf({ enabled: 'true', topic_arn: ARN, min_priority: 'x' })).toMatch(/^sns_output\.min_priority: 'x' is not one of emergency/);
    expect(errorOf({ enabled: 'true', topic_arn: ARN, region: 'EU West' })).toBe("sns_output.region: 'EU West' is not an AWS region name");
    expect(errorOf({ enabled: 'yes please', topic_arn: ARN })).toBe('sns_output.enabled: expected true or false');
  });
});

describe('SNS messages', () => {
  it('attributes are filter-policy types: String, Number for priority_level, String.Array for tags; no empty values', () => {
    const attrs = messageAttributes(makeAlert({ priority: 'Warning', hostname: '', tags: ['a', 'b"c'] }));
    expect(attrs).toEqual({
      priority: { DataType: 'String', StringValue: 'Warning' },
      priority_level: { DataType: 'Number', StringValue: '4' },
      rule: { DataType: 'String', StringValue: 'Terminal shell in container' },
      source: { DataType: 'String', StringValue: 'syscall' },
      tags: { DataType: 'String.Array', StringValue: '["a","b\\"c"]' },
    });
    expect(messageAttributes(makeAlert({ tags: [] }))['tags']).toBeUndefined();
  });

  it('FIFO group ids keep valid rule names, and make others valid, short and distinct', () => {
    expect(messageGroupId('Write_below_etc')).toBe('Write_below_etc');
    const spaced = messageGroupId('Terminal shell in container');
    expect(spaced).toMatch(/^Terminal_shell_in_container-[0-9a-f]{16}$/);
    expect(messageGroupId('Terminal_shell in container')).not.toBe(spaced);
    const long = messageGroupId('Ünïcode '.repeat(40));
    expect(long.length).toBeLessThanOrEqual(128);
    expect(long).toMatch(/^[!-~]+$/);
  });

  it('deduplication ids are stable per alert and differ between alerts', () => {
    const a = makeAlert();
    expect(deduplicationId({ ...a })).toBe(deduplicationId(a));
    expect(deduplicationId(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(deduplicationId({ ...a, timeNs: a.timeNs + 1n })).not.toBe(deduplicationId(a));
    expect(deduplicationId({ ...a, output: `${a.output}!` })).not.toBe(deduplicationId(a));
  });

  it('batches hold at most 10 entries and 256 KiB', () => {
    const small = Array.from({ length: 23 }, () => ({ message: snsMessage(makeAlert(), 'json', false, formatter) }));
    expect(batches(small).map((b) => b.length)).toEqual([10, 10, 3]);
    const big = Array.from({ length: 5 }, () => ({ message: snsMessage(makeAlert({ output: 'x'.repeat(100_000) }), 'text', false, formatter) }));
    const split = batches(big);
    expect(split.map((b) => b.length)).toEqual([2, 2, 1]);
    for (const b of split) expect(b.reduce((n, i) => n + i.message.bytes, 0)).toBeLessThanOrEqual(SNS_MAX_BYTES);
  });
});
