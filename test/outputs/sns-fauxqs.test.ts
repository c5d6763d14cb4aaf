// The SNS channel against the fauxqs emulator on 127.0.0.1: a topic with an SQS queue subscribed,
// read back with @aws-sdk/client-sqs. Throttling, 5xx and refused batch entries come from a small
// proxy in front of the emulator.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@aws-sdk/client-sqs';
import type { Alert } from '../../outputs/alert.js';
import { DeliveryError } from '../../outputs/channel.js';
import { AlertFormatter } from '../../outputs/format/index.js';
import { deduplicationId, messageGroupId, readSnsConfig, SnsChannel } from '../../outputs/sns/index.js';
import { makeAlert } from './support/email-alerts.js';
import { startEmulator, useTestCredentials, type Emulator } from './support/sns-fauxqs.js';
import { startSnsProxy, type ProxyRules, type SnsProxy } from './support/sns-proxy.js';

let emu: Emulator;
let restoreCredentials: () => void;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  restoreCredentials = useTestCredentials();
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
  restoreCredentials();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let topicCounter = 0;
function topicName(): string {
  return `alerts-${++topicCounter}`;
}

async function channel(topicArn: string, extra: Record<string, string> = {}, endpoint = emu.endpoint): Promise<SnsChannel> {
  const ch = new SnsChannel(readSnsConfig({ enabled: 'true', topic_arn: topicArn, endpoint, timeout_ms: '2000', ...extra })!);
  await ch.start();
  cleanups.push(() => ch.stop());
  return ch;
}

async function proxy(rules: ProxyRules): Promise<SnsProxy> {
  const p = await startSnsProxy(emu.endpoint, rules);
  cleanups.push(() => p.close());
  return p;
}

async function deliveryError(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DeliveryError);
    return err as DeliveryError;
  }
  throw new Error('expected delivery to fail');
}

/** What the pipeline does: deliver, and on a transient failure try again. */
async function deliverWithRetries(ch: SnsChannel, alerts: Alert[], attempts: number): Promise<DeliveryError[]> {
  const failures: DeliveryError[] = [];
  for (let i = 0; i < attempts; i++) {
    try {
      await ch.deliver(alerts);
      return failures;
    } catch (err) {
      if (!(err instanceof DeliveryError) || err.permanent) throw err;
      failures.push(err);
    }
  }
  throw new Error(`not delivered after ${attempts} attempts`);
}

function attr(m: Message, name: string): { type: string | undefined; value: string | undefined } {
  const a = m.MessageAttributes?.[name];
  return { type: a?.DataType, value: a?.StringValue };
}

