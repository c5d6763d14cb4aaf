import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../outputs/channel.js';
import { BoundedQueue, backoffDelay, OutputPipeline, outputMetricsText, TokenBucket, type LogLevel } from '../../outputs/pipeline/index.js';
import { makeAlert, RecordingChannel, sleep, waitFor } from './support.js';

function logSink() {
  const lines: { level: LogLevel; message: string }[] = [];
  return { lines, log: (level: LogLevel, message: string) => void lines.push({ level, message }) };
}

const fastBackoff = { initialMs: 5, maxMs: 20 };

describe('building blocks', () => {
  it('token bucket: burst at once, then the rate', () => {
    let now = 0;
    const b = new TokenBucket({ rate: 10, burst: 3 }, () => now);
    expect([b.tryTake(), b.tryTake(), b.tryTake(), b.tryTake()]).toEqual([true, true, true, false]);
    now = 100; // 0.1 s = one token
    expect([b.tryTake(), b.tryTake()]).toEqual([true, false]);
    now = 10_000; // refills to burst, not beyond
    expect([b.tryTake(), b.tryTake(), b.tryTake(), b.tryTake()]).toEqual([true, true, true, false]);
  });

  it('bounded queue refuses when full and keeps order', () => {
    const q = new BoundedQueue<number>(3);
    expect([q.push(1), q.push(2), q.push(3), q.push(4)]).toEqual([true, true, true, false]);
    expect(q.take(2)).toEqual([1, 2]);
    expect(q.push(5)).toBe(true);
    expect(q.take(10)).toEqual([3, 5]);
    expect(q.length).toBe(0);
  });

  it('backoff grows exponentially, is capped, and jitters within [d/2, d]', () => {
    const s = { initialMs: 100, maxMs: 1000 };
    expect(backoffDelay(1, s, () => 0)).toBe(50);
    expect(backoffDelay(1, s, () => 1)).toBe(100);
    expect(backoffDelay(3, s, () => 1)).toBe(400);
    expect(backoffDelay(10, s, () => 1)).toBe(1000);
    expect(backoffDelay(10, s, () => 0)).toBe(500);
  });
});

