// RE2 pattern parser. Follows RE2 (2022-06-01) rule for rule, including the order in which errors
// are found and the text RE2 reports, for the two syntaxes RE2 offers:
//  - 'posix' (RE2::POSIX, what libs uses for `regex`): egrep syntax; ^ and $ match at line
//    boundaries; no \d \s \w, no \b \B, no (?...), no \A \z, no lazy quantifiers (`a*?` is `(a*)?`).
//  - 'perl' (RE2's default options): adds all of those; ^ and $ match at text boundaries.
// In both, `.` does not match \n, negated classes do, and backreferences/lookaround are errors.
import type { AssertKind, RegexNode } from './ast.js';
import { RegexSyntaxError, RegexUnsupportedError, type Re2ErrorCode } from './errors.js';
import { RUNE_MAX, POSIX_GROUPS, PERL_GROUPS, caseFold, negate, normalize } from './runes.js';
import { decodeRune } from './utf8.js';

export type RegexSyntax = 'posix' | 'perl';

export interface ParseOptions {
  /** Default 'posix', Falco's. */
  syntax?: RegexSyntax;
}

interface Flags {
  foldCase: boolean;
  /** ^ $ are text anchors (RE2 OneLine). */
  oneLine: boolean;
  /** `.` matches \n. */
  dotNL: boolean;
}

/** RE2's limit on a counted repetition, and on the product of nested ones. */
const MAX_REPEAT = 1000;

const BS = 0x5c;

/** Encodes a pattern string as RE2 sees its bytes. U+DC80..U+DCFF stand for raw bytes 0x80..0xFF
 *  (the condition parser's convention for non-UTF-8 input); other code points are UTF-8. */
export function patternBytes(pattern: string | Uint8Array): Uint8Array {
  if (typeof pattern !== 'string') return pattern;
  const out: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const cp = pattern.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (cp >= 0xdc80 && cp <= 0xdcff) out.push(cp - 0xdc00);
    else if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Uint8Array.from(out);
}

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;
const isHex = (b: number): boolean => isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
const unHex = (b: number): number => (b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x61 + 10);
const isAlpha = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

const single = (cp: number): RegexNode => ({ type: 'class', ranges: [[cp, cp]] });

class Parser {
  private pos = 0;
  private flags: Flags;
  private readonly perl: boolean;
  private readonly text = new TextDecoder();

  constructor(
    private readonly src: Uint8Array,
    syntax: RegexSyntax,
  ) {
    this.perl = syntax === 'perl';
    this.flags = { foldCase: false, oneLine: this.perl, dotNL: false };
  }

  private fail(code: Re2ErrorCode, from = -1, to = this.pos): never {
    throw new RegexSyntaxError(code, from < 0 ? '' : this.text.decode(this.src.subarray(from, to)));
  }

  private failWhole(code: Re2ErrorCode): never {
    this.fail(code, 0, this.src.length);
  }

  private at(i = this.pos): number | undefined {
    return this.src[i];
  }

  /** Takes the next code point; RE2 rejects malformed UTF-8 anywhere in a pattern. */
  private rune(): number {
    const d = decodeRune(this.src, this.pos);
    if (d === null) this.fail('bad-utf8');
    this.pos += d.length;
    return d.rune;
  }

  parse(): RegexNode {
    const node = this.parseAlternation();
    if (this.pos < this.src.length) this.failWhole('unexpected-paren'); // stopped at a ')'
    return node;
  }

  /** Alternatives up to the end or a ')' (left for the caller). */
  private parseAlternation(): RegexNode {
    const alts: RegexNode[] = [this.parseConcat()];
    while (this.at() === 0x7c) {
      this.pos++;
      alts.push(this.parseConcat());
    }
    return alts.length === 1 ? alts[0]! : { type: 'alt', items: alts };
  }

