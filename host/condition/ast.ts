// The condition AST: the shape libs' filter parser produces (and_expr, or_expr, not_expr,
// identifier_expr, value_expr, list_expr, unary/binary check, field, field transformer,
// transformer list). Every node carries the position libs gives it, so errors can point at it.

/**
 * Zero-based offset plus one-based line and column, like libs' pos_info. libs counts bytes of
 * the UTF-8 text, and so does the parser: for ASCII input these are character positions.
 */
export interface Pos {
  idx: number;
  line: number;
  col: number;
}

export type Expr =
  | AndExpr
  | OrExpr
  | NotExpr
  | IdentifierExpr
  | ValueExpr
  | ListExpr
  | UnaryCheckExpr
  | BinaryCheckExpr
  | FieldExpr
  | TransformerExpr
  | TransformerListExpr;

export interface AndExpr { kind: 'and'; children: Expr[]; pos: Pos }
export interface OrExpr { kind: 'or'; children: Expr[]; pos: Pos }
export interface NotExpr { kind: 'not'; child: Expr; pos: Pos }
/** A bare name: a macro reference before expansion (libs: identifier_expr). */
export interface IdentifierExpr { kind: 'identifier'; name: string; pos: Pos }
/** A literal right-hand value, already unquoted and unescaped. */
export interface ValueExpr { kind: 'value'; value: string; quoted: boolean; pos: Pos }
/** `(a, b, "c")`: list items, already unquoted; a bare item may still name a list before expansion. */
export interface ListExpr { kind: 'list'; values: ValueExpr[]; pos: Pos }
/** `field exists` (the only unary operator). */
export interface UnaryCheckExpr { kind: 'unary'; left: FieldExpr | TransformerExpr; op: 'exists'; pos: Pos }

export type BinaryOperator =
  | '=' | '==' | '!=' | '<' | '<=' | '>' | '>='
  | 'contains' | 'icontains' | 'bcontains'
  | 'startswith' | 'bstartswith' | 'endswith'
  | 'glob' | 'iglob' | 'in' | 'intersects' | 'pmatch' | 'regex';

/** `oneof`/`anyof`/`allof` between a string operator and a list (or a list's name). */
export type OperatorModifier = 'oneof' | 'anyof' | 'allof';

export interface BinaryCheckExpr {
  kind: 'binary';
  left: FieldExpr | TransformerExpr;
  op: BinaryOperator;
  modifier?: OperatorModifier;
  right: ValueExpr | ListExpr | FieldExpr | TransformerExpr;
  pos: Pos;
}

/** `proc.aname[2]`, `evt.arg.flags`, `fd.name`: `arg` is the bracketed argument, if any. */
export interface FieldExpr { kind: 'field'; field: string; arg?: string; pos: Pos }

/**
 * `tolower(fd.name)`, `join("-", (a, b))`, `getopt(proc.args, "nt:")[t]`: the transformer's
 * name, its operands (fields, transformers, values, transformer lists) and the bracketed
 * argument after the closing parenthesis, if any.
 */
export interface TransformerExpr {
  kind: 'transformer';
  transformer: string;
  values: Expr[];
  arg?: string;
  pos: Pos;
}

/** `(fd.name, "x", 1)` as an operand of a transformer such as join (libs: transformer_list_expr). */
export interface TransformerListExpr { kind: 'transformer_list'; values: Expr[]; pos: Pos }
