// Reads one rules file's YAML into the collector with Falco's reader semantics
// (rule_loader_reader.cpp): item kinds, required keys, value decoding, append/override
// handling and exceptions, each failure with Falco's message and location chain.
import { MSG } from './codes.js';
import { LoadContext } from './context.js';
import type { RuleCollector } from './collector.js';
import {
  emptyEntry,
  sortedSet,
  type ExceptionEntry,
  type ExceptionInfo,
  type PluginRequirementAlternatives,
  type RuleInfo,
  type RuleUpdateInfo,
} from './infos.js';
import { FileLoadResult, RuleLoadError } from './result.js';
import { lookup, mapKeys, readYamlDocuments, type YMap, type YNode } from './yaml-doc.js';
import { parsePriority, parseSemver, parseUint32, parseUint64, parseYamlBool, type PriorityName, type SemVer } from './versions.js';

const SYSCALL_SOURCE = 'syscall';

const IDENTIFIER_RE = /^[a-zA-Z]+[a-zA-Z0-9_]*$/;
// POSIX [:space:] is space, \t, \n, \v, \f, \r.
const BARESTR_RE = /^[^()"'\t\n\v\f\r =,]+$/;

const RULE_APPENDABLE = ['condition', 'output', 'desc', 'tags', 'exceptions'];
const RULE_REPLACEABLE = [
  'condition', 'output', 'desc', 'priority', 'tags', 'exceptions', 'enabled', 'warn_evttypes',
  'skip-if-unknown-filter', 'capture', 'capture_duration', 'capture_events', 'capture_filesize',
];

// Keys each item kind understands; anything else gets LOAD_UNKNOWN_KEY.
const KNOWN_KEYS: Record<'list' | 'macro' | 'rule', ReadonlySet<string>> = {
  list: new Set(['list', 'items', 'append', 'override']),
  macro: new Set(['macro', 'condition', 'append', 'override']),
  rule: new Set([
    'rule', 'desc', 'condition', 'output', 'priority', 'source', 'enabled', 'tags', 'exceptions',
    'append', 'override', 'warn_evttypes', 'skip-if-unknown-filter', 'capture', 'capture_duration',
    'capture_events', 'capture_filesize',
  ]),
};

function invalid(message: string, ctx: LoadContext): never {
  throw new RuleLoadError('LOAD_ERR_YAML_VALIDATE', message, ctx);
}

/** Falco's implicit engine version for an integer `required_engine_version: N`: 0.N.0. */
function implicitEngineVersion(n: number): SemVer {
  return { major: 0, minor: n, patch: 0 };
}

/** Strips the whitespace Falco's trim() removes from both ends. */
function trim(s: string): string {
  return s.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '');
}

type Decoder<T> = (text: string) => T | undefined;
const asString: Decoder<string> = (t) => t;
const asBool: Decoder<boolean> = parseYamlBool;
const asUint32: Decoder<number> = parseUint32;
const asUint64: Decoder<number> = parseUint64;

/** decode_val / decode_optional_val: a non-empty scalar under `key`, converted. */
function decodeValue<T>(item: YNode, key: string, decode: Decoder<T>, ctx: LoadContext, optional: true): T | undefined;
function decodeValue<T>(item: YNode, key: string, decode: Decoder<T>, ctx: LoadContext, optional?: false): T;
function decodeValue<T>(item: YNode, key: string, decode: Decoder<T>, ctx: LoadContext, optional = false): T | undefined {
  const val = lookup(item, key);
  if (val === undefined) {
    if (optional) return undefined;
    invalid(`Item has no mapping for key '${key}'`, ctx);
  }
  if (val.kind === 'null') invalid(`Mapping for key '${key}' is empty`, ctx);
  const valCtx = ctx.child(val.mark, 'value for', key);
  if (val.kind !== 'scalar') invalid('Value is not a scalar value', valCtx);
  if (val.value === '') invalid('Value must be non-empty', valCtx);
  const out = decode(val.value);
  if (out === undefined) invalid("Can't decode YAML scalar value", valCtx);
  return out;
}