  private parseConcat(): RegexNode {
    const items: RegexNode[] = [];
    // Start of the repetition operator just read (Perl syntax forbids stacking them), else -1.
    let lastRepeat = -1;
    for (;;) {
      const b = this.at();
      if (b === undefined || b === 0x7c || b === 0x29) break;
      const start = this.pos;
      let repeatStart = -1;
      switch (b) {
        case 0x28: // (
          this.parseGroup(items);
          break;
        case 0x5e: // ^
          this.pos++;
          items.push({ type: 'assert', kind: this.flags.oneLine ? 'bot' : 'bol' });
          break;
        case 0x24: // $
          this.pos++;
          items.push({ type: 'assert', kind: this.flags.oneLine ? 'eot' : 'eol' });
          break;
        case 0x2e: // .
          this.pos++;
          items.push({ type: 'class', ranges: this.flags.dotNL ? [[0, RUNE_MAX]] : negate([[0x0a, 0x0a]]) });
          break;
        case 0x5b: // [
          items.push(this.parseClass());
          break;
        case 0x2a: // *
        case 0x2b: // +
        case 0x3f: {
          // ?
          this.pos++;
          let greedy = true;
          if (this.perl) {
            if (this.at() === 0x3f) {
              greedy = false;
              this.pos++;
            }
            if (lastRepeat >= 0) this.fail('repeat-op', lastRepeat);
          }
          const item = items.pop();
          if (item === undefined) this.fail('repeat-argument', start);
          const [min, max] = b === 0x2a ? [0, -1] : b === 0x2b ? [1, -1] : [0, 1];
          items.push({ type: 'repeat', min, max, counted: false, greedy, item });
          repeatStart = start;
          break;
        }
        case 0x7b: {
          // {
          const rep = this.maybeRepetition();
          if (rep === null) {
            this.pos++;
            items.push(this.literal(0x7b));
            break;
          }
          let greedy = true;
          if (this.perl) {
            if (this.at() === 0x3f) {
              greedy = false;
              this.pos++;
            }
            if (lastRepeat >= 0) this.fail('repeat-op', lastRepeat);
          }
          const [min, max] = rep;
          if ((max !== -1 && max < min) || min > MAX_REPEAT || max > MAX_REPEAT) this.fail('repeat-size', start);
          const item = items.pop();
          if (item === undefined) this.fail('repeat-argument', start);
          const node: RegexNode = { type: 'repeat', min, max, counted: true, greedy, item };
          if ((min >= 2 || max >= 2) && repeatBudget(node, MAX_REPEAT) === 0) this.fail('repeat-size', start);
          items.push(node);
          repeatStart = start;
          break;
        }
        case BS:
          this.parseBackslash(items);
          break;
        default:
          items.push(this.literal(this.rune()));
      }
      lastRepeat = repeatStart;
    }
    if (items.length === 0) return { type: 'empty' };
    return items.length === 1 ? items[0]! : { type: 'concat', items };
  }

  private literal(cp: number): RegexNode {
    if (!this.flags.foldCase) return single(cp);
    return { type: 'class', ranges: caseFold([[cp, cp]]) };
  }

  /** '(' — a group, or in Perl syntax a flag change / non-capturing / named group. */
  private parseGroup(items: RegexNode[]): void {
    const open = this.pos;
    let capture = true;
    let name: string | undefined;
    const saved = { ...this.flags };
    if (this.perl && this.at(open + 1) === 0x3f) {
      const r = this.parsePerlFlags();
      if (r.kind === 'flags') return; // (?i) changes flags for the rest of the enclosing group
      capture = r.kind === 'named';
      name = r.kind === 'named' ? r.name : undefined;
    } else {
      this.pos++;
    }
    const inner = this.parseAlternation();
    if (this.at() !== 0x29) this.failWhole('missing-paren');
    this.pos++;
    this.flags = saved;
    items.push(name === undefined ? { type: 'group', capture, item: inner } : { type: 'group', capture, name, item: inner });
  }

