// The `append_output` config key applied at compile time, as Falco's rule compiler does: each
// matching entry's text is appended to the rule output (before validation), and its extra fields
// are attached to the rule for the JSON output_fields only.
import { SYSCALL_FIELDS } from '../fields/syscall_fields.js';
import { hasFlag } from '../fields/types.js';

/** Which rules an entry applies to; an empty value matches every rule. */
export interface AppendOutputMatch {
  rule: string;
  source: string;
  /** The rule must carry all of these tags. */
  tags: readonly string[];
}

/** One extra JSON output field: `name` is the key, `format` an output template. */
export interface ExtraOutputField {
  name: string;
  format: string;
}

/** One `append_output` entry as configured. */
export interface AppendOutputEntry {
  match: AppendOutputMatch;
  /** `extra_output`; '' when absent. */
  extraOutput: string;
  extraFields: readonly ExtraOutputField[];
  suggestedOutput: boolean;
}

/** What the compiler applies: one text or field list per entry, suggested fields already expanded. */
export interface OutputAppend {
  match: AppendOutputMatch;
  text: string;
  fields: readonly ExtraOutputField[];
}

/**
 * Falco renders each field an extractor marks as suggested as `foo_bar=%foo.bar`; with the
 * built-in container plugin that is the syscall source's container and k8s name fields.
 */
export function suggestedOutputFormats(source: string): string[] {
  if (source !== 'syscall') return [];
  return SYSCALL_FIELDS.filter((f) => hasFlag(f, 'EPF_FORMAT_SUGGESTED')).map((f) => `${f.name.replaceAll('.', '_')}=%${f.name}`);
}

/**
 * Expands configured entries into compiler appends, in Falco's order: an entry's own text first,
 * then (with suggested_output) one append per suggested field of its source, or of every loaded
 * source when it names none.
 */
export function resolveAppendOutput(entries: readonly AppendOutputEntry[], loadedSources: readonly string[]): OutputAppend[] {
  const out: OutputAppend[] = [];
  for (const e of entries) {
    if (e.extraOutput !== '' || e.extraFields.length > 0) out.push({ match: e.match, text: e.extraOutput, fields: e.extraFields });
    if (!e.suggestedOutput) continue;
    for (const source of e.match.source === '' ? loadedSources : [e.match.source]) {
      for (const text of suggestedOutputFormats(source)) out.push({ match: { ...e.match, source }, text, fields: [] });
    }
  }
  return out;
}

export function appendMatches(match: AppendOutputMatch, rule: { name: string; source: string; tags: readonly string[] }): boolean {
  if (match.source !== '' && match.source !== rule.source) return false;
  if (match.rule !== '' && match.rule !== rule.name) return false;
  return match.tags.every((t) => rule.tags.includes(t));
}
