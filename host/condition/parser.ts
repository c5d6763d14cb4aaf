// Falco condition parser: a recursive-descent parser that accepts exactly what libs' filter
// parser (userspace/libsinsp/filter/parser.cpp) accepts, builds the same tree with the same
// node positions, and rejects everything else with libs' message and position.
//
// Grammar, as libs implements it (blanks are space, tab, backspace, CR, LF):
//   Or        ::= And ('or' (Blank And | '(' Or ')'))*
//   And       ::= Not ('and' (Blank Not | '(' Or ')'))*
//   Not       ::= ('not' Space+)* ('not(' Or ')' | Check)
//   Check     ::= '(' Or ')' | Operand Condition | Identifier
//   Operand   ::= FieldName ('[' FieldArg ']')? | Transformer
//   Condition ::= 'exists' | NumOp (RightTransformer | Number)
//               | StrOp (Blank Modifier Blank (List | Identifier) | RightTransformer | QuotedStr | BareStr)
//               | ListOp (List | RightTransformer | Identifier)
//   Modifier  ::= 'oneof' | 'anyof' | 'allof'      (an Identifier `and`/`or` after it makes it a value)
//   List      ::= '(' (StrValue (',' StrValue)*)? ')'
//   Transformer ::= Name '(' Arg (',' Arg)* ')' ('[' FieldArg ']')?
//   RightTransformer ::= Transformer | 'val(' Field ')' ('[' FieldArg ']')?
//   Arg       ::= Number | QuotedStr | '(' (ListArg (',' ListArg)*)? ')' | Transformer | Field
//   ListArg   ::= Field | Transformer | QuotedStr | Number
// Word operators (`contains`, `glob`, ...) must be followed by a blank; `Name(` takes no blank.
import type {
  BinaryOperator,
  Expr,
  FieldExpr,
  ListExpr,
  OperatorModifier,
  Pos,
  TransformerExpr,
  ValueExpr,
} from './ast.js';
import { ConditionSyntaxError } from './errors.js';
import { ConditionLexer, isBlankByte, type Operator } from './lexer.js';

/** libs' parser default recursion limit (parser::m_max_depth). */
export const LIBS_DEFAULT_MAX_DEPTH = 100;
/** The limit Falco sets for rule conditions (see falcosecurity/libs#3033). */
export const FALCO_CONDITION_MAX_DEPTH = 1000;

export interface ParseOptions {
  /** Recursion limit; parsing deeper throws "exceeded max depth limit of N". */
  maxDepth?: number;
}

/** Operators in libs' order; a trailing space marks those that must be followed by a blank. */
function operators(...spellings: string[]): Operator[] {
  return spellings.map((s) => ({ text: s.trim(), blankAfter: s.endsWith(' ') }));
}
const UNARY_OPS = operators('exists');
const NUM_OPS = operators('<=', '<', '>=', '>');
const STR_OPS = operators(
  '==', '=', '!=', 'glob ', 'iglob ', 'contains ', 'icontains ', 'bcontains ',
  'startswith ', 'bstartswith ', 'endswith ', 'regex ',
);
const LIST_OPS = operators('intersects', 'in', 'pmatch');
/** String operators that are words, and so always end with a blank once lexed. */
const WORD_STR_OPS: ReadonlySet<string> = new Set(STR_OPS.filter((op) => op.blankAfter).map((op) => op.text));
const MODIFIERS: readonly OperatorModifier[] = ['oneof', 'anyof', 'allof'];

const VAL_TRANSFORMER = 'val(';
const TRANSFORMERS = ['tolower(', 'toupper(', 'b64(', 'basename(', 'len(', 'join(', 'getopt('] as const;

/** The operator names, in libs' order, as listed in its "expected a valid check operator" message. */
export const SUPPORTED_OPERATORS: readonly string[] = [...UNARY_OPS, ...NUM_OPS, ...STR_OPS, ...LIST_OPS].map(
  (op) => op.text,
);
/** The transformer names, `val` first, as listed in libs' messages. */
export const SUPPORTED_TRANSFORMERS: readonly string[] = [VAL_TRANSFORMER, ...TRANSFORMERS].map((t) =>
  t.slice(0, -1),
);

function quoteList(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}

const EXPECTED_OPERATOR = `expected a valid check operator: one of ${quoteList(SUPPORTED_OPERATORS)}`;
const TRANSFORMER_NAMES = quoteList(SUPPORTED_TRANSFORMERS);

/**
 * Parses a Falco condition. Throws ConditionSyntaxError, carrying libs' message and position,
 * for any input libs rejects.
 */
export function parseCondition(text: string, options: ParseOptions = {}): Expr {
  return new ConditionParser(text, options.maxDepth ?? FALCO_CONDITION_MAX_DEPTH).parse();
}