  private parsePerlFlags(): { kind: 'flags' } | { kind: 'group' } | { kind: 'named'; name: string } {
    const begin = this.pos;
    let t = begin + 2;
    const src = this.src;
    if (src.length - t > 2 && src[t] === 0x50 && src[t + 1] === 0x3c) {
      // (?P<name>
      let end = -1;
      for (let i = t + 2; i < src.length; i++) {
        if (src[i] === 0x3e) {
          end = i;
          break;
        }
      }
      if (end < 0) {
        this.checkUtf8(begin, src.length);
        this.fail('bad-named-capture', begin, src.length);
      }
      this.checkUtf8(t + 2, end);
      const name = this.text.decode(src.subarray(t + 2, end));
      if (!/^[A-Za-z0-9_]+$/.test(name)) this.fail('bad-named-capture', begin, end + 1);
      this.pos = end + 1;
      return { kind: 'named', name };
    }
    let negated = false;
    let sawFlags = false;
    const next = { ...this.flags };
    for (;;) {
      if (t >= src.length) this.fail('bad-perl-op', begin, t);
      this.pos = t;
      const c = this.rune();
      t = this.pos;
      switch (c) {
        case 0x69: // i
          sawFlags = true;
          next.foldCase = !negated;
          break;
        case 0x6d: // m: the opposite of OneLine
          sawFlags = true;
          next.oneLine = negated;
          break;
        case 0x73: // s
          sawFlags = true;
          next.dotNL = !negated;
          break;
        case 0x55: // U: default laziness, which does not change what matches
          sawFlags = true;
          break;
        case 0x2d: // -
          if (negated) this.fail('bad-perl-op', begin, t);
          negated = true;
          sawFlags = false;
          break;
        case 0x3a: // :
        case 0x29: // )
          if (negated && !sawFlags) this.fail('bad-perl-op', begin, t);
          this.flags = next;
          return c === 0x3a ? { kind: 'group' } : { kind: 'flags' };
        default:
          this.fail('bad-perl-op', begin, t);
      }
    }
  }

  private checkUtf8(from: number, to: number): void {
    for (let i = from; i < to; ) {
      const d = decodeRune(this.src, i);
      if (d === null) this.fail('bad-utf8');
      i += d.length;
    }
  }

  /** {n}, {n,} or {n,m}; null (and nothing consumed) when the brace is a literal. */
  private maybeRepetition(): [number, number] | null {
    let i = this.pos + 1;
    const int = (): number | null => {
      if (!isDigit(this.at(i))) return null;
      if (this.at(i) === 0x30 && isDigit(this.at(i + 1))) return null; // no leading zeros
      let n = 0;
      while (isDigit(this.at(i))) {
        if (n >= 100_000_000) return null;
        n = n * 10 + this.at(i)! - 0x30;
        i++;
      }
      return n;
    };
    const lo = int();
    if (lo === null || i >= this.src.length) return null;
    let hi = lo;
    if (this.at(i) === 0x2c) {
      i++;
      if (i >= this.src.length) return null;
      if (this.at(i) === 0x7d) hi = -1;
      else {
        const h = int();
        if (h === null) return null;
        hi = h;
      }
    }
    if (this.at(i) !== 0x7d) return null;
    this.pos = i + 1;
    return [lo, hi];
  }

  private parseBackslash(items: RegexNode[]): void {
    const next = this.at(this.pos + 1);
    if (this.perl && next !== undefined) {
      const simple: Partial<Record<number, AssertKind>> = { 0x62: 'word', 0x42: 'notWord', 0x41: 'bot', 0x7a: 'eot' };
      const kind = simple[next];
      if (kind !== undefined) {
        this.pos += 2;
        items.push({ type: 'assert', kind });
        return;
      }
      if (next === 0x43) {
        // \C
        this.pos += 2;
        items.push({ type: 'anyByte' });
        return;
      }
      if (next === 0x51) {
        // \Q ... \E
        this.pos += 2;
        while (this.pos < this.src.length) {
          if (this.at() === BS && this.at(this.pos + 1) === 0x45) {
            this.pos += 2;
            break;
          }
          items.push(this.literal(this.rune()));
        }
        return;
      }
      if (next === 0x70 || next === 0x50) {
        throw new RegexUnsupportedError('unsupported-syntax', 'Unicode classes (\\p, \\P) are not supported');
      }
      const perl = this.perlClass();
      if (perl !== null) {
        items.push(perl);
        return;
      }
    }
    items.push(this.literal(this.escape()));
  }

