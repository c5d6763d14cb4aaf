// RE2-compatible regex -> full-match DFA tables for the Wasm engine (Falco's `regex` operator).
import type { RegexNode } from './ast.js';
import { buildDfa, type Dfa } from './dfa.js';
export type { Dfa } from './dfa.js';
import { buildNfa } from './nfa.js';
import { parseRegex, type RegexSyntax } from './parser.js';
import { encodeTables, matchTables } from './tables.js';
import { encodeNfaTable, matchNfaTable } from './nfa-table.js';
import { RegexUnsupportedError } from './errors.js';

export type { RegexNode, AssertKind } from './ast.js';
export { RegexSyntaxError, RegexUnsupportedError, FALCO_REGEX_ERROR_PREFIX, type Re2ErrorCode } from './errors.js';
export { parseRegex, patternBytes, type RegexSyntax } from './parser.js';
export { matchTables, tableToAsStatic, encodeTables } from './tables.js';
export { matchNfaTable, encodeNfaTable } from './nfa-table.js';
export { sanitizeUtf8 } from './utf8.js';

export interface CompileRegexOptions {
  /** 'posix' (default) is what libs uses: RE2::POSIX options. */
  syntax?: RegexSyntax;
  /** DFA state budget during construction (default 3000; past it: the NFA table). */
  maxStates?: number;
  /**
   * 'auto' (default): a DFA table, or the NFA table when the DFA is over budget; 'dfa': DFA only
   * (over budget is a RegexUnsupportedError('too-complex')); 'nfa': always the NFA table.
   */
  engine?: 'auto' | 'dfa' | 'nfa';
}

export interface CompiledRegex {
  readonly ast: RegexNode;
  /**
   * 'dfa': run `table` with engine-as/regex.ts regexMatch(table, s, len).
   * 'nfa': run it with regexMatchNfa(table, scratch, s, len), scratch = scratchBytes of memory
   * (static, reusable across calls and patterns of at most that size; contents need no reset).
   */
  readonly kind: 'dfa' | 'nfa';
  /** The DFA (kind 'dfa' only). */
  readonly dfa: Dfa | null;
  readonly table: Uint8Array;
  readonly scratchBytes: number;
}

/**
 * Compiles a pattern. Throws RegexSyntaxError where Falco rejects the filter (its `message` is
 * Falco's text) and RegexUnsupportedError where RE2 accepts it but this engine cannot run it.
 */
export function compileRegex(pattern: string | Uint8Array, options: CompileRegexOptions = {}): CompiledRegex {
  const ast = parseRegex(pattern, options.syntax === undefined ? {} : { syntax: options.syntax });
  const nfa = buildNfa(ast);
  const engine = options.engine ?? 'auto';
  if (engine !== 'nfa') {
    try {
      const dfa = buildDfa(nfa, options.maxStates === undefined ? {} : { maxStates: options.maxStates });
      return { ast, kind: 'dfa', dfa, table: encodeTables(dfa), scratchBytes: 0 };
    } catch (e) {
      if (engine === 'dfa' || !(e instanceof RegexUnsupportedError)) throw e;
    }
  }
  const { table, scratchBytes } = encodeNfaTable(nfa);
  return { ast, kind: 'nfa', dfa: null, table, scratchBytes };
}

/** Convenience for tests and the oracle: full match of a string (UTF-8) or bytes. */
export function regexFullMatch(compiled: CompiledRegex, subject: string | Uint8Array): boolean {
  const bytes = typeof subject === 'string' ? new TextEncoder().encode(subject) : subject;
  return compiled.kind === 'dfa' ? matchTables(compiled.table, bytes) : matchNfaTable(compiled.table, bytes);
}
