// Compile-time checks of a parsed condition, as libs' sinsp_filter_compiler runs them when Falco
// loads a rule: every field must exist and parse its argument, operators must suit the field type,
// constant values must parse as that type, transformers must accept their input, and right-hand
// fields must be allowed and of the same type. Like libs, checking stops at the first error and
// reports it at the position libs would (the last node visited). Warnings are libs' compiler
// warnings: regex values that simpler operators could match, and values that look like fields or
// transformers.
import type { BinaryCheckExpr, BinaryOperator, Expr, FieldExpr, Pos, TransformerExpr, UnaryCheckExpr } from '../condition/ast.js';
import { SUPPORTED_TRANSFORMERS } from '../condition/parser.js';
import { isKnownEventType } from '../events/event_types.js';
import { defaultRegistry, FieldLookupError, FieldRegistry } from '../fields/registry.js';
import type { FieldType, ResolvedField } from '../fields/types.js';
import { hasFlag, typeName } from '../fields/types.js';
import { parseLibsInteger, STRING_TYPES, validateValue, ValueParseError } from '../fields/values.js';

export interface CheckIssue {
  message: string;
  pos: Pos;
}

export interface CheckResult {
  errors: CheckIssue[];
  warnings: CheckIssue[];
}

/** Falco's message for a macro name left unresolved in a condition. */
export function undefinedMacroMessage(name: string): string {
  return `Undefined macro '${name}' used in filter.`;
}

/** libs' message when an identifier reaches its compiler. */
export function unexpectedIdentifierMessage(name: string): string {
  return `filter error: unexpected identifier '${name}'`;
}

export interface CheckOptions {
  /**
   * How to report an identifier (an unresolved macro). Falco's loader reports it as an undefined
   * macro before compiling (the default); libs' compiler alone says "unexpected identifier".
   */
  identifiers?: 'falco' | 'libs';
}

/** Checks a condition the way libs compiles it. At most one error, like libs. */
export function checkCondition(ast: Expr, registry: FieldRegistry = defaultRegistry, options: CheckOptions = {}): CheckResult {
  const checker = new ConditionChecker(registry, options);
  try {
    checker.visit(ast);
  } catch (e) {
    if (e instanceof CheckFailure) return { errors: [{ message: e.message, pos: e.pos }], warnings: checker.warnings };
    throw e;
  }
  return { errors: [], warnings: checker.warnings };
}

class CheckFailure extends Error {
  constructor(
    message: string,
    readonly pos: Pos,
  ) {
    super(message);
  }
}

/** What libs knows of a (possibly transformed) extraction: its transformed field info. */
interface Operand {
  /** Field name in messages (libs' m_name: `evt.arg` for `evt.arg.fd`). */
  name: string;
  type: FieldType;
  isList: boolean;
  noRhs: boolean;
  noTransformer: boolean;
  /** The plain field, when the operand is one (possibly under transformers). */
  field?: ResolvedField;
}

type SingleTransformer = 'tolower' | 'toupper' | 'b64' | 'basename' | 'len';
const SINGLE_TRANSFORMERS: ReadonlySet<string> = new Set<SingleTransformer>(['tolower', 'toupper', 'b64', 'basename', 'len']);

/** libs' transform_type: the type a transformer yields, or undefined when it refuses the input. */
function transformType(tr: SingleTransformer, type: FieldType, isList: boolean): { type: FieldType; isList: boolean } | undefined {
  switch (tr) {
    case 'tolower':
    case 'toupper':
    case 'basename':
      return STRING_TYPES.has(type) ? { type, isList } : undefined;
    case 'b64':
      return type === 'PT_CHARBUF' || type === 'PT_BYTEBUF' ? { type, isList } : undefined;
    case 'len':
      if (isList) return { type: 'PT_UINT64', isList: false };
      return STRING_TYPES.has(type) || type === 'PT_BYTEBUF' ? { type: 'PT_UINT64', isList: false } : undefined;
  }
}

