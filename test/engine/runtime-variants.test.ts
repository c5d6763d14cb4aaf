// The runtime's allocating parts (string sets, path prefix sets) and deep inputs under the
// incremental GC runtime too, which keeps managed locals on a bounded shadow stack.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRuntime, type Runtime } from './runtime-instance.js';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('incremental');
});

describe('engine-as under the incremental runtime', () => {
  it('string sets grow and keep their members across collections', () => {
    const h = rt.x.setNew();
    const items = Array.from({ length: 20_000 }, (_, i) => `/opt/app-${i}/bin`);
    for (const it of items) {
      const [p, l] = rt.put(it);
      rt.x.setAdd(h, p, l);
    }
    expect(rt.x.setSize(h)).toBe(20_000);
    const has = (s: string): boolean => {
      const [p, l] = rt.put(s);
      return rt.x.setHas(h, p, l) === 1;
    };
    expect(items.every(has)).toBe(true);
    expect(has('/opt/app-20000/bin')).toBe(false);
  });

  it('pmatch handles deep search paths and deep subjects', () => {
    const h = rt.x.pmNew();
    const deep = `/${Array.from({ length: 3000 }, (_, i) => `d${i}`).join('/')}`;
    const [p, l] = rt.put(deep);
    rt.x.pmAdd(h, p, l);
    const match = (s: string): boolean => {
      const [sp, sl] = rt.put(s);
      return rt.x.pmMatch(h, sp, sl) === 1;
    };
    expect(match(`${deep}/x/y`)).toBe(true);
    expect(match(deep.slice(0, -1))).toBe(false);
  });

  it('glob backtracks over long subjects', () => {
    expect(rt.two(rt.x.glob, '*a*a*a*b', 'a'.repeat(50_000))).toBe(0);
    expect(rt.two(rt.x.glob, '*/.ssh/*', `${'/x'.repeat(2000)}/.ssh/id_rsa`)).toBe(1);
  });
});