describe('OutputPipeline', () => {
  it('publish never calls the channel synchronously and batches up to maxBatch', async () => {
    const ch = new RecordingChannel('test_output', 4);
    const sizes: number[] = [];
    const orig = ch.deliver.bind(ch);
    ch.deliver = async (alerts) => {
      sizes.push(alerts.length);
      await orig(alerts);
    };
    const p = new OutputPipeline([{ channel: ch }], { log: () => undefined });
    await p.start();
    for (let i = 0; i < 10; i++) p.publish(makeAlert(i));
    expect(ch.calls).toBe(0);
    await waitFor(() => ch.delivered.length === 10);
    expect(sizes).toEqual([4, 4, 2]);
    expect(ch.delivered.map((d) => d.alert.output)).toEqual(Array.from({ length: 10 }, (_, i) => `alert number ${i}`));
  });

  it('filters by minimum priority per channel', async () => {
    const loud = new RecordingChannel('a_output');
    const quiet = new RecordingChannel('b_output');
    const p = new OutputPipeline([{ channel: loud }, { channel: quiet, settings: { minPriority: 'Error' } }], { log: () => undefined });
    await p.start();
    for (const pr of ['Emergency', 'Critical', 'Error', 'Warning', 'Debug'] as const) p.publish(makeAlert(0, pr));
    await waitFor(() => loud.delivered.length === 5 && quiet.delivered.length === 3);
    expect(quiet.delivered.map((d) => d.alert.priority)).toEqual(['Emergency', 'Critical', 'Error']);
    expect(p.counters()[1]).toMatchObject({ filtered: 2, delivered: 3 });
  });

  it('drops beyond the queue bound and counts them', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const ch = new RecordingChannel('slow_output', 1, () => gate);
    const p = new OutputPipeline([{ channel: ch, settings: { queueCapacity: 5 } }], { log: () => undefined });
    await p.start();
    p.publish(makeAlert(0));
    await waitFor(() => ch.calls === 1); // first alert in flight, queue empty
    for (let i = 1; i <= 10; i++) p.publish(makeAlert(i));
    expect(p.counters()[0]).toMatchObject({ queued: 5, inFlight: 1, dropped: { queue_full: 5 } });
    release();
    await waitFor(() => ch.delivered.length === 6);
    expect(ch.delivered.map((d) => d.alert.output)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `alert number ${i}`));
  });

  it('rate limits per channel with a token bucket', async () => {
    const limited = new RecordingChannel('limited_output', 64);
    const free = new RecordingChannel('free_output', 64);
    const p = new OutputPipeline(
      [{ channel: limited, settings: { rateLimit: { rate: 1, burst: 10 } } }, { channel: free }],
      { log: () => undefined },
    );
    await p.start();
    for (let i = 0; i < 100; i++) p.publish(makeAlert(i));
    await waitFor(() => free.delivered.length === 100);
    await waitFor(() => limited.delivered.length === 10);
    expect(p.counters()[0]).toMatchObject({ delivered: 10, dropped: { rate_limited: 90 } });
  });

  it('retries transient failures with backoff, in order, then delivers; logs the streak once', async () => {
    const sink = logSink();
    const ch = new RecordingChannel('flaky_output', 1, (_a, call) => {
      if (call === 1) throw new DeliveryError('connection refused', { permanent: false });
      if (call === 2) throw new Error('socket hang up');
      if (call === 3) throw new DeliveryError('503', { permanent: false });
    });
    const p = new OutputPipeline([{ channel: ch, settings: { backoff: fastBackoff } }], { log: sink.log });
    await p.start();
    p.publish(makeAlert(1));
    p.publish(makeAlert(2));
    await waitFor(() => ch.delivered.length === 2);
    expect(ch.delivered.map((d) => d.alert.output)).toEqual(['alert number 1', 'alert number 2']);
    expect(p.counters()[0]).toMatchObject({ delivered: 2, retries: 3, dropped: { permanent_failure: 0 } });
    const failures = sink.lines.filter((l) => l.message.includes('delivery failed, retrying'));
    expect(failures).toEqual([{ level: 'error', message: 'flaky output: delivery failed, retrying: connection refused' }]);
    expect(sink.lines.some((l) => l.message === 'flaky output: delivering again after 3 failed attempts')).toBe(true);
  });

  it('drops permanent failures without retrying and logs each reason once', async () => {
    const sink = logSink();
    const ch = new RecordingChannel('bad_output', 1, (alerts) => {
      const n = Number(alerts[0]!.outputFields['proc.pid']);
      if (n < 5) throw new DeliveryError('http: answered 400 Bad Request', { permanent: true });
      if (n < 8) throw new DeliveryError('http: answered 403 Forbidden', { permanent: true });
    });
    const p = new OutputPipeline([{ channel: ch }], { log: sink.log });
    await p.start();
    for (let i = 0; i < 10; i++) p.publish(makeAlert(i));
    await waitFor(() => p.counters()[0]!.delivered === 2);
    expect(p.counters()[0]).toMatchObject({ delivered: 2, retries: 0, dropped: { permanent_failure: 8 } });
    expect(sink.lines.map((l) => l.message)).toEqual([
      'bad output: permanent failure, alerts dropped: http: answered 400 Bad Request',
      'bad output: permanent failure, alerts dropped: http: answered 403 Forbidden',
    ]);
  });

  it("logs Falco's output_timeout watchdog line for a slow delivery, while other channels go on", async () => {
    const sink = logSink();
    const slow = new RecordingChannel('http_output', 1, () => sleep(300));
    const fast = new RecordingChannel('file_output');
    const p = new OutputPipeline([{ channel: slow }, { channel: fast }], { log: sink.log, outputTimeoutMs: 100 });
    await p.start();
    const t0 = performance.now();
    p.publish(makeAlert(1));
    await waitFor(() => fast.delivered.length === 1);
    expect(fast.delivered[0]!.at - t0).toBeLessThan(100);
    await waitFor(() => slow.delivered.length === 1);
    expect(sink.lines).toContainEqual({ level: 'critical', message: '"http" output timeout, all output channels are blocked' });
  });

  it('drain delivers what it can before the deadline, then counts and logs the rest', async () => {
    const sink = logSink();
    const stuck = new RecordingChannel('http_output', 1, () => new Promise<void>(() => undefined));
    const ok = new RecordingChannel('file_output', 2, () => sleep(5));
    const p = new OutputPipeline([{ channel: stuck }, { channel: ok }], { log: sink.log });
    await p.start();
    for (let i = 0; i < 7; i++) p.publish(makeAlert(i));
    const t0 = performance.now();
    const report = await p.drain(300);
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1500);
    expect(report).toEqual({ leftover: { http_output: 7, file_output: 0 }, total: 7 });
    expect(ok.delivered).toHaveLength(7);
    expect(ok.stopped && stuck.stopped).toBe(true);
    const [s, f] = p.counters();
    expect(s).toMatchObject({ delivered: 0, queued: 0, inFlight: 0, dropped: { shutdown: 7 } });
    expect(f).toMatchObject({ delivered: 7, dropped: { shutdown: 0 } });
    expect(sink.lines.map((l) => l.message)).toEqual([
      'output channels still blocked, discarding all remaining notifications',
      'http output: 7 alerts not delivered at shutdown',
    ]);
    p.publish(makeAlert(99)); // after shutdown: counted, not lost
    expect(p.counters()[1]!.dropped.shutdown).toBe(1);
  });

  it('drain returns at once when everything is delivered', async () => {
    const ch = new RecordingChannel('file_output');
    const p = new OutputPipeline([{ channel: ch }], { log: () => undefined });
    await p.start();
    p.publish(makeAlert(1));
    const t0 = performance.now();
    expect(await p.drain(5000)).toEqual({ leftover: { file_output: 0 }, total: 0 });
    expect(performance.now() - t0).toBeLessThan(500);
    expect(ch.delivered).toHaveLength(1);
  });

  it('reopen runs between deliveries of each channel', async () => {
    const order: string[] = [];
    const ch = new RecordingChannel('file_output', 1, async (a) => {
      order.push(`deliver ${a[0]!.output}`);
      await sleep(20);
    });
    ch.reopen = async () => void order.push('reopen');
    const p = new OutputPipeline([{ channel: ch }], { log: () => undefined });
    await p.start();
    p.publish(makeAlert(1));
    p.publish(makeAlert(2));
    await waitFor(() => order.length === 1);
    await p.reopen();
    await waitFor(() => ch.delivered.length === 2);
    expect(order).toEqual(['deliver alert number 1', 'reopen', 'deliver alert number 2']);
  });

  it('leaves out a channel that fails to start, with Falco-style log line', async () => {
    const sink = logSink();
    const broken = new RecordingChannel('file_output');
    broken.start = async () => {
      throw new Error('failed to open output file /nope/x');
    };
    const ok = new RecordingChannel('stdout_output');
    const p = new OutputPipeline([{ channel: broken }, { channel: ok }], { log: sink.log });
    await p.start();
    p.publish(makeAlert(1));
    await waitFor(() => ok.delivered.length === 1);
    expect(p.counters().map((c) => c.channel)).toEqual(['stdout_output']);
    expect(sink.lines).toEqual([{ level: 'error', message: 'Failed to init output: file: failed to open output file /nope/x' }]);
  });
});

