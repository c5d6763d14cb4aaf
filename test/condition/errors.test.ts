import { describe, expect, it } from 'vitest';
import { ConditionSyntaxError, indexOfByteOffset } from '../../host/condition/errors.js';
import { parseCondition } from '../../host/condition/parser.js';

describe('ConditionSyntaxError', () => {
  it('carries libs reason and position, and says both in its message', () => {
    const e = new ConditionSyntaxError("expected a ')' token", { idx: 8, line: 1, col: 9 });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ConditionSyntaxError');
    expect(e.reason).toBe("expected a ')' token");
    expect(e.pos).toEqual({ idx: 8, line: 1, col: 9 });
    expect(e.message).toBe("expected a ')' token (index 8, line 1, column 9)");
  });
});

describe('indexOfByteOffset', () => {
  it('maps libs byte offsets back to string indexes', () => {
    const text = 'é☃🐍x';
    expect([0, 2, 5, 9, 10].map((b) => indexOfByteOffset(text, b))).toEqual([0, 1, 2, 4, 5]);
    expect(indexOfByteOffset(text, 3)).toBe(1); // inside ☃
    expect(indexOfByteOffset('abc', 2)).toBe(2);
  });

  it('points at the offending text of a parse error', () => {
    const text = 'proc.name = "☃ é" x';
    try {
      parseCondition(text);
      expect.unreachable();
    } catch (e) {
      expect(text.slice(indexOfByteOffset(text, (e as ConditionSyntaxError).pos.idx))).toBe('x');
    }
  });
});
