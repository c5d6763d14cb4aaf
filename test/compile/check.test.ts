import { describe, expect, it } from 'vitest';
import type { Expr } from '../../host/condition/ast.js';
import { parseCondition } from '../../host/condition/parser.js';
import { checkCondition, operatorTypeError, undefinedMacroMessage } from '../../host/compile/check.js';

const at = (idx: number) => ({ idx, line: 1, col: idx + 1 });

function errorOf(condition: string): { message: string; idx: number } | undefined {
  const e = checkCondition(parseCondition(condition)).errors[0];
  return e && { message: e.message, idx: e.pos.idx };
}

function warningsOf(condition: string): string[] {
  return checkCondition(parseCondition(condition)).warnings.map((w) => w.message);
}

describe('checkCondition on hand-built trees', () => {
  it('accepts a valid check', () => {
    const ast: Expr = {
      kind: 'binary', op: '=', pos: at(0),
      left: { kind: 'field', field: 'proc.name', pos: at(0) },
      right: { kind: 'value', value: 'bash', quoted: false, pos: at(12) },
    };
    expect(checkCondition(ast)).toEqual({ errors: [], warnings: [] });
  });

  it('reports an unresolved macro with Falco wording, or libs wording on request', () => {
    const ast: Expr = { kind: 'and', pos: at(0), children: [
      { kind: 'unary', op: 'exists', pos: at(0), left: { kind: 'field', field: 'proc.name', pos: at(0) } },
      { kind: 'identifier', name: 'spawned_process', pos: at(21) },
    ] };
    expect(checkCondition(ast).errors).toEqual([{ message: undefinedMacroMessage('spawned_process'), pos: at(21) }]);
    expect(undefinedMacroMessage('x')).toBe("Undefined macro 'x' used in filter.");
    expect(checkCondition(ast, undefined, { identifiers: 'libs' }).errors[0]!.message).toBe(
      "filter error: unexpected identifier 'spawned_process'",
    );
  });
});

