// The one error the condition parser throws for bad input.
import type { Pos } from './ast.js';

/**
 * A condition that libs' filter parser would reject. `reason` is libs' own message, word for
 * word; `pos` is where libs' parser stood when it gave up (byte offset, like libs).
 */
export class ConditionSyntaxError extends Error {
  readonly reason: string;
  readonly pos: Pos;

  constructor(reason: string, pos: Pos) {
    super(`${reason} (index ${pos.idx}, line ${pos.line}, column ${pos.col})`);
    this.name = 'ConditionSyntaxError';
    this.reason = reason;
    this.pos = { ...pos };
  }
}
