// Unit tests of the RE2 parser (host/engine/regex/parser.ts): the tree each construct gives, the
// error each malformed pattern gives (code, RE2 text, Falco's message), and the syntax mode split.
import { describe, expect, it } from 'vitest';
import { parseRegex, patternBytes, RegexSyntaxError, RegexUnsupportedError, type RegexNode, type RegexSyntax } from '../../host/engine/regex/index.js';

const lit = (c: string): RegexNode => ({ type: 'class', ranges: [[c.codePointAt(0)!, c.codePointAt(0)!]] });
const cls = (...ranges: [string, string][]): RegexNode => ({
  type: 'class',
  ranges: ranges.map(([a, b]) => [a.codePointAt(0)!, b.codePointAt(0)!] as [number, number]),
});
const cat = (...items: RegexNode[]): RegexNode => ({ type: 'concat', items });
const rep = (item: RegexNode, min: number, max: number, counted = false, greedy = true): RegexNode => ({ type: 'repeat', min, max, counted, greedy, item });

function syntaxError(pattern: string | Uint8Array, syntax: RegexSyntax = 'posix'): RegexSyntaxError {
  try {
    parseRegex(pattern, { syntax });
  } catch (e) {
    if (e instanceof RegexSyntaxError) return e;
    throw e;
  }
  throw new Error(`no error for ${String(pattern)}`);
}

describe('regex parser: constructs (POSIX syntax, as libs uses)', () => {
  it('literals, UTF-8 literals and the empty pattern', () => {
    expect(parseRegex('')).toEqual({ type: 'empty' });
    expect(parseRegex('a')).toEqual(lit('a'));
    expect(parseRegex('ab')).toEqual(cat(lit('a'), lit('b')));
    expect(parseRegex('é😀')).toEqual(cat(lit('é'), lit('😀')));
  });

  it('escapes: punctuation, C escapes, hex, octal', () => {
    expect(parseRegex('\\.')).toEqual(lit('.'));
    expect(parseRegex('\\_')).toEqual(lit('_'));
    expect(parseRegex('\\n\\t\\r\\f\\v\\a')).toEqual(cat(lit('\n'), lit('\t'), lit('\r'), lit('\f'), lit('\v'), lit('\x07')));
    expect(parseRegex('\\x41')).toEqual(lit('A'));
    expect(parseRegex('\\x{1F600}')).toEqual(lit('😀'));
    expect(parseRegex('\\101')).toEqual(lit('A'));
    expect(parseRegex('\\0')).toEqual(lit('\0'));
    expect(parseRegex('\\08')).toEqual(cat(lit('\0'), lit('8')));
  });

  it('dot is any code point but \\n', () => {
    expect(parseRegex('.')).toEqual({ type: 'class', ranges: [[0, 9], [11, 0x10ffff]] });
  });

  it('bracket classes: ranges, negation, literal ] and -, POSIX groups', () => {
    expect(parseRegex('[a-cx]')).toEqual(cls(['a', 'c'], ['x', 'x']));
    expect(parseRegex('[]a]')).toEqual(cls([']', ']'], ['a', 'a']));
    expect(parseRegex('[a-]')).toEqual(cls(['-', '-'], ['a', 'a']));
    expect(parseRegex('[-a]')).toEqual(cls(['-', '-'], ['a', 'a']));
    expect(parseRegex('[^a]')).toEqual({ type: 'class', ranges: [[0, 0x60], [0x62, 0x10ffff]] });
    expect(parseRegex('[[:digit:]_]')).toEqual(cls(['0', '9'], ['_', '_']));
    expect(parseRegex('[[:^alpha:]]')).toEqual({ type: 'class', ranges: [[0, 0x40], [0x5b, 0x60], [0x7b, 0x10ffff]] });
    expect(parseRegex('[[:word:]]')).toEqual(cls(['0', '9'], ['A', 'Z'], ['_', '_'], ['a', 'z']));
    expect(parseRegex('[\\]\\-]')).toEqual(cls(['-', '-'], [']', ']']));
    // '[' not followed by a closing ":]" anywhere is a literal '['.
    expect(parseRegex('[[:a]')).toEqual(cls([':', ':'], ['[', '['], ['a', 'a']));
  });

  it('alternation and groups (all capturing in POSIX syntax)', () => {
    expect(parseRegex('a|b')).toEqual({ type: 'alt', items: [lit('a'), lit('b')] });
    expect(parseRegex('(a)')).toEqual({ type: 'group', capture: true, item: lit('a') });
    expect(parseRegex('()|')).toEqual({ type: 'alt', items: [{ type: 'group', capture: true, item: { type: 'empty' } }, { type: 'empty' }] });
  });

  it('repetition: * + ? {n} {n,} {n,m}; braces that are not a count are literals', () => {
    expect(parseRegex('a*')).toEqual(rep(lit('a'), 0, -1));
    expect(parseRegex('a+')).toEqual(rep(lit('a'), 1, -1));
    expect(parseRegex('a?')).toEqual(rep(lit('a'), 0, 1));
    expect(parseRegex('a{2}')).toEqual(rep(lit('a'), 2, 2, true));
    expect(parseRegex('a{2,}')).toEqual(rep(lit('a'), 2, -1, true));
    expect(parseRegex('a{2,5}')).toEqual(rep(lit('a'), 2, 5, true));
    expect(parseRegex('ab*')).toEqual(cat(lit('a'), rep(lit('b'), 0, -1)));
    expect(parseRegex('a{,2}')).toEqual(cat(lit('a'), lit('{'), lit(','), lit('2'), lit('}')));
    expect(parseRegex('a{01}')).toEqual(cat(lit('a'), lit('{'), lit('0'), lit('1'), lit('}')));
    expect(parseRegex('{')).toEqual(lit('{'));
  });

  it('stacked operators are nested repetitions, not laziness (POSIX)', () => {
    expect(parseRegex('a**')).toEqual(rep(rep(lit('a'), 0, -1), 0, -1));
    expect(parseRegex('a*?')).toEqual(rep(rep(lit('a'), 0, -1), 0, 1));
  });

  it('^ and $ are line anchors in POSIX syntax, text anchors in Perl syntax', () => {
    expect(parseRegex('^a$')).toEqual(cat({ type: 'assert', kind: 'bol' }, lit('a'), { type: 'assert', kind: 'eol' }));
    expect(parseRegex('^a$', { syntax: 'perl' })).toEqual(cat({ type: 'assert', kind: 'bot' }, lit('a'), { type: 'assert', kind: 'eot' }));
    expect(parseRegex('(?m)^', { syntax: 'perl' })).toEqual({ type: 'assert', kind: 'bol' });
  });
});