const NUMERIC_OPS: ReadonlySet<BinaryOperator | 'exists'> = new Set(['=', '==', '!=', '<', '<=', '>', '>=', 'in', 'intersects', 'exists']);
const BOOL_OPS: ReadonlySet<BinaryOperator | 'exists'> = new Set(['=', '==', '!=', 'in', 'intersects', 'exists']);
const STRING_OPS: ReadonlySet<BinaryOperator | 'exists'> = new Set([
  '=', '==', '!=', '<', '<=', '>', '>=', 'contains', 'in', 'exists', 'icontains', 'startswith', 'glob',
  'pmatch', 'endswith', 'intersects', 'iglob', 'regex',
]);
const BUFFER_OPS: ReadonlySet<BinaryOperator | 'exists'> = new Set([
  '=', '==', '!=', 'contains', 'in', 'exists', 'startswith', 'endswith', 'intersects', 'bcontains', 'bstartswith',
]);
const IP_OPS: ReadonlySet<BinaryOperator | 'exists'> = new Set(['=', '==', '!=', 'in', 'exists', 'intersects']);
const LIST_OPS: ReadonlySet<BinaryOperator | 'exists'> = new Set(['in', 'exists', 'intersects']);
const LIST_TYPES: ReadonlySet<FieldType> = new Set<FieldType>([
  'PT_CHARBUF', 'PT_UINT64', 'PT_RELTIME', 'PT_ABSTIME', 'PT_BOOL', 'PT_IPADDR', 'PT_IPNET',
]);
const NUMERIC_TYPES: ReadonlySet<FieldType> = new Set<FieldType>([
  'PT_INT8', 'PT_INT16', 'PT_INT32', 'PT_INT64', 'PT_UINT8', 'PT_UINT16', 'PT_UINT32', 'PT_UINT64',
  'PT_ERRNO', 'PT_FD', 'PT_PID', 'PT_SYSCALLID', 'PT_SIGTYPE', 'PT_RELTIME', 'PT_ABSTIME', 'PT_PORT',
  'PT_FLAGS8', 'PT_FLAGS16', 'PT_FLAGS32', 'PT_DOUBLE', 'PT_MODE', 'PT_ENUMFLAGS8', 'PT_ENUMFLAGS16',
  'PT_ENUMFLAGS32',
]);
const IP_TYPES: ReadonlySet<FieldType> = new Set<FieldType>([
  'PT_IPV4ADDR', 'PT_IPV4NET', 'PT_IPV6ADDR', 'PT_IPV6NET', 'PT_IPADDR', 'PT_IPNET',
]);

/** libs' flt_is_comparable: the error text when `op` does not suit the operand, else undefined. */
export function operatorTypeError(op: BinaryOperator | 'exists', type: FieldType, isList: boolean): string | undefined {
  if (op === 'exists') return undefined;
  const opName = op === '==' ? '=' : op;
  if (isList) {
    if (!LIST_TYPES.has(type)) return `list filters are not supported for type '${typeName(type)}'`;
    return LIST_OPS.has(op) ? undefined : `'${opName}' operator not supported list filters`;
  }
  if (NUMERIC_TYPES.has(type)) return NUMERIC_OPS.has(op) ? undefined : `'${opName}' operator not supported for numeric filters`;
  if (type === 'PT_BOOL') return BOOL_OPS.has(op) ? undefined : `'${opName}' operator not supported for numeric filters`;
  if (IP_TYPES.has(type)) {
    return IP_OPS.has(op) ? undefined : `'${opName}' operator not supported for ip address and network filters`;
  }
  if (STRING_TYPES.has(type)) return STRING_OPS.has(op) ? undefined : `'${opName}' operator not supported for string filters`;
  if (type === 'PT_BYTEBUF') return BUFFER_OPS.has(op) ? undefined : `'${opName}' operator not supported for buffer filters`;
  return `'${opName}' operator not supported for type '${typeName(type)}'`;
}

/** sinsp_utils::unhex acceptance: an even number of hex digits. */
function isHexString(value: string): boolean {
  return value.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(value);
}

const REGEX_SPECIAL = '.+*?^$()[]{}|\\';
const REGEX_OCCURRENCE = '+*?';

/** libs' heuristic: a regex whose only special characters are anchors or edge wildcards. */
function regexIsSimple(v: string): boolean {
  const len = v.length;
  for (let i = 0; i < len; i++) {
    const c = v[i]!;
    if ((i === 0 && c === '^') || (i === len - 1 && c === '$')) continue;
    if (((i === 0 && len > 1) || i === len - 2) && c === '.' && REGEX_OCCURRENCE.includes(v[i + 1] ?? '\0')) {
      i++;
      continue;
    }
    if (REGEX_SPECIAL.includes(c)) return false;
  }
  return true;
}

class ConditionChecker {
  readonly warnings: CheckIssue[] = [];
  /** libs' m_pos: the position of the last node visited, where errors are reported. */
  private pos: Pos = { idx: 0, line: 1, col: 1 };

  constructor(
    private readonly registry: FieldRegistry,
    private readonly options: CheckOptions,
  ) {}

