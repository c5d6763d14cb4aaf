// Serialises a condition AST to the canonical text of an expanded condition:
//   (evt.type in (open, openat) and fd.typechar = f and not (proc.name in (sh, "(systemd)")))
// Every and/or group is parenthesised, `not` wraps its operand in parentheses, values are written
// bare when the parser would read them back unchanged and double-quoted (with escapes) otherwise.
// Parsing the output gives back the same tree, positions and quoting aside.
import type { Expr, ValueExpr } from './ast.js';
import { rawByteAt } from './bytes.js';
import { isBareFieldArgByte, isBareStringByte, scanHexNumber, scanNumber } from './lexer.js';

export function formatCondition(e: Expr): string {
  return format(e, false);
}

/** `inTransformer`: values inside transformer operands must be numbers or quoted strings. */
function format(e: Expr, inTransformer: boolean): string {
  switch (e.kind) {
    case 'and':
    case 'or':
      return `(${e.children.map((c) => format(c, false)).join(` ${e.kind} `)})`;
    case 'not':
      return `not (${format(e.child, false)})`;
    case 'identifier':
      // A macro called `not` would read as the start of a negation in most places.
      return e.name === 'not' ? '(not)' : e.name;
    case 'value':
      return inTransformer ? formatOperandValue(e) : formatValue(e.value);
    case 'list':
      return `(${e.values.map((v) => formatValue(v.value)).join(', ')})`;
    case 'unary':
      return `${format(e.left, false)} ${e.op}`;
    case 'binary': {
      const op = e.modifier ? `${e.op} ${e.modifier}` : e.op;
      // After a list operator a lone value is a list name: the parser reads it only bare (an
      // identifier), never quoted, so it is written bare even when it looks like `and`.
      const listName = e.right.kind === 'value' && (e.modifier !== undefined || LIST_OPERATORS.has(e.op));
      return `${format(e.left, false)} ${op} ${listName ? (e.right as ValueExpr).value : format(e.right, false)}`;
    }
    case 'field':
      return e.field + formatArg(e.arg);
    case 'transformer':
      return `${e.transformer}(${e.values.map((v) => format(v, true)).join(', ')})${formatArg(e.arg)}`;
    case 'transformer_list':
      return `(${e.values.map((v) => format(v, true)).join(', ')})`;
  }
}

/**
 * A right-hand or list value: bare if it lexes back as one bare string, else quoted. Values that
 * begin like a boolean keyword (`org.jboss`) are quoted too, as the expanded conditions of the
 * upstream rules show, so that they never read like `or ...` to a human.
 */
export function formatValue(value: string): string {
  return isAll(value, isBareStringByte) && !KEYWORD_START.test(value) ? value : quote(value);
}

const KEYWORD_START = /^(?:and|or|not)/;
const LIST_OPERATORS = new Set(['in', 'intersects', 'pmatch']);

function formatOperandValue(v: ValueExpr): string {
  const bytes = Buffer.from(v.value, 'utf8');
  const isNumber = bytes.length > 0 && (scanHexNumber(bytes, 0) === bytes.length || scanNumber(bytes, 0) === bytes.length);
  return isNumber ? v.value : quote(v.value);
}

function formatArg(arg: string | undefined): string {
  if (arg === undefined) return '';
  return `[${isAll(arg, isBareFieldArgByte) ? arg : quote(arg)}]`;
}

/**
 * True for a non-empty string whose every byte passes `accept` (all tested bytes are ASCII).
 * Control characters and raw (non-UTF-8) bytes are never written bare: they read better escaped,
 * and a NUL byte would end libs' scan of a quoted string.
 */
function isAll(s: string, accept: (c: number) => boolean): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || rawByteAt(s, i) !== undefined) return false;
    // Non-ASCII characters are never among the excluded bytes.
    if (c < 0x80 && !accept(c)) return false;
  }
  return true;
}

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** What quote() escapes: the characters above, other control characters, and raw-byte code units. */
const NEEDS_ESCAPE = /[\\"\x00-\x1f\x7f]|(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/g;

function hexEscape(byte: number): string {
  return `\\x${byte.toString(16).padStart(2, '0')}`;
}

/**
 * A double-quoted string libs unescapes back to `value`. libs ends a quoted string at the first
 * quote not preceded by a backslash, so a final backslash is written as "\ " (which libs reads
 * as a backslash) rather than "\\". Bytes without a short escape are written \xHH.
 */
function quote(value: string): string {
  let body = value.replace(NEEDS_ESCAPE, (c) => ESCAPES[c] ?? hexEscape(rawByteAt(c, 0) ?? c.charCodeAt(0)));
  if (body.endsWith('\\\\')) body = `${body.slice(0, -2)}\\ `;
  return `"${body}"`;
}
