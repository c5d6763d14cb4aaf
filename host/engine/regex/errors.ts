// Errors raised while compiling a regex for the `regex` operator.
//
// Falco builds each right-hand side of `regex` as an RE2 object (RE2 2022-06-01, options
// RE2::POSIX) and rejects the filter with "invalid regex pattern: " followed by RE2's own error
// text ("<what>: <offending part>"). RegexSyntaxError carries the same text.

/** RE2's error kinds (RegexpStatusCode) that a pattern can hit in the parser. */
export type Re2ErrorCode =
  | 'bad-escape'
  | 'bad-char-class'
  | 'bad-char-range'
  | 'missing-bracket'
  | 'missing-paren'
  | 'unexpected-paren'
  | 'trailing-backslash'
  | 'repeat-argument'
  | 'repeat-size'
  | 'repeat-op'
  | 'bad-perl-op'
  | 'bad-utf8'
  | 'bad-named-capture';

/** RE2's text for each code (RegexpStatus::CodeText). */
export const RE2_CODE_TEXT: Record<Re2ErrorCode, string> = {
  'bad-escape': 'invalid escape sequence',
  'bad-char-class': 'invalid character class',
  'bad-char-range': 'invalid character class range',
  'missing-bracket': 'missing ]',
  'missing-paren': 'missing )',
  'unexpected-paren': 'unexpected )',
  'trailing-backslash': 'trailing \\',
  'repeat-argument': 'no argument for repetition operator',
  'repeat-size': 'invalid repetition size',
  'repeat-op': 'bad repetition operator',
  'bad-perl-op': 'invalid perl operator',
  'bad-utf8': 'invalid UTF-8',
  'bad-named-capture': 'invalid named capture group',
};

/** Prefix libs puts before RE2's error text. */
export const FALCO_REGEX_ERROR_PREFIX = 'invalid regex pattern: ';

/** A pattern RE2 rejects. `message` is the text Falco shows; `re2Error` is RE2::error(). */
export class RegexSyntaxError extends Error {
  readonly re2Error: string;
  constructor(
    readonly code: Re2ErrorCode,
    /** The part of the pattern RE2 names in its error (may be empty). */
    readonly arg: string,
  ) {
    const re2Error = arg === '' ? RE2_CODE_TEXT[code] : `${RE2_CODE_TEXT[code]}: ${arg}`;
    super(FALCO_REGEX_ERROR_PREFIX + re2Error);
    this.name = 'RegexSyntaxError';
    this.re2Error = re2Error;
  }
}

/**
 * A pattern RE2 accepts but this engine cannot run: a DFA over the state budget, or a construct
 * this implementation leaves out (Unicode groups \p{..} in Perl syntax mode).
 */
export class RegexUnsupportedError extends Error {
  constructor(
    readonly reason: 'too-complex' | 'unsupported-syntax',
    detail: string,
  ) {
    super(detail);
    this.name = 'RegexUnsupportedError';
  }
}
