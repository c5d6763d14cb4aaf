// Sets of Unicode code points ("runes", as RE2 calls them) as sorted, disjoint, non-adjacent
// inclusive ranges, plus the named groups RE2 knows: POSIX [:name:] and Perl \d \s \w.

export const RUNE_MAX = 0x10ffff;

/** Inclusive [lo, hi] ranges, sorted, disjoint and not touching. */
export type RuneSet = ReadonlyArray<readonly [number, number]>;

/** Normalises any list of ranges (unsorted, overlapping, empty ones dropped). */
export function normalize(ranges: ReadonlyArray<readonly [number, number]>): [number, number][] {
  const sorted = ranges.filter(([lo, hi]) => lo <= hi).map(([lo, hi]) => [lo, hi] as [number, number]);
  sorted.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

export function union(...sets: RuneSet[]): [number, number][] {
  return normalize(sets.flat());
}

/** Complement within [0, RUNE_MAX]. */
export function negate(set: RuneSet): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of set) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= RUNE_MAX) out.push([next, RUNE_MAX]);
  return out;
}

export function contains(set: RuneSet, r: number): boolean {
  let a = 0;
  let b = set.length;
  while (a < b) {
    const m = (a + b) >> 1;
    const [lo, hi] = set[m]!;
    if (r < lo) b = m;
    else if (r > hi) a = m + 1;
    else return true;
  }
  return false;
}

const c = (s: string): number => s.codePointAt(0)!;
const r = (a: string, b: string): [number, number] => [c(a), c(b)];

/** RE2's POSIX groups (ASCII only), by the name written between [: and :]. */
export const POSIX_GROUPS: Readonly<Record<string, RuneSet>> = {
  alnum: [r('0', '9'), r('A', 'Z'), r('a', 'z')],
  alpha: [r('A', 'Z'), r('a', 'z')],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [r('0', '9')],
  graph: [[0x21, 0x7e]],
  lower: [r('a', 'z')],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [r('A', 'Z')],
  word: [r('0', '9'), r('A', 'Z'), [0x5f, 0x5f], r('a', 'z')],
  xdigit: [r('0', '9'), r('A', 'F'), r('a', 'f')],
};

/** Perl classes (only with Perl syntax): \d \s \w; upper case negates. \s has no \v in RE2. */
export const PERL_GROUPS: Readonly<Record<string, RuneSet>> = {
  d: POSIX_GROUPS.digit!,
  s: [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]],
  w: POSIX_GROUPS.word!,
};

/** ASCII word characters, for \b and \B (RE2's word boundary is ASCII only). */
export function isWordByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;
}

// ---- case folding (only reachable through (?i) in Perl syntax mode) ----

let foldOrbits: Map<number, number[]> | undefined;

/**
 * Code point -> every code point in its simple case-folding orbit (what RE2 derives from Unicode's
 * CaseFolding.txt), built once: candidate pairs come from the JS engine's case mappings, and a pair
 * joins an orbit only if the engine's own simple case folding (RegExp with flags 'iu') agrees.
 */
function orbits(): Map<number, number[]> {
  if (foldOrbits) return foldOrbits;
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let p = parent.get(x) ?? x;
    while (p !== (parent.get(p) ?? p)) p = parent.get(p) ?? p;
    return p;
  };
  const join = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (let cp = 0; cp <= 0x1ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const s = String.fromCodePoint(cp);
    for (const m of [s.toLowerCase(), s.toUpperCase()]) {
      const mc = m.codePointAt(0)!;
      if (mc !== cp && String.fromCodePoint(mc) === m && new RegExp(`^\\u{${cp.toString(16)}}$`, 'iu').test(m)) join(cp, mc);
    }
  }
  const groups = new Map<number, number[]>();
  for (const cp of parent.keys()) {
    const root = find(cp);
    const g = groups.get(root) ?? [root];
    if (!g.includes(cp)) g.push(cp);
    groups.set(root, g);
  }
  foldOrbits = new Map();
  for (const g of groups.values()) for (const cp of g) foldOrbits.set(cp, g);
  return foldOrbits;
}

/** Adds every case variant of every member. */
export function caseFold(set: RuneSet): [number, number][] {
  const extra: [number, number][] = [];
  for (const [cp, orbit] of orbits()) {
    if (contains(set, cp)) for (const o of orbit) extra.push([o, o]);
  }
  return union(set, extra);
}
