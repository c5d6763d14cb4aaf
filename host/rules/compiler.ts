// Compiles everything collected so far into a rule set, in Falco's order and with Falco's
// diagnostics (rule_loader_compiler.cpp): lists expanded, macros parsed and resolved with
// visibility, rule conditions built as text (exceptions, list substitution), parsed, expanded,
// checked; outputs validated; unused macros and lists reported.
import type { Expr, Pos } from '../condition/ast.js';
import { appendMatches, type OutputAppend } from './append-output.js';
import { DEPRECATED_FIELDS, DEPRECATED_FIELD_DESCS, type DeprecatedField } from './codes.js';
import type { LoadContext } from './context.js';
import type { RuleCollector } from './collector.js';
import { conditionWords, foldExceptions, substituteList } from './condition-text.js';
import { isSyntaxErrorLike, type RuleLanguage } from './language.js';
import { resolveMacros } from './macros.js';
import { RuleLoadError, type FileLoadResult } from './result.js';
import { resolveException, type ResolvedList, type ResolvedMacro, type ResolvedRule, type RuleSet } from './ruleset.js';
import { formatSemver } from './versions.js';

const CONTAINER_INFO = '%container.info';
/** Falco warns when a syscall rule can match more event codes than this. */
const MAX_EVTTYPES_WITHOUT_WARNING = 100;

const UNSAFE_NA_MESSAGE =
  'comparing a field value with <NA> is unsafe and can lead to unpredictable behavior of the rule condition. ' +
  "If you need to  check for the existence of a field, consider using the 'exists' operator instead.";

function isUnknownFieldOrType(err: string): boolean {
  return (
    err.includes('nonexistent field') ||
    err.includes('invalid formatting token') ||
    err.includes('unknown event type') ||
    err.includes('unknown filter:')
  );
}

export class RuleCompiler {
  constructor(
    private readonly language: RuleLanguage,
    private readonly collector: RuleCollector,
    private readonly result: FileLoadResult,
    private readonly appends: readonly OutputAppend[] = [],
  ) {}

  /** Compiles; on error records it in the result and returns undefined. */
  compile(): RuleSet | undefined {
    let lists: ResolvedList[];
    let macros: ResolvedMacro[];
    let rules: ResolvedRule[];
    try {
      lists = this.compileLists();
      macros = this.compileMacros(lists);
      rules = this.compileRules(lists, macros);
    } catch (e) {
      if (e instanceof RuleLoadError) {
        this.result.addError(e.code, e.message, e.context);
        return undefined;
      }
      throw e;
    }
    for (const m of macros) {
      if (!m.used) {
        this.result.addWarning('LOAD_UNUSED_MACRO', 'Macro not referred to by any other rule/macro', this.collector.macros.get(m.name)!.ctx);
      }
    }
    for (const l of lists) {
      if (!l.used) {
        this.result.addWarning('LOAD_UNUSED_LIST', 'List not referred to by any other rule/macro', this.collector.lists.get(l.name)!.ctx);
      }
    }
    const engine = this.collector.requiredEngineVersion;
    return {
      rules,
      macros,
      lists,
      ...(engine ? { requiredEngineVersion: formatSemver(engine.version) } : {}),
      requiredPluginVersions: this.collector.requiredPluginVersions.map((alts) => alts.map((a) => ({ ...a }))),
    };
  }

  private compileLists(): ResolvedList[] {
    const infos = this.collector.lists.values();
    const usedNames: string[] = [];
    const out = infos.map((list) => {
      const items: string[] = [];
      for (const item of list.items) {
        const ref = this.collector.lists.get(item);
        // Only lists defined before this one's last definition/append are expanded, one level deep.
        if (ref && ref.index < list.visibility) {
          usedNames.push(ref.name);
          items.push(...ref.items);
        } else {
          items.push(item);
        }
      }
      return { name: list.name, items, used: false };
    });
    for (const name of usedNames) {
      const l = out.find((x) => x.name === name);
      if (l) l.used = true;
    }
    return out;
  }

  /** Substitutes every list into the text (in list order) and parses it. */
  private parse(condition: string, lists: ResolvedList[], ctx: LoadContext): Expr {
    let text = condition;
    // A list is substituted where its name is a whole word (between delimiters): only lists whose
    // name is one of the text's words can change it (checking each list's name against each
    // condition was a tenth of a load). A substitution adds its items' words, since the items can
    // name lists that come later.
    const words = conditionWords(text);
    for (const l of lists) {
      if (!words.has(l.name)) continue;
      const r = substituteList(text, l.name, l.items);
      if (r.used) for (const item of l.items) for (const w of conditionWords(item)) words.add(w);
      text = r.text;
      if (r.used) l.used = true;
    }
    try {
      return this.language.parseCondition(text);
    } catch (e) {
      if (isSyntaxErrorLike(e)) {
        throw new RuleLoadError('LOAD_ERR_COMPILE_CONDITION', e.reason, ctx.inCondition(e.pos, text));
      }
      throw e;
    }
  }

