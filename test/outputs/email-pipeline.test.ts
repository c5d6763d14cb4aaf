// The email channel inside the delivery pipeline: an SMTP outage of 20 s (the figure)
// loses nothing within the queue bound, and digests gather what the queue hands over.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmailChannel, readEmailConfig } from '../../outputs/email/index.js';
import { OutputPipeline, type LogLevel } from '../../outputs/pipeline/index.js';
import { makeAlert } from './support/email-alerts.js';
import { startTestSmtp, type TestSmtp } from './support/email-smtp-server.js';

const OUTAGE_MS = 20_000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function emailChannel(port: number, extra: Record<string, string> = {}): EmailChannel {
  const config = readEmailConfig({
    enabled: 'true', host: '127.0.0.1', port: String(port), tls: 'none', from: 'saker@example.com', to: 'ops@example.com', timeout_ms: '2000', ...extra,
  })!;
  return new EmailChannel(config, { log: () => undefined });
}

describe('email channel in the pipeline', () => {
  it('SMTP server down, then back: every alert within the queue bound arrives, counters add up', async () => {
    // Take a free port, then close the server: the outage starts before the first alert.
    const first = await startTestSmtp();
    const port = first.port;
    await first.close();

    const logs: { level: LogLevel; message: string }[] = [];
    const pipeline = new OutputPipeline(
      [{ channel: emailChannel(port), settings: { queueCapacity: 50, backoff: { initialMs: 50, maxMs: 250 } } }],
      { log: (level, message) => void logs.push({ level, message }) },
    );
    await pipeline.start();
    const alerts = Array.from({ length: 60 }, (_, i) => makeAlert({ output: `outage alert ${i}` }));
    for (const a of alerts) pipeline.publish(a);

    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    const during = pipeline.counters()[0]!;
    expect(during.delivered).toBe(0);
    expect(during.retries).toBeGreaterThan(2);
    expect(during.dropped.queue_full).toBe(10);

    let smtp: TestSmtp | undefined;
    smtp = await startTestSmtp({ port });
    cleanups.push(() => smtp!.close());
    await smtp.waitFor(50, 10_000);
    const report = await pipeline.drain(5000);
    expect(report.total).toBe(0);

    const subjects = smtp.received.map((m) => m.parsed.subject);
    expect(subjects).toEqual(alerts.slice(0, 50).map((a) => `[Notice] ${a.rule}: ${a.output}`));
    const after = pipeline.counters()[0]!;
    expect(after.delivered).toBe(50);
    expect(after.delivered + after.dropped.queue_full + after.dropped.rate_limited + after.dropped.permanent_failure + after.dropped.shutdown).toBe(60);
    expect(logs.some((l) => l.message.startsWith('email output: delivery failed, retrying: email_output: '))).toBe(true);
    expect(logs.some((l) => l.message.startsWith('email output: delivering again after'))).toBe(true);
  }, OUTAGE_MS + 30_000);

  it('a permanent refusal is dropped once, counted, and logged with the reason', async () => {
    const smtp = await startTestSmtp({ refuseRcpt: () => ({ code: 550, message: 'Mailbox unavailable' }) });
    cleanups.push(() => smtp.close());
    const logs: string[] = [];
    const pipeline = new OutputPipeline([{ channel: emailChannel(smtp.port) }], { log: (_l, m) => void logs.push(m) });
    await pipeline.start();
    for (let i = 0; i < 3; i++) pipeline.publish(makeAlert());
    await vi.waitFor(() => expect(pipeline.counters()[0]!.dropped.permanent_failure).toBe(3));
    await pipeline.drain(1000);
    expect(logs.filter((m) => m.includes('permanent failure'))).toEqual([
      expect.stringMatching(/^email output: permanent failure, alerts dropped: email_output: .*550 Mailbox unavailable/),
    ]);
  });

  it('digest mode: a burst through the pipeline arrives as one digest at drain', async () => {
    const smtp = await startTestSmtp();
    cleanups.push(() => smtp.close());
    const pipeline = new OutputPipeline([{ channel: emailChannel(smtp.port, { digest_seconds: '60' }) }], { log: () => undefined });
    await pipeline.start();
    for (let i = 0; i < 30; i++) pipeline.publish(makeAlert({ rule: i % 3 === 0 ? 'Rule A' : 'Rule B' }));
    await vi.waitFor(() => expect(pipeline.counters()[0]!.delivered).toBe(30));
    expect(smtp.received).toHaveLength(0);
    await pipeline.drain(2000);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.parsed.subject).toBe('[Notice] 30 alerts on node-1: Rule B (20), Rule A (10)');
    expect(smtp.received).toHaveLength(1);
  });
});
