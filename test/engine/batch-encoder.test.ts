// The TypeScript encoder, reader and validator of batch ABI v1 (host/engine/batch-*.ts).
import { describe, expect, it } from 'vitest';
import { encodeBatch, type EventInput, type ProcessInput } from '../../host/engine/batch-encoder.js';
import { EVENT, HEADER, PROCESS } from '../../host/engine/batch-layout.js';
import { readBatch } from '../../host/engine/batch-reader.js';
import { validateBatch } from '../../host/engine/batch-validate.js';
import { sampleEvents } from './batch-fixtures.js';

describe('encodeBatch / readBatch round trip', () => {
  const bytes = encodeBatch(sampleEvents(), { batchSeq: 9 });
  const batch = readBatch(bytes);

  it('lays out sections 8-byte aligned with the v1 header', () => {
    const layout = validateBatch(bytes);
    expect(bytes.length % 8).toBe(0);
    expect(layout.events).toEqual({ offset: HEADER.size, count: 7, recordSize: EVENT.size });
    expect(layout.processes.count).toBe(4); // cat, bash, sshd, init: shared by identity
    expect(layout.containers.count).toBe(1);
    expect(layout.mounts.count).toBe(2);
    expect(new DataView(bytes.buffer).getBigUint64(HEADER.batchSeq, true)).toBe(9n);
  });

  it('keeps event header fields, arguments and the fd section', () => {
    const [open, connect, accept, setuid, sendto, execve, exit] = batch.events;
    expect(open).toMatchObject({ type: 'openat', ts: 1_700_000_001_000_000_000n, num: 1n, res: 3n, dir: '<', tid: 4243, pid: 4243 });
    expect(open!.args).toEqual({ dirfd: BigInt.asUintN(64, -100n), name: '/etc/shadow', flags: 0x8000n, mode: 0n });
    expect(open!.fd).toMatchObject({ num: 3n, type: 'file', name: '/etc/shadow', client: null, role: null });
    expect(connect!.res).toBe(-115n);
    expect(connect!.fd).toMatchObject({
      type: 'ipv4', family: 'inet', l4proto: 'tcp', role: 'client', connected: true,
      client: { ip: '10.0.0.2', port: 51000 }, server: { ip: '93.184.216.34', port: 443 },
    });
    expect(accept!.fd).toMatchObject({ family: 'inet6', client: { ip: '2001:db8::7', port: 40000 }, server: { ip: '::1', port: 22 }, role: 'server' });
    expect(setuid!.args).toEqual({ uid: { id: 0n, name: 'root' } });
    expect(sendto!.args['data']).toEqual(new Uint8Array([0, 1, 2, 0xff, 0]));
    expect(execve).toMatchObject({ dir: '>', res: null, fd: null });
    expect(exit!.proc).toBeNull();
  });

  it('keeps the process table, parent chain, session leader and container', () => {
    const cat = batch.processes[batch.events[0]!.proc!]!;
    expect(cat).toMatchObject({ name: 'cat', cmdline: 'cat /etc/shadow', args: '/etc/shadow', loginuid: -1n, uid: 0 });
    const bash = batch.processes[cat.parent!]!;
    expect(bash).toMatchObject({
      name: 'bash', cmdline: 'bash -c cat /etc/shadow', args: '-c cat /etc/shadow', cwd: '/root/', tty: 34816,
      loginuid: 1000n, capEffective: 0xffff_ffff_ffff_ffffn, vpid: 7, exeWritable: true, userName: 'alice',
    });
    expect(batch.processes[bash.sessionLeader!]).toBe(bash);
    expect(batch.processes[cat.sessionLeader!]).toBe(bash);
    const sshd = batch.processes[bash.parent!]!;
    const init = batch.processes[sshd.parent!]!;
    expect([sshd.name, init.name, init.parent]).toEqual(['sshd', 'systemd', null]);
    expect(init.cmdline).toBe('systemd'); // no args: cmdline is the name alone
    expect(init.args).toBe('');
    expect(init.argv).toEqual([]);
    expect(bash.argv).toEqual(['-c', 'cat /etc/shadow']); // proc.args[N] keeps the spaces inside arguments
    expect(bash.env).toEqual(['HOME=/root', 'TERM=xterm']);
    const c = batch.containers[cat.container!]!;
    expect(c).toMatchObject({ id: '3ad7b26ded6d', imageRepository: 'nginx', privileged: false, startTs: 1_700_000_000_000_000_000n });
    expect(c.mounts.map((m) => [m.dest, m.rw])).toEqual([['/var/run/docker.sock', true], ['/usr/share/nginx/html', false]]);
  });

  it('distinguishes missing strings from empty ones', () => {
    const p: ProcessInput = { pid: 5, name: 'x', exe: '', cwd: null };
    const b = readBatch(encodeBatch([{ type: 'open', proc: p, fd: { name: '' } }]));
    expect(b.processes[0]).toMatchObject({ exe: '', cwd: null, exepath: null, args: null, argv: null, env: null, cmdline: 'x' });
    const q = readBatch(encodeBatch([{ type: 'open', proc: { pid: 6, name: 'y', args: ['', 'a b'], env: [] } }])).processes[0]!;
    expect(q).toMatchObject({ args: ' a b', argv: ['', 'a b'], env: [], cmdline: 'y  a b' });
    const r = readBatch(encodeBatch([{ type: 'open', proc: { pid: 7, name: 'z', args: [''] } }])).processes[0]!;
    expect(r).toMatchObject({ args: '', argv: [''], cmdline: 'z ' });
    expect(b.events[0]!.fd).toMatchObject({ name: '', nameraw: null, num: null, type: 'unknown' });
  });

  it('writes numbers and bigints to 64-bit fields identically', () => {
    const values: (number | bigint)[] = [0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 32 - 1, 2 ** 32, -(2 ** 32) - 5, 2 ** 53 - 1, -(2 ** 53 - 1)];
    for (const v of values) {
      const [a, b] = [v, BigInt(v)].map((x) => readBatch(encodeBatch([{ type: 'open', res: x, args: { flags: x } }])).events[0]!);
      expect(a!.res).toBe(BigInt(v));
      expect(a!.args['flags']).toBe(BigInt.asUintN(64, BigInt(v)));
      expect(a).toEqual(b);
    }
    expect(() => encodeBatch([{ type: 'open', res: 1.5 }])).toThrow(RangeError);
  });

  it('truncates CHARBUF strings at the first NUL, as libs does', () => {
    const b = readBatch(encodeBatch([{ type: 'open', args: { name: 'ab\0cd' } }]));
    expect(b.events[0]!.args['name']).toBe('ab');
  });

  it('stores equal strings once', () => {
    const name = '/very/long/path/'.repeat(20);
    const events: EventInput[] = Array.from({ length: 50 }, () => ({ type: 'open', args: { name }, fd: { name } }));
    const bytes = encodeBatch(events);
    expect(validateBatch(bytes).stringsLength).toBe(name.length);
  });

  it('rejects input it cannot represent', () => {
    expect(() => encodeBatch([{ type: 'nosuchcall' }])).toThrow(/unknown event type 'nosuchcall'/);
    expect(() => encodeBatch([{ type: 'open', args: { nosuch: 1 } }])).toThrow(/no parameter 'nosuch'/);
    expect(() => encodeBatch([{ type: 'open', args: { flags: 'O_RDONLY' } }])).toThrow(/must be a number/);
    expect(() => encodeBatch([{ type: 'connect', args: { tuple: 'x' } }])).toThrow(/fd section/);
    const a: ProcessInput = { pid: 1 };
    const b: ProcessInput = { pid: 2, parent: a };
    a.parent = b;
    expect(() => encodeBatch([{ type: 'open', proc: a }])).toThrow(/cycle/);
    expect(() => encodeBatch([{ type: 'open', tid: 2 ** 31 }])).toThrow(/tid: 2147483648 is out of range/);
  });

  it('encodes an empty batch', () => {
    const b = encodeBatch([]);
    expect(b.length).toBe(HEADER.size);
    expect(readBatch(b)).toEqual({ events: [], processes: [], containers: [] });
  });

  it('handles deep parent chains without recursion limits', () => {
    let p: ProcessInput = { pid: 1, name: 'p1' };
    for (let i = 2; i <= 20_000; i++) p = { pid: i, name: `p${i}`, parent: p };
    const b = readBatch(encodeBatch([{ type: 'execve', proc: p }]));
    expect(b.processes).toHaveLength(20_000);
    expect(b.processes[b.processes[0]!.parent!]!.name).toBe('p19999');
  });
});

