// `pmatch` path prefix sets (engine-as/pmatch.ts) with libs' path_prefix_search semantics:
// component-wise prefixes, empty components dropped, shorter search paths subsume longer ones,
// glob components matched with fnmatch against one path component.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fnmatchRef } from './fnmatch-reference.js';
import { loadRuntime, type Runtime } from './runtime-instance.js';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime();
});

function pset(paths: string[]): (p: string) => boolean {
  const h = rt.x.pmNew();
  for (const p of paths) {
    const [ptr, len] = rt.put(p);
    rt.x.pmAdd(h, ptr, len);
  }
  return (p) => {
    const [ptr, len] = rt.put(p);
    return rt.x.pmMatch(h, ptr, len) === 1;
  };
}

describe('pmatch', () => {
  it('matches the examples of libs path_prefix_search', () => {
    const m = pset(['/var/run', '/etc', '/lib', '/usr/lib']);
    expect(m('/var/run/docker')).toBe(true);
    expect(m('/boot')).toBe(false);
    expect(m('/var/lib/messages')).toBe(false);
    expect(m('/var')).toBe(false); // /var is only a partial match of /var/run
    expect(m('/var/run')).toBe(true);
    expect(m('/usr/lib/x86_64-linux-gnu/libc.so.6')).toBe(true);
    expect(m('/usr')).toBe(false);
  });

  it('agrees with the expectations of libs prefix_search tests', () => {
    const basic = pset(['/var/run', '/var/run/dmesg', '/etc/', '/lib', '/usr/lib', '/usr/local']);
    expect([basic('/var/run/docker'), basic('/boot'), basic('/var/lib/messages'), basic('/var'), basic('/var/run'), basic('/usr')])
      .toEqual([true, false, false, false, true, false]);
    const g = pset(['/opt/*/subdir', '/opt2/*', '/opt3/*/subdir2/*']);
    expect([g('/opt'), g('/opt/dir/subdir'), g('/opt/dir/subdir/file.txt'), g('/opt3/dir/subdir2'), g('/opt3/dir/subdir2/file.txt')])
      .toEqual([false, true, true, false, true]);
    const root = pset(['/']);
    expect(['/', '/one', '/one/two', '/one/two/three'].every(root)).toBe(true);
  });

  it('compares whole components, not bytes', () => {
    const m = pset(['/etc']);
    expect(m('/etc/passwd')).toBe(true);
    expect(m('/etcetera')).toBe(false);
    expect(m('/et')).toBe(false);
  });

  it('ignores empty components: trailing, doubled and missing leading slashes', () => {
    const m = pset(['/var/run/']);
    expect(m('/var/run')).toBe(true);
    expect(m('//var///run//x')).toBe(true);
    expect(m('var/run/x')).toBe(true);
    const m2 = pset(['usr//bin']);
    expect(m2('/usr/bin/ls')).toBe(true);
  });

  it('a shorter search path subsumes longer ones, in either order', () => {
    for (const order of [['/usr/lib', '/usr'], ['/usr', '/usr/lib']]) {
      const m = pset(order);
      expect(m('/usr/bin/ls')).toBe(true);
      expect(m('/usr')).toBe(true);
      expect(m('/opt')).toBe(false);
    }
  });

  it('"/" (and "") match every path, including the empty one', () => {
    for (const root of ['/', '', '///']) {
      const m = pset(['/etc', root]);
      expect(m('/anything/at/all')).toBe(true);
      expect(m('')).toBe(true);
      expect(m('/')).toBe(true);
    }
    expect(pset(['/etc'])('/')).toBe(false);
    expect(pset(['/etc'])('')).toBe(false);
  });

  it('an empty set matches nothing', () => {
    expect(pset([])('/etc')).toBe(false);
    expect(pset([])('')).toBe(false);
  });

  it('glob components match one component each', () => {
    const m = pset(['/var/*/docker', '/home/user?', '/opt/[ab]*']);
    expect(m('/var/run/docker')).toBe(true);
    expect(m('/var/run/docker/x.sock')).toBe(true);
    expect(m('/var/run/x')).toBe(false);
    expect(m('/var/a/b/docker')).toBe(false); // '*' never spans a '/' here: components are matched one by one
    expect(m('/home/user1/.ssh')).toBe(true);
    expect(m('/home/user12')).toBe(false);
    expect(m('/opt/bin')).toBe(true);
    expect(m('/opt/cin')).toBe(false);
  });

  it('prefers an exact component, then falls back to globs', () => {
    const m = pset(['/data/logs/app', '/data/*']);
    expect(m('/data/logs/other')).toBe(true); // exact 'logs' fails deeper, glob '*' matches
    expect(m('/data')).toBe(false);
  });

  it('handles UTF-8 and long paths', () => {
    const m = pset(['/srv/données']);
    expect(m('/srv/données/x')).toBe(true);
    expect(m('/srv/donnees/x')).toBe(false);
    const deep = `/${Array.from({ length: 2000 }, (_, i) => `d${i}`).join('/')}`;
    expect(pset([deep])(`${deep}/file`)).toBe(true);
    expect(pset([`${deep}/x`])(deep)).toBe(false);
  });
});

