import { describe, expect, it } from 'vitest';
import type { Expr } from '../../host/condition/ast.js';
import { parseCondition } from '../../host/condition/parser.js';
import {
  EventTypeInferenceError, inferEventTypes, isAllEvents, isNoEvents, matchesTooManyEventTypes, sortedNames,
} from '../../host/compile/evttypes.js';
import { SYSCALL_EVENT_TYPES } from '../../host/events/event_types.js';

const infer = (c: string) => inferEventTypes(parseCondition(c));

describe('inferEventTypes', () => {
  it('works on a hand-built tree', () => {
    const pos = { idx: 0, line: 1, col: 1 };
    const ast: Expr = {
      kind: 'binary', op: 'in', pos,
      left: { kind: 'field', field: 'evt.type', pos },
      right: { kind: 'list', pos, values: [
        { kind: 'value', value: 'execve', quoted: false, pos },
        { kind: 'value', value: 'execveat', quoted: false, pos },
      ] },
    };
    expect(sortedNames(inferEventTypes(ast))).toEqual(['execve', 'execveat']);
  });

  it('intersects and unites', () => {
    expect(sortedNames(infer('evt.type in (open, openat) and evt.type in (openat, openat2)'))).toEqual(['openat']);
    expect(sortedNames(infer('evt.type = connect or (evt.type = accept and fd.num > 0)'))).toEqual(['accept', 'connect']);
  });

  it('keeps only names the source knows', () => {
    expect(isNoEvents(infer('evt.type = nosuchevent'))).toBe(true);
    expect(infer('not evt.type = nosuchevent').names.size).toBe(SYSCALL_EVENT_TYPES.size);
  });

  it('treats checks on other fields as neutral, even negated', () => {
    expect(isAllEvents(infer('not proc.name = bash'))).toBe(true);
    expect(isAllEvents(infer('evt.type exists'))).toBe(true);
    expect(isNoEvents(infer('not evt.type exists'))).toBe(true);
    expect(isAllEvents(infer('toupper(evt.type) contains OPEN'))).toBe(true);
  });

  it('fails where libs event-code search fails', () => {
    expect(() => infer('evt.type = val(evt.arg.name)')).toThrow(
      new EventTypeInferenceError('right-hand field comparisons on `evt.type` checks are not supported by event code search'),
    );
    expect(() => infer('tolower(evt.type) = open')).toThrow('event code search does not support `evt.type` checks with transformers');
  });

  it('flags rules Falco warns about', () => {
    expect(matchesTooManyEventTypes(infer('proc.name = bash'))).toBe(true);
    expect(matchesTooManyEventTypes(infer('evt.type = close and evt.type = open'))).toBe(true);
    expect(matchesTooManyEventTypes(infer('evt.type in (open, openat, openat2)'))).toBe(false);
  });
});