  /** \d \s \w and negations (Perl syntax only); null if not one. */
  private perlClass(): RegexNode | null {
    if (!this.perl || this.at() !== BS) return null;
    const c = this.at(this.pos + 1);
    if (c === undefined) return null;
    const group = PERL_GROUPS[String.fromCharCode(c | 0x20)];
    if (group === undefined || !isAlpha(c)) return null;
    this.pos += 2;
    // Under (?i) RE2 folds the positive group first, then negates.
    const positive = this.flags.foldCase ? caseFold(group) : normalize(group);
    return { type: 'class', ranges: c >= 0x61 ? positive : negate(positive) };
  }

  /** RE2's ParseEscape: a backslash sequence standing for one code point. */
  private escape(): number {
    const begin = this.pos;
    if (this.pos + 1 >= this.src.length) this.fail('trailing-backslash');
    this.pos++;
    const c = this.rune();
    const bad = (): never => this.fail('bad-escape', begin);
    if (c >= 0x31 && c <= 0x37) {
      // \1..\7 alone would be a backreference
      const d = this.at();
      if (d === undefined || d < 0x30 || d > 0x37) bad();
    }
    if (c >= 0x30 && c <= 0x37) {
      let code = c - 0x30;
      for (let k = 0; k < 2; k++) {
        const d = this.at();
        if (d === undefined || d < 0x30 || d > 0x37) break;
        code = code * 8 + d - 0x30;
        this.pos++;
      }
      return code;
    }
    switch (c) {
      case 0x78: {
        // \x
        if (this.pos >= this.src.length) bad();
        let h = this.rune();
        if (h === 0x7b) {
          h = this.rune(); // at the very end RE2's decode fails: "invalid UTF-8"

          let n = 0;
          let code = 0;
          while (h < 0x80 && isHex(h)) {
            n++;
            code = code * 16 + unHex(h);
            if (code > RUNE_MAX) bad();
            if (this.pos >= this.src.length) bad();
            h = this.rune();
          }
          if (h !== 0x7d || n === 0) bad();
          return code;
        }
        if (this.pos >= this.src.length) bad();
        const h2 = this.rune();
        if (h >= 0x80 || h2 >= 0x80 || !isHex(h) || !isHex(h2)) bad();
        return unHex(h) * 16 + unHex(h2);
      }
      case 0x6e:
        return 0x0a;
      case 0x72:
        return 0x0d;
      case 0x74:
        return 0x09;
      case 0x61:
        return 0x07;
      case 0x66:
        return 0x0c;
      case 0x76:
        return 0x0b;
    }
    // Escaped punctuation stands for itself; letters, digits and non-ASCII are errors.
    if (c < 0x80 && !isAlpha(c) && !isDigit(c)) return c;
    return bad();
  }

