// glob / iglob in engine-as against glibc fnmatch semantics (libs calls fnmatch with flags 0 or
// FNM_CASEFOLD). The expectations in GLIBC_CASES were produced by glibc 2.36 fnmatch in the C locale.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fnmatchRef } from './fnmatch-reference.js';
import { loadRuntime, type Runtime } from './runtime-instance.js';

// [pattern, subject, casefold, glibc result]
const GLIBC_CASES: [string, string, boolean, boolean][] = [
  ["", "", false, true],
  ["", "a", false, false],
  ["*", "", false, true],
  ["*", "anything/with/slashes", false, true],
  ["*", ".hidden", false, true],
  ["/etc/*", "/etc/ssh/sshd_config", false, true],
  ["/etc/*/sshd_config", "/etc/ssh/sshd_config", false, true],
  ["?", "/", false, true],
  ["?", "", false, false],
  ["??", "é", false, true],
  ["?", "é", false, false],
  ["a?c", "abc", false, true],
  ["a?c", "ac", false, false],
  ["*.txt", "notes.txt", false, true],
  ["*.txt", "notes.txt.bak", false, false],
  ["*a*b*c*", "xxaxxbxxcxx", false, true],
  ["*a*b*c*", "xxaxxcxxbxx", false, false],
  ["a*", "a", false, true],
  ["*a", "a", false, true],
  ["**", "x", false, true],
  ["a**b", "ab", false, true],
  ["[abc]", "b", false, true],
  ["[abc]", "d", false, false],
  ["[!abc]", "d", false, true],
  ["[^abc]", "a", false, false],
  ["[a-c]", "b", false, true],
  ["[a-c]", "B", false, false],
  ["[a-c]", "B", true, true],
  ["[A-C]", "b", true, true],
  ["[]]", "]", false, true],
  ["[]a]", "a", false, true],
  ["[!]]", "]", false, false],
  ["[a-]", "-", false, true],
  ["[-a]", "-", false, true],
  ["[a-z0-9]", "5", false, true],
  ["[z-a]", "m", false, false],
  ["[\\]]", "]", false, true],
  ["[\\-a]", "b", false, false],
  ["[[:alpha:]]", "q", false, true],
  ["[[:alpha:]]", "1", false, false],
  ["[[:digit:][:upper:]]", "Q", false, true],
  ["[[:upper:]]", "a", true, false],
  ["[[:lower:]]", "A", true, false],
  ["[[:space:]]", "\t", false, true],
  ["[[:foo:]]", "f", false, false],
  ["[[:alpha:]", "a", false, false],
  ["[[:alpha:]", "[", false, false],
  ["[", "[", false, true],
  ["[", "a", false, false],
  ["[a", "[a", false, true],
  ["[a", "a", false, false],
  ["[[", "[[", false, true],
  ["x[", "x[", false, true],
  ["[!", "[!", false, true],
  ["[=a=]", "a", false, true],
  ["[=a=]", "A", true, true],
  ["[[=a=]]", "a", false, true],
  ["[[.a.]]", "a", false, true],
  ["[[.ab.]]", "a", false, false],
  ["[[.-.]]", "-", false, true],
  ["\\*", "*", false, true],
  ["\\*", "x", false, false],
  ["\\", "\\", false, false],
  ["a\\", "a", false, false],
  ["\\a", "a", false, true],
  ["\\A", "a", true, true],
  ["ABC", "abc", true, true],
  ["ABC", "abc", false, false],
  ["É", "é", true, false],
  ["*é*", "café", false, true],
  ["caf?", "café", false, false],
  ["caf??", "café", false, true],
  ["/usr/lib/*.so*", "/usr/lib/libc.so.6", false, true],
  ["*/.ssh/*", "/root/.ssh/authorized_keys", false, true],
  ["*[0-9]", "abc7", false, true],
  ["*[!0-9]", "abc7", false, false],
  ["[*]", "*", false, true],
  ["[?]", "x", false, false],
  ["[a-c]", "a", false, true],
  ["[a-c]", "c", false, true],
  ["[a-c]", "d", false, false],
  ["[a-c]", "`", false, false],
  ["[A-C]", "c", true, true],
  ["[a-c]", "C", true, true],
  ["[!a-c]", "c", false, false],
  ["[!a-c]", "d", false, true],
  ["[--0]", "-", false, true],
  ["[--0]", "/", false, true],
  ["[--0]", "0", false, true],
  ["[--0]", "1", false, false],
  ["[a-a]", "a", false, true],
  ["[%--]", ",", false, true],
  ["[\\a-\\c]", "c", false, true],
  ["[a-\\]]", "]", false, false],
  ["[[.a.]-c]", "c", false, true],
  ["[a-[.c.]]", "c", false, true],
  ["[a-[.c.]]", "d", false, false],
  ["[]-a]", "^", false, true],
  ["[]-a]", "b", false, false],
  ["[a-]]", "]", false, false],
];

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime();
});

