// The regex engine against results recorded from real RE2 2022-06-01 (see regex-re2-cases.ts):
// which patterns RE2 rejects and with what text, and the full-match answer for every subject, in
// Falco's POSIX syntax and in RE2's default (Perl) syntax. Checked through the TypeScript table
// interpreters and the Wasm matchers, for DFA tables and for the NFA fallback.
import { beforeAll, describe, expect, it } from 'vitest';
import { compileRegex, FALCO_REGEX_ERROR_PREFIX, matchNfaTable, matchTables, RegexSyntaxError, RegexUnsupportedError } from '../../host/engine/regex/index.js';
import { REGEX_RE2_CASES, REGEX_RE2_SUBJECTS } from './regex-re2-cases.js';
import { loadRegexWasm, type RegexWasm } from './regex-runtime.js';

const enc = new TextEncoder();

describe('regex: agreement with recorded RE2 results', () => {
  let wasm: RegexWasm;
  beforeAll(async () => {
    wasm = await loadRegexWasm();
  });

  for (const [syntax, pattern, want] of REGEX_RE2_CASES) {
    it(`${syntax} ${JSON.stringify(pattern)}`, () => {
      if (typeof want !== 'string') {
        let err: unknown;
        try {
          compileRegex(pattern, { syntax });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(RegexSyntaxError);
        expect((err as RegexSyntaxError).re2Error).toBe(want.error);
        expect((err as RegexSyntaxError).message).toBe(FALCO_REGEX_ERROR_PREFIX + want.error);
        return;
      }
      let compiled;
      try {
        compiled = compileRegex(pattern, { syntax });
      } catch (e) {
        // The only patterns RE2 accepts that this engine refuses: \p{..} groups (Perl syntax).
        expect(e).toBeInstanceOf(RegexUnsupportedError);
        expect(pattern).toMatch(/\\p/);
        return;
      }
      const bytes = REGEX_RE2_SUBJECTS.map((s) => enc.encode(s));
      const bits = (f: (b: Uint8Array) => boolean): string => bytes.map((b) => (f(b) ? '1' : '0')).join('');
      expect(compiled.kind).toBe('dfa');
      expect(bits((b) => matchTables(compiled.table, b))).toBe(want);
      expect(bits((b) => wasm.match(compiled.table, b))).toBe(want);
      // The NFA fallback gives the same answers.
      const viaNfa = compileRegex(pattern, { syntax, engine: 'nfa' });
      expect(bits((b) => matchNfaTable(viaNfa.table, b))).toBe(want);
      expect(bits((b) => wasm.run(viaNfa, b))).toBe(want);
    });
  }
});
