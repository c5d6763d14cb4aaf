// Hash sets of byte strings (engine-as/byteset.ts) used for `in` / `intersects` lists.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRuntime, type Runtime } from './runtime-instance.js';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime();
});

function makeSet(items: (string | Uint8Array)[]): number {
  const h = rt.x.setNew();
  for (const it of items) {
    const [p, l] = rt.put(it);
    rt.x.setAdd(h, p, l);
  }
  return h;
}
const has = (h: number, v: string | Uint8Array): boolean => {
  const [p, l] = rt.put(v);
  return rt.x.setHas(h, p, l) === 1;
};

describe('ByteSet', () => {
  it('finds members, ignores duplicates, distinguishes the empty string', () => {
    const h = makeSet(['sh', 'bash', 'bash', 'zsh', '', 'é']);
    expect(rt.x.setSize(h)).toBe(5);
    for (const m of ['sh', 'bash', 'zsh', '', 'é']) expect(has(h, m)).toBe(true);
    for (const m of ['s', 'bas', 'Bash', 'zsh ', 'e']) expect(has(h, m)).toBe(false);
    expect(has(makeSet(['a']), '')).toBe(false);
    expect(has(makeSet([]), '')).toBe(false);
  });

  it('grows past its initial capacity', () => {
    const items = Array.from({ length: 5000 }, (_, i) => `/usr/bin/prog-${i}`);
    const h = makeSet(items);
    expect(rt.x.setSize(h)).toBe(5000);
    expect(items.every((i) => has(h, i))).toBe(true);
    expect(has(h, '/usr/bin/prog-5000')).toBe(false);
  });

  it('agrees with a JS Set on random byte strings', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 6 }), { maxLength: 40 }), fc.array(fc.uint8Array({ maxLength: 6 }), { maxLength: 20 }), (members, probes) => {
        const h = makeSet(members);
        const ref = new Set(members.map((m) => Buffer.from(m).toString('hex')));
        return rt.x.setSize(h) === ref.size && [...members, ...probes].every((p) => has(h, p) === ref.has(Buffer.from(p).toString('hex')));
      }),
      { numRuns: 300 },
    );
  });
});