  private fail(message: string): never {
    throw new CheckFailure(message, this.pos);
  }

  visit(e: Expr): void {
    this.pos = e.pos;
    switch (e.kind) {
      case 'and':
      case 'or':
        for (const c of e.children) this.visit(c);
        return;
      case 'not':
        this.visit(e.child);
        return;
      case 'identifier':
        return this.fail(this.options.identifiers === 'libs' ? unexpectedIdentifierMessage(e.name) : undefinedMacroMessage(e.name));
      case 'unary':
        this.visitUnary(e);
        return;
      case 'binary':
        this.visitBinary(e);
        return;
      default:
        // values, lists and bare fields only appear inside checks
        this.fail(`filter error: unexpected ${e.kind} expression`);
    }
  }

  private visitUnary(e: UnaryCheckExpr): void {
    const left = this.operand(e.left, 'left');
    const err = operatorTypeError(e.op, left.type, left.isList);
    if (err !== undefined) this.fail(`filter error: ${err}`);
  }

  private visitBinary(e: BinaryCheckExpr): void {
    const left = this.operand(e.left, 'left');
    const opErr = operatorTypeError(e.op, left.type, left.isList);
    if (opErr !== undefined) this.fail(`filter error: ${opErr}`);

    const right = e.right;
    if (right.kind === 'field' || right.kind === 'transformer') {
      const rhs = this.operand(right, 'right');
      this.checkRhsField(e.op, left, rhs);
      return;
    }
    this.pos = right.pos;
    const values = right.kind === 'list' ? right.values.map((v) => v.value) : [right.value];
    for (const v of values) {
      this.addValueWarnings(e.op, right.pos, v);
      this.checkValue(e.op, left, v);
    }
  }

  private checkValue(op: BinaryOperator, left: Operand, value: string): void {
    if (op === 'bcontains' || op === 'bstartswith') {
      if (!isHexString(value)) this.fail('filter error: bcontains and bstartswith operator support hex strings only');
      return;
    }
    // mock fields (tests) take any value, as libs' mock filterchecks do
    if (left.field?.def.group === 'mock') return;
    try {
      validateValue(left.type, value);
    } catch (err) {
      if (err instanceof ValueParseError) this.fail(err.message);
      throw err;
    }
    const name = left.field?.def.name;
    if (name === 'evt.type' && !isKnownEventType(value.split('\0')[0]!)) this.fail(`unknown event type ${value}`);
    if (name === 'evt.around') {
      if (op !== '=' && op !== '==') this.fail("evt.around supports only '=' comparison operator");
      try {
        parseLibsInteger(value);
      } catch (err) {
        if (err instanceof ValueParseError) this.fail(err.message);
        throw err;
      }
    }
  }

  private checkRhsField(op: BinaryOperator, left: Operand, rhs: Operand): void {
    if (op === 'pmatch' || op === 'regex') this.fail(`operator '${op.toUpperCase()}' doesn't support right-hand side fields`);
    if (left.type === 'PT_IPNET' || left.type === 'PT_IPV4NET' || left.type === 'PT_IPV6NET') {
      this.fail("field type 'IPNET' doesn't support right-hand side fields");
    }
    if (left.noRhs) this.fail(`field '${left.name}' doesn't support right-hand side fields`);
    if (rhs.noRhs) this.fail(`field '${rhs.name}' can't be used as a right-hand side field`);
    if (left.type !== rhs.type || left.isList !== rhs.isList) {
      this.fail(
        `field '${left.name}' has type '${typeName(left.type)}${left.isList ? ' (list)' : ''}' while the right-hand side ` +
          `field '${rhs.name}' has incompatible type '${typeName(rhs.type)}${rhs.isList ? ' (list)' : ''}'`,
      );
    }
  }

  private addValueWarnings(op: BinaryOperator, pos: Pos, v: string): void {
    const nospaces = v.replace(/[ \t\n\v\f\r]/g, '');
    if (op === 'regex' && regexIsSimple(v)) {
      this.warnings.push({
        message: `regex check with '${v}' may be optimized with simpler operators such as '=', 'contains', 'startswith', 'endswith'`,
        pos,
      });
    }
    if (this.registry.lookup(nospaces) !== undefined) {
      this.warnings.push({ message: `'${v}' may be a valid field misused as a const string value`, pos });
    }
    for (const t of SUPPORTED_TRANSFORMERS) {
      if (nospaces.length >= t.length + 2 && nospaces.startsWith(t) && nospaces[t.length] === '(' && nospaces.endsWith(')')) {
        this.warnings.push({ message: `'${v}' may be a valid field transformer misused as a const string value`, pos });
      }
    }
  }

