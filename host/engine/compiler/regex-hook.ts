// The `regex` operator's code generation, kept apart from the rest of the compiler: the pattern
// becomes static DFA tables (host/engine/regex) run by engine-as/regex.ts with full-match semantics.
import { valueToBytes } from '../../condition/bytes.js';
import { compileRegex, tableToAsStatic } from '../regex/index.js';

export interface RegexCode {
  /** Module-level declaration of the tables. */
  declaration: string;
  /** AS expression matching (F.sp, F.sl) against the pattern. */
  matchExpr: string;
}

/** Throws the regex package's errors (Falco's message for a bad pattern). */
export function regexCodegen(pattern: string, name: string): RegexCode {
  const compiled = compileRegex(valueToBytes(pattern));
  return {
    declaration: tableToAsStatic(name, compiled.table),
    matchExpr: `R.regexMatch(${name}, F.sp, F.sl)`,
  };
}
