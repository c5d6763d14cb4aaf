// Differential property test of the regex engine: for generated patterns in the part of the syntax
// where RE2 and JavaScript agree, the TypeScript table interpreters and the Wasm matchers (DFA
// tables and the NFA fallback tables) must all give JavaScript's answer for a full match (JS anchored as (?:p)(?![\s\S]) with the sticky flag,
// so backtracking still finds a full match when one exists).
//  - POSIX syntax (Falco's): ^ $ are line anchors -> JS flags 'muy'.
//  - Perl syntax: ^ $ are text anchors, \d \w \s \b \B, (?:), lazy quantifiers -> JS flags 'uy'.
// Subjects avoid \r, \v, U+2028/9 (JS treats them as line ends or spaces where RE2 does not).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileRegex, matchNfaTable, matchTables, RegexUnsupportedError, sanitizeUtf8, type CompiledRegex, type Dfa } from '../../host/engine/regex/index.js';
import { loadRegexWasm, type RegexWasm } from './regex-runtime.js';

interface Rendered {
  re2: string;
  js: string;
  /** A quantifier may not follow it directly (an assertion in JS, or another quantifier in RE2). */
  bare: boolean;
}

const LITERALS = ['a', 'b', 'c', 'A', '1', '_', '-', ' ', 'é', '日', '😀'];
const ESCAPED = ['.', '*', '+', '?', '(', ')', '[', '{', '|', '^', '$', '\\'];
const CLASS_CHARS = ['a', 'b', 'c', 'x', 'A', 'Z', '0', '5', '9', '_', ' ', 'é', 'ü', '日', '😀'];
const POSIX_CLASSES: Record<string, string> = {
  digit: '0-9',
  alpha: 'A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  alnum: '0-9A-Za-z',
  word: '0-9A-Za-z_',
  space: '\\t\\n\\x0b\\f\\r ',
  punct: '\\x21-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7e',
  xdigit: '0-9A-Fa-f',
};
const SUBJECT_CHARS = ['a', 'b', 'c', 'A', 'x', '1', '5', '_', '-', ' ', '.', '*', '\n', 'é', 'ü', '日', '😀', '\\', '$'];

const cp = (c: string): number => c.codePointAt(0)!;
const hex = (c: string): string => `\\x{${cp(c).toString(16)}}`;
const jsHex = (c: string): string => `\\u{${cp(c).toString(16)}}`;

function node(perl: boolean): fc.Arbitrary<Rendered> {
  const { tree } = fc.letrec<{ tree: Rendered; atom: Rendered }>((tie) => ({
    atom: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...LITERALS).map((c) => ({ re2: c, js: c, bare: false })) },
      { weight: 2, arbitrary: fc.constantFrom(...ESCAPED).map((c) => ({ re2: `\\${c}`, js: `\\${c}`, bare: false })) },
      { weight: 1, arbitrary: fc.constantFrom(...LITERALS).map((c) => ({ re2: hex(c), js: jsHex(c), bare: false })) },
      { weight: 3, arbitrary: fc.constant({ re2: '.', js: '.', bare: false }) },
      { weight: 4, arbitrary: classArb(perl) },
      { weight: 1, arbitrary: fc.constantFrom('^', '$').map((c) => ({ re2: c, js: c, bare: true })) },
      ...(perl
        ? [
            { weight: 2, arbitrary: fc.constantFrom('\\d', '\\w', '\\s', '\\D', '\\W', '\\S').map((c) => ({ re2: c, js: c, bare: false })) },
            { weight: 1, arbitrary: fc.constantFrom('\\b', '\\B').map((c) => ({ re2: c, js: c, bare: true })) },
            { weight: 1, arbitrary: fc.constantFrom(['\\A', '^'], ['\\z', '$(?![\\s\\S])']).map(([a, b]) => ({ re2: a!, js: b!, bare: true })) },
          ]
        : []),
      { weight: 3, arbitrary: tie('tree').map((t) => ({ re2: `(${t.re2})`, js: `(${t.js})`, bare: false })) },
      ...(perl ? [{ weight: 2, arbitrary: tie('tree').map((t) => ({ re2: `(?:${t.re2})`, js: `(?:${t.js})`, bare: false })) }] : []),
    ),
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('atom'),
      fc.tuple(tie('atom'), quantifier(perl)).map(([a, q]) => {
        const base = a.bare ? { re2: `(${a.re2})`, js: `(${a.js})` } : a;
        return { re2: base.re2 + q, js: base.js + q, bare: true };
      }),
      fc.array(tie('tree'), { minLength: 2, maxLength: 4 }).map((ts) => ({
        re2: ts.map((t) => t.re2).join(''),
        js: ts.map((t) => t.js).join(''),
        bare: ts[ts.length - 1]!.bare,
      })),
      fc.array(tie('tree'), { minLength: 2, maxLength: 3 }).map((ts) => ({
        re2: ts.map((t) => t.re2).join('|'),
        js: ts.map((t) => t.js).join('|'),
        bare: true,
      })),
    ),
  }));
  // Alternation binds loosest: a quantifier or concatenation after it needs the tree in a group.
  return tree.map((t) => t);
}

