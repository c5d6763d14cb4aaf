// `--list`: the fields rules can use, grouped by field class, in libs' listing format (class
// header, description and event sources, then one line per field with its tags, wrapped at 120
// columns; `-v` adds the type, `-N` prints names only, `--markdown` prints tables). Deprecated,
// table-only and print-only fields are left out, as Falco does.
import { defaultRegistry, FIELD_CLASSES, typeName, type FieldDef, type FieldGroup, type FieldRegistry } from '../../fields/index.js';

const RIGHT_BLOCK = 30;
const WIDTH = 120;

interface FieldClass {
  name: string;
  shortdesc: string;
  desc: string;
}

/** libs' listing order of the registry groups (plugin classes last). */
const GROUP_ORDER: readonly FieldGroup[] = ['gen_event', 'event', 'thread', 'user', 'group', 'fd', 'fspath', 'utils', 'fdlist', 'container'];

/** libs' short labels, shown after the class name; they tell the two "evt" classes apart. */
const SHORT_LABELS: Partial<Record<FieldGroup, string>> = {
  gen_event: 'All event types',
  event: 'Syscall events only',
  fd: 'File Descriptor',
};

function fieldClass(group: FieldGroup): FieldClass {
  const info = FIELD_CLASSES[group];
  return { name: info.name, shortdesc: SHORT_LABELS[group] ?? '', desc: `${info.summary}.` };
}

const SOURCES = ['syscall'];

export function isKnownSource(source: string): boolean {
  return SOURCES.includes(source);
}

/** The tags libs shows in front of a field description, in std::set (sorted) order. */
function fieldTags(def: FieldDef): string[] {
  const tags = new Set<string>();
  const has = (f: string): boolean => (def.flags as readonly string[]).includes(f);
  if (has('EPF_FILTER_ONLY')) tags.add('FILTER_ONLY');
  if (has('EPF_TABLE_ONLY')) tags.add('EPF_TABLE_ONLY');
  if (has('EPF_DEPRECATED')) tags.add('EPF_DEPRECATED');
  if (has('EPF_NO_RHS')) tags.add('EPF_NO_RHS');
  if (has('EPF_NO_TRANSFORMER')) tags.add('EPF_NO_TRANSFORMER');
  if (has('EPF_ARG_REQUIRED')) tags.add('ARG_REQUIRED');
  else if (has('EPF_ARG_ALLOWED')) tags.add('ARG_ALLOWED');
  if (has('EPF_IS_LIST')) tags.add('EPF_IS_LIST');
  return [...tags].sort();
}

const listed = (def: FieldDef): boolean => !def.flags.includes('EPF_PRINT_ONLY');
const skipped = (def: FieldDef): boolean => def.flags.includes('EPF_TABLE_ONLY');
const deprecated = (def: FieldDef): boolean => def.flags.includes('EPF_DEPRECATED');

/** libs' wrapstring: words with trailing spaces, continuation lines indented to the right block. */
function wrapString(text: string): string {
  let out = '';
  let len = 0;
  for (const word of text.split(/[ \t\n\v\f\r]+/).filter((w) => w !== '')) {
    const wordLen = word.length + 1;
    if (len + wordLen <= WIDTH - RIGHT_BLOCK) {
      len += wordLen;
    } else {
      out += '\n' + ' '.repeat(RIGHT_BLOCK);
      len = wordLen;
    }
    out += `${word} `;
  }
  return out;
}

function classAsString(cls: FieldClass, fields: readonly FieldDef[], verbose: boolean): string {
  let out = '-------------------------------\n';
  out += 'Field Class:'.padEnd(RIGHT_BLOCK) + cls.name + (cls.shortdesc !== '' ? ` (${cls.shortdesc})` : '') + '\n';
  if (cls.desc !== '') out += 'Description:'.padEnd(RIGHT_BLOCK) + wrapString(cls.desc) + '\n';
  out += 'Event Sources:'.padEnd(RIGHT_BLOCK) + SOURCES.map((s) => `${s} `).join('') + '\n';
  out += '\n';
  let shown = 0;
  for (const f of fields) {
    if (skipped(f) || deprecated(f)) continue;
    shown++;
    out += f.name.length > RIGHT_BLOCK ? `${f.name}\n${' '.repeat(RIGHT_BLOCK)}` : f.name.padEnd(RIGHT_BLOCK);
    let desc = f.description;
    const tags = fieldTags(f);
    if (tags.length > 0) desc = `(${tags.join(',')}) ${desc}`;
    if (verbose) desc = `(Type: ${typeName(f.type)}) ${desc}`;
    out += wrapString(desc) + '\n';
  }
  return shown === 0 ? '' : out;
}

function classAsMarkdown(cls: FieldClass, fields: readonly FieldDef[]): string {
  let out = `## Field Class: ${cls.name}\n\n`;
  if (cls.desc !== '') out += `${cls.desc}\n\n`;
  out += `Event Sources: ${SOURCES.map((s) => `${s} `).join('')}\n\n`;
  out += 'Name | Type | Description\n:----|:-----|:-----------\n';
  let shown = 0;
  for (const f of fields) {
    if (skipped(f) || deprecated(f)) continue;
    shown++;
    const type = f.flags.includes('EPF_IS_LIST') ? `LIST(${typeName(f.type)})` : typeName(f.type);
    out += `\`${f.name}\` | ${type} | ${f.description}\n`;
  }
  return shown === 0 ? '' : out;
}

export interface ListFieldsOptions {
  /** '' for every source, else one source name. */
  source: string;
  verbose: boolean;
  namesOnly: boolean;
  markdown: boolean;
  registry?: FieldRegistry;
}

export function listFields(opts: ListFieldsOptions): string {
  const registry = opts.registry ?? defaultRegistry;
  const byGroup = new Map<FieldGroup, FieldDef[]>();
  for (const def of registry.fields()) {
    if (!listed(def)) continue;
    const list = byGroup.get(def.group) ?? [];
    list.push(def);
    byGroup.set(def.group, list);
  }
  let out = '';
  for (const group of GROUP_ORDER) {
    const fields = byGroup.get(group);
    if (!fields) continue;
    const cls = fieldClass(group);
    if (opts.namesOnly) {
      for (const f of fields) if (!skipped(f) && !deprecated(f)) out += `${f.name}\n`;
    } else if (opts.markdown) {
      out += `${classAsMarkdown(cls, fields)}\n`;
    } else {
      out += `${classAsString(cls, fields, opts.verbose)}\n`;
    }
  }
  return out;
}
