// The field registry: resolves field references the way libs' filter_check_list does. Field
// classes are tried in order; in the first class that knows a prefix of the text, the longest
// matching field wins and then parses its own argument. A reference resolves only when the whole
// text was consumed (libs' exact check); output templates use the non-exact form.
import { isKnownEventType } from '../events/event_types.js';
import { EVENT_PARAM_TYPES, longestMatchingParam } from './event_params.js';
import { SYSCALL_FIELDS } from './syscall_fields.js';
import type { FieldArgument, FieldDef, FieldGroup, FieldType, ResolvedField } from './types.js';
import { hasFlag } from './types.js';
import { parseLibsInteger, ValueParseError } from './values.js';

/** A field reference libs would reject while parsing it (bad argument syntax and the like). */
export class FieldLookupError extends Error {}

/** Message libs gives for a name no field class accepts. */
export function nonexistentFieldMessage(text: string): string {
  return `filter_check called with nonexistent field ${text}`;
}

// Test mock classes go first, as in libs' compiler tests; then libs' own order.
const GROUP_ORDER: readonly FieldGroup[] = [
  'mock', 'gen_event', 'event', 'thread', 'user', 'group', 'fd', 'fspath', 'utils', 'fdlist', 'container',
];

interface ArgParse {
  consumed: number;
  argument?: FieldArgument;
  type?: FieldType;
}

export class FieldRegistry {
  private readonly all: FieldDef[] = [];
  private readonly byName = new Map<string, FieldDef>();
  /**
   * Per group, the fields by class (the name up to its first '.'), longest name first: match()
   * looks only at the text's class (the loader asks it of every literal and field of every rule;
   * scanning the whole table each time was 15% of a load).
   */
  private readonly byGroupClass = new Map<FieldGroup, Map<string, FieldDef[]>>();

  constructor(defs: readonly FieldDef[] = []) {
    for (const def of defs) this.add(def);
  }

  /** Adds a field (tests add mock fields such as c.true / c.false). */
  add(def: FieldDef): void {
    if (this.byName.has(def.name)) throw new Error(`field ${def.name} is already registered`);
    this.all.push(def);
    this.byName.set(def.name, def);
    const classes = this.byGroupClass.get(def.group) ?? new Map<string, FieldDef[]>();
    this.byGroupClass.set(def.group, classes);
    const cls = fieldClass(def.name);
    const sameClass = classes.get(cls) ?? [];
    sameClass.push(def);
    sameClass.sort((a, b) => b.name.length - a.name.length);
    classes.set(cls, sameClass);
  }

  /** The table entry with exactly this name (no argument parsing). */
  get(name: string): FieldDef | undefined {
    return this.byName.get(name);
  }

  /** Every field, in table order (for `saker --list`). */
  fields(): readonly FieldDef[] {
    return this.all;
  }

  /**
   * Resolves a whole field reference such as `proc.name`, `proc.aname[2]`, `evt.arg.flags`.
   * Throws FieldLookupError with the libs message when it does not resolve.
   */
  resolve(text: string): ResolvedField {
    const found = this.match(text);
    if (found === undefined || found.text.length !== text.length) {
      throw new FieldLookupError(nonexistentFieldMessage(text));
    }
    return found;
  }

  /** Like resolve(), but undefined instead of an error. (The loader asks this of every literal, to
   * warn about values that look like fields: most are not, so the miss must not cost an Error.) */
  lookup(text: string): ResolvedField | undefined {
    if (!text.includes('.')) return undefined; // every field name is class.field
    try {
      const found = this.match(text);
      return found !== undefined && found.text.length === text.length ? found : undefined;
    } catch (e) {
      if (e instanceof FieldLookupError) return undefined;
      throw e;
    }
  }

  /**
   * The field reference at the start of `text` (output templates: `%proc.name)` reads proc.name).
   * Undefined when no class knows a prefix; throws FieldLookupError on a malformed argument.
   */
  matchPrefix(text: string): ResolvedField | undefined {
    return this.match(text);
  }