describe('SNS channel against fauxqs', () => {
  it('publishes the alert JSON with filterable message attributes', async () => {
    const { topicArn, queueUrl } = await emu.topicWithQueue(topicName());
    const ch = await channel(topicArn);
    const alert = makeAlert({ priority: 'Critical', tags: ['container', 'mitre_execution'], outputFields: { 'proc.pid': 18446744073709551615n, 'fd.name': null } });
    await ch.deliver([alert]);
    const [m] = await emu.receive(queueUrl, 1);
    expect(m!.Body).toBe(new AlertFormatter().json(alert));
    const body = JSON.parse(m!.Body!) as Record<string, unknown>;
    expect(body).toMatchObject({ rule: alert.rule, priority: 'Critical', source: 'syscall', hostname: 'node-1', tags: ['container', 'mitre_execution'] });
    expect(body['output']).toContain(alert.output);
    expect(m!.Body).toContain('"proc.pid":18446744073709551615');
    expect(attr(m!, 'priority')).toEqual({ type: 'String', value: 'Critical' });
    expect(attr(m!, 'priority_level')).toEqual({ type: 'Number', value: '2' });
    expect(attr(m!, 'rule')).toEqual({ type: 'String', value: alert.rule });
    expect(attr(m!, 'source')).toEqual({ type: 'String', value: 'syscall' });
    expect(attr(m!, 'hostname')).toEqual({ type: 'String', value: 'node-1' });
    expect(attr(m!, 'tags')).toEqual({ type: 'String.Array', value: '["container","mitre_execution"]' });
  });

  it('format text publishes the text line', async () => {
    const { topicArn, queueUrl } = await emu.topicWithQueue(topicName());
    const ch = await channel(topicArn, { format: 'text' });
    const alert = makeAlert({ priority: 'Error' });
    await ch.deliver([alert]);
    const [m] = await emu.receive(queueUrl, 1);
    expect(m!.Body).toBe(new AlertFormatter().text(alert));
    expect(m!.Body).toMatch(/^\d\d:\d\d:\d\d\.\d{9}: Error A shell was spawned/);
  });

  it('uses the formatter it is given (the daemon\'s json_include_* and time settings)', async () => {
    const { topicArn, queueUrl } = await emu.topicWithQueue(topicName());
    const formatter = new AlertFormatter({ timeFormatIso8601: true, jsonIncludeOutputFieldsProperty: false });
    const ch = new SnsChannel(readSnsConfig({ enabled: 'true', topic_arn: topicArn, endpoint: emu.endpoint })!, { formatter });
    await ch.start();
    cleanups.push(() => ch.stop());
    const alert = makeAlert();
    await ch.deliver([alert]);
    const [m] = await emu.receive(queueUrl, 1);
    expect(m!.Body).toBe(formatter.json(alert));
    expect(JSON.parse(m!.Body!)).not.toHaveProperty('output_fields');
  });

  // fauxqs does not match String.Array attributes (AWS matches when any element does), so the
  // tags attribute is checked for its type and value above, and filtering here uses the others.
  it('subscribers filter on the attributes: a priority range, a rule name', async () => {
    const urgent = await emu.topicWithQueue(topicName(), { filterPolicy: { priority_level: [{ numeric: ['<=', 3] }] } });
    const ch = await channel(urgent.topicArn);
    await ch.deliver([makeAlert({ priority: 'Notice', output: 'notice one' })]);
    await ch.deliver([makeAlert({ priority: 'Critical', output: 'critical one' })]);
    const got = await emu.receive(urgent.queueUrl, 2, 500);
    expect(got.map((m) => JSON.parse(m.Body!).priority as string)).toEqual(['Critical']);

    const byRule = await emu.topicWithQueue(topicName(), { filterPolicy: { rule: ['Write below etc'], source: ['syscall'] } });
    const ch2 = await channel(byRule.topicArn);
    await ch2.deliver([makeAlert({ rule: 'Terminal shell in container' }), makeAlert({ rule: 'Write below etc' })]);
    const got2 = await emu.receive(byRule.queueUrl, 2, 500);
    expect(got2.map((m) => JSON.parse(m.Body!).rule as string)).toEqual(['Write below etc']);
  });

  it('the SNS envelope of a non-raw subscription carries the attributes too', async () => {
    const { topicArn, queueUrl } = await emu.topicWithQueue(topicName(), { raw: false });
    await (await channel(topicArn)).deliver([makeAlert({ rule: 'Envelope rule' })]);
    const [m] = await emu.receive(queueUrl, 1);
    const envelope = JSON.parse(m!.Body!) as { Message: string; MessageAttributes: Record<string, { Type: string; Value: string }> };
    expect(JSON.parse(envelope.Message).rule).toBe('Envelope rule');
    expect(envelope.MessageAttributes['rule']).toEqual({ Type: 'String', Value: 'Envelope rule' });
  });

  it('FIFO topic: a message group per rule and a deduplication id per alert', async () => {
    const { topicArn, queueUrl } = await emu.topicWithQueue(topicName(), { fifo: true });
    const ch = await channel(topicArn);
    const a1 = makeAlert({ rule: 'Shell' });
    const a2 = makeAlert({ rule: 'Write below etc' });
    const a3 = makeAlert({ rule: 'Shell' });
    await ch.deliver([a1, a2, a3]);
    // The same alert again (a retry after a lost reply, from a fresh channel) is deduplicated.
    await (await channel(topicArn)).deliver([a1]);
    const got = await emu.receive(queueUrl, 4, 800);
    expect(got).toHaveLength(3);
    const groups = got.map((m) => m.Attributes?.['MessageGroupId']).sort();
    expect(groups).toEqual(['Shell', 'Shell', messageGroupId('Write below etc')].sort());
    expect(got.map((m) => m.Attributes?.['MessageDeduplicationId']).sort()).toEqual([a1, a2, a3].map(deduplicationId).sort());
    const shells = got.filter((m) => m.Attributes?.['MessageGroupId'] === 'Shell').map((m) => JSON.parse(m.Body!).output as string);
    expect(shells).toEqual([a1.output, a3.output].map((o) => expect.stringContaining(o)));
  });

  it('more than 10 alerts go out as PublishBatch requests of at most 10, all arriving', async () => {
    const { topicArn, queueUrl } = await emu.topicWithQueue(topicName());
    const p = await proxy({});
    const ch = await channel(topicArn, {}, p.endpoint);
    expect(ch.maxBatch).toBe(10);
    const alerts = Array.from({ length: 23 }, (_, i) => makeAlert({ output: `alert number ${i}` }));
    await ch.deliver(alerts);
    expect(p.actions).toEqual(['PublishBatch', 'PublishBatch', 'PublishBatch']);
    expect(p.batchSizes).toEqual([10, 10, 3]);
    const got = await emu.receive(queueUrl, 23);
    const numbers = got.map((m) => Number(/alert number (\d+)$/.exec(JSON.parse(m.Body!).output as string)![1]));
    expect(numbers.sort((a, b) => a - b)).toEqual(alerts.map((_, i) => i));
  });

  it('throttling is transient: retried and delivered once', async () => {
    const { topicArn, queueUrl } = await emu.topicWithQueue(topicName());
    const p = await proxy({ failRequest: (n) => (n <= 2 ? { status: 400, code: 'Throttling', message: 'Rate exceeded' } : undefined) });
    const ch = await channel(topicArn, {}, p.endpoint);
    const alert = makeAlert();
    const failures = await deliverWithRetries(ch, [alert], 5);
    expect(failures.map((f) => [f.permanent, f.message])).toEqual([
      [false, 'sns_output: Throttling (HTTP 400): Rate exceeded'],
      [false, 'sns_output: Throttling (HTTP 400): Rate exceeded'],
    ]);
    expect(await emu.receive(queueUrl, 2, 400)).toHaveLength(1);
  });

  it('5xx and a dead endpoint are transient; a missing topic is permanent with the reason', async () => {
    const { topicArn } = await emu.topicWithQueue(topicName());
    const p = await proxy({ failRequest: () => ({ status: 503, code: 'ServiceUnavailable', message: 'Down for maintenance', type: 'Receiver' }) });
    const e503 = await deliveryError((await channel(topicArn, {}, p.endpoint)).deliver([makeAlert()]));
    expect(e503.permanent).toBe(false);

    const dead = await proxy({});
    const deadEndpoint = dead.endpoint;
    await dead.close();
    const eDead = await deliveryError((await channel(topicArn, {}, deadEndpoint)).deliver([makeAlert()]));
    expect(eDead.permanent).toBe(false);

    const missing = topicArn.replace(/[^:]+$/, 'no-such-topic');
    const e404 = await deliveryError((await channel(missing)).deliver([makeAlert()]));
    expect(e404.permanent).toBe(true);
    expect(e404.message).toMatch(/^sns_output: NotFound(Exception)? \(HTTP 404\): .*/);
  });

  it('an endpoint that never answers fails the attempt within timeout_ms, as transient', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      silent.close(() => r());
    }));
    const { topicArn } = await emu.topicWithQueue(topicName());
    const ch = await channel(topicArn, { timeout_ms: '300' }, `http://127.0.0.1:${(silent.address() as AddressInfo).port}`);
    const started = performance.now();
    const err = await deliveryError(ch.deliver([makeAlert()]));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(err.message).toBe('sns_output: no answer from SNS within 300 ms');
    expect(err.permanent).toBe(false);
  });

  it('refused batch entries: only those are sent again on retry, none is duplicated', async () => {
    const { topicArn, queueUrl } = await emu.topicWithQueue(topicName());
    const refusedOnce = new Set<string>();
    const p = await proxy({
      failEntry: (message) => {
        const m = /flaky (\d+)/.exec(message);
        if (m === null || refusedOnce.has(m[1]!)) return undefined;
        refusedOnce.add(m[1]!);
        return { code: 'InternalError', message: 'try again', senderFault: false };
      },
    });
    const ch = await channel(topicArn, {}, p.endpoint);
    const alerts = Array.from({ length: 10 }, (_, i) => makeAlert({ output: i % 3 === 0 ? `flaky ${i}` : `steady ${i}` }));
    const failures = await deliverWithRetries(ch, alerts, 3);
    expect(failures.map((f) => [f.permanent, f.message])).toEqual([[false, 'sns_output: 4 of 10 alerts not published yet: InternalError: try again']]);
    expect(p.batchSizes).toEqual([10, 4]);
    const got = await emu.receive(queueUrl, 11, 600);
    expect(got).toHaveLength(10);
    expect(new Set(got.map((m) => JSON.parse(m.Body!).output as string)).size).toBe(10);
  });

  it('entries refused for the sender\'s fault: the rest is delivered and the refused are reported; all refused is permanent', async () => {
    const { topicArn, queueUrl } = await emu.topicWithQueue(topicName());
    const p = await proxy({ failEntry: (m) => (m.includes('poison') ? { code: 'InvalidParameter', message: 'bad attribute', senderFault: true } : undefined) });
    const dropped: [number, string][] = [];
    const logs: string[] = [];
    const ch = new SnsChannel(readSnsConfig({ enabled: 'true', topic_arn: topicArn, endpoint: p.endpoint })!, {
      log: (_level, m) => void logs.push(m),
      onDropped: (n, e) => void dropped.push([n, e.message]),
    });
    await ch.start();
    cleanups.push(() => ch.stop());

    await ch.deliver([makeAlert({ output: 'poison 1' }), makeAlert({ output: 'fine 1' }), makeAlert({ output: 'fine 2' })]);
    await ch.deliver([makeAlert({ output: 'poison 2' }), makeAlert({ output: 'fine 3' })]);
    expect(dropped).toEqual([
      [1, 'sns_output: 1 of 3 alerts not published: InvalidParameter: bad attribute'],
      [1, 'sns_output: 1 of 2 alerts not published: InvalidParameter: bad attribute'],
    ]);
    expect(logs).toEqual(['sns_output: 1 of 3 alerts not published: InvalidParameter: bad attribute (the rest of the batch was delivered)']);
    expect(await emu.receive(queueUrl, 4, 400)).toHaveLength(3);

    const err = await deliveryError(ch.deliver([makeAlert({ output: 'poison 3' }), makeAlert({ output: 'poison 4' })]));
    expect(err.permanent).toBe(true);
    expect(err.message).toBe('sns_output: 2 alerts not published: InvalidParameter: bad attribute');
  });

  it('refused and throttled entries in one batch: the retry sends only the throttled one, then reports the refused', async () => {
    const { topicArn, queueUrl } = await emu.topicWithQueue(topicName());
    let flakyRefused = false;
    const p = await proxy({
      failEntry: (m) => {
        if (m.includes('poison')) return { code: 'InvalidParameter', message: 'bad attribute', senderFault: true };
        if (m.includes('flaky') && !flakyRefused) {
          flakyRefused = true;
          return { code: 'Throttling', message: 'slow down', senderFault: true };
        }
        return undefined;
      },
    });
    const dropped: number[] = [];
    const ch = new SnsChannel(readSnsConfig({ enabled: 'true', topic_arn: topicArn, endpoint: p.endpoint })!, {
      log: () => undefined,
      onDropped: (n) => void dropped.push(n),
    });
    await ch.start();
    cleanups.push(() => ch.stop());
    const batch = [makeAlert({ output: 'poison' }), makeAlert({ output: 'flaky' }), makeAlert({ output: 'fine' })];
    const err = await deliveryError(ch.deliver(batch));
    expect([err.permanent, err.message]).toEqual([false, 'sns_output: 1 of 3 alerts not published yet: Throttling: slow down']);
    expect(dropped).toEqual([]);
    await ch.deliver(batch);
    expect(p.actions).toEqual(['PublishBatch', 'Publish']);
    expect(dropped).toEqual([1]);
    expect((await emu.receive(queueUrl, 3, 400)).map((m) => (JSON.parse(m.Body!).output as string).split(' ').pop()).sort()).toEqual(['fine', 'flaky']);
  });
});