describe('checkCondition errors (libs messages and positions)', () => {
  it('unknown fields, at the field', () => {
    expect(errorOf('evt.type = open and proc.nme = bash')).toEqual({
      message: 'filter_check called with nonexistent field proc.nme', idx: 20,
    });
  });

  it('operators that do not suit the field type', () => {
    expect(errorOf('evt.rawtime contains 1')!.message).toBe("filter error: 'contains' operator not supported for numeric filters");
    expect(errorOf('evt.is_io > 1')!.message).toBe("filter error: '>' operator not supported for numeric filters");
    expect(errorOf('evt.buffer icontains x')!.message).toBe("filter error: 'icontains' operator not supported for buffer filters");
    expect(errorOf('fd.ip startswith 1')!.message).toBe(
      "filter error: 'startswith' operator not supported for ip address and network filters",
    );
    expect(errorOf('fd.name bcontains 00')!.message).toBe("filter error: 'bcontains' operator not supported for string filters");
    expect(errorOf('fd.types = x')!.message).toBe("filter error: '=' operator not supported list filters");
    expect(operatorTypeError('exists', 'PT_DYN', false)).toBeUndefined();
  });

  it('values that do not parse as the field type, at the value', () => {
    expect(errorOf('proc.pid = abc')).toEqual({ message: 'abc is not a valid number', idx: 11 });
    expect(errorOf('thread.cpu = 1.0')!.message).toBe('1.0 is not a valid number');
    expect(errorOf('evt.is_io = yes')!.message).toBe('filter error: unrecognized boolean value yes');
    expect(errorOf('fd.net = 10.0.0.1')!.message).toBe('unrecognized IP network 10.0.0.1');
    expect(errorOf('proc.pid in (1, 2, x)')!.message).toBe('x is not a valid number');
    expect(errorOf('evt.type = opn')!.message).toBe('unknown event type opn');
    expect(errorOf('evt.type in (open, openat, nosuchcall)')!.message).toBe('unknown event type nosuchcall');
    expect(errorOf('evt.buffer bcontains zz')!.message).toBe('filter error: bcontains and bstartswith operator support hex strings only');
    expect(errorOf('evt.around[1] != 5')!.message).toBe("evt.around supports only '=' comparison operator");
  });

  it('field arguments', () => {
    expect(errorOf('evt.arg[x] = 1')!.message).toBe('x is not a valid number');
    expect(errorOf('evt.arg = 1')!.message).toBe('filter syntax error: evt.arg');
    expect(errorOf('proc.name[1] = x')!.message).toBe('filter_check called with nonexistent field proc.name[1]');
    expect(errorOf('proc.aname[3] = x and evt.arg.flags contains O_CREAT')).toBeUndefined();
  });

  it('transformers', () => {
    expect(errorOf('toupper(evt.rawres) = -1')!.message).toBe(
      "can't add field transformer: type 'INT64' is not supported by 'toupper' transformer applied on field 'evt.rawres'",
    );
    expect(errorOf('toupper(evt.rawarg.res) = -1')!.message).toBe("field 'evt.rawarg' does not support transformers");
    expect(errorOf('toupper(fd.name)[x] = foo')!.message).toBe("filter error: transformer 'toupper' does not support field arguments");
    expect(errorOf('len(fd.name) > 3')).toBeUndefined();
    expect(errorOf('len(fd.name) contains 3')!.message).toBe("filter error: 'contains' operator not supported for numeric filters");
    expect(errorOf('tolower(proc.name) exists')).toBeUndefined();
    expect(errorOf('join("-", (fd.name, fd.directory)) = /tmp/x')).toBeUndefined();
  });

  it('right-hand side fields', () => {
    expect(errorOf('proc.name = val(proc.pname)')).toBeUndefined();
    expect(errorOf('fd.name = tolower(proc.name)')).toBeUndefined();
    expect(errorOf('syscall.type = val(evt.is_wait)')!.message).toBe(
      "field 'syscall.type' has type 'CHARBUF' while the right-hand side field 'evt.is_wait' has incompatible type 'BOOL'",
    );
    expect(errorOf('fd.ip = val(fd.sip)')!.message).toBe("field 'fd.ip' doesn't support right-hand side fields");
    expect(errorOf('fd.sip = val(fd.ip)')!.message).toBe("field 'fd.ip' can't be used as a right-hand side field");
    expect(errorOf('fd.snet = val(fd.sip)')!.message).toBe("field type 'IPNET' doesn't support right-hand side fields");
    expect(errorOf('proc.name pmatch val(proc.pname)')!.message).toBe("operator 'PMATCH' doesn't support right-hand side fields");
  });

  it('stops at the first error', () => {
    expect(checkCondition(parseCondition('proc.nme = a or fd.nme = b')).errors).toHaveLength(1);
  });
});

describe('checkCondition warnings', () => {
  it('regex values that simpler operators could match', () => {
    expect(warningsOf('proc.name regex ^bash$')).toEqual([
      "regex check with '^bash$' may be optimized with simpler operators such as '=', 'contains', 'startswith', 'endswith'",
    ]);
    expect(warningsOf('proc.name regex ba.h')).toEqual([]);
  });

  it('values that look like fields or transformers', () => {
    expect(warningsOf('proc.name = proc.pname')).toEqual(["'proc.pname' may be a valid field misused as a const string value"]);
    expect(warningsOf("proc.name = 'tolower(proc.pname)'")).toEqual([
      "'tolower(proc.pname)' may be a valid field transformer misused as a const string value",
    ]);
    expect(warningsOf('proc.name in (bash, unknown.field)')).toEqual([]);
  });

  it('are reported at the right-hand side', () => {
    const w = checkCondition(parseCondition('proc.name = proc.pname')).warnings[0]!;
    expect(w.pos.idx).toBe(12);
  });
});