/** decode_seq: a sequence of scalars under `key`. */
function decodeSequence(item: YNode, key: string, ctx: LoadContext, optional: boolean): string[] | undefined {
  const val = lookup(item, key);
  if (val === undefined) {
    if (optional) return undefined;
    invalid(`Item has no mapping for key '${key}'`, ctx);
  }
  const valCtx = ctx.child(val.mark, 'value for', key);
  if (val.kind !== 'seq') invalid('Value is not a sequence', valCtx);
  return val.items.map((v) => {
    const itemCtx = valCtx.child(v.mark, 'list item', '');
    if (v.kind !== 'scalar') invalid('sequence value is not scalar', itemCtx);
    return v.value;
  });
}

export interface ReadOptions {
  collector: RuleCollector;
  result: FileLoadResult;
}

/** Reads a rules file into the collector. Returns false (with the error recorded) on the first error. */
export function readRulesContent(name: string, content: string, { collector, result }: ReadOptions): boolean {
  const root = LoadContext.root(name);
  const parsed = readYamlDocuments(content);
  if (!parsed.ok) {
    result.addError('LOAD_ERR_YAML_PARSE', parsed.error.message, root.child(parsed.error.mark, 'value for', ''));
    return false;
  }
  const reader = new ItemReader(collector, result);
  for (const doc of parsed.documents) {
    if (doc === undefined || doc.kind === 'null') continue;
    try {
      if (doc.kind !== 'map' && doc.kind !== 'seq') invalid('Rules content is not yaml', root);
      if (doc.kind !== 'seq') invalid('Rules content is not yaml array of objects', root);
      for (const item of doc.items) if (item.kind !== 'null') reader.readItem(item, root);
    } catch (e) {
      if (e instanceof RuleLoadError) {
        result.addError(e.code, e.message, e.context);
      } else {
        result.addError('LOAD_ERR_VALIDATE', e instanceof Error ? e.message : 'unknown validation error', root);
      }
      // Falco stops a file at its first error, even with more documents to read.
      return false;
    }
  }
  return true;
}

class ItemReader {
  constructor(
    private readonly collector: RuleCollector,
    private readonly result: FileLoadResult,
  ) {}

  readItem(item: YNode, parent: LoadContext): void {
    if (item.kind !== 'map') {
      invalid('Unexpected element type. Each element should be a yaml associative array.', parent.child(item.mark, 'rules content item', ''));
    }
    if (lookup(item, 'required_engine_version') !== undefined) this.readEngineVersion(item, parent);
    else if (lookup(item, 'required_plugin_versions') !== undefined) this.readPluginVersions(item, parent);
    else if (lookup(item, 'list') !== undefined) this.readList(item, parent);
    else if (lookup(item, 'macro') !== undefined) this.readMacro(item, parent);
    else if (lookup(item, 'rule') !== undefined) this.readRule(item, parent);
    else {
      this.result.addWarning('LOAD_UNKNOWN_ITEM', 'Unknown top level item', parent.child(item.mark, 'rules content item', ''));
    }
  }

  private readEngineVersion(item: YMap, parent: LoadContext): void {
    const ctx = parent.child(item.mark, 'required_engine_version', '');
    let version: SemVer;
    try {
      version = implicitEngineVersion(decodeValue(item, 'required_engine_version', asUint32, ctx));
    } catch {
      const text = decodeValue(item, 'required_engine_version', asString, ctx);
      const parsed = parseSemver(text);
      if (!parsed) invalid(`Unable to parse engine version '${text}' as a semver string. Expected "x.y.z" semver format.`, ctx);
      version = parsed;
    }
    this.collector.defineEngineVersion(version, ctx);
  }