class ConditionParser {
  private readonly lx: ConditionLexer;
  private readonly maxDepth: number;
  private depth = 0;

  constructor(text: string, maxDepth: number) {
    this.lx = new ConditionLexer(text);
    this.maxDepth = maxDepth;
  }

  parse(): Expr {
    const lx = this.lx;
    if (lx.length === 0) throw lx.error('filter input string is empty');
    const res = this.parseOr();
    if (!lx.atEnd) throw lx.error(`unexpected token after '${lx.lastToken}', expecting 'or', 'and'`);
    return res;
  }

  /** libs' depth_guard: every guarded production counts one level while it runs. */
  private enter(): void {
    if (++this.depth >= this.maxDepth) throw this.lx.error(`exceeded max depth limit of ${this.maxDepth}`);
  }

  private parseOr(): Expr {
    this.enter();
    try {
      return this.parseLogical('or');
    } finally {
      this.depth--;
    }
  }

  private parseAnd(): Expr {
    this.enter();
    try {
      return this.parseLogical('and');
    } finally {
      this.depth--;
    }
  }

  /** `first (op next)*`, where `op(` starts a parenthesised expression without a blank. */
  private parseLogical(op: 'and' | 'or'): Expr {
    const lx = this.lx;
    const pos = lx.pos();
    lx.blank();
    const children = [this.parseOperand(op)];
    lx.blank();
    while (lx.str(op)) {
      if (lx.blank()) children.push(this.parseOperand(op));
      else if (lx.str('(')) children.push(this.parseEmbeddedRemainder());
      else throw lx.error(`expected blank or '(' after '${op}'`);
      lx.blank();
    }
    return children.length > 1 ? { kind: op, children, pos } : children[0]!;
  }

  private parseOperand(op: 'and' | 'or'): Expr {
    return op === 'or' ? this.parseAnd() : this.parseNot();
  }

  private parseNot(): Expr {
    this.enter();
    try {
      const lx = this.lx;
      const pos = lx.pos();
      let negated = false;
      lx.blank();
      // `not not x` cancels out: libs keeps only the parity of the chain.
      while (lx.notBlank()) negated = !negated;
      let child: Expr;
      if (lx.str('not(')) {
        negated = !negated;
        child = this.parseEmbeddedRemainder();
      } else {
        child = this.parseCheck();
      }
      return negated ? { kind: 'not', child, pos } : child;
    } finally {
      this.depth--;
    }
  }

  /** The rest of `( expr )` once the `(` is consumed. */
  private parseEmbeddedRemainder(): Expr {
    this.enter();
    try {
      const lx = this.lx;
      lx.blank();
      const child = this.parseOr();
      lx.blank();
      if (!lx.str(')')) throw lx.error("expected a ')' token");
      return child;
    } finally {
      this.depth--;
    }
  }

  private parseCheck(): Expr {
    this.enter();
    try {
      const lx = this.lx;
      const pos = lx.pos();
      lx.blank();
      if (lx.str('(')) return this.parseEmbeddedRemainder();
      if (lx.fieldName()) return this.parseCondition(this.parseFieldRemainder(lx.lastToken, pos), pos);
      if (lx.strList(TRANSFORMERS)) {
        lx.blank();
        const name = this.takeTransformerName();
        return this.parseCondition(this.parseTransformerRemainder(name, pos), pos);
      }
      if (lx.identifier()) return { kind: 'identifier', name: lx.lastToken, pos };
      throw lx.error("expected a '(' token, a field check, or an identifier");
    } finally {
      this.depth--;
    }
  }

  /** The transformer name from its just-lexed `name(` token (libs drops the '(' from the token too). */
  private takeTransformerName(): string {
    const lx = this.lx;
    lx.lastToken = lx.lastToken.slice(0, -1);
    return lx.lastToken;
  }

  /** The optional `[arg]` right after a field name or a transformer's closing parenthesis. */
  private parseFieldArg(): string | undefined {
    const lx = this.lx;
    if (!lx.str('[')) return undefined;
    if (!lx.quotedStr() && !lx.fieldArgBareStr()) {
      throw lx.error('expected a valid field argument: a quoted string or a bare string');
    }
    const arg = lx.lastToken;
    if (!lx.str(']')) throw lx.error("expected a ']' token");
    return arg;
  }

  private parseFieldRemainder(field: string, pos: Pos): FieldExpr {
    this.enter();
    try {
      const node: FieldExpr = { kind: 'field', field, pos };
      const arg = this.parseFieldArg();
      if (arg !== undefined) node.arg = arg;
      return node;
    } finally {
      this.depth--;
    }
  }