const wasmGlob = (p: string | Uint8Array, s: string | Uint8Array, ci: boolean): boolean =>
  rt.two(ci ? rt.x.iglob : rt.x.glob, p, s) === 1;

describe('glob / iglob (engine-as/glob.ts)', () => {
  it.each(GLIBC_CASES)('fnmatch(%j, %j, casefold=%s) is %s in glibc', (p, s, ci, expected) => {
    expect(wasmGlob(p, s, ci)).toBe(expected);
    expect(fnmatchRef(p, s, ci)).toBe(expected);
  });

  it('lets * cross / (no FNM_PATHNAME) and match leading dots (no FNM_PERIOD)', () => {
    expect(wasmGlob('/home/*/.bashrc', '/home/a/b/.bashrc', false)).toBe(true);
    expect(wasmGlob('*bashrc', '.bashrc', false)).toBe(true);
  });

  it('handles very long subjects and many stars without blowing up', () => {
    const long = 'a'.repeat(100_000);
    expect(wasmGlob('*a*a*a*a*a*b', long, false)).toBe(false);
    expect(wasmGlob('*a*a*a*a*a*', long, false)).toBe(true);
    expect(wasmGlob(`${'?'.repeat(99_999)}a`, long, false)).toBe(true);
    expect(wasmGlob(`/${'x/'.repeat(5000)}*`, `/${'x/'.repeat(5000)}file`, false)).toBe(true);
  });

  it('treats bytes >= 0x80 as single bytes (C locale)', () => {
    expect(wasmGlob('[\xe9]', new Uint8Array([0xe9]), false)).toBe(false); // pattern is UTF-8 "é" = 2 bytes
    expect(wasmGlob(new Uint8Array([0x5b, 0xc3, 0x5d, 0xa9]), 'é', false)).toBe(true);
  });
});

// Random patterns built from the characters that matter to fnmatch, checked against the reference.
const PATTERN_ATOMS = ['a', 'b', 'A', 'z', '-', ']', '[', '!', '^', '\\', '*', '?', ':', '.', '=', '/',
  '[:alpha:]', '[:upper:]', '[:foo:]', '[=a=]', '[.a.]', '[.ab.]', 'é', '0',
  '[a-b]', '[!a-z]', '[A-Z]', '[b-', '-a]', '[]', '[!'];
const SUBJECT_ATOMS = ['a', 'b', 'A', 'z', 'Z', '-', ']', '[', '!', '\\', '/', ':', '.', '=', '0', 'é', 'ab'];

describe('glob differential against the fnmatch reference', () => {
  it('agrees on random patterns and subjects', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...PATTERN_ATOMS), { maxLength: 8 }).map((a) => a.join('')),
        fc.array(fc.constantFrom(...SUBJECT_ATOMS), { maxLength: 8 }).map((a) => a.join('')),
        fc.boolean(),
        (p, s, ci) => wasmGlob(p, s, ci) === fnmatchRef(p, s, ci),
      ),
      { numRuns: 20_000 },
    );
  });

  it('agrees on arbitrary bytes', () => {
    const bytes = fc.uint8Array({ minLength: 0, maxLength: 10 }).map((b) => b.map((x) => (x === 0 ? 1 : x)));
    fc.assert(
      fc.property(bytes, bytes, fc.boolean(), (p, s, ci) => wasmGlob(p, s, ci) === fnmatchRef(p, s, ci)),
      { numRuns: 5_000 },
    );
  });
});
