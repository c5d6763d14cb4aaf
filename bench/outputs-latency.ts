// Detection latency while the email channel is healthy, refused, or wedged: the time from handing
// an event batch to the real engine (evaluate, alertFor, publish) until the file channel has
// written the alert, median over many batches. Every alert also goes to email, so a failing email
// channel is retrying (or stuck in a connection) the whole time; the rule itself knows nothing of
// email. Target: the same latency whatever the email channel does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertFor } from '../host/daemon/alerts.js';
import { encodeBatch, type EventInput, type ProcessInput } from '../host/engine/batch-encoder.js';
import { compileEngine, type WasmEngine } from '../host/engine/engine.js';
import { defaultLanguage, loadRules } from '../host/rules/index.js';
import { delivered, deliveryFor, median, percentile, sleep, startPeer, type Peer } from './outputs-support.js';

const RULES = `
- rule: Bench write below etc
  desc: an unrelated rule the benchmark triggers
  condition: evt.type = openat and fd.name startswith /etc/bench- and proc.name = sh
  output: "bench file opened (file=%fd.name process=%proc.name cmdline=%proc.cmdline user=%user.name container=%container.id)"
  priority: WARNING
- rule: Bench shell in tmp
  desc: a second rule that never matches the mix
  condition: evt.type = execve and proc.exe startswith /tmp/
  output: "shell from tmp (process=%proc.name)"
  priority: NOTICE
`;

const BATCH_EVENTS = 64; // one matching event, the rest plain openat calls no rule wants

function batchWithOneAlert(): Uint8Array {
  const sh: ProcessInput = { pid: 5100, tid: 5100, ppid: 1, name: 'sh', exe: '/bin/sh', exepath: '/usr/bin/dash', args: ['-c', 'x'], uid: 0, gid: 0, userName: 'root', containerId: 'host' };
  const cat: ProcessInput = { ...sh, pid: 5101, tid: 5101, name: 'cat', exe: '/bin/cat', exepath: '/usr/bin/cat' };
  const open = (proc: ProcessInput, name: string, i: number): EventInput => ({
    type: 'openat', ts: 1_700_000_001_000_000_000n + BigInt(i), num: i, proc, res: 3,
    args: { dirfd: -100, name, flags: 1, mode: 0 }, fd: { num: 3, type: 'file', name, nameraw: name },
  });
  const events = Array.from({ length: BATCH_EVENTS - 1 }, (_, i) => open(cat, `/tmp/f${i}`, i));
  events.splice(BATCH_EVENTS >> 1, 0, open(sh, '/etc/bench-alert', BATCH_EVENTS));
  return encodeBatch(events);
}

export async function benchEngine(cacheDir: string): Promise<WasmEngine> {
  const out = loadRules([{ name: 'bench_rules.yaml', content: RULES }], { language: defaultLanguage });
  if (out.ruleset === undefined) throw new Error('bench rules do not load');
  return compileEngine(out.ruleset, { ruleMatching: 'first', optimize: 'optimized', cacheDir });
}

export interface LatencyFigures {
  medianMs: number;
  p99Ms: number;
  emailDelivered: number;
  emailRetries: number;
}

async function measure(engine: WasmEngine, file: string, emailPort: number | undefined, samples: number, gapMs: number): Promise<LatencyFigures> {
  const email =
    emailPort === undefined
      ? ''
      : `email_output:\n  enabled: true\n  host: 127.0.0.1\n  port: ${emailPort}\n  tls: none\n  auth: none\n  from: saker@bench.local\n  to: soc@bench.local\n  timeout_ms: 5000\n`;
  const { delivery } = await deliveryFor(`file_output:\n  enabled: true\n  keep_alive: true\n  filename: ${file}\n${email}`);
  const batch = batchWithOneAlert();
  const latencies: number[] = [];
  for (let i = 0; i < samples + 20; i++) {
    const before = delivered(delivery, 'file_output');
    const t0 = performance.now();
    const matches = engine.evaluate(batch);
    for (const m of matches) delivery.pipeline.publish(alertFor(engine, batch, m, 'bench-host'));
    if (matches.length !== 1) throw new Error(`expected one match per batch, got ${matches.length}`);
    await waitFor(() => delivered(delivery, 'file_output') > before);
    if (i >= 20) latencies.push(performance.now() - t0); // the first 20 warm up
    await sleep(gapMs);
  }
  const emailCounters = delivery.pipeline.counters().find((c) => c.channel === 'email_output');
  await delivery.pipeline.drain(100);
  return {
    medianMs: median(latencies),
    p99Ms: percentile(latencies, 99),
    emailDelivered: emailCounters?.delivered ?? 0,
    emailRetries: emailCounters?.retries ?? 0,
  };
}

function waitFor(done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => (done() ? resolve() : void setImmediate(check));
    check();
  });
}

export interface EmailLatencyFigures {
  noEmail: LatencyFigures;
  emailUp: LatencyFigures;
  emailRefused: LatencyFigures;
  emailHung: LatencyFigures;
}

/** A 127.0.0.1 port nothing listens on: a listener is opened and closed (by its process exiting). */
async function closedPort(): Promise<number> {
  const peer = await startPeer('hang');
  peer.stop();
  await sleep(200);
  return peer.port;
}

export async function benchEmailLatency(samples: number, gapMs: number): Promise<EmailLatencyFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'saker-bench-latency-'));
  const peers: Peer[] = [];
  try {
    const engine = await benchEngine(join(dir, 'cache'));
    const file = join(dir, 'events.txt');
    const noEmail = await measure(engine, file, undefined, samples, gapMs);
    const smtp = await startPeer('smtp');
    peers.push(smtp);
    const emailUp = await measure(engine, file, smtp.port, samples, gapMs);
    const emailRefused = await measure(engine, file, await closedPort(), samples, gapMs);
    const hang = await startPeer('hang');
    peers.push(hang);
    const emailHung = await measure(engine, file, hang.port, samples, gapMs);
    return { noEmail, emailUp, emailRefused, emailHung };
  } finally {
    for (const p of peers) p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
