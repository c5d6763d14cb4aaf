// The parsed form of an RE2 pattern, before it is compiled to automata.

/** Zero-width assertions. bol/eol: ^ $ at line starts/ends (RE2's default without one_line);
 *  bot/eot: start/end of text; word/notWord: \b \B (ASCII word characters). */
export type AssertKind = 'bol' | 'eol' | 'bot' | 'eot' | 'word' | 'notWord';

export type RegexNode =
  | { readonly type: 'empty' }
  /** A set of code points; a single literal is a set of one (after case folding, maybe more). */
  | { readonly type: 'class'; readonly ranges: ReadonlyArray<readonly [number, number]> }
  /** \C: any single byte (Perl syntax only). */
  | { readonly type: 'anyByte' }
  | { readonly type: 'concat'; readonly items: readonly RegexNode[] }
  | { readonly type: 'alt'; readonly items: readonly RegexNode[] }
  /** max -1 = unbounded. `*` is {0,-1}, `+` {1,-1}, `?` {0,1}; `counted` marks the {n,m} form (RE2
   *  limits only those). Greediness does not change what matches. */
  | {
      readonly type: 'repeat';
      readonly min: number;
      readonly max: number;
      readonly counted: boolean;
      readonly greedy: boolean;
      readonly item: RegexNode;
    }
  | { readonly type: 'group'; readonly capture: boolean; readonly name?: string; readonly item: RegexNode }
  | { readonly type: 'assert'; readonly kind: AssertKind };