  private expand(
    expr: Expr,
    macros: ResolvedMacro[],
    visible: (m: ResolvedMacro) => boolean,
    condition: string,
    ctx: LoadContext,
  ): Expr {
    // looked up by name as the expansion meets identifiers (a table of every visible macro built
    // for each rule and macro was a tenth of a load)
    const byName = macrosByName(macros);
    const res = resolveMacros(expr, {
      get: (name) => {
        const m = byName.get(name);
        return m !== undefined && visible(m) ? m.expr : undefined;
      },
    });
    const firstError = res.errors[0];
    const firstUnknown = res.unknown[0];
    if (firstError || firstUnknown) {
      const message = firstError ? firstError.message : `Undefined macro '${firstUnknown!.name}' used in filter.`;
      const pos = firstError ? firstError.pos : firstUnknown!.pos;
      throw new RuleLoadError('LOAD_ERR_VALIDATE', message, ctx.inCondition(pos, condition));
    }
    for (const name of res.resolved) {
      const m = macros.find((x) => x.name === name);
      if (m) m.used = true;
    }
    return res.expr;
  }

  private compileMacros(lists: ResolvedList[]): ResolvedMacro[] {
    const infos = this.collector.macros.values();
    const out: ResolvedMacro[] = infos.map((m) => ({
      name: m.name,
      condition: m.cond,
      expr: this.parse(m.cond, lists, m.condCtx),
      used: false,
    }));
    // A macro sees only macros first defined before its own latest definition or append.
    out.forEach((m, i) => {
      const info = infos[i]!;
      m.expr = this.expand(m.expr, out, (other) => this.collector.macros.get(other.name)!.index < info.visibility, info.cond, info.ctx);
    });
    return out;
  }

  private compileRules(lists: ResolvedList[], macros: ResolvedMacro[]): ResolvedRule[] {
    const out: ResolvedRule[] = [];
    for (const r of this.collector.rules.values()) {
      if (r.unknownSource) continue;
      const { condition, exceptionFields } =
        r.exceptions.length > 0 ? foldExceptions(r.cond, r.exceptions) : { condition: r.cond, exceptionFields: [] };

      // append_output text joins the output before it is validated, as in Falco.
      let output = r.output;
      const extraFields: Record<string, string> = {};
      for (const a of this.appends) {
        if (!appendMatches(a.match, r)) continue;
        if (a.text !== '') output = `${output} ${a.text}`;
        for (const f of a.fields) extraFields[f.name] = f.format;
      }
      if (output.includes(CONTAINER_INFO)) {
        this.result.addWarning(
          'LOAD_DEPRECATED_ITEM',
          '%container.info is deprecated and no more useful, and will be dropped by Falco 1.0.0. ' +
            'The container plugin will automatically add required fields to the output message.',
          r.ctx,
        );
        output = output.split(CONTAINER_INFO).join('');
      }
      const outputError = this.language.validateOutput(output, r.source);
      if (outputError !== undefined) {
        if (isUnknownFieldOrType(outputError) && r.skipIfUnknownFilter) {
          this.result.addWarning('LOAD_UNKNOWN_FILTER', outputError, r.outputCtx);
          continue;
        }
        throw new RuleLoadError('LOAD_ERR_COMPILE_OUTPUT', outputError, r.outputCtx);
      }
      for (const format of Object.values(extraFields)) {
        const fieldError = this.language.validateOutput(format, r.source);
        if (fieldError !== undefined) throw new RuleLoadError('LOAD_ERR_COMPILE_OUTPUT', fieldError, r.outputCtx);
      }
      for (const field of DEPRECATED_FIELDS) {
        if (output.includes(field)) {
          this.result.addWarning(
            'LOAD_DEPRECATED_ITEM',
            `usage of deprecated field '${field}' has been detected in the rule output`,
            r.outputCtx,
            field,
          );
        }
      }

      let expr = this.parse(condition, lists, r.condCtx);
      expr = this.expand(expr, macros, () => true, condition, r.ctx);
      this.warnConditionHazards(expr, condition, r.condCtx);

      const check = this.language.checkCondition(expr, r.source);
      const err = check.errors[0];
      if (err) {
        const ctx = r.condCtx.inCondition(err.pos, condition);
        if (isUnknownFieldOrType(err.message) && r.skipIfUnknownFilter) {
          this.result.addWarning('LOAD_UNKNOWN_FILTER', err.message, ctx);
          continue;
        }
        throw new RuleLoadError('LOAD_ERR_COMPILE_CONDITION', err.message, ctx);
      }
      for (const w of check.warnings) {
        this.result.addWarning('LOAD_COMPILE_CONDITION', w.message, r.condCtx.inCondition(w.pos, condition));
      }

      let eventTypes: { all: boolean; names: string[] };
      try {
        eventTypes = this.language.eventTypes(expr);
      } catch (e) {
        // libs' event-code search throws here and Falco aborts the load; we report it instead.
        if (e instanceof Error) throw new RuleLoadError('LOAD_ERR_COMPILE_CONDITION', e.message, r.condCtx);
        throw e;
      }
      // libs counts event codes (an enter and an exit code per syscall), two per name. Since
      // libs resolves never-matching conditions to an empty set, Falco only warns on broad sets.
      const codes = eventTypes.names.length * 2;
      if (r.source === 'syscall' && r.warnEvttypes && (eventTypes.all || codes > MAX_EVTTYPES_WITHOUT_WARNING)) {
        this.result.addWarning(
          'LOAD_NO_EVTTYPE',
          'Rule matches too many evt.type values. This has a significant performance penalty.',
          r.ctx,
        );
      }

      out.push({
        id: out.length,
        name: r.name,
        description: r.desc,
        priority: r.priority,
        source: r.source,
        tags: [...r.tags],
        enabled: r.enabled,
        output,
        ...(Object.keys(extraFields).length > 0 ? { extraOutputFields: extraFields } : {}),
        originalCondition: r.cond,
        condition: expr,
        conditionText: this.language.formatCondition(expr),
        eventTypes,
        exceptions: r.exceptions.map(resolveException),
        exceptionFields,
        warnEvttypes: r.warnEvttypes,
        skipIfUnknownFilter: r.skipIfUnknownFilter,
        capture: r.capture,
        captureDuration: r.captureDuration,
        captureEvents: r.captureEvents,
        captureFilesize: r.captureFilesize,
      });
    }
    return out;
  }

