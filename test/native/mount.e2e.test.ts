// mount and umount2 on the real kernel: libs' exit parameters (dev, dir, type, flags; name, flags).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { eventTypeId } from '../../host/engine/event-types.js';
import { bpfAvailable, captureDuring, findEvents } from './support.js';

const MS_RDONLY = 1n;
const MS_NOSUID = 2n;
const MNT_DETACH = 2n;

describe.skipIf(!bpfAvailable)('mount and umount2 on the real kernel', () => {
  test('mount -t tmpfs then umount -l: source, target, type, flags and the result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-mount-'));
    try {
      const c = await captureDuring({ eventTypes: [eventTypeId('mount'), eventTypeId('umount2')] }, () => {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,nosuid,size=1m', 'saker-test-tmpfs', dir], { stdio: 'ignore' });
        execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
        // A refused mount (straight through libc: mount(8) checks the type first): the result is
        // the errno, and the arguments are still there.
        const py = `import ctypes; ctypes.CDLL(None, use_errno=True).mount(b"nodev", b"${dir}", b"no-such-fs", 0, None)`;
        spawnSync('python3', ['-c', py], { stdio: 'ignore' });
      });
      const mounts = findEvents(c, 'mount', (f) => f.event.args.dir === dir);
      const ok = mounts.filter((m) => m.event.res === 0n);
      expect(ok).toHaveLength(1);
      const { event } = ok[0]!;
      expect(event.args.dev).toBe('saker-test-tmpfs');
      expect(event.args.type).toBe('tmpfs');
      expect((event.args.flags as bigint) & (MS_RDONLY | MS_NOSUID)).toBe(MS_RDONLY | MS_NOSUID);
      // libs drops the historic 0xC0ED magic from the top half.
      expect((event.args.flags as bigint) >> 16n).toBe(0n);
      const refused = mounts.filter((m) => m.event.args.type === 'no-such-fs');
      expect(refused).toHaveLength(1);
      expect(refused[0]!.event.res).toBe(-19n); // ENODEV
      const umounts = findEvents(c, 'umount2', (f) => f.event.args.name === dir);
      expect(umounts).toHaveLength(1);
      expect(umounts[0]!.event.res).toBe(0n);
      expect(umounts[0]!.event.args.flags).toBe(MNT_DETACH);
    } finally {
      spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
