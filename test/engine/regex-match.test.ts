// Matching behaviour of compiled regex tables (DFA, and the NFA fallback), through the TypeScript
// interpreters and the Wasm matchers (engine-as/regex.ts): Falco-style patterns, POSIX line anchors, ill-formed UTF-8 subjects
// (read as libs' sanitised text), long subjects, the table layout, static-data embedding for
// generated code, and the DFA budget.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileRegex, encodeTables, matchNfaTable, matchTables, RegexUnsupportedError, sanitizeUtf8, tableToAsStatic } from '../../host/engine/regex/index.js';
import { compileAs, REPO_ROOT } from './as-harness.js';
import { loadRegexWasm, REGEX_HARNESS_FLAGS, type RegexWasm } from './regex-runtime.js';

const enc = new TextEncoder();
const bytes = (s: string | number[]): Uint8Array => (typeof s === 'string' ? enc.encode(s) : Uint8Array.from(s));

let wasm: RegexWasm;
beforeAll(async () => {
  wasm = await loadRegexWasm();
});

/** Both matchers must agree; returns their answer. */
/** All four matchers (TS/Wasm x DFA/NFA tables) must agree; returns their answer. */
function full(pattern: string, subject: string | number[]): boolean {
  const { table } = compileRegex(pattern, { engine: 'dfa' });
  const viaNfa = compileRegex(pattern, { engine: 'nfa' });
  const s = bytes(subject);
  const ts = matchTables(table, s);
  expect(wasm.match(table, s)).toBe(ts);
  expect(matchNfaTable(viaNfa.table, s)).toBe(ts);
  expect(wasm.run(viaNfa, s)).toBe(ts);
  return ts;
}

describe('regex matching (POSIX syntax, full match)', () => {
  it('Falco-style path patterns match the whole value only', () => {
    expect(full('/home/.*/dev', '/home/alice/dev')).toBe(true);
    expect(full('/home/.*/dev', '/home/alice/dev/x')).toBe(false);
    expect(full('/home/.*/dev', 'x/home/alice/dev')).toBe(false);
    expect(full('syscall', 'syscall')).toBe(true);
    expect(full('syscall', 'a syscall')).toBe(false);
    expect(full('/proc/[0-9]+/(environ|cmdline)', '/proc/4242/cmdline')).toBe(true);
    expect(full('/proc/[0-9]+/(environ|cmdline)', '/proc/self/cmdline')).toBe(false);
  });

  it('empty pattern and empty subject', () => {
    expect(full('', '')).toBe(true);
    expect(full('', 'a')).toBe(false);
    expect(full('a*', '')).toBe(true);
    expect(full('a+', '')).toBe(false);
  });

  it('^ and $ are line anchors; . stops at \\n, [^x] does not', () => {
    expect(full('a$\n^b', 'a\nb')).toBe(true);
    expect(full('a$b', 'ab')).toBe(false);
    expect(full('(.*\n)*', 'one\ntwo\n')).toBe(true);
    expect(full('.*', 'a\nb')).toBe(false);
    expect(full('[^x]*', 'a\nb')).toBe(true);
    expect(full('^$', '')).toBe(true);
  });

  it('code points, not bytes: . and classes take a whole UTF-8 sequence', () => {
    expect(full('.', 'é')).toBe(true);
    expect(full('..', 'é')).toBe(false);
    expect(full('.{3}', '日本語')).toBe(true);
    expect(full('[é-ü]+', 'éü')).toBe(true);
    expect(full('[^a]', '😀')).toBe(true);
    expect(full('\\x{1F600}', '😀')).toBe(true);
  });

  it('ill-formed UTF-8 reads as U+FFFD, one per maximal ill-formed subpart', () => {
    expect(full('.', [0xff])).toBe(true);
    expect(full('\\x{FFFD}', [0x80])).toBe(true);
    expect(full('a.b', [0x61, 0xe6, 0x97, 0x62])).toBe(true); // truncated 3-byte sequence: one U+FFFD
    expect(full('.', [0xe6, 0x97])).toBe(true);
    expect(full('..', [0xc3, 0x28])).toBe(true); // lead byte without continuation, then '('
    expect(full('.{2}', [0xc0, 0x80])).toBe(true); // overlong: two ill-formed bytes
    expect(full('.', [0xed, 0xa0, 0x80])).toBe(false); // surrogate: three U+FFFD
    expect(full('.{3}', [0xed, 0xa0, 0x80])).toBe(true);
    expect(full('[^\\x{FFFD}]', [0xff])).toBe(false);
    expect(Array.from(sanitizeUtf8(Uint8Array.from([0x61, 0xf0, 0x9f, 0x98, 0x62])))).toEqual([0x61, 0xef, 0xbf, 0xbd, 0x62]);
  });

  it('long subjects', () => {
    const long = 'a'.repeat(100_000);
    expect(full('a*', long)).toBe(true);
    expect(full('a*b', long)).toBe(false);
    expect(full('.*x.*', `${long}x${long}`)).toBe(true);
    expect(full('(a|b)*c', `${'ab'.repeat(30_000)}c`)).toBe(true);
  });

  it('counted repetition at RE2\'s limit', () => {
    expect(full('a{1000}', 'a'.repeat(1000))).toBe(true);
    expect(full('a{1000}', 'a'.repeat(999))).toBe(false);
    expect(full('a{2,1000}', 'a'.repeat(1001))).toBe(false);
  });
});

