// Reads the `append_output` key: a list of entries, each with an optional `match` (rule, source,
// tags) and `extra_output` text, `extra_fields` and/or `suggested_output: true`.
import { toBool, toStringList, toText } from './scalars.js';
import type { ConfigNode } from './tree.js';

export interface AppendOutputConfig {
  match: { rule: string; source: string; tags: string[] };
  extraOutput: string;
  /** A plain field name `f` becomes `{ name: f, format: '%f' }`. */
  extraFields: { name: string; format: string }[];
  suggestedOutput: boolean;
}

const isMap = (n: ConfigNode | undefined): n is { [key: string]: ConfigNode } =>
  n !== null && n !== undefined && typeof n === 'object' && !Array.isArray(n);

function readExtraFields(node: ConfigNode | undefined): AppendOutputConfig['extraFields'] | string {
  if (node === undefined || node === null) return [];
  if (!Array.isArray(node)) return "'extra_fields' must be a list";
  const out: AppendOutputConfig['extraFields'] = [];
  for (const item of node) {
    if (typeof item === 'string') {
      if (item !== '') out.push({ name: item, format: `%${item}` });
    } else if (isMap(item) && Object.keys(item).length === 1) {
      const [name, value] = Object.entries(item)[0]!;
      const format = toText(value);
      if (format === undefined) return `'extra_fields' entry '${name}' must map to a format string`;
      out.push({ name, format });
    } else {
      return "'extra_fields' entries must be a field name or a single {name: format} map";
    }
  }
  return out;
}

/** The entries in order, or the reason the key cannot be read. */
export function readAppendOutput(node: ConfigNode | undefined): AppendOutputConfig[] | string {
  if (node === undefined || node === null) return [];
  const items = Array.isArray(node) ? node : [node];
  const out: AppendOutputConfig[] = [];
  for (const [i, item] of items.entries()) {
    if (!isMap(item)) return `entry #${i} must be a map`;
    const match = item['match'];
    if (match !== undefined && match !== null && !isMap(match)) return `entry #${i}: 'match' must be a map`;
    const m = isMap(match) ? match : {};
    const rule = m['rule'] === undefined ? '' : toText(m['rule']);
    const source = m['source'] === undefined ? '' : toText(m['source']);
    const tags = m['tags'] === undefined ? [] : toStringList(m['tags']);
    if (rule === undefined || source === undefined || tags === undefined) return `entry #${i}: invalid 'match'`;
    const extraOutput = item['extra_output'] === undefined ? '' : toText(item['extra_output']);
    if (extraOutput === undefined) return `entry #${i}: 'extra_output' must be a string`;
    const suggestedOutput = item['suggested_output'] === undefined ? false : toBool(item['suggested_output']);
    if (suggestedOutput === undefined) return `entry #${i}: 'suggested_output' must be a boolean`;
    const extraFields = readExtraFields(item['extra_fields']);
    if (typeof extraFields === 'string') return `entry #${i}: ${extraFields}`;
    out.push({ match: { rule, source, tags: [...new Set(tags)].sort() }, extraOutput, extraFields, suggestedOutput });
  }
  return out;
}