  /** The operands and `)` of a transformer whose `name(` is consumed. */
  private parseTransformerRemainder(transformer: string, pos: Pos): TransformerExpr {
    this.enter();
    try {
      const lx = this.lx;
      lx.blank();
      const values: Expr[] = [];
      do {
        values.push(this.parseTransformerArg(lx.pos()));
        lx.blank();
      } while (lx.str(','));
      lx.blank();
      if (!lx.str(')')) throw lx.error("expected a ')' token closing the transformer");
      const node: TransformerExpr = { kind: 'transformer', transformer, values, pos };
      const arg = this.parseFieldArg();
      if (arg !== undefined) node.arg = arg;
      return node;
    } finally {
      this.depth--;
    }
  }

  private parseTransformerArg(pos: Pos): Expr {
    this.enter();
    try {
      const lx = this.lx;
      lx.blank();
      if (lx.hexNum() || lx.num()) return value(lx.lastToken, false, pos);
      if (lx.quotedStr()) return value(lx.lastToken, true, pos);
      if (lx.str('(')) return this.parseTransformerList(pos);
      if (lx.strList(TRANSFORMERS)) return this.parseTransformerRemainder(this.takeTransformerName(), pos);
      if (lx.fieldName()) return this.parseFieldRemainder(lx.lastToken, pos);
      throw lx.error(
        'expected field transformer argument: field, transformer, quoted string, number, or transformer list',
      );
    } finally {
      this.depth--;
    }
  }

  /** `(a, b, ...)` as a transformer operand, once the `(` is consumed. libs gives every item the list's position. */
  private parseTransformerList(pos: Pos): Expr {
    const lx = this.lx;
    const values: Expr[] = [];
    lx.blank();
    if (!lx.str(')')) {
      values.push(this.parseTransformerListArg(pos));
      lx.blank();
      while (lx.str(',')) {
        lx.blank();
        values.push(this.parseTransformerListArg(pos));
        lx.blank();
      }
      if (!lx.str(')')) throw lx.error("expected ')'");
    }
    return { kind: 'transformer_list', values, pos };
  }

  private parseTransformerListArg(pos: Pos): Expr {
    const lx = this.lx;
    if (lx.fieldName()) return this.parseFieldRemainder(lx.lastToken, pos);
    if (lx.strList(TRANSFORMERS)) {
      lx.blank();
      return this.parseTransformerRemainder(this.takeTransformerName(), pos);
    }
    if (lx.quotedStr()) return value(lx.lastToken, true, pos);
    if (lx.hexNum() || lx.num()) return value(lx.lastToken, false, pos);
    throw lx.error('expected transformer list argument: field, transformer, quoted string, or number');
  }

  private parseCondition(left: FieldExpr | TransformerExpr, pos: Pos): Expr {
    this.enter();
    try {
      const lx = this.lx;
      lx.blank();
      if (lx.operatorList(UNARY_OPS)) return { kind: 'unary', left, op: 'exists', pos };
      lx.blank();
      if (lx.operatorList(NUM_OPS)) {
        const op = lx.lastToken as BinaryOperator;
        return { kind: 'binary', left, op, right: this.parseNumValueOrTransformer(), pos };
      }
      if (lx.operatorList(STR_OPS)) {
        const op = lx.lastToken as BinaryOperator;
        // Word operators have already consumed their blank; `==oneof` has none and is no modifier.
        const modified = this.tryParseModifier(WORD_STR_OPS.has(op));
        if (modified) return { kind: 'binary', left, op, modifier: modified.modifier, right: modified.right, pos };
        return { kind: 'binary', left, op, right: this.parseStrValueOrTransformer(false), pos };
      }
      if (lx.operatorList(LIST_OPS)) {
        const op = lx.lastToken as BinaryOperator;
        return { kind: 'binary', left, op, right: this.parseListValueOrTransformer(), pos };
      }
      throw lx.error(EXPECTED_OPERATOR);
    } finally {
      this.depth--;
    }
  }

  /**
   * `oneof (a, b)` / `anyof my_list` after a string operator. The word only counts as a
   * modifier with blanks on both sides and a list or a list name after it; otherwise (`== oneof`,
   * `== anyof and x`) it is an ordinary value and nothing is consumed.
   */
  private tryParseModifier(
    blankAfterOperator: boolean,
  ): { modifier: OperatorModifier; right: ValueExpr | ListExpr } | undefined {
    const lx = this.lx;
    if (!this.modifierAhead()) return undefined;
    const start = lx.save();
    const spaced = lx.blank() || blankAfterOperator;
    const modifier = spaced ? MODIFIERS.find((m) => lx.str(m)) : undefined;
    if (modifier && lx.blank()) {
      const pos = lx.pos();
      if (lx.str('(')) return { modifier, right: this.parseList(pos) };
      if (lx.identifier() && lx.lastToken !== 'and' && lx.lastToken !== 'or') {
        return { modifier, right: value(lx.lastToken, false, pos) };
      }
    }
    lx.restore(start);
    return undefined;
  }