  /** Falco's warning resolver: unsafe <NA> comparisons and deprecated fields, once per rule each. */
  private warnConditionHazards(expr: Expr, condition: string, condCtx: LoadContext): void {
    let unsafeNa = false;
    const deprecated = new Map<DeprecatedField, Pos>();
    const visit = (e: Expr): void => {
      switch (e.kind) {
        case 'and':
        case 'or':
          e.children.forEach(visit);
          return;
        case 'not':
          visit(e.child);
          return;
        case 'field':
          if ((DEPRECATED_FIELDS as readonly string[]).includes(e.field) && !deprecated.has(e.field as DeprecatedField)) {
            deprecated.set(e.field as DeprecatedField, e.pos);
          }
          return;
        case 'transformer':
          e.values.forEach(visit);
          return;
        case 'unary':
          visit(e.left);
          return;
        case 'binary': {
          visit(e.left);
          visit(e.right);
          const field = e.left.kind === 'field' ? e.left.field : '';
          const equality = ['=', '==', '!=', 'in', 'intersects', 'pmatch'].includes(e.op);
          if ((field.startsWith('ka.') || field.startsWith('jevt.')) && equality) {
            const r = e.right;
            if ((r.kind === 'value' && r.value === '<NA>') || (r.kind === 'list' && r.values.some((v) => v.value === '<NA>'))) {
              unsafeNa = true;
            }
          }
          return;
        }
        default:
          return;
      }
    };
    visit(expr);
    if (unsafeNa) this.result.addWarning('LOAD_UNSAFE_NA_CHECK', UNSAFE_NA_MESSAGE, condCtx);
    for (const [field, pos] of deprecated) {
      this.result.addWarning('LOAD_DEPRECATED_ITEM', DEPRECATED_FIELD_DESCS[field], condCtx.inCondition(pos, condition), field);
    }
  }
}

const macroIndexes = new WeakMap<readonly ResolvedMacro[], Map<string, ResolvedMacro>>();

/** The macros by name (the last of a name wins, as the table they replace did). */
function macrosByName(macros: readonly ResolvedMacro[]): Map<string, ResolvedMacro> {
  let byName = macroIndexes.get(macros);
  if (byName === undefined) macroIndexes.set(macros, (byName = new Map(macros.map((m) => [m.name, m]))));
  return byName;
}
