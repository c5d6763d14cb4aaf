// `pmatch` path prefix sets (engine-as/pmatch.ts) with libs' path_prefix_search semantics:
// component-wise prefixes, empty components dropped, shorter search paths subsume longer ones,
// glob components matched with fnmatch against one path component.
import { beforeAll, describe, expect, it } from 'vitest';
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