describe('regex parser: Perl syntax extras', () => {
  const perl = (p: string): RegexNode => parseRegex(p, { syntax: 'perl' });
  it('non-capturing and named groups, flags, lazy quantifiers', () => {
    expect(perl('(?:a)')).toEqual({ type: 'group', capture: false, item: lit('a') });
    expect(perl('(?P<x1>a)')).toEqual({ type: 'group', capture: true, name: 'x1', item: lit('a') });
    expect(perl('a*?')).toEqual(rep(lit('a'), 0, -1, false, false));
    expect(perl('(?i)k')).toEqual(cls(['K', 'K'], ['k', 'k'], ['\u212a', '\u212a']));
    expect(perl('(?i:a)b')).toEqual(cat({ type: 'group', capture: false, item: cls(['A', 'A'], ['a', 'a']) }, lit('b')));
    expect(perl('(?s).')).toEqual({ type: 'class', ranges: [[0, 0x10ffff]] });
  });

  it('Perl classes, assertions, \\Q..\\E, \\C', () => {
    expect(perl('\\d')).toEqual(cls(['0', '9']));
    expect(perl('\\S')).toEqual({ type: 'class', ranges: [[0, 8], [0x0b, 0x0b], [0x0e, 0x1f], [0x21, 0x10ffff]] });
    expect(perl('\\b\\B\\A\\z')).toEqual(cat(...(['word', 'notWord', 'bot', 'eot'] as const).map((kind) => ({ type: 'assert' as const, kind }))));
    expect(perl('\\Qa.\\E')).toEqual(cat(lit('a'), lit('.')));
    expect(perl('\\C')).toEqual({ type: 'anyByte' });
  });

  it('Unicode groups are refused as unsupported (RE2 accepts them)', () => {
    expect(() => perl('\\pL')).toThrow(RegexUnsupportedError);
    expect(() => perl('[\\p{Greek}]')).toThrow(RegexUnsupportedError);
    // In POSIX syntax \p is just an invalid escape, as in RE2.
    expect(syntaxError('\\pL').re2Error).toBe('invalid escape sequence: \\p');
  });
});