  private match(text: string): ResolvedField | undefined {
    for (const group of GROUP_ORDER) {
      const defs = this.byGroupClass.get(group)?.get(fieldClass(text));
      if (defs === undefined) continue;
      // the group's longest field name that starts the text
      const best = defs.find((def) => text.startsWith(def.name));
      if (best === undefined) continue;
      const parsed = group === 'container' ? parsePluginArgument(best, text) : parseArgument(best, text);
      // a plugin class refuses a prefix match followed by a bracket elsewhere: try the next class
      if (parsed === undefined) continue;
      const resolved: ResolvedField = {
        def: best,
        text: text.slice(0, parsed.consumed),
        type: parsed.type ?? best.type,
        isList: hasFlag(best, 'EPF_IS_LIST'),
        ...(parsed.argument !== undefined ? { argument: parsed.argument } : {}),
      };
      return resolved;
    }
    return undefined;
  }
}

/** `proc` of `proc.aname[2]`: every field name is class.field. */
function fieldClass(text: string): string {
  const dot = text.indexOf('.');
  return dot < 0 ? text : text.slice(0, dot);
}

function syntaxError(text: string): FieldLookupError {
  return new FieldLookupError(`filter syntax error: ${text}`);
}

function parseNumber(text: string, signed32: boolean): number {
  try {
    const n = parseLibsInteger(text);
    return signed32 ? Number(BigInt.asIntN(32, n)) : Number(n);
  } catch (e) {
    if (e instanceof ValueParseError) throw new FieldLookupError(e.message);
    throw e;
  }
}

/** The text between `[` at `open` and the first `]`, or undefined when there is no `]`. */
function bracketed(text: string, open: number): { inner: string; end: number } | undefined {
  const close = text.indexOf(']', open);
  if (close < 0) return undefined;
  return { inner: text.slice(open + 1, close), end: close + 1 };
}

function parseArgument(def: FieldDef, text: string): ArgParse {
  const start = def.name.length;
  const next = text[start];
  switch (def.arg) {
    case undefined:
      return { consumed: start };
    case 'evt_arg':
    case 'evt_rawarg': {
      if (next === '[') {
        if (def.arg === 'evt_rawarg') throw new FieldLookupError('evt.arg fields must be expressed explicitly');
        const b = bracketed(text, start);
        if (b === undefined) return { consumed: 0 };
        return { consumed: b.end, argument: { kind: 'index', index: parseNumber(b.inner, true) } };
      }
      if (next === '.') {
        const rest = text.slice(start + 1);
        const param = longestMatchingParam(rest);
        if (param === undefined) throw new FieldLookupError(`unknown event argument ${rest}`);
        const result: ArgParse = { consumed: start + 1 + param.length, argument: { kind: 'param', name: param } };
        if (def.arg === 'evt_rawarg') result.type = EVENT_PARAM_TYPES.get(param)!;
        return result;
      }
      throw syntaxError(text);
    }
    case 'evt_around': {
      if (next === '[') {
        const b = bracketed(text, start);
        if (b === undefined) return { consumed: 0 };
        return { consumed: b.end, argument: { kind: 'index', index: parseNumber(b.inner, false) } };
      }
      if (next === '.') throw new FieldLookupError('wrong syntax for evt.around');
      throw syntaxError(text);
    }
    case 'evt_type_is': {
      if (next !== '.') throw syntaxError(text);
      const rest = text.slice(start + 1);
      if (/^[0-9]+$/.test(rest) || isKnownEventType(rest)) {
        return { consumed: text.length, argument: { kind: 'key', key: rest } };
      }
      return { consumed: 0 };
    }
    case 'evt_abspath': {
      for (const end of ['.src', '.dst']) {
        if (text.startsWith(end, start)) return { consumed: start + end.length, argument: { kind: 'key', key: end.slice(1) } };
      }
      return { consumed: start };
    }
    case 'dot_or_cgroup': {
      // thread.cgroup.NAME: the name runs over letters and underscores only
      if (next !== '.') throw syntaxError(text);
      const name = /^[A-Za-z_]*/.exec(text.slice(start + 1))![0];
      return { consumed: start + 1 + name.length, argument: { kind: 'key', key: name } };
    }
    case 'index': {
      // libs swallows any argument error of these fields: the name is then left unresolved
      // (consumed 0), unless the text is the bare field name
      if (next !== '[') return { consumed: text === def.name ? start : 0 };
      const b = bracketed(text, start);
      if (b === undefined || !/^[ \t\n\v\f\r]*[+-]?[0-9]+$/.test(b.inner)) return { consumed: 0 };
      return { consumed: b.end, argument: { kind: 'index', index: parseNumber(b.inner, true) } };
    }
    case 'key': {
      if (next !== '[') return { consumed: text === def.name ? start : 0 };
      const b = bracketed(text, start);
      if (b === undefined) return { consumed: 0 };
      if (/^[0-9]+$/.test(b.inner)) return { consumed: b.end, argument: { kind: 'index', index: parseNumber(b.inner, true) } };
      return { consumed: b.end, argument: { kind: 'key', key: b.inner } };
    }
    case 'plugin_key':
    case 'plugin_index_or_key':
      // plugin fields are parsed by parsePluginArgument
      return { consumed: start };
  }
}