  private readPluginVersions(item: YMap, parent: LoadContext): void {
    const reqs = lookup(item, 'required_plugin_versions')!;
    const ctx = parent.child(reqs.mark, 'required plugin versions', '');
    if (reqs.kind !== 'seq') invalid('Value of required_plugin_versions must be a sequence', ctx);
    for (const plugin of reqs.items) {
      const tmp = ctx.child(plugin.mark, 'required plugin versions entry', '');
      if (plugin.kind !== 'map') invalid('Plugin version must be a mapping', tmp);
      const name = decodeValue(plugin, 'name', asString, tmp);
      const pctx = ctx.child(plugin.mark, 'required plugin versions entry', name);
      const version = decodeValue(plugin, 'version', asString, pctx);
      const alternatives: PluginRequirementAlternatives = [{ name, version }];
      const alts = lookup(plugin, 'alternatives');
      if (alts !== undefined) {
        if (alts.kind !== 'seq') invalid('Value of plugin version alternatives must be a sequence', pctx);
        for (const req of alts.items) {
          const atmp = pctx.child(req.mark, 'required plugin versions alternative', '');
          if (req.kind !== 'map') invalid('Plugin version alternative must be a mapping', atmp);
          const altName = decodeValue(req, 'name', asString, atmp);
          const actx = pctx.child(req.mark, 'required plugin versions alternative', altName);
          alternatives.push({ name: altName, version: decodeValue(req, 'version', asString, actx) });
        }
      }
      this.collector.definePluginVersions(alternatives, pctx);
    }
  }

  private warnUnknownKeys(item: YMap, kind: 'list' | 'macro' | 'rule', ctx: LoadContext): void {
    for (const { key, node } of mapKeys(item)) {
      if (!KNOWN_KEYS[kind].has(key)) {
        this.result.addWarning('LOAD_UNKNOWN_KEY', `Unknown key '${key}'`, ctx.child(node.mark, 'value for', key));
      }
    }
  }

  private readAppendFlag(item: YMap, ctx: LoadContext): boolean {
    const append = decodeValue(item, 'append', asBool, ctx, true) ?? false;
    if (append) this.result.addWarning('LOAD_DEPRECATED_ITEM', MSG.warningAppend, ctx);
    return append;
  }

  private readList(item: YMap, parent: LoadContext): void {
    const name = decodeValue(item, 'list', asString, parent.child(item.mark, 'list', ''));
    const ctx = parent.child(item.mark, 'list', name);
    if (!BARESTR_RE.test(name)) {
      this.result.addWarning(
        'LOAD_INVALID_LIST_NAME',
        `List has an invalid name. List names should match a regular expression: ${MSG.rgxBarestr}`,
        ctx,
      );
    }
    this.warnUnknownKeys(item, 'list', ctx);
    const items = decodeSequence(item, 'items', ctx, false)!;
    let append = this.readAppendFlag(item, ctx);
    const { append: ovAppend, replace: ovReplace } = readOverrides(item, ['items'], ['items'], ctx);
    if (append && (ovAppend.size > 0 || ovReplace.size > 0)) invalid(MSG.errorOverrideAppend, ctx);
    append ||= ovAppend.has('items');
    const info = { ctx, index: 0, visibility: 0, name, items };
    if (append) this.collector.appendList(info);
    else this.collector.defineList(info);
  }

  private readMacro(item: YMap, parent: LoadContext): void {
    const name = decodeValue(item, 'macro', asString, parent.child(item.mark, 'macro', ''));
    const ctx = parent.child(item.mark, 'macro', name);
    if (!IDENTIFIER_RE.test(name)) {
      this.result.addWarning(
        'LOAD_INVALID_MACRO_NAME',
        `Macro has an invalid name. Macro names should match a regular expression: ${MSG.rgxIdentifier}`,
        ctx,
      );
    }
    this.warnUnknownKeys(item, 'macro', ctx);
    const cond = decodeValue(item, 'condition', asString, ctx);
    const condCtx = ctx.child(lookup(item, 'condition')!.mark, 'macro condition', '');
    let append = this.readAppendFlag(item, ctx);
    const { append: ovAppend, replace: ovReplace } = readOverrides(item, ['condition'], ['condition'], ctx);
    if (append && (ovAppend.size > 0 || ovReplace.size > 0)) invalid(MSG.errorOverrideAppend, ctx);
    append ||= ovAppend.has('condition');
    const info = { ctx, condCtx, index: 0, visibility: 0, name, cond };
    if (append) this.collector.appendMacro(info);
    else this.collector.defineMacro(info);
  }