// ---- differential: a direct TS transcription of libs' path_prefix_map over Maps ----
interface RefNode {
  direct: Map<string, RefNode>;
  globs: Map<string, RefNode>; // insertion order, like the runtime
  terminal: boolean;
}
const newNode = (terminal: boolean): RefNode => ({ direct: new Map(), globs: new Map(), terminal });
const components = (path: string): string[] => path.split('/').filter((c) => c !== '');

class RefPathPrefixSet {
  private readonly top = newNode(false); // holds the "root" entry libs prepends to every path

  add(path: string): void {
    this.addAt(this.top, ['root', ...components(path)], 0);
  }

  private addAt(node: RefNode, comps: string[], i: number): void {
    const comp = comps[i]!;
    const map = /[?*[]/.test(comp) ? node.globs : node.direct;
    const last = i === comps.length - 1;
    const entry = map.get(comp);
    if (entry === undefined) {
      const child = newNode(last);
      map.set(comp, child);
      if (!last) this.addAt(child, comps, i + 1);
    } else if (last) {
      map.set(comp, newNode(true));
    } else if (!entry.terminal) {
      this.addAt(entry, comps, i + 1);
    }
  }

  match(path: string): boolean {
    return this.matchAt(this.top, ['root', ...components(path)], 0);
  }

  private checkValue(entry: RefNode, comps: string[], i: number): boolean {
    if (i === comps.length) return entry.terminal;
    if (entry.terminal) return true;
    return this.matchAt(entry, comps, i);
  }

  private matchAt(node: RefNode, comps: string[], i: number): boolean {
    const d = node.direct.get(comps[i]!);
    if (d !== undefined && this.checkValue(d, comps, i + 1)) return true;
    let c = i;
    for (const [pattern, entry] of node.globs) {
      if (c >= comps.length) return false;
      if (fnmatchRef(pattern, comps[c]!)) {
        c++;
        if (this.checkValue(entry, comps, c)) return true;
      }
    }
    return false;
  }
}

describe('pmatch differential against a transcription of libs path_prefix_map', () => {
  it('agrees on random search paths and subjects', () => {
    const comp = fc.constantFrom('a', 'b', 'ab', 'a*', '*', '?', '[ab]', 'b?', '');
    const path = fc.array(comp, { maxLength: 5 }).chain((cs) => fc.constantFrom(`/${cs.join('/')}`, cs.join('/'), `/${cs.join('/')}/`));
    const subject = fc.array(fc.constantFrom('a', 'b', 'ab', 'ba', 'x', ''), { maxLength: 6 }).map((cs) => `/${cs.join('/')}`);
    fc.assert(
      fc.property(fc.array(path, { maxLength: 5 }), fc.array(subject, { minLength: 1, maxLength: 8 }), (paths, subjects) => {
        const m = pset(paths);
        const ref = new RefPathPrefixSet();
        paths.forEach((p) => ref.add(p));
        return subjects.every((s) => m(s) === ref.match(s));
      }),
      { numRuns: 3000 },
    );
  });
});
