// Token recognisers for the condition language, with libs' exact lexical rules.
//
// libs lexes a C++ std::string byte by byte, so this works on the UTF-8 bytes of the input and
// counts positions in bytes (for ASCII input, bytes and characters coincide). Each recogniser
// either consumes its token, moves the position past it and records it as the last token, or
// leaves everything untouched and returns false. libs' regular expressions are re-expressed as
// hand-written scanners (same language, leftmost-longest); they never backtrack, so lexing is
// linear in the input.
import type { Pos } from './ast.js';
import { valueFromBytes } from './bytes.js';
import { ConditionSyntaxError } from './errors.js';

// Byte values the lexer tests for.
const NUL = 0x00;
const BACKSPACE = 0x08;
const TAB = 0x09;
const NEWLINE = 0x0a;
const FORM_FEED = 0x0c;
const RETURN = 0x0d;
const SPACE = 0x20;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const ZERO = 0x30;
const NINE = 0x39;
const EQUALS = 0x3d;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const UNDERSCORE = 0x5f;
const LOWER_X = 0x78;

/** What lex_blank skips: space, tab, backspace, CR, LF (not VT or FF). */
export function isBlankByte(c: number): boolean {
  return c === SPACE || c === TAB || c === BACKSPACE || c === RETURN || c === NEWLINE;
}

