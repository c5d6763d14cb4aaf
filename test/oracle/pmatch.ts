// pmatch for the oracle, as libs' path_prefix_search means it: a path matches when one of the
// search paths is a component-wise prefix of it (empty components ignored, so `/var/run/` and
// `//var/run` are the same prefix), a component with glob characters matching one path component
// with fnmatch. Written as the plain definition, not as libs' tree walk.
import { fnmatchRef } from '../engine/fnmatch-reference.js';

const components = (path: string): string[] => path.split('/').filter((c) => c !== '');
const isGlob = (c: string): boolean => /[?*[]/.test(c);

export function pathPrefixMatch(searchPaths: readonly string[], path: string): boolean {
  const subject = components(path);
  return searchPaths.some((p) => {
    const prefix = components(p);
    if (prefix.length > subject.length) return false;
    return prefix.every((c, i) => (isGlob(c) ? fnmatchRef(c, subject[i]!) : c === subject[i]));
  });
}
