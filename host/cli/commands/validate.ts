// `-V FILE...`: Falco's validate_rules_files step. Every file is loaded in order into one rule
// set (later files see earlier ones), and loading goes on after a failed file. stdout gets the
// text summary (or {"falco_load_results": [...]} with json_output); warnings of files that are
// otherwise fine are logged; with -L/-l the description follows when all files are valid.
import {
  checkPluginRequirements,
  defaultLanguage,
  formatValidationReport,
  resultToJson,
  RulesLoader,
  type FileLoadResult,
} from '../../rules/index.js';
import { dumpJson } from '../json.js';
import type { Logger } from '../logger.js';
import { readRulesFiles, rulesFileValidation, RulesStageError } from '../rules-stage.js';
import { describeJson, describeRules, type DescribeWhat } from './describe.js';

export interface ValidateOptions {
  jsonOutput: boolean;
  logger: Logger;
  describe?: DescribeWhat;
}

export interface ValidateOutcome {
  /** What goes to stdout. */
  stdout: string;
  /** The text summary (Falco's error message when validation fails). */
  summary: string;
  successful: boolean;
}

export function validateRulesFiles(files: readonly string[], opts: ValidateOptions): ValidateOutcome {
  const { logger } = opts;
  const sources = readRulesFiles(files);
  const contents = new Map(sources.map((s) => [s.name, s.content]));

  logger.info('Validating rules file(s):');
  for (const s of sources) {
    const validation = rulesFileValidation(s.content);
    logger.log(validation === 'ok' ? 'info' : 'warning', `   ${s.name} | schema validation: ${validation}`);
  }

  const loader = new RulesLoader({ language: defaultLanguage });
  const results: FileLoadResult[] = [];
  for (const s of sources) {
    results.push(loader.load(s));
    const pluginError = loader.ruleset ? checkPluginRequirements(loader.ruleset) : undefined;
    if (pluginError) throw new RulesStageError(pluginError);
  }

  const report = formatValidationReport(results, contents);
  for (const w of report.warningLogs) logger.warning(w);
  const ruleset = loader.ruleset;
  const describe = report.successful && opts.describe && ruleset ? opts.describe : undefined;

  let stdout: string;
  if (opts.jsonOutput) {
    const out: Record<string, unknown> = { falco_load_results: results.map((r) => resultToJson(r, contents)) };
    if (describe && ruleset) out.falco_describe_results = describeJson(ruleset, describe);
    stdout = `${dumpJson(out)}\n`;
  } else {
    stdout = `${report.summary}\n`;
    if (describe && ruleset) stdout += `\n${describeRules(ruleset, describe, false)}`;
  }
  return { stdout, summary: report.summary, successful: report.successful };
}
