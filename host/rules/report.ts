// Falco's presentations of load results: the verbose text `falco -V` prints (location chain,
// snippet between "------" lines, "CODE (short string): message"), the one-line summary, the
// per-run validation summary, and the JSON form {"falco_load_results":[...]} with nlohmann's
// sorted keys.
import { ERROR_STRINGS, WARNING_DESCS, WARNING_STRINGS, errorCodeDesc } from './codes.js';
import type { FileLoadResult, LoadWarning } from './result.js';
import { readYamlDocuments } from './yaml-doc.js';

/** Rules contents by name, for snippets (Falco's rules_contents_t). */
export type RulesContents = ReadonlyMap<string, string>;

function statusLine(result: FileLoadResult): string {
  let s = result.name !== '' ? `${result.name}: ` : '';
  if (result.successful) s += result.hasWarnings ? 'Ok, with warnings' : 'Ok';
  else s += 'Invalid';
  return s;
}

function warningLabel(w: LoadWarning): string {
  const short = WARNING_STRINGS[w.code];
  return w.deprecatedField ? `${short}: field '${w.deprecatedField}'` : short;
}

/** Falco's result::as_string(false): status plus the list of codes. */
export function formatResultSummary(result: FileLoadResult): string {
  let s = statusLine(result);
  if (result.errors.length > 0) {
    s += `\n ${result.errors.length} errors: [`;
    s += result.errors.map((e) => `${e.code} (${ERROR_STRINGS[e.code]})`).join(' ');
    s += ']';
  }
  if (result.warnings.length > 0) {
    s += `\n ${result.warnings.length} warnings: [`;
    s += result.warnings.map((w) => `${w.code} (${warningLabel(w)})`).join(' ');
    s += ']';
  }
  return s;
}

/** Falco's result::as_string(true): every error and warning with its locations and snippet. */
export function formatResultText(result: FileLoadResult, contents: RulesContents): string {
  let s = statusLine(result);
  if (result.errors.length > 0) {
    s += `\n${result.errors.length} Errors:\n`;
    for (const e of result.errors) {
      s += e.context.asString();
      s += '------\n' + e.context.snippet(contents) + '------\n';
      s += `${e.code} (${ERROR_STRINGS[e.code]}): ${e.message}\n`;
    }
  }
  if (result.warnings.length > 0) {
    s += `\n${result.warnings.length} Warnings:\n`;
    for (const w of result.warnings) {
      s += w.context.asString();
      s += '------\n' + w.context.snippet(contents) + '------\n';
      s += `${w.code} (${warningLabel(w)}): ${w.message}\n`;
    }
  }
  return s;
}

/** The JSON object Falco's result::as_json builds for one file (keys in nlohmann's sorted order). */
export function resultToJson(result: FileLoadResult, contents: RulesContents): object {
  const entry = (code: string, codedesc: string, message: string, ctx: FileLoadResult['errors'][number]['context']) => ({
    code,
    codedesc,
    context: { locations: ctx.asJson().locations, snippet: ctx.snippet(contents) },
    message,
  });
  return {
    errors: result.errors.map((e) => entry(e.code, errorCodeDesc(e.code), e.message, e.context)),
    name: result.name,
    successful: result.successful,
    warnings: result.warnings.map((w) => entry(w.code, WARNING_DESCS[w.code], w.message, w.context)),
  };
}

/** `falco -V … -o json_output=true`: one JSON line for every file. */
export function formatResultsJson(results: readonly FileLoadResult[], contents: RulesContents): string {
  return JSON.stringify({ falco_load_results: results.map((r) => resultToJson(r, contents)) });
}

export interface ValidationReport {
  /** What `falco -V` prints on stdout (without the final newline). */
  summary: string;
  /** Warning texts Falco logs (to stderr) for files that loaded with warnings only. */
  warningLogs: string[];
  /** True when every file loaded without error. */
  successful: boolean;
}

/**
 * The text `falco -V` prints: for a failed file, or a clean one, its full result; for a file
 * with only warnings, "<file>: Ok, with warnings" (the warnings themselves are logged).
 */
export function formatValidationReport(results: readonly FileLoadResult[], contents: RulesContents): ValidationReport {
  const parts: string[] = [];
  const warningLogs: string[] = [];
  for (const r of results) {
    if (!r.successful || !r.hasWarnings) {
      parts.push(formatResultText(r, contents));
    } else {
      parts.push(`${r.name}: Ok, with warnings`);
      warningLogs.push(formatResultText(r, contents) + '\n');
    }
    if (!r.successful && hasMappingDocument(contents.get(r.name))) {
      parts[parts.length - 1] +=
        '\nHint: --validate expects a rules file, that is a YAML list of rule, macro, and list items. ' +
        'If this is a Falco configuration file, validate it and its configured rules with `falco -c ' +
        r.name +
        ' --dry-run` instead.';
    }
  }
  return { summary: parts.join('\n'), warningLogs, successful: results.every((r) => r.successful) };
}

/** Whether some YAML document of the content is a mapping (the mark of a configuration file). */
function hasMappingDocument(content: string | undefined): boolean {
  if (content === undefined) return false;
  const parsed = readYamlDocuments(content);
  return parsed.ok && parsed.documents.some((d) => d?.kind === 'map');
}
