import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, read, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileChannel, StdoutChannel } from '../../outputs/channels/index.js';
import { AlertFormatter } from '../../outputs/format/index.js';
import { OutputPipeline } from '../../outputs/pipeline/index.js';
import { makeAlert, sleep, tempDir, waitFor } from './support.js';

const format = (a: Parameters<AlertFormatter['format']>[0]): string => new AlertFormatter({ utcOffsetSeconds: () => 0 }).format(a);
const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');

describe('stdout_output', () => {
  it('writes one Falco text line per alert, right away when unbuffered', async () => {
    const path = join(tempDir(), 'stdout');
    const fd = openSync(path, 'w');
    const ch = new StdoutChannel({ format, fd });
    await ch.start();
    await ch.deliver([makeAlert(1), makeAlert(2, 'Critical')]);
    expect(readFileSync(path, 'utf8')).toBe(
      '22:13:20.123456790: Warning alert number 1\n22:13:20.123456791: Critical alert number 2\n',
    );
    await ch.stop();
    closeSync(fd);
  });

  it('with buffered_outputs holds lines until 4 KiB gathered or stop', async () => {
    const path = join(tempDir(), 'stdout');
    const fd = openSync(path, 'w');
    const ch = new StdoutChannel({ format, fd, buffered: true });
    await ch.start();
    await ch.deliver([makeAlert(1)]);
    expect(readFileSync(path, 'utf8')).toBe('');
    const many = Array.from({ length: 200 }, (_, i) => makeAlert(i));
    await ch.deliver(many); // 200 lines of ~42 bytes pass 4 KiB
    expect(lines(path)).toHaveLength(201);
    await ch.deliver([makeAlert(7)]);
    expect(lines(path)).toHaveLength(201);
    await ch.stop();
    expect(lines(path)).toHaveLength(202);
    closeSync(fd);
  });
});

describe('stdout_output to a pipe nobody reads', () => {
  it('stalls only its own delivery: the event loop keeps running, and everything arrives once read', async () => {
    const fifo = join(tempDir(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    const fd = openSync(fifo, 'r+'); // read-write: opening does not wait for a reader
    const p = new OutputPipeline([{ channel: new StdoutChannel({ format, fd }) }], { log: () => undefined });
    await p.start();
    const n = 3000; // ~130 KB, twice a pipe's 64 KiB
    const expected = Array.from({ length: n }, (_, i) => `${format(makeAlert(i))}\n`).join('');
    for (let i = 0; i < n; i++) p.publish(makeAlert(i));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await sleep(300);
    clearInterval(timer);
    expect(ticks).toBeGreaterThanOrEqual(15);
    const stalled = p.counters()[0]!;
    expect(stalled.inFlight).toBeGreaterThan(0);
    expect(stalled.delivered).toBeLessThan(n);

    const chunks: Buffer[] = [];
    let got = 0;
    const total = Buffer.byteLength(expected);
    while (got < total) {
      const buf = Buffer.alloc(65536);
      const k = await new Promise<number>((res, rej) => read(fd, buf, 0, buf.length, null, (e, bytes) => (e ? rej(e) : res(bytes))));
      chunks.push(buf.subarray(0, k));
      got += k;
    }
    await waitFor(() => p.counters()[0]!.delivered === n);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
    await p.drain(1000);
    closeSync(fd);
  });
});

describe('file_output', () => {
  it('creates the file with mode 0600 and appends lines', async () => {
    const path = join(tempDir(), 'events.txt');
    const ch = new FileChannel({ filename: path, format });
    await ch.start();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await ch.deliver([makeAlert(1)]);
    await ch.deliver([makeAlert(2)]);
    expect(lines(path)).toEqual(['22:13:20.123456790: Warning alert number 1', '22:13:20.123456791: Warning alert number 2']);
    await ch.stop();
  });

  it('without keep_alive follows a logrotate rename by itself', async () => {
    const dir = tempDir();
    const path = join(dir, 'events.txt');
    const ch = new FileChannel({ filename: path, format });
    await ch.start();
    await ch.deliver([makeAlert(1)]);
    renameSync(path, `${path}.1`);
    await ch.deliver([makeAlert(2)]);
    expect(lines(`${path}.1`)).toHaveLength(1);
    expect(lines(path)).toEqual(['22:13:20.123456791: Warning alert number 2']);
    await ch.stop();
  });

  it('with keep_alive keeps writing to the renamed file until SIGUSR1 reopens it (through the pipeline)', async () => {
    const dir = tempDir();
    const path = join(dir, 'events.txt');
    const ch = new FileChannel({ filename: path, format, keepAlive: true });
    const p = new OutputPipeline([{ channel: ch }], { log: () => undefined });
    await p.start();
    p.publish(makeAlert(1));
    await waitFor(() => existsSync(path) && lines(path).length === 1);
    renameSync(path, `${path}.1`);
    p.publish(makeAlert(2));
    await waitFor(() => lines(`${path}.1`).length === 2, 2000, 'write to the rotated file');
    expect(existsSync(path)).toBe(false);
    await p.reopen();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    p.publish(makeAlert(3));
    await p.drain(2000);
    expect(lines(`${path}.1`)).toHaveLength(2);
    expect(lines(path)).toEqual(['22:13:20.123456792: Warning alert number 3']);
  });

  it('a path that cannot be opened fails the start and, later, each delivery (transient)', async () => {
    const path = join(tempDir(), 'missing-dir', 'events.txt');
    const ch = new FileChannel({ filename: path, format });
    await expect(ch.start()).rejects.toThrow(`failed to open output file ${path}`);
    await expect(ch.deliver([makeAlert(1)])).rejects.toMatchObject({ name: 'DeliveryError', permanent: false });
  });
});