  /** Resolves a field or transformer operand into what libs' transformed field info says. */
  private operand(e: Expr, side: 'left' | 'right'): Operand {
    this.pos = e.pos;
    if (e.kind === 'field') return this.fieldOperand(e);
    if (e.kind === 'transformer') return this.transformerOperand(e, side);
    if (e.kind === 'value') return { name: '', type: 'PT_CHARBUF', isList: false, noRhs: false, noTransformer: true };
    return this.fail(`filter error: missing field in ${side}-hand of check`);
  }

  private fieldOperand(e: FieldExpr): Operand {
    const text = e.arg === undefined ? e.field : `${e.field}[${e.arg}]`;
    let field: ResolvedField;
    try {
      field = this.registry.resolve(text);
    } catch (err) {
      if (err instanceof FieldLookupError) this.fail(err.message);
      throw err;
    }
    return {
      name: field.def.name,
      type: field.type,
      isList: field.isList,
      noRhs: hasFlag(field.def, 'EPF_NO_RHS'),
      noTransformer: hasFlag(field.def, 'EPF_NO_TRANSFORMER'),
      field,
    };
  }

  private transformerOperand(e: TransformerExpr, side: 'left' | 'right'): Operand {
    const name = e.transformer;
    if (name === 'val') {
      const inner = e.values[0];
      if (side === 'left' || e.values.length !== 1 || inner?.kind !== 'field') {
        this.fail("filter error: 'val' transformer only accepts one field, on the right-hand side");
      }
      const operand = this.fieldOperand(inner);
      if (e.arg !== undefined) this.fail("filter error: transformer 'val' does not support field arguments");
      return operand;
    }
    if (SINGLE_TRANSFORMERS.has(name)) {
      const inner = e.values[0];
      if (e.values.length !== 1 || inner === undefined) this.fail(`filter error: transformer '${name}' takes one argument`);
      const child = this.operand(inner, side);
      if (e.arg !== undefined) this.fail(`filter error: transformer '${name}' does not support field arguments`);
      if (child.noTransformer) this.fail(`field '${child.name}' does not support transformers`);
      const out = transformType(name as SingleTransformer, child.type, child.isList);
      if (out === undefined) {
        this.fail(
          `can't add field transformer: type '${typeName(child.type)}' is not supported by '${name}' transformer ` +
            `applied on ${child.isList ? 'list ' : ''}field '${child.name}'`,
        );
      }
      return { ...child, type: out.type, isList: out.isList };
    }
    if (name === 'join' || name === 'getopt') return this.multiValueOperand(e, side);
    return this.fail(`filter error: unknown transformer '${name}'`);
  }

  /** join(sep, (a, b ...)) and getopt(args, optstring)[c]: transformers over several values. */
  private multiValueOperand(e: TransformerExpr, side: 'left' | 'right'): Operand {
    const args = e.values.map((v): { type: FieldType; isList: boolean } => {
      if (v.kind === 'transformer_list') {
        for (const item of v.values) this.operand(item, side);
        return { type: 'PT_CHARBUF', isList: true };
      }
      const o = this.operand(v, side);
      return { type: o.type, isList: o.isList };
    });
    const base = { name: e.transformer, noRhs: false, noTransformer: false };
    if (e.transformer === 'join') {
      if (args.length !== 2) this.fail('join() requires exactly 2 arguments: separator and list');
      if (args[0]!.isList) this.fail('join() first argument (separator) must be a single value, not a list');
      if (!args[1]!.isList) this.fail('join() second argument must be a list');
      if (e.arg !== undefined) this.fail("filter error: transformer 'join' does not support field arguments");
      return { ...base, type: 'PT_CHARBUF', isList: false };
    }
    if (args.length !== 2) this.fail('getopt() requires exactly 2 arguments: args list and optstring');
    if (!args[0]!.isList) this.fail('getopt() first argument must be a list');
    if (args[1]!.isList) this.fail('getopt() second argument (optstring) must be a single value');
    if (args[0]!.type !== 'PT_CHARBUF' || args[1]!.type !== 'PT_CHARBUF') this.fail('getopt() arguments must be strings');
    if (e.arg !== undefined && e.arg.length !== 1) this.fail('getopt() field argument must be a single option character');
    return { ...base, type: 'PT_CHARBUF', isList: e.arg === undefined };
  }
}