describe('validateBatch rejects malformed batches with clear errors', () => {
  const good = encodeBatch(sampleEvents());
  const mutate = (f: (dv: DataView, b: Uint8Array) => void): Uint8Array => {
    const b = good.slice();
    f(new DataView(b.buffer), b);
    return b;
  };
  const procOff = (): number => new DataView(good.buffer).getUint32(HEADER.processes, true);

  it.each<[string, Uint8Array, RegExp]>([
    ['short header', good.subarray(0, 40), /at byte 0: truncated header: 40 bytes, need 80/],
    ['bad magic', mutate((dv) => dv.setUint32(0, 0xdeadbeef, true)), /at byte 0: bad magic 0xdeadbeef, expected 0x424b4153/],
    ['bad version', mutate((dv) => dv.setUint16(4, 2, true)), /unsupported batch version 2, this engine reads version 1/],
    ['truncated body', good.subarray(0, good.length - 8), /truncated: header says \d+ bytes, got \d+/],
    ['unknown header flags', mutate((dv) => dv.setUint32(HEADER.flags, 1, true)), /unknown header flags/],
    ['wrong record size', mutate((dv) => dv.setUint32(HEADER.events + 8, 100, true)), /event record size 100, expected 192/],
    ['misaligned section', mutate((dv) => dv.setUint32(HEADER.processes, procOff() + 4, true)), /not 8-byte aligned/],
    ['section past the end', mutate((dv) => dv.setUint32(HEADER.events + 4, 1000, true)), /event section \[80, 192080\) lies outside the batch/],
    ['overlapping sections', mutate((dv) => dv.setUint32(HEADER.processes, HEADER.size + 8, true)), /overlaps/],
    ['string arena past the end', mutate((dv) => dv.setUint32(HEADER.stringsLength, 1 << 30, true)), /string arena .* lies outside the batch/],
    ['unknown event type', mutate((dv) => dv.setUint16(HEADER.size + EVENT.type, 9999, true)), /event 0: unknown event type id 9999/],
    ['process index out of range', mutate((dv) => dv.setUint32(HEADER.size + EVENT.proc, 77, true)), /event 0 process: index 77 out of range \(4 records\)/],
    ['string ref out of the arena', mutate((dv) => dv.setUint32(HEADER.size + EVENT.fdName, 1 << 20, true)), /event 0 fd.name: string ref \[1048576, \d+\) outside the \d+-byte arena/],
    ['missing ref with a length', mutate((dv) => { dv.setUint32(HEADER.size + EVENT.fdNameRaw, 0xffffffff, true); dv.setUint32(HEADER.size + EVENT.fdNameRaw + 4, 3, true); }), /missing string ref with non-zero length 3/],
    ['argument mask beyond 6 slots', mutate((_dv, b) => { b[HEADER.size + EVENT.argsNumMask] = 0x40; }), /argument mask 0x40/],
    ['self parent', mutate((dv) => dv.setUint32(procOff() + PROCESS.parent, 0, true)), /process 0 is its own parent/],
    ['parent cycle', mutate((dv) => dv.setUint32(procOff() + 3 * PROCESS.size + PROCESS.parent, 0, true)), /parent chain contains a cycle/],
    ['container index out of range', mutate((dv) => dv.setUint32(procOff() + PROCESS.container, 5, true)), /process 0 container: index 5 out of range/],
  ])('%s', (_name, bytes, message) => {
    expect(() => validateBatch(bytes)).toThrow(message);
  });

  it('accepts the batch inside a larger buffer (trailing bytes ignored)', () => {
    const bigger = new Uint8Array(good.length + 64);
    bigger.set(good);
    expect(validateBatch(bigger).totalLength).toBe(good.length);
  });
});
