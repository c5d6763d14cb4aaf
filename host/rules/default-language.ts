// Saker's condition language and output templates, wired for the rules loader: libs-compatible
// parser, formatter, compile checks and event-type inference over the syscall field registry.
import type { Expr } from '../condition/ast.js';
import { formatCondition } from '../condition/format.js';
import { parseCondition } from '../condition/parser.js';
import { checkCondition } from '../compile/check.js';
import { EventTypeInferenceError, inferEventTypes, isAllEvents, sortedNames } from '../compile/evttypes.js';
import { defaultRegistry } from '../fields/registry.js';
import { OutputTemplateError, parseOutputTemplate } from '../output/template.js';
import type { EventTypeSummary, RuleLanguage } from './language.js';

/** Raised for a condition libs' event-type search refuses (Falco aborts loading on it). */
export class EventTypeSearchError extends Error {}

export const defaultLanguage: RuleLanguage = {
  parseCondition: (text) => parseCondition(text),
  formatCondition,
  checkCondition: (expr) => checkCondition(expr, defaultRegistry),
  eventTypes(expr: Expr): EventTypeSummary {
    try {
      const set = inferEventTypes(expr);
      return isAllEvents(set) ? { all: true, names: [] } : { all: false, names: sortedNames(set) };
    } catch (e) {
      if (e instanceof EventTypeInferenceError) throw new EventTypeSearchError(e.message);
      throw e;
    }
  },
  validateOutput(output) {
    try {
      parseOutputTemplate(output, defaultRegistry);
      return undefined;
    } catch (e) {
      if (e instanceof OutputTemplateError) return e.message;
      throw e;
    }
  },
  fieldExists: (_source, field) => defaultRegistry.lookup(field) !== undefined,
};
