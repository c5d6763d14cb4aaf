// Byte-string primitives of engine-as/strings.ts, with libs' flt_compare semantics (strcmp order,
// strstr / strcasestr in the C locale: ASCII-only case folding).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRuntime, type Runtime } from './runtime-instance.js';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime();
});

const enc = new TextEncoder();
const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe('string primitives', () => {
  it('equality is byte-wise and length-aware', () => {
    expect(rt.two(rt.x.strEq, '', '')).toBe(1);
    expect(rt.two(rt.x.strEq, 'a', '')).toBe(0);
    expect(rt.two(rt.x.strEq, '/etc/passwd', '/etc/passwd')).toBe(1);
    expect(rt.two(rt.x.strEq, '/etc/passwd', '/etc/passw')).toBe(0);
    expect(rt.two(rt.x.strEq, 'é', 'é')).toBe(1);
    expect(rt.two(rt.x.strEq, 'é', 'e\u0301')).toBe(0); // no Unicode normalisation
    expect(rt.two(rt.x.strEq, 'Bash', 'bash')).toBe(0);
  });

  it('orders like strcmp (unsigned bytes, prefix first)', () => {
    expect(sign(rt.two(rt.x.strCmp, 'a', 'b'))).toBe(-1);
    expect(sign(rt.two(rt.x.strCmp, 'b', 'a'))).toBe(1);
    expect(sign(rt.two(rt.x.strCmp, 'ab', 'abc'))).toBe(-1);
    expect(sign(rt.two(rt.x.strCmp, '', ''))).toBe(0);
    expect(sign(rt.two(rt.x.strCmp, 'é', 'z'))).toBe(1); // 0xc3 > 0x7a
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ maxLength: 12 }), (a, b) =>
        sign(rt.two(rt.x.strCmp, a, b)) === sign(Buffer.compare(Buffer.from(a), Buffer.from(b)))),
      { numRuns: 2000 },
    );
  });

  it('startswith / endswith, including empty and longer needles', () => {
    expect(rt.two(rt.x.startsWith, '/etc/shadow', '/etc/')).toBe(1);
    expect(rt.two(rt.x.startsWith, '/etc', '/etc/')).toBe(0);
    expect(rt.two(rt.x.startsWith, 'anything', '')).toBe(1);
    expect(rt.two(rt.x.startsWith, '', '')).toBe(1);
    expect(rt.two(rt.x.endsWith, 'bash_history', 'ash_history')).toBe(1);
    expect(rt.two(rt.x.endsWith, 'history', 'ash_history')).toBe(0);
    expect(rt.two(rt.x.endsWith, '', '')).toBe(1);
    expect(rt.two(rt.x.endsWith, 'café', 'é')).toBe(1);
  });

  it('contains is memmem: empty needle always found, overlap handled', () => {
    expect(rt.two(rt.x.contains, 'abc', '')).toBe(1);
    expect(rt.two(rt.x.contains, '', '')).toBe(1);
    expect(rt.two(rt.x.contains, '', 'a')).toBe(0);
    expect(rt.two(rt.x.contains, 'aaab', 'aab')).toBe(1);
    expect(rt.two(rt.x.contains, 'xyz', 'xyzw')).toBe(0);
    expect(rt.two(rt.x.contains, 'naïve', 'ïv')).toBe(1);
    const long = `${'x'.repeat(1 << 20)}needle`;
    expect(rt.two(rt.x.contains, long, 'needle')).toBe(1);
    expect(rt.two(rt.x.contains, long, 'needles')).toBe(0);
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 4 }), (s, n) =>
        (rt.two(rt.x.contains, s, n) === 1) === Buffer.from(enc.encode(s)).includes(Buffer.from(enc.encode(n)))),
      { numRuns: 2000 },
    );
  });

  it('the rules\' contains (engine-as/search.ts) is memmem', () => {
    const x = rt.x.containsBytes;
    expect(rt.two(x, 'abc', '')).toBe(1);
    expect(rt.two(x, '', 'a')).toBe(0);
    expect(rt.two(x, '/home/alice/.ssh/id_rsa', '/.ssh/')).toBe(1);
    expect(rt.two(x, '/home/alice/.ssh/id_rsa', 'id_rsa')).toBe(1); // at the very end
    expect(rt.two(x, '/home/alice/.ssh/id_rs', 'id_rsa')).toBe(0);
    expect(rt.two(x, 'id_rsa/home/alice/.ssh', 'id_rsa')).toBe(1); // at the very start
    expect(rt.two(x, '\u0000\u0001aaaaaaaab', 'ab')).toBe(1); // zero bytes next to candidates
    expect(rt.two(x, 'ÿÿÿÿÿÿÿÿÿÿÿÿx', 'ÿx')).toBe(1); // high bytes (borrow trick)
    const bytes = fc.uint8Array({ maxLength: 40 }).map((a) => a.map((b) => [0, 1, 0x2e, 0x2f, 0x61, 0x80, 0xfe, 0xff][b & 7]!));
    fc.assert(
      fc.property(bytes, fc.uint8Array({ maxLength: 4 }).map((a) => a.map((b) => [0, 0x2e, 0x2f, 0x61, 0xff][b % 5]!)), (s, n) =>
        (rt.two(x, s, n) === 1) === Buffer.from(s).includes(Buffer.from(n))),
      { numRuns: 5000 },
    );
  });

  it('icontains folds ASCII letters only (strcasestr in the C locale)', () => {
    expect(rt.two(rt.x.icontains, '/usr/bin/NC.openbsd', 'nc.OPENBSD')).toBe(1);
    expect(rt.two(rt.x.icontains, 'anything', '')).toBe(1);
    expect(rt.two(rt.x.icontains, 'CAFÉ', 'café')).toBe(0); // É and é are different bytes
    expect(rt.two(rt.x.icontains, 'CAFé', 'café')).toBe(1);
    expect(rt.two(rt.x.icontains, '[', '{')).toBe(0); // not folded: only A-Z
    expect(rt.two(rt.x.icontains, '@', '`')).toBe(0);
    const asciiLower = (b: Uint8Array): Buffer => Buffer.from(b.map((c) => (c >= 0x41 && c <= 0x5a ? c + 32 : c)));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), fc.uint8Array({ maxLength: 3 }), (s, n) =>
        (rt.two(rt.x.icontains, s, n) === 1) === asciiLower(s).includes(asciiLower(n))),
      { numRuns: 3000 },
    );
  });

  it('ASCII case-insensitive equality', () => {
    expect(rt.two(rt.x.asciiCaseEq, 'SSHD', 'sshd')).toBe(1);
    expect(rt.two(rt.x.asciiCaseEq, 'sshd', 'sshd2')).toBe(0);
    expect(rt.two(rt.x.asciiCaseEq, '', '')).toBe(1);
    expect(rt.two(rt.x.asciiCaseEq, 'É', 'é')).toBe(0);
  });
});
