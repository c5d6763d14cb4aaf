// RE2-compatible regex -> full-match DFA tables for the Wasm engine (Falco's `regex` operator).
import type { RegexNode } from './ast.js';
import { buildDfa, type Dfa } from './dfa.js';
export type { Dfa } from './dfa.js';
import { buildNfa } from './nfa.js';
import { parseRegex, type RegexSyntax } from './parser.js';
import { encodeTables, matchTables } from './tables.js';

export type { RegexNode, AssertKind } from './ast.js';
export { RegexSyntaxError, RegexUnsupportedError, FALCO_REGEX_ERROR_PREFIX, type Re2ErrorCode } from './errors.js';
export { parseRegex, patternBytes, type RegexSyntax } from './parser.js';
export { matchTables, tableToAsStatic, encodeTables } from './tables.js';
export { sanitizeUtf8 } from './utf8.js';

export interface CompileRegexOptions {
  /** 'posix' (default) is what libs uses: RE2::POSIX options. */
  syntax?: RegexSyntax;
  /** DFA state budget (default 2000); past it a RegexUnsupportedError('too-complex'). */
  maxStates?: number;
}

export interface CompiledRegex {
  readonly ast: RegexNode;
  readonly dfa: Dfa;
  /** The table engine-as/regex.ts `regexMatch` runs (see tables.ts for the layout). */
  readonly table: Uint8Array;
}

/**
 * Compiles a pattern. Throws RegexSyntaxError where Falco rejects the filter (its `message` is
 * Falco's text) and RegexUnsupportedError where RE2 accepts it but this engine cannot run it.
 */
export function compileRegex(pattern: string | Uint8Array, options: CompileRegexOptions = {}): CompiledRegex {
  const ast = parseRegex(pattern, options.syntax === undefined ? {} : { syntax: options.syntax });
  const dfa = buildDfa(buildNfa(ast), options.maxStates === undefined ? {} : { maxStates: options.maxStates });
  return { ast, dfa, table: encodeTables(dfa) };
}

/** Convenience for tests and the oracle: full match of a string (UTF-8) or bytes. */
export function regexFullMatch(compiled: CompiledRegex, subject: string | Uint8Array): boolean {
  return matchTables(compiled.table, typeof subject === 'string' ? new TextEncoder().encode(subject) : subject);
}