  /** RE2's ParseCharClass. */
  private parseClass(): RegexNode {
    const whole = this.pos;
    const missing = (): never => this.fail('missing-bracket', whole, this.src.length);
    this.pos++;
    let negated = false;
    if (this.at() === 0x5e) {
      this.pos++;
      negated = true;
    }
    const parts: (readonly [number, number])[] = [];
    const fold = this.flags.foldCase;
    const add = (set: ReadonlyArray<readonly [number, number]>): void => {
      for (const r of fold ? caseFold(normalize(set)) : set) parts.push(r);
    };
    let first = true;
    while (this.pos < this.src.length && (this.at() !== 0x5d || first)) {
      // In POSIX syntax '-' is a literal only first or last.
      if (this.at() === 0x2d && !first && !this.perl && (this.pos + 1 >= this.src.length || this.at(this.pos + 1) !== 0x5d)) {
        const from = this.pos;
        this.pos++;
        // RE2 decodes the rune after '-' for its message; at the very end that decode fails.
        if (this.pos >= this.src.length) this.fail('bad-utf8');
        this.rune();
        this.fail('bad-char-range', from);
      }
      first = false;
      if (this.src.length - this.pos > 2 && this.at() === 0x5b && this.at(this.pos + 1) === 0x3a) {
        const group = this.posixGroup();
        if (group !== null) {
          add(group);
          continue;
        }
      }
      if (this.perl && this.src.length - this.pos > 2 && this.at() === BS && (this.at(this.pos + 1) === 0x70 || this.at(this.pos + 1) === 0x50)) {
        throw new RegexUnsupportedError('unsupported-syntax', 'Unicode classes (\\p, \\P) are not supported');
      }
      const perl = this.perlClass();
      if (perl !== null && perl.type === 'class') {
        add(perl.ranges);
        continue;
      }
      const from = this.pos;
      const lo = this.classChar(missing);
      let hi = lo;
      if (this.src.length - this.pos >= 2 && this.at() === 0x2d && this.at(this.pos + 1) !== 0x5d) {
        this.pos++;
        hi = this.classChar(missing);
        if (hi < lo) this.fail('bad-char-range', from);
      }
      add([[lo, hi]]);
    }
    if (this.pos >= this.src.length) missing();
    this.pos++;
    const set = normalize(parts);
    return { type: 'class', ranges: negated ? negate(set) : set };
  }

  private classChar(missing: () => never): number {
    if (this.pos >= this.src.length) missing();
    if (this.at() === BS) return this.escape();
    return this.rune();
  }

  /** [:name:] or [:^name:]; null when there is no closing ":]" at all (then '[' is a literal). */
  private posixGroup(): ReadonlyArray<readonly [number, number]> | null {
    const p = this.pos;
    let q = p + 2;
    while (q <= this.src.length - 2 && !(this.src[q] === 0x3a && this.src[q + 1] === 0x5d)) q++;
    if (q > this.src.length - 2) return null;
    const end = q + 2;
    const name = this.text.decode(this.src.subarray(p + 2, q));
    const neg = name.startsWith('^');
    const group = POSIX_GROUPS[neg ? name.slice(1) : name];
    if (group === undefined || !Object.hasOwn(POSIX_GROUPS, neg ? name.slice(1) : name)) this.fail('bad-char-range', p, end);
    this.pos = end;
    const positive = this.flags.foldCase ? caseFold(group) : group;
    return neg ? negate(positive) : positive;
  }
}

/**
 * RE2's RepetitionWalker: MAX_REPEAT divided by every counted repetition's bound down each path;
 * 0 means nested counts multiply past the limit.
 */
function repeatBudget(node: RegexNode, budget: number): number {
  let b = budget;
  if (node.type === 'repeat' && node.counted) {
    const m = node.max < 0 ? node.min : node.max;
    if (m > 0) b = Math.floor(b / m);
  }
  let out = b;
  const kids: readonly RegexNode[] =
    node.type === 'concat' || node.type === 'alt' ? node.items : node.type === 'repeat' || node.type === 'group' ? [node.item] : [];
  for (const k of kids) out = Math.min(out, repeatBudget(k, b));
  return out;
}

/** Parses an RE2 pattern (bytes, or a string whose U+DC80..U+DCFF stand for raw bytes). */
export function parseRegex(pattern: string | Uint8Array, options: ParseOptions = {}): RegexNode {
  return new Parser(patternBytes(pattern), options.syntax ?? 'posix').parse();
}

