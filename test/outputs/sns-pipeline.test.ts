// The SNS channel inside the delivery pipeline: throttling and refused batch entries are retried
// by the pipeline and every alert reaches the subscribed queue exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputPipeline } from '../../outputs/pipeline/index.js';
import { readSnsConfig, SnsChannel } from '../../outputs/sns/index.js';
import { makeAlert } from './support/email-alerts.js';
import { startEmulator, useTestCredentials, type Emulator } from './support/sns-fauxqs.js';
import { startSnsProxy } from './support/sns-proxy.js';

let emu: Emulator;
let restoreCredentials: () => void;
beforeAll(async () => {
  restoreCredentials = useTestCredentials();
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
  restoreCredentials();
});

describe('SNS channel in the pipeline', () => {
  it('throttling and refused entries are retried; each alert arrives once; counters add up', async () => {
    const { topicArn, queueUrl } = await emu.topicWithQueue('pipeline-alerts');
    const refused = new Set<string>();
    const proxy = await startSnsProxy(emu.endpoint, {
      failRequest: (n) => (n <= 3 ? { status: 400, code: 'Throttling', message: 'Rate exceeded' } : undefined),
      failEntry: (message) => {
        const m = /pipeline alert (\d+)\b/.exec(message);
        if (m === null || Number(m[1]) % 7 !== 0 || refused.has(m[1]!)) return undefined;
        refused.add(m[1]!);
        return { code: 'InternalError', message: 'try again', senderFault: false };
      },
    });
    const logs: string[] = [];
    const channel = new SnsChannel(readSnsConfig({ enabled: 'true', topic_arn: topicArn, endpoint: proxy.endpoint })!);
    const pipeline = new OutputPipeline(
      [{ channel, settings: { backoff: { initialMs: 20, maxMs: 100 } } }],
      { log: (_level, message) => void logs.push(message) },
    );
    await pipeline.start();
    const alerts = Array.from({ length: 45 }, (_, i) => makeAlert({ output: `pipeline alert ${i}` }));
    for (const a of alerts) pipeline.publish(a);

    const got = await emu.receive(queueUrl, 45, 10_000);
    const report = await pipeline.drain(3000);
    await proxy.close();
    expect(report.total).toBe(0);
    const numbers = got.map((m) => Number(/pipeline alert (\d+)"/.exec(m.Body!)![1])).sort((a, b) => a - b);
    expect(numbers).toEqual(alerts.map((_, i) => i));
    expect(await emu.receive(queueUrl, 1, 200)).toHaveLength(0);

    const c = pipeline.counters()[0]!;
    expect(c.delivered).toBe(45);
    expect(c.dropped).toEqual({ queue_full: 0, rate_limited: 0, permanent_failure: 0, shutdown: 0 });
    expect(c.retries).toBeGreaterThanOrEqual(3 + 1);
    expect(refused.size).toBe(7);
    // PublishBatch of at most 10; retries after refusals resend only the refused entries.
    expect(Math.max(...proxy.batchSizes)).toBeLessThanOrEqual(10);
    expect(proxy.batchSizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(45 + 7);
    expect(logs[0]).toBe('sns output: delivery failed, retrying: sns_output: Throttling (HTTP 400): Rate exceeded');
  }, 20_000);
});
