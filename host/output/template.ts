// Rule output templates, parsed and validated as libs' sinsp_evt_formatter::set_format does when
// Falco loads a rule: literal text with `%field` references, where a reference may carry a width
// (`%20proc.name`), an argument (`%proc.aname[2]`, `%evt.arg.flags`) and transformers
// (`%tolower(proc.name)`). A leading `*` prints <NA> for missing values instead of dropping the
// line. Field names are read greedily and the rest is literal text (`%proc.name)` is proc.name
// then ")"), exactly as libs reads them; errors carry libs' wording.
import { defaultRegistry, FieldLookupError, type FieldRegistry } from '../fields/registry.js';
import type { FieldType, ResolvedField } from '../fields/types.js';
import { hasFlag, typeName } from '../fields/types.js';

export type OutputTransformer = 'tolower' | 'toupper' | 'b64' | 'basename' | 'len';

/** Transformers libs recognises inside output templates, in the order it tries them. */
const OUTPUT_TRANSFORMERS: readonly OutputTransformer[] = ['tolower', 'toupper', 'b64', 'basename', 'len'];

export interface TextToken {
  kind: 'text';
  text: string;
}

export interface FieldToken {
  kind: 'field';
  /** The field reference as written, without transformers: `proc.aname[2]`. */
  name: string;
  /** The reference with its transformers, as written: `tolower(proc.name)`. */
  raw: string;
  field: ResolvedField;
  /** Outermost first, as written. */
  transformers: OutputTransformer[];
  /** Type after the transformers. */
  type: FieldType;
  isList: boolean;
  /** `%20proc.name`: pad or cut the value to this many characters; 0 when not given. */
  width: number;
}

export type OutputToken = TextToken | FieldToken;

export interface OutputTemplate {
  tokens: OutputToken[];
  /** False when the template starts with `*`: missing values print as <NA>. */
  requireAllValues: boolean;
}

/** A template libs' formatter refuses; `message` is libs' text. */
export class OutputTemplateError extends Error {}

/** The warning Falco 0.44 gives for `%container.info` in a rule output. */
export const CONTAINER_INFO_DEPRECATION =
  '%container.info is deprecated and no more useful, and will be dropped by Falco 1.0.0. ' +
  'The container plugin will automatically add required fields to the output message.';

/**
 * Falco 0.44 (with the container plugin) removes every `%container.info` from a rule output before
 * validating it, with a deprecation warning; the plugin's suggested fields are appended instead.
 */
export function expandContainerInfo(output: string): { output: string; deprecated: boolean } {
  if (!output.includes('%container.info')) return { output, deprecated: false };
  return { output: output.split('%container.info').join(''), deprecated: true };
}

function transformedType(tr: OutputTransformer, type: FieldType, isList: boolean): { type: FieldType; isList: boolean } | undefined {
  const isString = type === 'PT_CHARBUF' || type === 'PT_FSPATH' || type === 'PT_FSRELPATH';
  switch (tr) {
    case 'tolower':
    case 'toupper':
    case 'basename':
      return isString ? { type, isList } : undefined;
    case 'b64':
      return type === 'PT_CHARBUF' || type === 'PT_BYTEBUF' ? { type, isList } : undefined;
    case 'len':
      if (isList) return { type: 'PT_UINT64', isList: false };
      return isString || type === 'PT_BYTEBUF' ? { type: 'PT_UINT64', isList: false } : undefined;
  }
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Parses and validates a rule output; throws OutputTemplateError with libs' message. */
export function parseOutputTemplate(text: string, registry: FieldRegistry = defaultRegistry): OutputTemplate {
  if (text === '') throw new OutputTemplateError('empty formatting token');
  const requireAllValues = text[0] !== '*';
  const fmt = requireAllValues ? text : text.slice(1);
  const len = fmt.length;
  const tokens: OutputToken[] = [];
  let literalStart = 0;
  let j = 0;
  for (; j < len; j++) {
    if (fmt[j] !== '%') continue;
    if (literalStart !== j) tokens.push({ kind: 'text', text: fmt.slice(literalStart, j) });
    if (j === len - 1) throw new OutputTemplateError('invalid formatting syntax: formatting cannot end with a %');

    let width = 0;
    if (isDigit(fmt[j + 1])) {
      width = Number.parseInt(/^[0-9]+/.exec(fmt.slice(j + 1))![0], 10);
      for (;;) {
        if (j === len - 1) throw new OutputTemplateError('invalid formatting syntax: formatting cannot end with a number');
        if (!isDigit(fmt[j + 1])) break;
        j++;
      }
    }

    const transformers: OutputTransformer[] = [];
    const tokenStart = j + 1;
    for (;;) {
      let progressed = false;
      for (const tr of OUTPUT_TRANSFORMERS) {
        if (j + 1 + tr.length + 1 < len && fmt.startsWith(`${tr}(`, j + 1)) {
          transformers.push(tr);
          j += tr.length + 1;
          progressed = true;
        }
      }
      if (!progressed) break;
    }

    const rest = fmt.slice(j + 1);
    let field: ResolvedField | undefined;
    try {
      field = registry.matchPrefix(rest);
    } catch (e) {
      if (e instanceof FieldLookupError) throw new OutputTemplateError(e.message);
      throw e;
    }
    if (field === undefined) throw new OutputTemplateError(`invalid formatting token ${rest}`);
    if (hasFlag(field.def, 'EPF_FILTER_ONLY') && field.def.arg === undefined) {
      throw new OutputTemplateError(`${rest} is filter only and cannot be used as a display field`);
    }
    j += field.text.length;

    let type = field.type;
    let isList = field.isList;
    for (const tr of [...transformers].reverse()) {
      if (hasFlag(field.def, 'EPF_NO_TRANSFORMER')) {
        throw new OutputTemplateError(`field '${field.def.name}' does not support transformers`);
      }
      const out = transformedType(tr, type, isList);
      if (out === undefined) {
        throw new OutputTemplateError(
          `can't add field transformer: type '${typeName(type)}' is not supported by '${tr}' transformer ` +
            `applied on ${isList ? 'list ' : ''}field '${field.def.name}'`,
        );
      }
      ({ type, isList } = out);
      if (j + 1 >= len || fmt[j + 1] !== ')') {
        throw new OutputTemplateError(`missing closing transformer parenthesis: ${fmt.slice(j)}`);
      }
      j++;
    }

    tokens.push({
      kind: 'field',
      name: field.text,
      raw: fmt.slice(tokenStart, j + 1),
      field,
      transformers,
      type,
      isList,
      width,
    });
    literalStart = j + 1;
  }
  if (literalStart < len) tokens.push({ kind: 'text', text: fmt.slice(literalStart) });
  return { tokens, requireAllValues };
}

/** Fields whose presence in a rule output makes Falco 0.44 warn (it searches the raw text). */
export const DEPRECATED_OUTPUT_FIELDS: readonly string[] = ['evt.dir'];

/** Falco's deprecation warnings for a rule output, one per deprecated field found in its text. */
export function deprecatedOutputFieldWarnings(output: string): string[] {
  return DEPRECATED_OUTPUT_FIELDS.filter((f) => output.includes(f)).map(
    (f) => `usage of deprecated field '${f}' has been detected in the rule output`,
  );
}
