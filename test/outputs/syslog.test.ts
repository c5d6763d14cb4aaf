// syslog_output against a real unix datagram socket. Node cannot bind one, so a small python3
// receiver does and prints each datagram as a JSON string per line.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { LoggerProcessTransport, SyslogChannel } from '../../outputs/channels/index.js';
import { AlertFormatter, localClockTime } from '../../outputs/format/index.js';
import { OutputPipeline } from '../../outputs/pipeline/index.js';
import { makeAlert, sleep, T0, tempDir, waitFor } from './support.js';

const hasPython = spawnSync('python3', ['-c', 'import socket'], { stdio: 'ignore' }).status === 0;
const hasLogger = spawnSync('logger', ['--version'], { stdio: 'ignore' }).status === 0;
const missing = [!hasPython && 'python3 (to bind the receiving socket)', !hasLogger && 'util-linux logger'].filter(Boolean);
if (missing.length > 0) console.log(`syslog_output socket tests skipped: ${missing.join(', ')} not found`);

const RECEIVER = `
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("ready", flush=True)
while True:
    d = s.recv(1 << 20)
    print(json.dumps(d.decode("utf-8", "replace")), flush=True)
`;

interface Receiver {
  messages: string[];
  proc: ChildProcess;
}

async function startReceiver(path: string): Promise<Receiver> {
  const proc = spawn('python3', ['-c', RECEIVER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: string[] = [];
  const rl = createInterface({ input: proc.stdout! });
  await new Promise<void>((resolve) => {
    rl.on('line', (line) => {
      if (line === 'ready') resolve();
      else messages.push(JSON.parse(line) as string);
    });
  });
  return { messages, proc };
}

const format = (a: Parameters<AlertFormatter['format']>[0]): string => new AlertFormatter({ utcOffsetSeconds: () => 0 }).format(a);
const receivers: Receiver[] = [];
afterEach(() => {
  for (const r of receivers.splice(0)) r.proc.kill();
});

describe.skipIf(missing.length > 0)('syslog_output', () => {
  it("sends each alert as one datagram: facility user, Falco's priority as severity, tag falco, no pid", async () => {
    const path = join(tempDir(), 'log.sock');
    const rx = await startReceiver(path);
    receivers.push(rx);
    const ch = new SyslogChannel({ format, socketPath: path });
    const p = new OutputPipeline([{ channel: ch }], { log: () => undefined });
    await p.start();
    const priorities = ['Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug'] as const;
    priorities.forEach((pr, i) => p.publish(makeAlert(i, pr)));
    await waitFor(() => rx.messages.length === 8, 5000, 'eight datagrams');
    await p.drain(2000);
    const byText = new Map(rx.messages.map((m) => [m.replace(/^<\d+>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d falco: /, ''), m]));
    priorities.forEach((pr, i) => {
      const text = `${localClockTime(T0 + BigInt(i), 0)}: ${pr} alert number ${i}`;
      const m = byText.get(text);
      expect(m, text).toBeDefined();
      expect(m!.startsWith(`<${8 + i}>`)).toBe(true); // LOG_USER (1 << 3) | severity i
    });
    expect(rx.messages.every((m) => /^<\d+>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d falco: \d\d:/.test(m))).toBe(true);
  });

  it('sends JSON lines whole, and a custom tag', async () => {
    const path = join(tempDir(), 'log.sock');
    const rx = await startReceiver(path);
    receivers.push(rx);
    const json = new AlertFormatter({ jsonOutput: true });
    const ch = new SyslogChannel({ format: (a) => json.format(a), socketPath: path, tag: 'saker' });
    await ch.start();
    const big = makeAlert(1, 'Critical', { output: 'x'.repeat(5000) });
    await ch.deliver([big]);
    await waitFor(() => rx.messages.length === 1);
    await ch.stop();
    const m = rx.messages[0]!;
    expect(m).toMatch(/^<10>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d saker: \{"hostname":"host-a"/);
    expect(m.endsWith('"time":"2023-11-14T22:13:20.123456790Z"}')).toBe(true);
  });

  it('reports a missing socket as a transient failure with the reason', async () => {
    const path = join(tempDir(), 'absent.sock');
    const t = new LoggerProcessTransport(path, 'falco');
    // The first writes may land in logger's pipe before it exits; once it has, every send fails.
    let error: unknown;
    const until = Date.now() + 5000;
    while (error === undefined && Date.now() < until) {
      await t.send(4, ['hello']).catch((e: unknown) => {
        error = e;
      });
      if (error === undefined) await sleep(50);
    }
    expect(error).toMatchObject({
      name: 'DeliveryError',
      permanent: false,
      message: expect.stringContaining('No such file or directory'),
    });
    await t.close();
  });
});

describe('syslog_output transport', () => {
  it('reports a missing logger program as a transient failure', async () => {
    const t = new LoggerProcessTransport(join(tempDir(), 'x.sock'), 'falco', '/nonexistent/logger');
    let error: unknown;
    for (let i = 0; i < 20 && error === undefined; i++) {
      await t.send(4, ['a']).catch((e: unknown) => {
        error = e;
      });
      if (error === undefined) await sleep(25);
    }
    expect(error).toMatchObject({ name: 'DeliveryError', permanent: false, message: expect.stringContaining('ENOENT') });
    await t.close();
  });
});