function quantifier(perl: boolean): fc.Arbitrary<string> {
  const base = fc.oneof(
    fc.constantFrom('*', '+', '?'),
    fc.integer({ min: 0, max: 3 }).map((n) => `{${n}}`),
    fc.integer({ min: 0, max: 3 }).map((n) => `{${n},}`),
    fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })).map(([a, b]) => `{${Math.min(a, b)},${Math.max(a, b)}}`),
  );
  return perl ? fc.tuple(base, fc.boolean()).map(([q, lazy]) => (lazy ? `${q}?` : q)) : base;
}

function classArb(perl: boolean): fc.Arbitrary<Rendered> {
  const item = fc.oneof(
    fc.constantFrom(...CLASS_CHARS).map((c) => ({ re2: c, js: c })),
    fc.tuple(fc.constantFrom(...CLASS_CHARS), fc.constantFrom(...CLASS_CHARS)).map(([a, b]) => {
      const [lo, hi] = cp(a) <= cp(b) ? [a, b] : [b, a];
      return { re2: `${lo}-${hi}`, js: `${lo}-${hi}` };
    }),
    fc.constantFrom(...Object.keys(POSIX_CLASSES)).map((n) => ({ re2: `[:${n}:]`, js: POSIX_CLASSES[n]! })),
    fc.constantFrom('\\n', '\\t', '\\.', '\\]', '\\-').map((e) => ({ re2: e, js: e })),
    ...(perl ? [fc.constantFrom('\\d', '\\w', '\\s').map((e) => ({ re2: e, js: e }))] : []),
  );
  return fc.tuple(fc.boolean(), fc.array(item, { minLength: 1, maxLength: 4 })).map(([neg, items]) => ({
    re2: `[${neg ? '^' : ''}${items.map((i) => i.re2).join('')}]`,
    js: `[${neg ? '^' : ''}${items.map((i) => i.js).join('')}]`,
    bare: false,
  }));
}

const subjects = fc.array(fc.array(fc.constantFrom(...SUBJECT_CHARS), { maxLength: 7 }).map((cs) => cs.join('')), { minLength: 4, maxLength: 8 });

function jsFullMatch(js: string, flags: string, subject: string): boolean {
  const re = new RegExp(`(?:${js})(?![\\s\\S])`, flags);
  re.lastIndex = 0;
  return re.test(subject);
}

const enc = new TextEncoder();

/**
 * Strings the DFA accepts (random walks that stop in accepting states), and near misses (one
 * code point dropped or added), so complex patterns get matching subjects too.
 */
function walkSubjects(dfa: Dfa, seed: number): string[] {
  let x = seed | 1;
  const rand = (n: number): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  const out: string[] = [];
  const dec = new TextDecoder('utf-8', { fatal: true });
  for (let w = 0; w < 3; w++) {
    const bytes: number[] = [];
    let state = dfa.start;
    for (let step = 0; step < 24 && state !== 0; step++) {
      if (dfa.accept[state] === 1 && rand(4) === 0) break;
      const options: [number, number][] = [];
      for (let b = 0; b < 256; b++) {
        const t = dfa.next[state * dfa.numClasses + dfa.classOf[b]!]!;
        if (t !== 0) options.push([b, t]);
      }
      if (options.length === 0) break;
      const [b, t] = options[rand(options.length)]!;
      bytes.push(b);
      state = t;
    }
    if (state === 0 || dfa.accept[state] !== 1) continue;
    let text: string;
    try {
      text = dec.decode(Uint8Array.from(bytes));
    } catch {
      continue;
    }
    // JS line terminators other than \n, JS-only whitespace (its \s is Unicode, RE2's ASCII), and
    // the two letters JS counts as word characters under 'iu' for \b (RE2's \b is ASCII).
    if (/[\r\u2028\u2029\u017f\u212a]|[^\S\t\n\f ]/u.test(text)) continue;
    const chars = [...text];
    out.push(text, chars.slice(0, -1).join(''), text + SUBJECT_CHARS[rand(SUBJECT_CHARS.length)]!);
  }
  return out;
}