  private readRule(item: YMap, parent: LoadContext): void {
    const name = decodeValue(item, 'rule', asString, parent.child(item.mark, 'rule', ''));
    const ctx = parent.child(item.mark, 'rule', name);
    this.warnUnknownKeys(item, 'rule', ctx);
    const hasAppendFlag = this.readAppendFlag(item, ctx);
    const overrides = readOverrides(item, RULE_APPENDABLE, RULE_REPLACEABLE, ctx);
    const hasOverrides = overrides.append.size > 0 || overrides.replace.size > 0;
    if (hasAppendFlag && hasOverrides) invalid(MSG.errorOverrideAppend, ctx);

    if (hasOverrides) {
      this.readRuleOverrides(item, name, ctx, overrides);
    } else if (hasAppendFlag) {
      const update: RuleUpdateInfo = { ctx, name };
      if (lookup(item, 'condition') !== undefined) update.cond = decodeValue(item, 'condition', asString, ctx);
      if (lookup(item, 'exceptions') !== undefined) update.exceptions = this.readExceptions(item, ctx, true);
      this.collector.appendRule(update);
    } else {
      this.readRuleDefinition(item, name, ctx);
    }
  }

  private readRuleOverrides(item: YMap, name: string, ctx: LoadContext, ov: { append: Set<string>; replace: Set<string> }): void {
    // Keys the item defines that an override could apply to; each must be claimed by one.
    const expected = new Set([...RULE_APPENDABLE, ...RULE_REPLACEABLE].filter((k) => lookup(item, k) !== undefined));
    const claim = (set: Set<string>, kind: 'append' | 'replace', key: string): boolean => {
      if (!set.has(key)) return false;
      if (!expected.has(key)) invalid(`An ${kind} override for '${key}' was specified but '${key}' is not defined`, ctx);
      expected.delete(key);
      return true;
    };
    if (ov.append.size > 0) {
      const update: RuleUpdateInfo = { ctx, name };
      if (claim(ov.append, 'append', 'condition')) update.cond = decodeValue(item, 'condition', asString, ctx);
      if (claim(ov.append, 'append', 'exceptions')) update.exceptions = this.readExceptions(item, ctx, true);
      if (claim(ov.append, 'append', 'output')) update.output = decodeValue(item, 'output', asString, ctx);
      if (claim(ov.append, 'append', 'desc')) update.desc = decodeValue(item, 'desc', asString, ctx);
      if (claim(ov.append, 'append', 'tags')) update.tags = sortedSet(decodeSequence(item, 'tags', ctx, true) ?? []);
      this.collector.appendRule(update);
    }
    if (ov.replace.size > 0) {
      const update: RuleUpdateInfo = { ctx, name };
      if (claim(ov.replace, 'replace', 'condition')) update.cond = decodeValue(item, 'condition', asString, ctx);
      if (claim(ov.replace, 'replace', 'exceptions')) update.exceptions = this.readExceptions(item, ctx, true);
      if (claim(ov.replace, 'replace', 'output')) update.output = decodeValue(item, 'output', asString, ctx);
      if (claim(ov.replace, 'replace', 'desc')) update.desc = decodeValue(item, 'desc', asString, ctx);
      if (claim(ov.replace, 'replace', 'tags')) update.tags = sortedSet(decodeSequence(item, 'tags', ctx, true) ?? []);
      if (claim(ov.replace, 'replace', 'priority')) update.priority = this.readPriority(item, ctx);
      if (claim(ov.replace, 'replace', 'enabled')) update.enabled = decodeValue(item, 'enabled', asBool, ctx);
      if (claim(ov.replace, 'replace', 'warn_evttypes')) update.warnEvttypes = decodeValue(item, 'warn_evttypes', asBool, ctx);
      if (claim(ov.replace, 'replace', 'skip-if-unknown-filter')) {
        update.skipIfUnknownFilter = decodeValue(item, 'skip-if-unknown-filter', asBool, ctx);
      }
      if (claim(ov.replace, 'replace', 'capture')) update.capture = decodeValue(item, 'capture', asBool, ctx);
      if (claim(ov.replace, 'replace', 'capture_duration')) update.captureDuration = decodeValue(item, 'capture_duration', asUint64, ctx);
      if (claim(ov.replace, 'replace', 'capture_events')) update.captureEvents = decodeValue(item, 'capture_events', asUint64, ctx);
      if (claim(ov.replace, 'replace', 'capture_filesize')) update.captureFilesize = decodeValue(item, 'capture_filesize', asUint64, ctx);
      this.collector.replaceRule(update);
    }
    for (const key of expected) {
      const keyCtx = ctx.child(lookup(item, key)!.mark, 'overrides', key);
      invalid(`Unexpected key '${key}': no corresponding entry under 'override' is defined.`, keyCtx);
    }
  }