describe('regex tables', () => {
  it('layout: header, byte classes, accept bits, u16 transitions; state 0 is dead', () => {
    const { dfa: maybeDfa, table } = compileRegex('ab');
    const dfa = maybeDfa!;
    const view = new DataView(table.buffer);
    expect(view.getUint32(0, true)).toBe(dfa.numStates);
    expect(view.getUint32(4, true)).toBe(dfa.numClasses);
    expect(view.getUint32(8, true)).toBe(dfa.start);
    const transOffset = view.getUint32(12, true);
    const acceptOffset = view.getUint32(16, true);
    expect(transOffset % 4).toBe(0);
    expect(Array.from(table.subarray(20, 276))).toEqual(Array.from(dfa.classOf));
    expect(Array.from(table.subarray(acceptOffset, acceptOffset + dfa.numStates))).toEqual(Array.from(dfa.accept));
    expect(table.length).toBe(transOffset + dfa.numStates * dfa.numClasses * 2);
    // ab: dead, start, after a, after ab (accepting); minimised
    expect(dfa.numStates).toBe(4);
    expect(dfa.accept[0]).toBe(0);
    for (let c = 0; c < dfa.numClasses; c++) expect(dfa.next[c]).toBe(0);
    expect(encodeTables(dfa)).toEqual(table);
  });

  it('a pattern that can never match compiles to the dead start state', () => {
    expect(compileRegex('[^\\x00-\\x{10FFFF}]').dfa!.start).toBe(0);
    expect(full('[^\\x00-\\x{10FFFF}]', '')).toBe(false);
  });

  it('a DFA over the state budget: an error with engine dfa, the NFA table with auto', () => {
    const pattern = '(a|b)*a(a|b){14}';
    let err: unknown;
    try {
      compileRegex(pattern, { maxStates: 3000, engine: 'dfa' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RegexUnsupportedError);
    expect((err as RegexUnsupportedError).reason).toBe('too-complex');
    expect(compileRegex('(a|b)*a(a|b){8}').dfa!.numStates).toBe(513); // 2^9 live states + dead

    const auto = compileRegex(pattern, { maxStates: 3000 });
    expect(auto.kind).toBe('nfa');
    expect(auto.dfa).toBeNull();
    expect(auto.scratchBytes).toBeGreaterThan(0);
    const js = new RegExp(`^(?:${pattern})$`);
    for (const s of ['a'.repeat(15), `b${'a'.repeat(14)}`, `a${'b'.repeat(14)}`, `${'ab'.repeat(20)}a${'b'.repeat(14)}`, 'b'.repeat(15), `a${'b'.repeat(13)}`]) {
      const b = bytes(s);
      expect(matchNfaTable(auto.table, b)).toBe(js.test(s));
      expect(wasm.run(auto, b)).toBe(js.test(s));
    }
    const long = `${'ab'.repeat(50_000)}a${'b'.repeat(14)}`;
    expect(wasm.run(auto, bytes(long))).toBe(true);
    expect(wasm.run(auto, bytes(`${long}b`))).toBe(false);
  });

  it('tableToAsStatic output embeds the table as static data that regexMatch runs', async () => {
    const patterns = ['/home/.*/dev', '[[:digit:]]{2,4}', '(x|日本)+'];
    const decls = patterns.map((p, i) => tableToAsStatic(`RE_${i}`, compileRegex(p).table));
    const dir = join(REPO_ROOT, 'build', 'regex-static-test');
    mkdirSync(dir, { recursive: true });
    const entry = join('build', 'regex-static-test', 'entry.ts');
    writeFileSync(
      join(REPO_ROOT, entry),
      [
        "import { regexMatch } from '../../engine-as/regex';",
        ...decls,
        'const TABLES: StaticArray<usize> = [RE_0, RE_1, RE_2];',
        'export function alloc(len: u32): usize { return heap.alloc(len == 0 ? 1 : len); }',
        'export function run(i: i32, s: usize, len: u32): bool { return regexMatch(TABLES[i], s, len); }',
        '',
      ].join('\n'),
    );
    const { wasm: bin } = await compileAs(entry, REGEX_HARNESS_FLAGS);
    const wasmApi = (globalThis as unknown as { WebAssembly: { instantiate(b: Uint8Array, i: object): Promise<{ instance: { exports: unknown } }> } }).WebAssembly;
    const { instance } = await wasmApi.instantiate(bin, { env: { abort: () => { throw new Error('abort'); } } });
    const x = instance.exports as { memory: { buffer: ArrayBuffer }; alloc(n: number): number; run(i: number, s: number, l: number): number };
    const run = (i: number, s: string): boolean => {
      const b = enc.encode(s);
      const p = x.alloc(b.length);
      new Uint8Array(x.memory.buffer).set(b, p);
      return x.run(i, p, b.length) !== 0;
    };
    expect([run(0, '/home/u/dev'), run(0, '/home/u/dev2')]).toEqual([true, false]);
    expect([run(1, '123'), run(1, '1'), run(1, '12345')]).toEqual([true, false, false]);
    expect([run(2, 'x日本x'), run(2, '日'), run(2, '')]).toEqual([true, false, false]);
  });
});
