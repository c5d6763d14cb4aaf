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

/**
 * The JavaScript string index of a libs byte offset into `text` (they differ once the text holds
 * non-ASCII characters). An offset inside a multi-byte character maps to that character.
 */
export function indexOfByteOffset(text: string, byteOffset: number): number {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > byteOffset) return i;
    bytes += size;
    i += cp >= 0x10000 ? 2 : 1;
  }
  return text.length;
}