describe('regex parser: errors', () => {
  it('carry the RE2 code, the offending text, and Falco\'s message', () => {
    const e = syntaxError('a[bc');
    expect(e.code).toBe('missing-bracket');
    expect(e.arg).toBe('[bc');
    expect(e.re2Error).toBe('missing ]: [bc');
    expect(e.message).toBe('invalid regex pattern: missing ]: [bc');
  });

  it('POSIX syntax rejects Perl constructs the way RE2::POSIX does', () => {
    expect(syntaxError('(?i)abc').re2Error).toBe('no argument for repetition operator: ?');
    expect(syntaxError('(?:abc)').re2Error).toBe('no argument for repetition operator: ?');
    expect(syntaxError('\\d+').re2Error).toBe('invalid escape sequence: \\d');
    expect(syntaxError('\\bword').re2Error).toBe('invalid escape sequence: \\b');
    expect(syntaxError('[a-z-0]').re2Error).toBe('invalid character class range: -0');
    expect(parseRegex('[a-z-0]', { syntax: 'perl' })).toEqual(cls(['-', '-'], ['0', '0'], ['a', 'z']));
  });

  it('no backreferences or lookaround', () => {
    expect(syntaxError('(a)\\1').re2Error).toBe('invalid escape sequence: \\1');
    expect(syntaxError('(a)\\1', 'perl').re2Error).toBe('invalid escape sequence: \\1');
    expect(syntaxError('a(?=b)', 'perl').re2Error).toBe('invalid perl operator: (?=');
    expect(syntaxError('(?<!a)b', 'perl').re2Error).toBe('invalid perl operator: (?<');
  });

  it('repetition limits: counts up to 1000, nested products up to 1000', () => {
    expect(() => parseRegex('a{1000}')).not.toThrow();
    expect(syntaxError('a{1001}').re2Error).toBe('invalid repetition size: {1001}');
    expect(() => parseRegex('((a{10}){10}){10}')).not.toThrow();
    expect(syntaxError('((a{10}){10}){11}').re2Error).toBe('invalid repetition size: {11}');
    expect(syntaxError('a{3,2}').code).toBe('repeat-size');
    // The size check comes before the missing-argument check, as in RE2.
    expect(syntaxError('{3,2}').re2Error).toBe('invalid repetition size: {3,2}');
    expect(syntaxError('{2}').re2Error).toBe('no argument for repetition operator: {2}');
  });

  it('errors are reported in scan order', () => {
    expect(syntaxError(')(').re2Error).toBe('unexpected ): )(');
    expect(syntaxError('(*').re2Error).toBe('no argument for repetition operator: *');
    expect(syntaxError('(a[').re2Error).toBe('missing ]: [');
  });

  it('ill-formed UTF-8 in the pattern (raw bytes, or U+DC80..U+DCFF standing for them)', () => {
    expect(syntaxError(Uint8Array.from([0x61, 0xff])).re2Error).toBe('invalid UTF-8');
    expect(syntaxError('a\udcff').re2Error).toBe('invalid UTF-8');
    expect(syntaxError(Uint8Array.from([0xc0, 0x80])).code).toBe('bad-utf8'); // overlong
    expect(Array.from(patternBytes('é\udc80'))).toEqual([0xc3, 0xa9, 0x80]);
    expect(parseRegex(Uint8Array.from([0xc3, 0xa9]))).toEqual(lit('é'));
  });
});
