// Failure behaviour with real channels: a hanging HTTP endpoint delays nobody else, and a flood
// of 100,000 alerts never blocks publish, respects rate limits, and is accounted for exactly.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FileChannel, HttpChannel } from '../../outputs/channels/index.js';
import { AlertFormatter } from '../../outputs/format/index.js';
import { DROP_REASONS, OutputPipeline, type ChannelCounters, type LogLevel } from '../../outputs/pipeline/index.js';
import { makeAlert, RecordingChannel, sleep, tempDir, waitFor } from './support.js';

const json = new AlertFormatter({ jsonOutput: true });
const format = (a: Parameters<AlertFormatter['format']>[0]): string => json.format(a);
const lineCount = (path: string): number => readFileSync(path, 'utf8').split('\n').length - 1;
const accounted = (c: ChannelCounters): number =>
  c.filtered + c.delivered + DROP_REASONS.reduce((s, r) => s + c.dropped[r], 0) + c.queued + c.inFlight;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function server(handler: http.RequestListener): Promise<{ url: string; sockets: Set<Socket> }> {
  const s = http.createServer(handler);
  const sockets = new Set<Socket>();
  s.on('connection', (c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  cleanups.push(async () => {
    s.closeAllConnections();
    for (const c of sockets) c.destroy();
    await new Promise((r) => s.close(r));
  });
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/`, sockets };
}

describe('a hanging HTTP endpoint', () => {
  it('delays only http_output: the file and another channel deliver on time; watchdog logs; drain counts the rest', async () => {
    const hang = await server(() => undefined); // reads the request, never answers
    const logs: { level: LogLevel; message: string }[] = [];
    const path = join(tempDir(), 'events.json');
    const other = new RecordingChannel('program_output');
    const p = new OutputPipeline(
      [
        { channel: new HttpChannel({ url: hang.url, jsonOutput: true, format, timeoutMs: 5000 }) },
        { channel: new FileChannel({ filename: path, format, keepAlive: true }) },
        { channel: other },
      ],
      { log: (level, message) => void logs.push({ level, message }), outputTimeoutMs: 300 },
    );
    await p.start();
    const published: number[] = [];
    for (let i = 0; i < 20; i++) {
      published.push(performance.now());
      p.publish(makeAlert(i));
      await sleep(25);
    }
    await waitFor(() => lineCount(path) === 20, 1000, 'file lines');
    await waitFor(() => other.delivered.length === 20, 1000);
    const lags = other.delivered.map((d, i) => d.at - published[i]!);
    expect(Math.max(...lags)).toBeLessThan(100);
    await waitFor(() => logs.some((l) => l.message.includes('output timeout')), 2000, 'watchdog');
    expect(logs).toContainEqual({ level: 'critical', message: '"http" output timeout, all output channels are blocked' });
    expect(hang.sockets.size).toBe(1); // one request in flight, the rest queued behind it

    const report = await p.drain(200);
    expect(report).toEqual({ leftover: { http_output: 20, file_output: 0, program_output: 0 }, total: 20 });
    const [h, f] = p.counters();
    expect(h).toMatchObject({ delivered: 0, dropped: { shutdown: 20 } });
    expect(f).toMatchObject({ delivered: 20 });
    expect(logs.map((l) => l.message)).toContain('http output: 20 alerts not delivered at shutdown');
  });
});

describe('a flood of 100,000 alerts', () => {
  it('publish never blocks, rate limits hold, and delivered + dropped = produced on every channel', async () => {
    let received = 0;
    const sink = await server((req, res) => {
      req.resume();
      req.on('end', () => {
        received++;
        res.end();
      });
    });
    const path = join(tempDir(), 'flood.json');
    const slow = new RecordingChannel('email_output', 10, () => sleep(2));
    const httpLimit = { rate: 200, burst: 100 };
    const slowLimit = { rate: 2000, burst: 500 };
    const p = new OutputPipeline(
      [
        { channel: new FileChannel({ filename: path, format, keepAlive: true }), settings: { queueCapacity: 200_000 } },
        { channel: new HttpChannel({ url: sink.url, jsonOutput: true, format }), settings: { queueCapacity: 1000, rateLimit: httpLimit } },
        { channel: slow, settings: { queueCapacity: 50, rateLimit: slowLimit, minPriority: 'Error' } },
      ],
      { log: () => undefined },
    );
    await p.start();

    const produced = 100_000;
    let worstRound = 0;
    let publishing = 0;
    const t0 = performance.now();
    for (let round = 0; round < 100; round++) {
      const r0 = performance.now();
      for (let i = 0; i < 1000; i++) {
        const n = round * 1000 + i;
        p.publish(makeAlert(n, n % 4 === 0 ? 'Critical' : 'Notice'));
      }
      const took = performance.now() - r0;
      publishing += took;
      worstRound = Math.max(worstRound, took);
      await sleep(15); // detection hands alerts over in batches, a few ms apart
    }
    const elapsedS = (performance.now() - t0) / 1000;
    expect(worstRound).toBeLessThan(100); // 1000 publishes never wait on a channel
    expect(publishing).toBeLessThan(2000);

    const report = await p.drain(15_000);
    expect(report.total).toBe(0);
    const [file, web, mail] = p.counters() as [ChannelCounters, ChannelCounters, ChannelCounters];
    for (const c of [file, web, mail]) {
      expect(c.queued + c.inFlight).toBe(0);
      expect(accounted(c)).toBe(produced);
    }
    expect(file).toMatchObject({ delivered: produced, dropped: { queue_full: 0, rate_limited: 0, permanent_failure: 0, shutdown: 0 } });
    expect(lineCount(path)).toBe(produced);

    expect(web.dropped.rate_limited).toBeGreaterThan(0);
    expect(web.delivered).toBeLessThanOrEqual(httpLimit.burst + httpLimit.rate * elapsedS + 1);
    expect(web.delivered).toBeGreaterThanOrEqual(httpLimit.burst);
    expect(received).toBe(web.delivered);

    expect(mail.filtered).toBe(produced * 0.75);
    expect(mail.delivered).toBe(slow.delivered.length);
    expect(mail.delivered).toBeLessThanOrEqual(slowLimit.burst + slowLimit.rate * elapsedS + 1);
    expect(mail.dropped.rate_limited + mail.dropped.queue_full).toBeGreaterThan(0);
    await yieldToLoop();
  });
});
