// A straightforward recursive reference for glibc fnmatch(pattern, s, 0 | FNM_CASEFOLD) in the C
// locale, over bytes. Written independently of engine-as/glob.ts (recursion at '*' instead of
// backtracking, a separate bracket scanner) so the differential test can catch either one's bugs.

const lower = (c: number): number => (c >= 0x41 && c <= 0x5a ? c + 0x20 : c);

type Bracket = { kind: 'match'; next: number } | { kind: 'nomatch' } | { kind: 'literal' };

const CLASSES: Record<string, (c: number) => boolean> = {
  alnum: (c) => isAlpha(c) || isDigit(c),
  alpha: (c) => isAlpha(c),
  blank: (c) => c === 0x20 || c === 0x09,
  cntrl: (c) => c < 0x20 || c === 0x7f,
  digit: (c) => isDigit(c),
  graph: (c) => c > 0x20 && c < 0x7f,
  lower: (c) => c >= 0x61 && c <= 0x7a,
  print: (c) => c >= 0x20 && c < 0x7f,
  punct: (c) => c > 0x20 && c < 0x7f && !isAlpha(c) && !isDigit(c),
  space: (c) => c === 0x20 || (c >= 0x09 && c <= 0x0d),
  upper: (c) => c >= 0x41 && c <= 0x5a,
  xdigit: (c) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66),
};
function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

class Matcher {
  constructor(
    private readonly p: Uint8Array,
    private readonly s: Uint8Array,
    private readonly ci: boolean,
  ) {}

  private at(i: number): number {
    return i < this.p.length ? this.p[i]! : 0;
  }

  private fold(c: number): number {
    return this.ci ? lower(c) : c;
  }

  /** Collating symbol "[.x.]" whose '[' is at i-1 ('.' at i): [char, index after ".]"] or null = error. */
  private collating(i: number): { ch: number; len: number; next: number } | null {
    let j = i + 1;
    while (!(this.at(j) === 0x2e && this.at(j + 1) === 0x5d)) {
      if (this.at(j) === 0) return null;
      j++;
    }
    return { ch: this.at(i + 1), len: j - (i + 1), next: j + 2 };
  }

  /** Bracket at p[open] against string byte ch. */
  bracket(open: number, ch: number): Bracket {
    const fn = this.fold(ch);
    let i = open + 1;
    let negate = false;
    if (this.at(i) === 0x21 || this.at(i) === 0x5e) {
      negate = true;
      i++;
    }
    let hit = false;
    const finish = (): Bracket => (hit !== negate ? { kind: 'match', next: i } : { kind: 'nomatch' });
    let c = this.at(i++);
    for (;;) {
      // member: a single byte `lo` (possibly the start of a range), or a class / equivalence class
      let lo: number | null = null;
      let rangeStartOk = true;
      if (c === 0) return { kind: 'literal' };
      if (c === 0x5c) {
        if (i >= this.p.length) return { kind: 'nomatch' };
        lo = this.fold(this.at(i++));
      } else if (c === 0x5b && this.at(i) === 0x3a) {
        let j = i + 1;
        let name = '';
        let closed = false;
        for (;;) {
          if (name.length === 256) return { kind: 'nomatch' };
          const d = this.at(j);
          if (d === 0x3a && this.at(j + 1) === 0x5d) {
            closed = true;
            break;
          }
          if (d < 0x61 || d >= 0x7a) break;
          name += String.fromCharCode(d);
          j++;
        }
        if (closed) {
          i = j + 2;
          if (!hit) {
            const test = CLASSES[name];
            if (test === undefined) return { kind: 'nomatch' };
            if (test(ch)) hit = true;
          }
          c = this.at(i++);
          if (c === 0x5d) return finish();
          continue;
        }
        lo = 0x5b;
      } else if (c === 0x5b && this.at(i) === 0x3d && this.at(i + 1) !== 0 && this.at(i + 2) === 0x3d && this.at(i + 3) === 0x5d) {
        if (ch === this.at(i + 1)) hit = true;
        i += 4;
        c = this.at(i++);
        if (c === 0x5d) return finish();
        continue;
      } else if (c === 0x5b && this.at(i) === 0x2e) {
        const sym = this.collating(i);
        if (sym === null) return { kind: 'nomatch' };
        if (sym.len !== 1 && !hit) return { kind: 'nomatch' };
        i = sym.next;
        // a collating symbol is a range start unless '-' is the last thing in the pattern
        const isRange = this.at(i) === 0x2d && this.at(i + 1) !== 0;
        if (!isRange && ch === sym.ch) hit = true;
        lo = sym.ch;
        rangeStartOk = false;
      } else {
        lo = this.fold(c);
      }
      if (rangeStartOk) {
        const isRange = this.at(i) === 0x2d && this.at(i + 1) !== 0 && this.at(i + 1) !== 0x5d;
        if (!isRange && lo === fn) hit = true;
      }
      c = this.at(i++);
      if (c === 0x2d && this.at(i) !== 0x5d) {
        let hi = this.at(i++);
        if (hi === 0x5b && this.at(i) === 0x2e) {
          const sym = this.collating(i);
          if (sym === null) return { kind: 'nomatch' };
          if (sym.len !== 1 && !hit) return { kind: 'nomatch' };
          hi = sym.ch;
          i = sym.next;
        } else {
          if (hi === 0x5c) hi = this.at(i++);
          if (hi === 0) return { kind: 'nomatch' };
          hi = this.fold(hi);
        }
        if (lo <= fn && fn <= hi) hit = true;
        c = this.at(i++);
      }
      if (c === 0x5d) return finish();
    }
  }

  /** Does p[pi..] match s[si..]? */
  run(pi: number, si: number): boolean {
    const { p, s } = this;
    while (pi < p.length) {
      const c = p[pi]!;
      if (c === 0x2a) {
        while (pi < p.length && p[pi] === 0x2a) pi++;
        if (pi === p.length) return true;
        for (let k = si; k <= s.length; k++) if (this.run(pi, k)) return true;
        return false;
      }
      if (si >= s.length) return false;
      const ch = s[si]!;
      if (c === 0x3f) {
        pi++;
      } else if (c === 0x5c) {
        if (pi + 1 >= p.length) return false;
        if (this.fold(p[pi + 1]!) !== this.fold(ch)) return false;
        pi += 2;
      } else if (c === 0x5b) {
        const r = this.bracket(pi, ch);
        if (r.kind === 'nomatch') return false;
        if (r.kind === 'literal') {
          if (this.fold(ch) !== 0x5b) return false;
          pi++;
        } else pi = r.next;
      } else {
        if (this.fold(c) !== this.fold(ch)) return false;
        pi++;
      }
      si++;
    }
    return si === s.length;
  }
}

const enc = new TextEncoder();

export function fnmatchRef(pattern: string | Uint8Array, subject: string | Uint8Array, caseFold = false): boolean {
  const p = typeof pattern === 'string' ? enc.encode(pattern) : pattern;
  const s = typeof subject === 'string' ? enc.encode(subject) : subject;
  return new Matcher(p, s, caseFold).run(0, 0);
}
