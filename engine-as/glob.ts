// glob / iglob with the semantics libs gets from glibc fnmatch(pattern, s, 0 or FNM_CASEFOLD) in the
// C locale: no FNM_PATHNAME (`*` and `?` match '/'), no FNM_PERIOD, backslash escapes, bracket
// expressions with `!`/`^` negation, ranges, [:class:], [=c=] and [.c.]; an unterminated `[` is a
// literal '['; a trailing backslash never matches; case folding is ASCII only.
import { asciiLower } from './strings';

const NOMATCH: i32 = -1;
const LITERAL: i32 = -2;
// Longest class name glibc scans before giving up on the pattern.
const CLASS_MAX: u32 = 256;

/** Pattern byte at i, or 0 past the end (patterns are C strings in libs). */
@inline function pat(p: usize, plen: u32, i: u32): u32 {
  return i < plen ? <u32>load<u8>(p + i) : 0;
}

@inline function fold(c: u32, ci: bool): u32 {
  return ci ? asciiLower(c) : c;
}

function classId(p: usize, start: u32, len: u32): i32 {
  // Names compared byte by byte to avoid allocating strings.
  const names = 'alnum alpha blank cntrl digit graph lower print punct space upper xdigit';
  let id = 0;
  let k = 0;
  const total = names.length;
  while (k < total) {
    let e = k;
    while (e < total && names.charCodeAt(e) != 0x20) e++;
    if (<u32>(e - k) == len) {
      let same = true;
      for (let j: u32 = 0; j < len; j++) {
        if (<u32>names.charCodeAt(k + j) != <u32>load<u8>(p + start + j)) {
          same = false;
          break;
        }
      }
      if (same) return id;
    }
    id++;
    k = e + 1;
  }
  return -1;
}

function inClass(id: i32, c: u32): bool {
  const upper = c - 0x41 < 26;
  const lower = c - 0x61 < 26;
  const digit = c - 0x30 < 10;
  const graph = c - 0x21 < 94;
  switch (id) {
    case 0: return upper || lower || digit;
    case 1: return upper || lower;
    case 2: return c == 0x20 || c == 0x09;
    case 3: return c < 0x20 || c == 0x7f;
    case 4: return digit;
    case 5: return graph;
    case 6: return lower;
    case 7: return graph || c == 0x20;
    case 8: return graph && !(upper || lower || digit);
    case 9: return c == 0x20 || c - 0x09 < 5;
    case 10: return upper;
    case 11: return digit || c - 0x41 < 6 || c - 0x61 < 6;
    default: return false;
  }
}

/**
 * Matches the bracket expression whose '[' is at p[open] against string byte `ch`.
 * Returns the pattern index after the closing ']' on a match, NOMATCH, or LITERAL when the
 * bracket is unterminated and '[' must be matched as an ordinary character.
 */
