// Capture files: a capture made during real actions replays to the identical event stream, and the
// reader turns truncated or corrupt files into errors with a byte offset, never a crash.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readBatch } from '../../host/engine/batch-reader.js';
import { validateBatch } from '../../host/engine/batch-validate.js';
import { eventTypeId } from '../../host/engine/event-types.js';
import { addonAvailable, bpfAvailable, canonicalEvents as canonical, captureDuring, replayAll } from './support.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'saker-capfile-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!bpfAvailable)('capture files on the real kernel', () => {
  test('a capture made during real actions replays to the identical event stream', async () => {
    const file = join(dir, 'actions.cap');
    const live = await captureDuring(
      { eventTypes: [eventTypeId('openat'), eventTypeId('execve'), eventTypeId('connect')], captureFile: file },
      () => {
        execFileSync('cat', ['/etc/shadow'], { stdio: 'ignore' });
        execFileSync('env', ['-C', '/tmp', '/bin/echo', 'replay', 'me'], { stdio: 'ignore' });
        spawnSync('bash', ['-c', 'exec 3<>/dev/tcp/127.0.0.1/1'], { stdio: 'ignore' });
      },
    );
    const liveEvents = canonical(live.batches);
    expect(liveEvents.length).toBeGreaterThan(10);
    for (const batchEvents of [4096, 7]) {
      const raw = await replayAll(file, batchEvents);
      const replayed = canonical(raw.map((b) => readBatch(b)));
      expect(replayed.length).toBe(liveEvents.length);
      expect(replayed).toEqual(liveEvents);
    }
    // Keep a small one for the corruption tests below.
    writeFileSync(join(dir, 'keep.cap'), readFileSync(file));
  });
});

describe.skipIf(!addonAvailable)('capture file reader on bad input', () => {
  const header = (version = 1): Buffer => {
    const h = Buffer.alloc(24);
    h.write('SAKRCAP\0', 0, 'latin1');
    h.writeUInt32LE(version, 8);
    h.writeUInt32LE(24, 12);
    return h;
  };
  const entry = (tag: string, payload: Buffer): Buffer => {
    const h = Buffer.alloc(8);
    h.write(tag.padEnd(4, '\0'), 0, 'latin1');
    h.writeUInt32LE(payload.length, 4);
    return Buffer.concat([h, payload]);
  };
  const expectReject = async (bytes: Buffer, message: RegExp): Promise<void> => {
    const path = join(dir, 'bad.cap');
    writeFileSync(path, bytes);
    await expect(replayAll(path)).rejects.toThrow(message);
  };

  test('clear errors with the offending offset', async () => {
    await expectReject(Buffer.from('hello world, not a capture'), /bad magic\) at byte 0/);
    await expectReject(header().subarray(0, 12), /truncated header at byte 12/);
    await expectReject(header(3), /unsupported version 3 \(this reader reads versions 1 and 2\) at byte 8/);
    await expectReject(header(), /truncated: no end marker at byte 24/);
    await expectReject(Buffer.concat([header(), Buffer.from([1, 2, 3])]), /truncated entry header at byte 24/);
    await expectReject(Buffer.concat([header(), entry('XXXX', Buffer.alloc(0))]), /unknown entry tag 0x58585858 at byte 24/);
    const long = entry('RECD', Buffer.alloc(4));
    long.writeUInt32LE(1000, 4);
    await expectReject(Buffer.concat([header(), long]), /entry length 1000 runs past the end of the file at byte 28/);
    await expectReject(Buffer.concat([header(), entry('RECD', Buffer.alloc(10)), entry('END', Buffer.alloc(0))]), /record shorter than its fixed part at byte 24/);
    await expectReject(Buffer.concat([header(2), entry('CONT', Buffer.from([5, 0, 0, 0, 65])), entry('END', Buffer.alloc(0))]), /entry ends inside a field at byte 36/);
    await expectReject(Buffer.concat([header(), entry('NAME', Buffer.from([0, 1, 0, 0, 0, 9, 0, 0, 0, 65])), entry('END', Buffer.alloc(0))]), /entry ends inside a field at byte 41/);
  });

  test('an empty capture replays to nothing', async () => {
    const path = join(dir, 'empty.cap');
    writeFileSync(path, Buffer.concat([header(), entry('END', Buffer.alloc(0))]));
    expect(await replayAll(path)).toEqual([]);
  });

  test.skipIf(!bpfAvailable)('fuzz: truncations and corruptions of a real capture never crash, and batches stay valid', async () => {
    const good = readFileSync(join(dir, 'keep.cap'));
    let rejected = 0;
    let accepted = 0;
    const check = async (bytes: Buffer): Promise<void> => {
      const path = join(dir, 'fuzz.cap');
      writeFileSync(path, bytes);
      try {
        const raw = await replayAll(path, 64);
        for (const b of raw) validateBatch(b);
        accepted++;
      } catch (err) {
        expect(String(err)).toMatch(/capture file: .* at byte \d+/);
        rejected++;
      }
    };
    // Truncations: every length in the first 4 KiB, then a spread over the rest.
    for (let n = 0; n < Math.min(good.length, 4096); n += 1 + Math.floor(n / 512)) await check(good.subarray(0, n));
    for (let i = 0; i < 40; i++) await check(good.subarray(0, Math.floor((good.length * i) / 40)));
    // Random byte changes (a fixed seed, so a failure repeats).
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 150; i++) {
      const bytes = Buffer.from(good);
      for (let k = 0; k <= rand(4); k++) bytes[rand(bytes.length)] = rand(256);
      await check(bytes);
    }
    for (let i = 0; i < 20; i++) await check(Buffer.from(Array.from({ length: rand(300) }, () => rand(256))));
    expect(rejected).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  });
});