describe('late failures', () => {
  it('move alerts a channel acknowledged early from delivered to dropped, keeping the sums exact', async () => {
    const ch = new RecordingChannel('email_output', 10);
    const p = new OutputPipeline([{ channel: ch }], { log: () => undefined });
    await p.start();
    for (let i = 0; i < 5; i++) p.publish(makeAlert(i));
    await waitFor(() => ch.delivered.length === 5);
    p.reportLateFailure('email_output', 3);
    expect(p.counters()[0]).toMatchObject({ delivered: 2, dropped: { permanent_failure: 3 } });
  });
});

describe('outputMetricsText', () => {
  it('renders every channel counter in Prometheus text format', () => {
    const text = outputMetricsText([
      {
        channel: 'http_output',
        filtered: 1,
        delivered: 7,
        dropped: { queue_full: 2, rate_limited: 3, permanent_failure: 4, shutdown: 5 },
        queued: 6,
        inFlight: 1,
        retries: 9,
      },
    ]);
    expect(text.split('\n')).toEqual([
      '# HELP saker_output_delivered_total Alerts delivered by the output channel.',
      '# TYPE saker_output_delivered_total counter',
      'saker_output_delivered_total{channel="http"} 7',
      '# HELP saker_output_dropped_total Alerts the output channel dropped, by reason.',
      '# TYPE saker_output_dropped_total counter',
      'saker_output_dropped_total{channel="http",reason="queue_full"} 2',
      'saker_output_dropped_total{channel="http",reason="rate_limited"} 3',
      'saker_output_dropped_total{channel="http",reason="permanent_failure"} 4',
      'saker_output_dropped_total{channel="http",reason="shutdown"} 5',
      "# HELP saker_output_filtered_total Alerts below the channel's min_priority.",
      '# TYPE saker_output_filtered_total counter',
      'saker_output_filtered_total{channel="http"} 1',
      '# HELP saker_output_retries_total Failed delivery attempts that were retried.',
      '# TYPE saker_output_retries_total counter',
      'saker_output_retries_total{channel="http"} 9',
      '# HELP saker_output_queued Alerts waiting in the channel queue.',
      '# TYPE saker_output_queued gauge',
      'saker_output_queued{channel="http"} 6',
      '# HELP saker_output_in_flight Alerts handed to the channel and not settled yet.',
      '# TYPE saker_output_in_flight gauge',
      'saker_output_in_flight{channel="http"} 1',
      '',
    ]);
  });
});

describe('after drain', () => {
  it('reopen of a channel given up at shutdown returns at once', async () => {
    const stuck = new RecordingChannel('http_output', 1, () => new Promise<void>(() => undefined));
    const p = new OutputPipeline([{ channel: stuck }], { log: () => undefined });
    await p.start();
    p.publish(makeAlert(1));
    await p.drain(50);
    await p.reopen();
    expect(stuck.reopened).toBe(0);
  });
});