describe('regex engine vs JavaScript RegExp (full match)', () => {
  let wasm: RegexWasm;
  beforeAll(async () => {
    wasm = await loadRegexWasm();
  });

  for (const [syntax, baseFlags, runs] of [['posix', 'muy', 1200], ['perl', 'uy', 800]] as const) {
    it(`${syntax} syntax: ${runs} patterns x 4-8 subjects`, () => {
      let matched = 0;
      const matchedPatterns = new Set<string>();
      let patterns = 0;
      let tooComplex = 0;
      let total = 0;
      fc.assert(
        fc.property(node(syntax === 'perl'), subjects, fc.integer(), fc.boolean(), (tree, randomStrs, seed, foldCase) => {
          // (?i) only in Perl syntax: JS flag 'i' (with 'u': Unicode simple case folding, as RE2).
          const fold = syntax === 'perl' && foldCase;
          const pattern = fold ? { re2: `(?i)${tree.re2}`, js: tree.js } : tree;
          const flags = fold ? `${baseFlags}i` : baseFlags;
          let compiled: CompiledRegex;
          try {
            compiled = compileRegex(pattern.re2, { syntax, maxStates: 3000, engine: 'dfa' });
          } catch (e) {
            // A DFA over budget is a documented limit, not a disagreement; it must stay rare.
            if (!(e instanceof RegexUnsupportedError)) throw e;
            tooComplex++;
            return;
          }
          patterns++;
          const strs = [...randomStrs, ...walkSubjects(compiled.dfa!, seed)];
          const viaNfa = compileRegex(pattern.re2, { syntax, engine: 'nfa' });
          for (const s of strs) {
            const want = jsFullMatch(pattern.js, flags, s);
            const bytes = enc.encode(s);
            expect({ pattern: pattern.re2, s, ts: matchTables(compiled.table, bytes) }).toEqual({ pattern: pattern.re2, s, ts: want });
            expect({ pattern: pattern.re2, s, wasm: wasm.match(compiled.table, bytes) }).toEqual({ pattern: pattern.re2, s, wasm: want });
            expect({ pattern: pattern.re2, s, tsNfa: matchNfaTable(viaNfa.table, bytes) }).toEqual({ pattern: pattern.re2, s, tsNfa: want });
            expect({ pattern: pattern.re2, s, wasmNfa: wasm.run(viaNfa, bytes) }).toEqual({ pattern: pattern.re2, s, wasmNfa: want });
            total++;
            if (want) matched++;
            if (want) matchedPatterns.add(pattern.re2);
          }
        }),
        { numRuns: runs },
      );
      // The generator must produce matches often enough for the comparison to mean something.
      expect(matched / total).toBeGreaterThan(0.15);
      expect(matchedPatterns.size / patterns).toBeGreaterThan(0.6);
      expect(tooComplex).toBeLessThan(runs / 100);
    });
  }

  it('ill-formed UTF-8 subjects: Wasm, TS tables and JS on the sanitised text agree', () => {
    const byteArb = fc.array(fc.oneof(fc.constantFrom(0x61, 0x62, 0x0a, 0xc3, 0xa9, 0xe6, 0x97, 0xa5, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0xc0, 0xed, 0xa0, 0x80, 0xbf), fc.integer({ min: 0, max: 255 })), { maxLength: 8 });
    const dec = new TextDecoder();
    fc.assert(
      fc.property(node(false), fc.array(byteArb, { minLength: 3, maxLength: 6 }), (pattern, subjectsBytes) => {
        const compiled = compileRegex(pattern.re2, { engine: 'dfa' });
        const viaNfa = compileRegex(pattern.re2, { engine: 'nfa' });
        for (const raw of subjectsBytes) {
          const bytes = Uint8Array.from(raw);
          const text = dec.decode(bytes);
          if (/[\r\u2028\u2029\v]/.test(text)) continue;
          const want = jsFullMatch(pattern.js, 'muy', text);
          expect(dec.decode(sanitizeUtf8(bytes))).toBe(text);
          expect({ p: pattern.re2, raw, ts: matchTables(compiled.table, bytes) }).toEqual({ p: pattern.re2, raw, ts: want });
          expect({ p: pattern.re2, raw, wasm: wasm.match(compiled.table, bytes) }).toEqual({ p: pattern.re2, raw, wasm: want });
          expect({ p: pattern.re2, raw, wasmNfa: wasm.run(viaNfa, bytes) }).toEqual({ p: pattern.re2, raw, wasmNfa: want });
          expect({ p: pattern.re2, raw, tsNfa: matchNfaTable(viaNfa.table, bytes) }).toEqual({ p: pattern.re2, raw, tsNfa: want });
        }
      }),
      { numRuns: 300 },
    );
  });
});
