// After start, after each applied reload (debounced) and periodically, the daemon runs a full
// collection and malloc_trim (host/daemon/memory-release.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryRelease } from '../../host/daemon/memory-release.js';
import { ADDON_PATH, trimNativeHeap } from '../../native/capture.js';
import { existsSync } from 'node:fs';

describe('MemoryRelease', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs once, delayMs after the last of a burst of requests, then every period', () => {
    vi.useFakeTimers();
    const trim = vi.fn(() => true);
    const m = new MemoryRelease(trim, 2000, 30_000);
    m.schedule();
    vi.advanceTimersByTime(1000);
    m.schedule();
    vi.advanceTimersByTime(1999);
    expect(trim).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(trim).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(30_000 - 3000);
    expect(trim).toHaveBeenCalledTimes(2);
    m.close();
    vi.advanceTimersByTime(120_000);
    expect(trim).toHaveBeenCalledTimes(2);
  });

  it('collects garbage the heap holds', async () => {
    const m = new MemoryRelease(undefined, 0, 1 << 30);
    const ref = new WeakRef(new Array(1000).fill({}));
    // a WeakRef keeps its target for the rest of the job that made it
    await new Promise((r) => setTimeout(r, 0));
    m.release();
    expect(ref.deref()).toBeUndefined();
    m.close();
  });

  it('malloc_trim through the capture addon answers whether memory went back to the kernel', () => {
    if (!existsSync(ADDON_PATH)) throw new Error(`the addon is not built (${ADDON_PATH}); npm test builds it`);
    expect(typeof trimNativeHeap()).toBe('boolean');
  });
});
