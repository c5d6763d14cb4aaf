// The outcome of loading one rules file: success flag plus Falco-coded errors and warnings, each
// with its message and location chain. Falco stops a file at its first error, so a failed
// result normally holds exactly one error.
import type { DeprecatedField, ErrorCode, WarningCode } from './codes.js';
import type { LoadContext } from './context.js';

export interface LoadError {
  code: ErrorCode;
  message: string;
  context: LoadContext;
}

export interface LoadWarning {
  code: WarningCode;
  message: string;
  context: LoadContext;
  /** Set for deprecated-field warnings, which Falco's text report labels with the field. */
  deprecatedField?: DeprecatedField;
}

export class FileLoadResult {
  readonly name: string;
  readonly errors: LoadError[] = [];
  readonly warnings: LoadWarning[] = [];

  constructor(name: string) {
    this.name = name;
  }

  get successful(): boolean {
    return this.errors.length === 0;
  }

  get hasWarnings(): boolean {
    return this.warnings.length > 0;
  }

  addError(code: ErrorCode, message: string, context: LoadContext): void {
    this.errors.push({ code, message, context });
  }

  addWarning(code: WarningCode, message: string, context: LoadContext, deprecatedField?: DeprecatedField): void {
    this.warnings.push(deprecatedField ? { code, message, context, deprecatedField } : { code, message, context });
  }
}

/** Thrown inside the loader to stop a file at its first error, like Falco's rule_load_exception. */
export class RuleLoadError extends Error {
  readonly code: ErrorCode;
  readonly context: LoadContext;

  constructor(code: ErrorCode, message: string, context: LoadContext) {
    super(message);
    this.name = 'RuleLoadError';
    this.code = code;
    this.context = context;
  }
}