  private readPriority(item: YMap, ctx: LoadContext): PriorityName {
    const text = decodeValue(item, 'priority', asString, ctx);
    const prioCtx = ctx.child(lookup(item, 'priority')!.mark, 'rule priority', '');
    const priority = parsePriority(text);
    if (!priority) invalid('Invalid priority', prioCtx);
    return priority;
  }

  private readRuleDefinition(item: YMap, name: string, ctx: LoadContext): void {
    const defines = (k: string): boolean => lookup(item, k) !== undefined;
    // Without condition/output/desc/priority the item only toggles an earlier rule.
    if (!defines('condition') && !defines('output') && !defines('desc') && !defines('priority')) {
      const enabled = decodeValue(item, 'enabled', asBool, ctx);
      this.result.addWarning('LOAD_DEPRECATED_ITEM', MSG.warningEnabled, ctx);
      this.collector.enableRule(name, enabled, ctx);
      return;
    }
    const cond = decodeValue(item, 'condition', asString, ctx);
    const condCtx = ctx.child(lookup(item, 'condition')!.mark, 'rule condition', '');
    const output = decodeValue(item, 'output', asString, ctx);
    const outputCtx = ctx.child(lookup(item, 'output')!.mark, 'rule output', '');
    const desc = decodeValue(item, 'desc', asString, ctx);
    const priority = this.readPriority(item, ctx);
    const rule: RuleInfo = {
      ctx,
      condCtx,
      outputCtx,
      index: 0,
      visibility: 0,
      unknownSource: false,
      name,
      cond,
      output: trim(output),
      desc,
      priority,
      source: decodeValue(item, 'source', asString, ctx, true) ?? SYSCALL_SOURCE,
      enabled: decodeValue(item, 'enabled', asBool, ctx, true) ?? true,
      warnEvttypes: decodeValue(item, 'warn_evttypes', asBool, ctx, true) ?? true,
      skipIfUnknownFilter: decodeValue(item, 'skip-if-unknown-filter', asBool, ctx, true) ?? false,
      capture: decodeValue(item, 'capture', asBool, ctx, true) ?? false,
      captureDuration: decodeValue(item, 'capture_duration', asUint64, ctx, true) ?? 0,
      captureEvents: decodeValue(item, 'capture_events', asUint64, ctx, true) ?? 0,
      captureFilesize: decodeValue(item, 'capture_filesize', asUint64, ctx, true) ?? 0,
      tags: sortedSet(decodeSequence(item, 'tags', ctx, true) ?? []),
      exceptions: [],
    };
    rule.exceptions = this.readExceptions(item, ctx, false);
    this.collector.defineRule(rule, this.result);
  }

  private readExceptions(item: YMap, parent: LoadContext, append: boolean): ExceptionInfo[] {
    const out: ExceptionInfo[] = [];
    const exs = lookup(item, 'exceptions');
    if (exs === undefined || exs.kind === 'null') return out;
    const exsCtx = parent.child(exs.mark, 'exceptions', '');
    if (exs.kind !== 'seq') invalid('Rule exceptions must be a sequence', exsCtx);
    for (const ex of exs.items) {
      const tmp = exsCtx.child(ex.mark, 'exception', '');
      if (ex.kind !== 'map') invalid('Rule exception must be a mapping', tmp);
      const name = decodeValue(ex, 'name', asString, tmp);
      const exCtx = parent.child(ex.mark, 'exception', name);
      if (out.some((e) => e.name === name)) {
        this.result.addWarning(
          'LOAD_EXCEPTION_NAME_NOT_UNIQUE',
          `Multiple definitions of exception '${name}' in the same rule`,
          exCtx,
        );
      }
      const info: ExceptionInfo = {
        ctx: exCtx,
        name,
        fields: decodeExceptionEntry(lookup(ex, 'fields'), 'fields', exCtx, append),
        comps: decodeExceptionEntry(lookup(ex, 'comps'), 'comps', exCtx, true),
        values: [],
      };
      const vals = lookup(ex, 'values');
      if (vals !== undefined) {
        const valsCtx = exCtx.child(vals.mark, 'exception values', '');
        if (vals.kind !== 'seq') invalid('Rule exception values must be a sequence', valsCtx);
        for (const v of vals.items) {
          const vctx = valsCtx.child(v.mark, 'exception value', '');
          info.values.push(decodeExceptionEntry(v, '', vctx, false));
        }
      } else if (append) {
        this.result.addWarning('LOAD_APPEND_NO_VALUES', 'Overriding/appending exception with no values', exCtx);
      }
      out.push(info);
    }
    return out;
  }
}