/** POSIX [[:space:]] as RE2 defines it: ASCII only, includes VT and FF, excludes backspace. */
function isPosixSpace(c: number): boolean {
  return c === SPACE || (c >= TAB && c <= RETURN);
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** The value of a hex digit byte, or -1. */
function hexValue(c: number): number {
  if (isDigit(c)) return c - ZERO;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

function isWordChar(c: number): boolean {
  return isAlpha(c) || isDigit(c) || c === UNDERSCORE;
}

/** Characters a bare string value may contain: [^()"'[:space:]=,]. */
export function isBareStringByte(c: number): boolean {
  return !(
    c === OPEN_PAREN || c === CLOSE_PAREN || c === DOUBLE_QUOTE || c === SINGLE_QUOTE ||
    c === EQUALS || c === COMMA || isPosixSpace(c)
  );
}

/** Characters a bare field argument may contain: [^]["'[:space:]]. */
export function isBareFieldArgByte(c: number): boolean {
  return !(
    c === OPEN_BRACKET || c === CLOSE_BRACKET || c === DOUBLE_QUOTE || c === SINGLE_QUOTE ||
    isPosixSpace(c)
  );
}

/** End of an identifier ([a-zA-Z]+[a-zA-Z0-9_]*) starting at i in bytes, or -1. */
function scanIdentifier(b: Uint8Array, i: number): number {
  if (i >= b.length || !isAlpha(b[i]!)) return -1;
  let j = i + 1;
  while (j < b.length && isWordChar(b[j]!)) j++;
  return j;
}

/** End of a number ([+-]?[0-9]+[.]?[0-9]*([eE][+-][0-9]+)?) at i, or -1. */
export function scanNumber(b: Uint8Array, i: number): number {
  let j = i;
  if (j < b.length && (b[j] === PLUS || b[j] === MINUS)) j++;
  const digitsStart = j;
  while (j < b.length && isDigit(b[j]!)) j++;
  if (j === digitsStart) return -1;
  if (j < b.length && b[j] === DOT) j++;
  while (j < b.length && isDigit(b[j]!)) j++;
  const e = b[j];
  const sign = b[j + 1];
  if ((e === 0x45 || e === 0x65) && (sign === PLUS || sign === MINUS) && isDigit(b[j + 2] ?? -1)) {
    j += 3;
    while (j < b.length && isDigit(b[j]!)) j++;
  }
  return j;
}

/** End of a hex number (0[xX][0-9a-fA-F]+) at i, or -1. */
export function scanHexNumber(b: Uint8Array, i: number): number {
  if (b[i] !== ZERO || (b[i + 1] !== 0x78 && b[i + 1] !== 0x58) || !isHexDigit(b[i + 2] ?? -1)) return -1;
  let j = i + 3;
  while (j < b.length && isHexDigit(b[j]!)) j++;
  return j;
}

const decoder = new TextDecoder('utf-8');

/** An operator spelling; word operators (`contains`) must be followed by a blank. */
export interface Operator {
  text: string;
  blankAfter: boolean;
}

/** A lexer snapshot, to undo a speculative read. */
export interface LexerState {
  idx: number;
  line: number;
  col: number;
  lastToken: string;
}

export class ConditionLexer {
  private readonly bytes: Uint8Array;
  /** The input itself when it is pure ASCII, so tokens can be sliced without decoding. */
  private readonly ascii: string | undefined;
  idx = 0;
  line = 1;
  col = 1;
  /** libs' m_last_token: the text of the last token lexed (used in one error message). */
  lastToken = '';

  constructor(text: string) {
    this.bytes = Buffer.from(text, 'utf8');
    this.ascii = this.bytes.length === text.length ? text : undefined;
  }

  get length(): number {
    return this.bytes.length;
  }

  get atEnd(): boolean {
    return this.idx >= this.bytes.length;
  }

  pos(): Pos {
    return { idx: this.idx, line: this.line, col: this.col };
  }

  save(): LexerState {
    return { idx: this.idx, line: this.line, col: this.col, lastToken: this.lastToken };
  }

  restore(s: LexerState): void {
    this.idx = s.idx;
    this.line = s.line;
    this.col = s.col;
    this.lastToken = s.lastToken;
  }

  /** The byte at the cursor plus `ahead`, or 0 past the end (libs reads the C string's NUL). */
  peek(ahead = 0): number {
    return this.bytes[this.idx + ahead] ?? NUL;
  }

  error(reason: string): ConditionSyntaxError {
    return new ConditionSyntaxError(reason, this.pos());
  }

  private text(start: number, end: number): string {
    if (this.ascii !== undefined) return this.ascii.slice(start, end);
    return decoder.decode(this.bytes.subarray(start, end));
  }

  /** Moves the cursor to `end`, counting lines and columns the way libs does. */
  private advanceTo(end: number): void {
    const b = this.bytes;
    let { idx, line, col } = this;
    while (idx < end) {
      const c = b[idx]!;
      if (c === RETURN || c === NEWLINE) {
        line++;
        col = 1;
      } else {
        col++;
      }
      idx++;
    }
    this.idx = idx;
    this.line = line;
    this.col = col;
  }

  /** Consumes bytes [idx, end) as a token. */
  private take(end: number): true {
    this.lastToken = this.text(this.idx, end);
    this.advanceTo(end);
    return true;
  }

  /** lex_blank: skips blanks; true if there was at least one. Does not touch the last token. */
  blank(): boolean {
    const b = this.bytes;
    let end = this.idx;
    while (end < b.length && isBlankByte(b[end]!)) end++;
    if (end === this.idx) return false;
    this.advanceTo(end);
    return true;
  }

  /** lex_helper_str: the exact ASCII text `s` at the cursor. */
  str(s: string): boolean {
    const b = this.bytes;
    const i = this.idx;
    if (i + s.length > b.length) return false;
    for (let k = 0; k < s.length; k++) {
      if (b[i + k] !== s.charCodeAt(k)) return false;
    }
    this.lastToken = s;
    this.advanceTo(i + s.length);
    return true;
  }

  /** lex_helper_str_list: the first of `list` present at the cursor. */
  strList(list: readonly string[]): boolean {
    for (const s of list) {
      if (this.str(s)) return true;
    }
    return false;
  }

  /**
   * lex_helper_operator_list: operators that need a blank after them must have one. As in libs,
   * an operator word without the blank stops the search and stays consumed.
   */
  operatorList(list: readonly Operator[]): boolean {
    for (const op of list) {
      if (this.str(op.text)) return op.blankAfter ? this.blank() : true;
    }
    return false;
  }

  /** RGX_NOTBLANK: `not` followed by at least one [[:space:]]. */
  notBlank(): boolean {
    const b = this.bytes;
    const i = this.idx;
    if (b[i] !== 0x6e || b[i + 1] !== 0x6f || b[i + 2] !== 0x74 || !isPosixSpace(b[i + 3] ?? -1)) return false;
    let end = i + 4;
    while (end < b.length && isPosixSpace(b[end]!)) end++;
    return this.take(end);
  }

  identifier(): boolean {
    const end = scanIdentifier(this.bytes, this.idx);
    return end >= 0 && this.take(end);
  }

  /** RGX_FIELDNAME: identifier segments joined by dots, at least two segments. */
  fieldName(): boolean {
    const b = this.bytes;
    let end = scanIdentifier(b, this.idx);
    if (end < 0) return false;
    let segments = 1;
    while (b[end] === DOT) {
      const next = scanIdentifier(b, end + 1);
      if (next < 0) break;
      end = next;
      segments++;
    }
    return segments > 1 && this.take(end);
  }

  fieldArgBareStr(): boolean {
    return this.run(isBareFieldArgByte);
  }

  bareStr(): boolean {
    return this.run(isBareStringByte);
  }

  private run(accept: (c: number) => boolean): boolean {
    const b = this.bytes;
    let end = this.idx;
    while (end < b.length && accept(b[end]!)) end++;
    return end > this.idx && this.take(end);
  }

  hexNum(): boolean {
    const end = scanHexNumber(this.bytes, this.idx);
    return end >= 0 && this.take(end);
  }

  num(): boolean {
    const end = scanNumber(this.bytes, this.idx);
    return end >= 0 && this.take(end);
  }

  /**
   * lex_quoted_str: a '...' or "..." string. The closing quote is the first delimiter not
   * directly preceded by a backslash; the input's end (or a NUL byte) leaves it unterminated,
   * which is "no match" with the position restored. The last token becomes the unescaped
   * value; a bad escape throws, with the position already past the closing quote.
   */
  quotedStr(): boolean {
    const b = this.bytes;
    const start = this.idx;
    const delimiter = b[start];
    if (delimiter !== SINGLE_QUOTE && delimiter !== DOUBLE_QUOTE) return false;
    let prev: number = BACKSLASH;
    let i = start;
    for (; i < b.length && b[i] !== NUL; i++) {
      const c = b[i]!;
      if (c === delimiter && prev !== BACKSLASH) {
        this.lastToken = this.text(start, i + 1);
        this.advanceTo(i + 1);
        this.lastToken = this.unescape(start, i + 1);
        return true;
      }
      prev = c;
    }
    // libs leaves the partial text as the last token when the quote is never closed.
    this.lastToken = this.text(start, i);
    return false;
  }

  /**
   * unescape_str over the raw quoted token [start, end), quotes included: \b \f \n \r \t \\ \/,
   * the string's own quote, "\ " (a backslash) and \xHH (any byte). Bytes that are not valid UTF-8
   * come back as raw-byte code units (see bytes.ts). Anything else is an error.
   */
  private unescape(start: number, end: number): string {
    const b = this.bytes;
    const quote = b[start]!;
    if (b.subarray(start + 1, end - 1).indexOf(BACKSLASH) < 0) return this.text(start + 1, end - 1);
    const out: number[] = [];
    let escaped = false;
    for (let i = start + 1; i < end - 1; i++) {
      const c = b[i]!;
      if (!escaped) {
        if (c === BACKSLASH) escaped = true;
        else out.push(c);
        continue;
      }
      escaped = false;
      switch (c) {
        case 0x62: out.push(BACKSPACE); break; // \b
        case 0x66: out.push(FORM_FEED); break; // \f
        case 0x6e: out.push(NEWLINE); break; // \n
        case 0x72: out.push(RETURN); break; // \r
        case 0x74: out.push(TAB); break; // \t
        // libs tolerates "\ " for old rules and turns it into a backslash.
        case SPACE:
        case BACKSLASH: out.push(BACKSLASH); break;
        case SLASH: out.push(SLASH); break;
        case DOUBLE_QUOTE:
          if (quote !== DOUBLE_QUOTE) throw this.error("invalid \\\" escape in '-quoted string");
          out.push(DOUBLE_QUOTE);
          break;
        case SINGLE_QUOTE:
          if (quote !== SINGLE_QUOTE) throw this.error('invalid \\\' escape in "-quoted string');
          out.push(SINGLE_QUOTE);
          break;
        case LOWER_X: {
          // \xHH: exactly two hex digits, any byte (libs 0.22; used for NUL and non-UTF-8 needles).
          const hi = hexValue(i + 1 < end - 1 ? b[i + 1]! : -1);
          const lo = hexValue(i + 2 < end - 1 ? b[i + 2]! : -1);
          if (hi < 0 || lo < 0) throw this.error('unsupported string escape sequence: \\x');
          out.push(hi * 16 + lo);
          i += 2;
          break;
        }
        default:
          throw this.error(`unsupported string escape sequence: \\${this.charAt(i)}`);
      }
    }
    return valueFromBytes(Uint8Array.from(out));
  }

  /** The whole UTF-8 character starting at byte i (for messages). */
  private charAt(i: number): string {
    const c = this.bytes[i]!;
    const len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return decoder.decode(this.bytes.subarray(i, i + len));
  }
}
