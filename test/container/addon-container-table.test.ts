// The addon's container table as JS sees it: setContainerInfo adds, replaces and forgets entries,
// and rejects input of the wrong shape.
import { describe, expect, test } from 'vitest';
import { loadCaptureAddon } from '../../native/capture.js';
import { addonAvailable } from '../native/support.js';

describe.skipIf(!addonAvailable)('addon container table', () => {
  test('set, replace, forget', () => {
    const addon = loadCaptureAddon();
    const before = addon.containerInfoCount();
    addon.setContainerInfo('0000feedbeef', { name: 'a', privileged: false, mounts: [{ source: '/s', dest: '/d', mode: 'ro', rw: false, propagation: '' }] });
    expect(addon.containerInfoCount()).toBe(before + 1);
    addon.setContainerInfo('0000feedbeef', { name: 'b', startTs: 5n });
    expect(addon.containerInfoCount()).toBe(before + 1);
    addon.setContainerInfo('0000feedbeef', null);
    expect(addon.containerInfoCount()).toBe(before);
  });

  test('wrong shapes are TypeErrors', () => {
    const addon = loadCaptureAddon();
    const loose = addon.setContainerInfo as unknown as (...args: unknown[]) => void;
    expect(() => loose(42, {})).toThrow(TypeError);
    expect(() => loose('x', 'not an object')).toThrow(TypeError);
  });
});