/** decode_exception_info_entry: a scalar, or a sequence of (nested) entries; null means "not given". */
function decodeExceptionEntry(val: YNode | undefined, key: string, ctx: LoadContext, optional: boolean): ExceptionEntry {
  const out = emptyEntry();
  if (val === undefined) {
    if (optional) return out;
    invalid(`Item has no mapping for key '${key}'`, ctx);
  }
  const valCtx = ctx.child(val.mark, 'value for', key);
  if (val.kind === 'scalar') {
    if (val.value === '') invalid('Value must be non-empty', valCtx);
    out.item = val.value;
  } else if (val.kind === 'seq') {
    out.isList = true;
    for (const v of val.items) {
      out.items.push(decodeExceptionEntry(v, '', valCtx.child(v.mark, 'exception', ''), false));
    }
  }
  return out;
}

const INVALID_NODE_MESSAGE =
  'invalid node; this may result from using a map iterator as a sequence iterator, or vice-versa';

/** yaml-cpp's node.as<std::string>(): the scalar, "null" for null, a bad conversion otherwise. */
function yamlCppString(node: YNode, ctx: LoadContext): string {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'null') return 'null';
  throw new RuleLoadError(
    'LOAD_ERR_VALIDATE',
    `yaml-cpp: error at line ${node.mark.line + 1}, column ${node.mark.column + 1}: bad conversion`,
    LoadContext.root(ctx.name),
  );
}

/** decode_overrides: the keys under `override` to append to and to replace, checked against the item kind. */
function readOverrides(
  item: YMap,
  appendable: readonly string[],
  replaceable: readonly string[],
  ctx: LoadContext,
): { append: Set<string>; replace: Set<string> } {
  const append = new Set<string>();
  const replace = new Set<string>();
  const val = lookup(item, 'override');
  if (val === undefined || val.kind === 'null' || val.kind === 'scalar') return { append, replace };
  if (val.kind === 'seq') {
    // Iterating a sequence as a map: yaml-cpp throws, Falco reports it against the whole file.
    if (val.items.length === 0) return { append, replace };
    throw new RuleLoadError('LOAD_ERR_VALIDATE', INVALID_NODE_MESSAGE, LoadContext.root(ctx.name));
  }
  const overrideCtx = ctx.child(item.mark, 'overrides', '');
  for (const { key: keyNode, value } of val.entries) {
    const key = yamlCppString(keyNode, ctx);
    const operation = yamlCppString(value, ctx);
    const canAppend = appendable.includes(key);
    const canReplace = replaceable.includes(key);
    if (operation === 'append') {
      if (!canAppend) invalid(`Key '${key}' cannot be appended to, use 'replace' instead`, overrideCtx.child(keyNode.mark, 'overrides', key));
      append.add(key);
    } else if (operation === 'replace') {
      if (!canReplace) invalid(`Key '${key}' cannot be replaced`, overrideCtx.child(keyNode.mark, 'overrides', key));
      replace.add(key);
    } else {
      let msg = `Invalid override operation for key '${key}': '${operation}'. Allowed values are: `;
      if (canAppend) msg += 'append ';
      if (canReplace) msg += 'replace ';
      invalid(msg, overrideCtx.child(value.mark, 'value for', key));
    }
  }
  return { append, replace };
}
