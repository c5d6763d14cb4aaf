// What the rules loader needs from the condition language (parser, checker, event-type
// inference, formatter) and from output templates. Injected so the loader stays independent of
// those modules' internals; default-language.ts wires the real implementations.
import type { Expr, Pos } from '../condition/ast.js';

export interface ConditionDiagnostic {
  message: string;
  pos: Pos;
}

export interface EventTypeSummary {
  /** True when the condition can match every event type (no restriction). */
  all: boolean;
  /** Event type names the condition can match, sorted; empty when `all` or when nothing matches. */
  names: string[];
}

export interface RuleLanguage {
  /** Parses a condition; throws an error with `reason` (libs' message) and `pos` on bad syntax. */
  parseCondition(text: string): Expr;
  /** The condition's text in libs' canonical form. */
  formatCondition(expr: Expr): string;
  /** Compile-time checks of an expanded condition for a source (unknown fields, operator misuse). */
  checkCondition(expr: Expr, source: string): { errors: ConditionDiagnostic[]; warnings: ConditionDiagnostic[] };
  /** The event types an expanded condition can match; throws (with libs' message) where libs' search does. */
  eventTypes(expr: Expr): EventTypeSummary;
  /** Validates an output template; returns Falco's error message, or undefined when valid. */
  validateOutput(output: string, source: string): string | undefined;
  /** Whether a field (optionally with [arg]) exists for a source. */
  fieldExists(source: string, field: string): boolean;
}

/** The error shape the condition parser throws. */
export interface SyntaxErrorLike {
  reason: string;
  pos: Pos;
}

export function isSyntaxErrorLike(e: unknown): e is SyntaxErrorLike {
  return (
    typeof e === 'object' && e !== null &&
    typeof (e as { reason?: unknown }).reason === 'string' &&
    typeof (e as { pos?: unknown }).pos === 'object'
  );
}