  /** Cheap look-ahead: is the next non-blank text one of the modifier words? */
  private modifierAhead(): boolean {
    const lx = this.lx;
    let i = 0;
    while (isBlankByte(lx.peek(i))) i++;
    const c = lx.peek(i);
    return c === 0x6f /* o */ || c === 0x61 /* a */;
  }

  private parseNumValueOrTransformer(): ValueExpr | TransformerExpr {
    this.enter();
    try {
      const lx = this.lx;
      lx.blank();
      const pos = lx.pos();
      const transformer = this.tryParseTransformerOrVal();
      if (transformer) return transformer;
      if (lx.hexNum() || lx.num()) return value(lx.lastToken, false, pos);
      throw lx.error(`expected a number value or a field with a valid transformer: ${TRANSFORMER_NAMES}`);
    } finally {
      this.depth--;
    }
  }

  /** A string value; unless `noTransformer`, a transformer (or val()) is tried first. */
  private parseStrValueOrTransformer(noTransformer: boolean): ValueExpr | TransformerExpr {
    this.enter();
    try {
      const lx = this.lx;
      lx.blank();
      const pos = lx.pos();
      if (!noTransformer) {
        const transformer = this.tryParseTransformerOrVal();
        if (transformer) return transformer;
      }
      if (lx.quotedStr()) return value(lx.lastToken, true, pos);
      if (lx.bareStr()) return value(lx.lastToken, false, pos);
      if (noTransformer) throw lx.error('expected a string value');
      throw lx.error(`expected a string value or a field with a valid transformer: ${TRANSFORMER_NAMES}`);
    } finally {
      this.depth--;
    }
  }

  private parseListValueOrTransformer(): ValueExpr | ListExpr | TransformerExpr {
    this.enter();
    try {
      const lx = this.lx;
      lx.blank();
      const pos = lx.pos();
      if (lx.str('(')) return this.parseList(pos);
      const transformer = this.tryParseTransformerOrVal();
      if (transformer) return transformer;
      if (lx.identifier()) return value(lx.lastToken, false, pos);
      throw lx.error(`expected a list, an identifier, or a field with a valid transformer: ${TRANSFORMER_NAMES}`);
    } finally {
      this.depth--;
    }
  }

  /** `(a, 'b', "c")` once the `(` is consumed. */
  private parseList(pos: Pos): ListExpr {
    const lx = this.lx;
    const values: ValueExpr[] = [];
    lx.blank();
    // libs reads the first item inside a catch-all: any failure there (even a bad escape or the
    // depth limit) just means "empty list", and parsing goes on from wherever it stopped.
    let first: ValueExpr | undefined;
    try {
      first = this.parseListItem();
    } catch (e) {
      if (!(e instanceof ConditionSyntaxError)) throw e;
    }
    if (first) {
      values.push(first);
      lx.blank();
      while (lx.str(',')) {
        values.push(this.parseListItem());
        lx.blank();
      }
    }
    if (!lx.str(')')) throw lx.error("expected a ')' token");
    return { kind: 'list', values, pos };
  }

  private parseListItem(): ValueExpr {
    const item = this.parseStrValueOrTransformer(true);
    // Unreachable (no transformer is tried for list items); libs has the same guard.
    if (item.kind !== 'value') throw this.lx.error('parser fatal error: null value expr in list');
    return item;
  }

  /** A right-hand transformer or `val(field)`, or undefined when there is none here. */
  private tryParseTransformerOrVal(): TransformerExpr | undefined {
    this.enter();
    try {
      const lx = this.lx;
      lx.blank();
      const pos = lx.pos();
      if (lx.str(VAL_TRANSFORMER)) {
        lx.blank();
        const transformer = this.takeTransformerName();
        const fieldPos = lx.pos();
        if (!lx.fieldName()) throw lx.error(`expected a field within '${transformer}' transformer`);
        const field = this.parseFieldRemainder(lx.lastToken, fieldPos);
        lx.blank();
        if (!lx.str(')')) throw lx.error("expected a ')' token closing the transformer");
        // libs 0.22 reads `val(f)[arg]` and leaves it to the compiler to refuse the argument.
        const node: TransformerExpr = { kind: 'transformer', transformer, values: [field], pos };
        const arg = this.parseFieldArg();
        if (arg !== undefined) node.arg = arg;
        return node;
      }
      if (lx.strList(TRANSFORMERS)) {
        lx.blank();
        return this.parseTransformerRemainder(this.takeTransformerName(), pos);
      }
      return undefined;
    } finally {
      this.depth--;
    }
  }
}

function value(text: string, quoted: boolean, pos: Pos): ValueExpr {
  return { kind: 'value', value: text, quoted, pos };
}
