// The regex engine against results recorded from real RE2 2022-06-01 (see regex-re2-cases.ts):
// which patterns RE2 rejects and with what text, and the full-match answer for every subject, in
// Falco's POSIX syntax and in RE2's default (Perl) syntax. Checked through the TypeScript table
// interpreter and the Wasm matcher.
import { beforeAll, describe, expect, it } from 'vitest';
import { compileRegex, FALCO_REGEX_ERROR_PREFIX, matchTables, RegexSyntaxError, RegexUnsupportedError } from '../../host/engine/regex/index.js';
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
      expect(bytes.map((b) => (matchTables(compiled.table, b) ? '1' : '0')).join('')).toBe(want);
      expect(bytes.map((b) => (wasm.match(compiled.table, b) ? '1' : '0')).join('')).toBe(want);
    });
  }
});