/** libs' sinsp_filter_check_plugin::parse_field_name, for the container plugin's fields. */
function parsePluginArgument(def: FieldDef, text: string): ArgParse | undefined {
  const name = def.name;
  const space = text.indexOf(' ');
  const val = (space < 0 ? text : text.slice(0, space)).trim();
  const argPos = val.indexOf('[');
  if (argPos < 0) {
    if (hasFlag(def, 'EPF_ARG_REQUIRED')) {
      throw new FieldLookupError(`filter '${text}': ${name} requires an argument but none provided`);
    }
    return { consumed: name.length };
  }
  if (argPos !== name.length) return undefined;
  if (argPos + 1 >= val.length) {
    throw new FieldLookupError(`filter '${text}': ${name} terminates with incomplete argument brackets`);
  }
  const afterBracket = val.slice(argPos + 1);
  const close = afterBracket.indexOf(']');
  if (close < 0) throw new FieldLookupError(`filter '${text}': ${name} has unbalanced argument brackets`);
  const arg = afterBracket.slice(0, close);
  if (!hasFlag(def, 'EPF_ARG_ALLOWED') && !hasFlag(def, 'EPF_ARG_REQUIRED')) {
    throw new FieldLookupError(`filter '${text}': ${name} does not allow nor require an argument but one is provided: ${arg}`);
  }
  const consumed = argPos + close + 2;
  const isIndex = arg.length > 0 && /^[0-9]+$/.test(arg) && !(arg.length > 1 && arg.startsWith('0'));
  if (hasFlag(def, 'EPF_ARG_INDEX') && !hasFlag(def, 'EPF_ARG_KEY') && !isIndex) {
    const why = arg.length === 0 || arg.startsWith('0')
      ? 'has an invalid index argument starting with 0: '
      : 'has an invalid index argument not composed only by digits: ';
    throw new FieldLookupError(`filter ${text} ${name} ${why}${arg}`);
  }
  // fields taking either form read an all-digit argument as an index
  if (hasFlag(def, 'EPF_ARG_INDEX') && isIndex) return { consumed, argument: { kind: 'index', index: Number(arg) } };
  return { consumed, argument: { kind: 'key', key: arg } };
}

/** The registry of the `syscall` source: libs fields plus the container plugin's. */
export const defaultRegistry: FieldRegistry = new FieldRegistry(SYSCALL_FIELDS);
