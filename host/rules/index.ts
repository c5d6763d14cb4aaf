// The rules loader's public surface: load Falco rules files into a resolved rule set, with
// Falco's load results and reports.
export { defaultLanguage } from './default-language.js';
export {
  resolveAppendOutput,
  suggestedOutputFormats,
  type AppendOutputEntry,
  type AppendOutputMatch,
  type ExtraOutputField,
  type OutputAppend,
} from './append-output.js';
export type { RuleLanguage, EventTypeSummary, ConditionDiagnostic } from './language.js';
export {
  BUILTIN_PLUGINS,
  checkPluginRequirements,
  loadRules,
  RulesLoader,
  type LoadedPlugin,
  type LoadRulesOptions,
  type LoadRulesOutcome,
  type RulesSource,
} from './loader.js';
export { expandRulesPath, readRulesPaths, type RulesPathFailure, type RulesPathsOutcome } from './paths.js';
export {
  formatResultSummary,
  formatResultText,
  formatResultsJson,
  formatValidationReport,
  resultToJson,
  type RulesContents,
  type ValidationReport,
} from './report.js';
export { FileLoadResult, type LoadError, type LoadWarning } from './result.js';
export type { ResolvedException, ResolvedList, ResolvedMacro, ResolvedRule, RuleSet } from './ruleset.js';
export type { ErrorCode, WarningCode } from './codes.js';
export { PRIORITY_NAMES, parsePriority, priorityLevel, type PriorityName } from './versions.js';