function bracket(p: usize, plen: u32, open: u32, ch: u32, ci: bool): i32 {
  let i = open + 1;
  const fn = fold(ch, ci);
  let not = false;
  const first = pat(p, plen, i);
  if (first == 0x21 || first == 0x5e) { // '!' or '^'
    not = true;
    i++;
  }
  let matched = false;
  let c = pat(p, plen, i++);
  while (true) {
    let cold: u32 = 0;
    let haveCold = false;
    let isRange = false;
    if (c == 0x5c) { // backslash: next byte is an ordinary member
      if (i >= plen) return NOMATCH;
      c = fold(pat(p, plen, i), ci);
      i++;
      isRange = pat(p, plen, i) == 0x2d && pat(p, plen, i + 1) != 0 && pat(p, plen, i + 1) != 0x5d;
      if (!isRange && c == fn) matched = true;
      cold = c;
      haveCold = true;
      c = pat(p, plen, i++);
    } else if (c == 0x5b && pat(p, plen, i) == 0x3a) { // "[:"
      const start = i + 1;
      let j = start;
      let isClass = false;
      let len: u32 = 0;
      while (true) {
        if (len == CLASS_MAX) return NOMATCH;
        const d = pat(p, plen, j);
        if (d == 0x3a && pat(p, plen, j + 1) == 0x5d) {
          isClass = true;
          break;
        }
        if (d < 0x61 || d >= 0x7a) break; // not a class name: '[' is an ordinary member
        len++;
        j++;
      }
      if (isClass) {
        i = j + 2;
        if (!matched) {
          const id = classId(p, start, len);
          if (id < 0) return NOMATCH;
          if (inClass(id, ch)) matched = true;
        }
        c = pat(p, plen, i++);
      } else {
        // '[' as an ordinary member, parsing resumes at ':'
        isRange = pat(p, plen, i) == 0x2d && pat(p, plen, i + 1) != 0 && pat(p, plen, i + 1) != 0x5d;
        if (!isRange && 0x5b == fn) matched = true;
        cold = 0x5b;
        haveCold = true;
        c = pat(p, plen, i++);
      }
    } else if (c == 0x5b && pat(p, plen, i) == 0x3d && pat(p, plen, i + 1) != 0 &&
               pat(p, plen, i + 2) == 0x3d && pat(p, plen, i + 3) == 0x5d) { // "[=c=]"
      if (!matched && ch == pat(p, plen, i + 1)) matched = true;
      i += 4;
      c = pat(p, plen, i++);
    } else if (c == 0) {
      return LITERAL; // unterminated (even after a member matched): '[' is an ordinary byte
    } else {
      if (c == 0x5b && pat(p, plen, i) == 0x2e) { // "[.c.]" collating symbol
        let j = i + 1;
        let len: u32 = 0;
        while (!(pat(p, plen, j) == 0x2e && pat(p, plen, j + 1) == 0x5d)) {
          if (pat(p, plen, j) == 0) return NOMATCH;
          len++;
          j++;
        }
        if (len != 1 && !matched) return NOMATCH;
        const sym = pat(p, plen, i + 1);
        i = j + 2;
        isRange = pat(p, plen, i) == 0x2d && pat(p, plen, i + 1) != 0;
        if (!isRange && ch == sym) matched = true;
        cold = sym;
      } else {
        c = fold(c, ci);
        isRange = pat(p, plen, i) == 0x2d && pat(p, plen, i + 1) != 0 && pat(p, plen, i + 1) != 0x5d;
        if (!isRange && c == fn) matched = true;
        cold = c;
      }
      haveCold = true;
      c = pat(p, plen, i++);
    }
    if (haveCold && c == 0x2d && pat(p, plen, i) != 0x5d) { // range cold-cend
      let cend = pat(p, plen, i++);
      if (cend == 0x5b && pat(p, plen, i) == 0x2e) {
        let j = i + 1;
        let len: u32 = 0;
        while (!(pat(p, plen, j) == 0x2e && pat(p, plen, j + 1) == 0x5d)) {
          if (pat(p, plen, j) == 0) return NOMATCH;
          len++;
          j++;
        }
        if (len != 1 && !matched) return NOMATCH;
        cend = pat(p, plen, i + 1);
        i = j + 2;
      } else {
        if (cend == 0x5c) cend = pat(p, plen, i++);
        if (cend == 0) return NOMATCH;
        cend = fold(cend, ci);
      }
      if (cold <= fn && fn <= cend) matched = true;
      c = pat(p, plen, i++);
    }
    if (c == 0x5d) break; // ']'
  }
  return matched != not ? <i32>i : NOMATCH;
}

/**
 * Matches one non-star pattern element at p[pi] against string byte ch.
 * Returns the next pattern index, or NOMATCH.
 */
@inline function one(p: usize, plen: u32, pi: u32, ch: u32, ci: bool): i32 {
  let c = pat(p, plen, pi);
  if (c == 0x3f) return <i32>(pi + 1); // '?'
  if (c == 0x5b) { // '['
    const r = bracket(p, plen, pi, ch, ci);
    if (r != LITERAL) return r;
    return fold(ch, ci) == 0x5b ? <i32>(pi + 1) : NOMATCH;
  }
  if (c == 0x5c) { // backslash escapes the next byte; a trailing one never matches
    if (pi + 1 >= plen) return NOMATCH;
    c = pat(p, plen, pi + 1);
    return fold(c, ci) == fold(ch, ci) ? <i32>(pi + 2) : NOMATCH;
  }
  return fold(c, ci) == fold(ch, ci) ? <i32>(pi + 1) : NOMATCH;
}

/** fnmatch(pattern, s, ci ? FNM_CASEFOLD : 0) == 0, with backtracking to the last '*'. */
export function globMatch(p: usize, plen: u32, s: usize, slen: u32, ci: bool): bool {
  let pi: u32 = 0;
  let si: u32 = 0;
  let starP: i32 = -1;
  let starS: u32 = 0;
  while (si < slen) {
    if (pi < plen) {
      if (load<u8>(p + pi) == 0x2a) { // '*'
        pi++;
        starP = <i32>pi;
        starS = si;
        continue;
      }
      const next = one(p, plen, pi, <u32>load<u8>(s + si), ci);
      if (next >= 0) {
        pi = <u32>next;
        si++;
        continue;
      }
    }
    if (starP < 0) return false;
    pi = <u32>starP;
    starS++;
    si = starS;
  }
  while (pi < plen && load<u8>(p + pi) == 0x2a) pi++;
  return pi == plen;
}

@inline export function glob(p: usize, plen: u32, s: usize, slen: u32): bool {
  return globMatch(p, plen, s, slen, false);
}

@inline export function iglob(p: usize, plen: u32, s: usize, slen: u32): bool {
  return globMatch(p, plen, s, slen, true);
}
