import { describe, expect, it } from 'vitest';
import type { Expr, Pos } from '../../host/condition/ast.js';
import { hasRawBytes, valueToBytes } from '../../host/condition/bytes.js';
import { ConditionSyntaxError } from '../../host/condition/errors.js';
import {
  FALCO_CONDITION_MAX_DEPTH,
  LIBS_DEFAULT_MAX_DEPTH,
  SUPPORTED_OPERATORS,
  SUPPORTED_TRANSFORMERS,
  parseCondition,
} from '../../host/condition/parser.js';

/** The error parseCondition throws for `text` (fails the test if it parses). */
function rejection(text: string, maxDepth?: number): ConditionSyntaxError {
  try {
    parseCondition(text, maxDepth === undefined ? {} : { maxDepth });
  } catch (e) {
    expect(e).toBeInstanceOf(ConditionSyntaxError);
    return e as ConditionSyntaxError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

const p = (idx: number, line: number, col: number): Pos => ({ idx, line, col });

/** libs' pos_visitor from filter_parser.ut.cpp: node names with "idx line col", pre-order. */
function positions(e: Expr): string {
  const here = `${e.pos.idx} ${e.pos.line} ${e.pos.col}`;
  switch (e.kind) {
    case 'and':
    case 'or':
      return e.kind + here + e.children.map(positions).join('');
    case 'not':
      return `not${here}${positions(e.child)}`;
    case 'identifier':
    case 'value':
    case 'list':
    case 'field':
      return e.kind + here;
    case 'transformer_list':
      return `transformer_list${here}`;
    case 'unary':
      return `unary${here}${positions(e.left)}`;
    case 'binary':
      return `binary${here}${positions(e.left)}${positions(e.right)}`;
    case 'transformer':
      return `transformer${here}${e.values.map(positions).join('')}`;
  }
}

describe('node positions (libs position_* tests)', () => {
  const cases: Array<[string, string]> = [
    ['proc.name exists', 'unary0 1 1field0 1 1'],
    ['proc.name=nginx', 'binary0 1 1field0 1 1value10 1 11'],
    ['proc.aname[3]=nginx', 'binary0 1 1field0 1 1value14 1 15'],
    ['proc.name =nginx', 'binary0 1 1field0 1 1value11 1 12'],
    ['proc.name= nginx', 'binary0 1 1field0 1 1value11 1 12'],
    ['proc.name = nginx', 'binary0 1 1field0 1 1value12 1 13'],
    ['proc.name in (nginx, apache)', 'binary0 1 1field0 1 1list13 1 14'],
    ['proc.name in ( nginx, apache)', 'binary0 1 1field0 1 1list13 1 14'],
    ['not proc.name=nginx', 'not0 1 1binary4 1 5field4 1 5value14 1 15'],
    ['proc.name=nginx or proc.name=apache', 'or0 1 1binary0 1 1field0 1 1value10 1 11binary19 1 20field19 1 20value29 1 30'],
    ['(proc.name=nginx or proc.name=apache)', 'or1 1 2binary1 1 2field1 1 2value11 1 12binary20 1 21field20 1 21value30 1 31'],
    ['proc.name=nginx and proc.name=apache', 'and0 1 1binary0 1 1field0 1 1value10 1 11binary20 1 21field20 1 21value30 1 31'],
    ['(proc.name=nginx and proc.name=apache)', 'and1 1 2binary1 1 2field1 1 2value11 1 12binary21 1 22field21 1 22value31 1 32'],
    [
      '(proc.aname[2]=nginx and evt.type in (connect,accept)) or (not fd.name exists) or (proc.name=apache and evt.type=switch)',
      'or0 1 1and1 1 2binary1 1 2field1 1 2value15 1 16binary25 1 26field25 1 26list37 1 38not59 1 60unary63 1 64' +
        'field63 1 64and83 1 84binary83 1 84field83 1 84value93 1 94binary104 1 105field104 1 105value113 1 114',
    ],
    [
      '\n(proc.aname[2]=nginx\n     and evt.type in (connect,accept))\n   or (not fd.name exists)\n   or (proc.name=apache\n       and evt.type=switch)',
      'or0 1 1and2 2 2binary2 2 2field2 2 2value16 2 16binary31 3 10field31 3 10list43 3 22not68 4 8unary72 4 12' +
        'field72 4 12and95 5 8binary95 5 8field95 5 8value105 5 18binary123 6 12field123 6 12value132 6 21',
    ],
    [
      'b64(evt.name) exists and tolower(toupper(evt.type)) in val(some.field) or proc.name=b64(tolower(some.field))',
      'or0 1 1and0 1 1unary0 1 1transformer0 1 1field4 1 5binary25 1 26transformer25 1 26transformer33 1 34' +
        'field41 1 42transformer55 1 56field59 1 60binary74 1 75field74 1 75transformer84 1 85transformer88 1 89field96 1 97',
    ],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => expect(positions(parseCondition(input))).toBe(expected));
  }

  it('gives a transformer list and all its items the position where the list operand starts, like libs', () => {
    const out = positions(parseCondition('join("-", (fd.name, fd.directory)) = value'));
    // The list operand starts right after the comma, before the blank, as libs counts it.
    expect(out).toBe('binary0 1 1transformer0 1 1value5 1 6transformer_list9 1 10value37 1 38');
    const e = parseCondition('join("-", (fd.name, fd.directory)) = value');
    const list = e.kind === 'binary' && e.left.kind === 'transformer' ? e.left.values[1] : undefined;
    expect(list?.kind === 'transformer_list' && list.values.map((v) => v.pos.idx)).toEqual([9, 9]);
  });

  it('counts CR and LF each as a line break, as libs does (CRLF is two lines)', () => {
    const e = parseCondition('a and\r\nb');
    expect(e.kind === 'and' && e.children[1]!.pos).toEqual(p(7, 3, 1));
  });

  it('counts positions in UTF-8 bytes, like libs', () => {
    const e = parseCondition('x.y = "héllo" and a.b = ü');
    expect(e.kind === 'and' && e.children[1]!.pos).toEqual(p(19, 1, 20));
    expect(rejection('proc.name = é x').pos).toEqual(p(15, 1, 16));
  });
});

describe('error reasons and positions', () => {
  const cases: Array<[string, string, Pos]> = [
    ['', 'filter input string is empty', p(0, 1, 1)],
    ['   ', "expected a '(' token, a field check, or an identifier", p(3, 1, 4)],
    ['a andb', "expected blank or '(' after 'and'", p(5, 1, 6)],
    ['a orb', "expected blank or '(' after 'or'", p(4, 1, 5)],
    ['(a.b = 1', "expected a ')' token", p(8, 1, 9)],
    ['a.b = 1 c', "unexpected token after '1', expecting 'or', 'and'", p(8, 1, 9)],
    ['macro > 12', "unexpected token after 'macro', expecting 'or', 'and'", p(6, 1, 7)],
    ['test.op exists something', "unexpected token after 'exists', expecting 'or', 'and'", p(15, 1, 16)],
    ['evt.arg[] = value', 'expected a valid field argument: a quoted string or a bare string', p(8, 1, 9)],
    ['evt.arg["x" = value', "expected a ']' token", p(11, 1, 12)],
    ['a.b', `expected a valid check operator: one of ${SUPPORTED_OPERATORS.map((o) => `'${o}'`).join(', ')}`, p(3, 1, 4)],
    // A word operator without a blank stays consumed, so the error points after it.
    ['a.b containsx', `expected a valid check operator: one of ${SUPPORTED_OPERATORS.map((o) => `'${o}'`).join(', ')}`, p(12, 1, 13)],
    [
      "test.str = 'missing end quote",
      `expected a string value or a field with a valid transformer: ${SUPPORTED_TRANSFORMERS.map((t) => `'${t}'`).join(', ')}`,
      p(11, 1, 12),
    ],
    [
      'a.num > x',
      `expected a number value or a field with a valid transformer: ${SUPPORTED_TRANSFORMERS.map((t) => `'${t}'`).join(', ')}`,
      p(8, 1, 9),
    ],
    [
      'a.b in =',
      `expected a list, an identifier, or a field with a valid transformer: ${SUPPORTED_TRANSFORMERS.map((t) => `'${t}'`).join(', ')}`,
      p(7, 1, 8),
    ],
    ['a.b in (x,)', 'expected a string value', p(10, 1, 11)],
    ['a.b in (x y)', "expected a ')' token", p(10, 1, 11)],
    ['b64(x.y exists', "expected a ')' token closing the transformer", p(8, 1, 9)],
    ['b64(x) exists', 'expected field transformer argument: field, transformer, quoted string, number, or transformer list', p(4, 1, 5)],
    ['a.b = val(x)', "expected a field within 'val' transformer", p(10, 1, 11)],
    ['join("-", (x)) = a', 'expected transformer list argument: field, transformer, quoted string, or number', p(11, 1, 12)],
    ['join("-", (a.b c.d)) = a', "expected ')'", p(15, 1, 16)],
    ['a.b = 1 and\n  c.d ==\n', `expected a string value or a field with a valid transformer: ${SUPPORTED_TRANSFORMERS.map((t) => `'${t}'`).join(', ')}`, p(21, 3, 1)],
  ];
  for (const [input, reason, pos] of cases) {
    it(JSON.stringify(input), () => {
      const e = rejection(input);
      expect(e.reason).toBe(reason);
      expect(e.pos).toEqual(pos);
      expect(e.message).toContain(reason);
    });
  }

  it('names the operators and transformers in libs order', () => {
    expect(SUPPORTED_OPERATORS).toEqual([
      'exists', '<=', '<', '>=', '>', '==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains',
      'startswith', 'bstartswith', 'endswith', 'regex', 'intersects', 'in', 'pmatch',
    ]);
    expect(SUPPORTED_TRANSFORMERS).toEqual(['val', 'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'getopt']);
  });
});

describe('quoted strings and escapes', () => {
  const rhs = (text: string): unknown => {
    const e = parseCondition(text);
    return e.kind === 'binary' && e.right.kind === 'value' ? { value: e.right.value, quoted: e.right.quoted } : e;
  };

  it('unescapes \\b \\f \\n \\r \\t \\\\ \\/ and the matching quote', () => {
    expect(rhs('x.y = "a\\bb\\fc\\nd\\re\\tf\\\\g\\/h\\"i"')).toEqual({ value: 'a\bb\fc\nd\re\tf\\g/h"i', quoted: true });
    expect(rhs("x.y = 'it\\'s'")).toEqual({ value: "it's", quoted: true });
    expect(rhs('x.y = "mixed \'"')).toEqual({ value: "mixed '", quoted: true });
    expect(rhs("x.y = 'mixed \"'")).toEqual({ value: 'mixed "', quoted: true });
  });

  it('reads "\\ " as a backslash (kept by libs for old rules)', () => {
    expect(rhs('x.y = "bad escape \\ "')).toEqual({ value: 'bad escape \\', quoted: true });
  });

  it('rejects the other quote escaped, and unknown escapes, after the closing quote', () => {
    expect(rejection("x.y = 'a\\\"'").reason).toBe("invalid \\\" escape in '-quoted string");
    expect(rejection('x.y = "a\\\'"').reason).toBe('invalid \\\' escape in "-quoted string');
    const unknown = rejection('x.y = "\\q1"');
    expect(unknown.reason).toBe('unsupported string escape sequence: \\q');
    expect(unknown.pos).toEqual(p(11, 1, 12));
    // No octal, \u, \X or \a escapes: only \x with two hex digits.
    for (const [text, letter] of [['"\\0"', '0'], ['"\\u0041"', 'u'], ['"\\X41"', 'X'], ['"\\a"', 'a']] as const) {
      expect(rejection(`x.y = ${text}`).reason, text).toBe(`unsupported string escape sequence: \\${letter}`);
    }
  });

  it('decodes \\xHH (exactly two hex digits, either case) to that byte', () => {
    expect(rhs('x.y = "\\x00"')).toEqual({ value: '\0', quoted: true });
    expect(rhs("x.y = 'a\\x41\\x7e\\x7Eb'")).toEqual({ value: 'aA~~b', quoted: true });
    // \x22 is a quote in the value but does not end the string; \x5c is a backslash, not an escape.
    expect(rhs('x.y = "\\x22\\x5cn"')).toEqual({ value: '"\\n', quoted: true });
    // A third hex digit is an ordinary character.
    expect(rhs('x.y = "\\x411"')).toEqual({ value: 'A1', quoted: true });
    // Escaped UTF-8 bytes make the character they encode.
    expect(rhs('x.y = "\\xe2\\x98\\x83"')).toEqual({ value: '☃', quoted: true });
  });

  it('keeps bytes that are not valid UTF-8 as raw-byte code units', () => {
    const v = rhs('x.y = "/p\\xff/q\\x90"') as { value: string };
    expect(v.value).toBe('/p\udcff/q\udc90');
    expect(hasRawBytes(v.value)).toBe(true);
    expect([...valueToBytes(v.value)]).toEqual([0x2f, 0x70, 0xff, 0x2f, 0x71, 0x90]);
    // A truncated sequence: the lead byte is raw, the ASCII after it is itself.
    expect([...valueToBytes((rhs('x.y = "\\xe2\\x98a"') as { value: string }).value)]).toEqual([0xe2, 0x98, 0x61]);
  });

  it('rejects \\x without two hex digits, after the closing quote', () => {
    for (const text of ['"\\x"', '"\\x4"', '"\\x4g"', '"\\xg4"', "'\\x 41'"]) {
      const e = rejection(`x.y = ${text}`);
      expect(e.reason, text).toBe('unsupported string escape sequence: \\x');
      expect(e.pos.idx, text).toBe(6 + text.length);
    }
  });

  it('decodes \\xHH in field arguments and transformer operands too', () => {
    const e = parseCondition('x.y["\\x41"] = join("\\x2c", (a.b, "\\x00"))');
    expect(e.kind === 'binary' && e.left.kind === 'field' && e.left.arg).toBe('A');
    const right = e.kind === 'binary' && e.right.kind === 'transformer' ? e.right : undefined;
    expect(right?.values[0]).toMatchObject({ kind: 'value', value: ',' });
    expect(right?.values[1]).toMatchObject({ kind: 'transformer_list' });
    const list = right?.values[1]?.kind === 'transformer_list' ? right.values[1].values : [];
    expect(list[1]).toMatchObject({ kind: 'value', value: '\0' });
  });

  it('ends a string at the first quote not preceded by a backslash, so "a\\\\" never closes', () => {
    expect(() => parseCondition('x.y = "a\\\\"')).toThrow(ConditionSyntaxError);
    expect(rhs("x.y = 'x \\\\''")).toEqual({ value: "x \\'", quoted: true });
  });

  it('keeps raw line breaks and UTF-8 inside quotes', () => {
    expect(rhs('x.y = "two\nlines"')).toEqual({ value: 'two\nlines', quoted: true });
    expect(rhs("x.y = 'naïve ☃ 🐍'")).toEqual({ value: 'naïve ☃ 🐍', quoted: true });
    expect(rhs('x.y = ☃/🐍')).toEqual({ value: '☃/🐍', quoted: false });
  });

  it('treats an unterminated quote as no string at all', () => {
    expect(rejection('x.y = "abc').pos).toEqual(p(6, 1, 7));
  });

  it('decodes \\xHH in list items, first or not', () => {
    const e = parseCondition('proc.name pmatch ("\\x00")');
    expect(e).toEqual({
      kind: 'binary', op: 'pmatch', pos: p(0, 1, 1),
      left: { kind: 'field', field: 'proc.name', pos: p(0, 1, 1) },
      right: { kind: 'list', pos: p(17, 1, 18), values: [{ kind: 'value', value: '\0', quoted: true, pos: p(18, 1, 19) }] },
    });
    const f = parseCondition("fd.name in (a, '/p\\xff', \"\\x41\")");
    expect(f.kind === 'binary' && f.right.kind === 'list' && f.right.values.map((v) => v.value)).toEqual(['a', '/p\udcff', 'A']);
  });

  it('drops a list whose first item fails to lex, exactly like libs', () => {
    // libs reads the first list item inside a catch-all (parse_list_value_or_transformer) and then
    // expects ')': a bad escape there (already past the closing quote) leaves an empty list.
    for (const text of ['x.y in ("\\q")', 'x.y in ("\\x4")', "x.y in ('a\\\"')"]) {
      const e = parseCondition(text);
      expect(e.kind === 'binary' && e.right.kind === 'list' && e.right.values, text).toEqual([]);
    }
    expect(rejection('x.y in ("\\q", a)').reason).toBe("expected a ')' token");
    // Any later item goes through no catch-all: the escape error surfaces.
    expect(rejection('x.y in (a, "\\q")').reason).toBe('unsupported string escape sequence: \\q');
    expect(rejection('x.y in (a, "\\x4")').reason).toBe('unsupported string escape sequence: \\x');
  });

  it('stops at a NUL byte the way libs reads a C string', () => {
    expect(rejection('a\u0000').reason).toBe("unexpected token after 'a', expecting 'or', 'and'");
    expect(() => parseCondition('x.y = "a\u0000b"')).toThrow(ConditionSyntaxError);
  });
});

describe('bare strings, numbers and field arguments', () => {
  it('lets bare values hold anything but ( ) quotes blanks = and ,', () => {
    const e = parseCondition('fd.name = 0a!@#456:/\\.;!$%^&*[]{}|<>~`');
    expect(e.kind === 'binary' && e.right.kind === 'value' && e.right.value).toBe('0a!@#456:/\\.;!$%^&*[]{}|<>~`');
    expect(() => parseCondition('fd.name = a,b')).toThrow(ConditionSyntaxError);
  });

  it('takes a backspace as a blank between tokens but as part of a bare value', () => {
    expect(parseCondition('a\band\bb').kind).toBe('and');
    const e = parseCondition('x.y = a\bb');
    expect(e.kind === 'binary' && e.right.kind === 'value' && e.right.value).toBe('a\bb');
  });

  it('accepts numbers only after numeric operators', () => {
    for (const n of ['1', '+1', '-1.5', '1.', '-0.1222e+10', '0x1F', '0XaB00AB']) {
      const e = parseCondition(`x.n >= ${n}`);
      expect(e.kind === 'binary' && e.right.kind === 'value' && e.right.value).toBe(n);
    }
    expect(() => parseCondition('x.n > 1e5')).toThrow(ConditionSyntaxError);
    expect(() => parseCondition('x.n > 0xg')).toThrow(ConditionSyntaxError);
  });

  it('reads field arguments bare or quoted', () => {
    const arg = (t: string): string | undefined => {
      const e = parseCondition(t);
      return e.kind === 'binary' && e.left.kind === 'field' ? e.left.arg : undefined;
    };
    expect(arg('proc.aname[2] = x')).toBe('2');
    expect(arg('container.mount.dest[/proc*] = x')).toBe('/proc*');
    expect(arg("x.y['a b'] = x")).toBe('a b');
    expect(arg('x.y[""] = x')).toBe('');
    expect(arg('x.y = z')).toBeUndefined();
    expect(() => parseCondition('x.y [1] = x')).toThrow(ConditionSyntaxError);
  });
});

describe('operators and modifiers', () => {
  const check = (t: string): { op: string; modifier?: string; right: unknown } => {
    const e = parseCondition(t);
    if (e.kind !== 'binary') throw new Error(`not a binary check: ${t}`);
    const right = e.right.kind === 'list' ? e.right.values.map((v) => v.value) : e.right.kind === 'value' ? e.right.value : e.right.kind;
    return e.modifier ? { op: e.op, modifier: e.modifier, right } : { op: e.op, right };
  };

  it('reads every binary operator', () => {
    for (const op of ['=', '==', '!=', '<', '<=', '>', '>=']) expect(check(`x.y ${op} 1`).op).toBe(op);
    for (const op of ['glob', 'iglob', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex']) {
      expect(check(`x.y ${op} 1`).op).toBe(op);
      expect(check(`x.y ${op}\n1`).op).toBe(op);
      expect(() => parseCondition(`x.y ${op}1`)).toThrow(ConditionSyntaxError);
    }
    for (const op of ['in', 'intersects', 'pmatch']) expect(check(`x.y ${op}(a)`)).toEqual({ op, right: ['a'] });
  });

  it('reads a list name after in without parentheses, as libs does (x.y input is x.y in put)', () => {
    expect(check('x.y in shells')).toEqual({ op: 'in', right: 'shells' });
    expect(check('x.y input')).toEqual({ op: 'in', right: 'put' });
  });

  it('reads oneof/anyof/allof before a list or a list name', () => {
    expect(check('proc.name = oneof (a, "b c")')).toEqual({ op: '=', modifier: 'oneof', right: ['a', 'b c'] });
    expect(check('proc.name endswith allof\t(.so)')).toEqual({ op: 'endswith', modifier: 'allof', right: ['.so'] });
    expect(check('proc.name != anyof shells')).toEqual({ op: '!=', modifier: 'anyof', right: 'shells' });
    expect(check('proc.name glob oneof ()')).toEqual({ op: 'glob', modifier: 'oneof', right: [] });
  });

  it('reads the modifier words as plain values when no list follows', () => {
    expect(check('proc.name == oneof')).toEqual({ op: '==', right: 'oneof' });
    expect(check('proc.name == oneof_x')).toEqual({ op: '==', right: 'oneof_x' });
    expect(check("proc.name == 'anyof'")).toEqual({ op: '==', right: 'anyof' });
    const e = parseCondition('proc.name = allof or fd.name exists');
    expect(e.kind).toBe('or');
    expect(() => parseCondition('proc.name ==oneof (a)')).toThrow(ConditionSyntaxError);
    expect(() => parseCondition('proc.name == oneof(a)')).toThrow(ConditionSyntaxError);
    expect(() => parseCondition('proc.name in oneof (a)')).toThrow(ConditionSyntaxError);
    expect(() => parseCondition('proc.num > oneof (1)')).toThrow(ConditionSyntaxError);
  });

  it('reads the oneof list items like any list', () => {
    expect(() => parseCondition('proc.name == oneof (a,)')).toThrow(ConditionSyntaxError);
    expect(() => parseCondition('proc.name == oneof (b64(x.y))')).toThrow(ConditionSyntaxError);
  });
});

describe('transformers', () => {
  it('nests transformers on both sides, val() only on the right', () => {
    const e = parseCondition('tolower(b64(fd.name)) = val(proc.name)');
    expect(e).toMatchObject({
      kind: 'binary',
      left: { kind: 'transformer', transformer: 'tolower', values: [{ kind: 'transformer', transformer: 'b64' }] },
      right: { kind: 'transformer', transformer: 'val', values: [{ kind: 'field', field: 'proc.name' }] },
    });
    expect(() => parseCondition('val(fd.name) = x')).toThrow(ConditionSyntaxError);
    expect(() => parseCondition('x.y = val(b64(fd.name))')).toThrow(ConditionSyntaxError);
  });

  it('reads multi-operand transformers with values and transformer lists', () => {
    expect(parseCondition('join(", ", (fd.name, "x", 12, tolower(proc.name))) = a')).toMatchObject({
      left: {
        transformer: 'join',
        values: [
          { kind: 'value', value: ', ', quoted: true },
          {
            kind: 'transformer_list',
            values: [
              { kind: 'field', field: 'fd.name' },
              { kind: 'value', value: 'x' },
              { kind: 'value', value: '12' },
              { kind: 'transformer', transformer: 'tolower' },
            ],
          },
        ],
      },
    });
  });

  it('reads an argument after a transformer, as getopt uses it', () => {
    expect(parseCondition('getopt(proc.args, "nt:")[t] = 1')).toMatchObject({
      left: { kind: 'transformer', transformer: 'getopt', arg: 't', values: [{ field: 'proc.args' }, { value: 'nt:' }] },
    });
    expect(parseCondition('x.y in getopt(proc.args, "nt:")')).toMatchObject({
      right: { kind: 'transformer', transformer: 'getopt' },
    });
  });

  it('reads an argument after val(...) on the right, for the compiler to refuse', () => {
    expect(parseCondition('fd.name = val(proc.name)[x]')).toEqual({
      kind: 'binary', op: '=', pos: p(0, 1, 1),
      left: { kind: 'field', field: 'fd.name', pos: p(0, 1, 1) },
      right: {
        kind: 'transformer', transformer: 'val', arg: 'x', pos: p(10, 1, 11),
        values: [{ kind: 'field', field: 'proc.name', pos: p(14, 1, 15) }],
      },
    });
    expect(parseCondition("x.y in val( a.b[1] )['q r']")).toMatchObject({
      right: { kind: 'transformer', transformer: 'val', arg: 'q r', values: [{ field: 'a.b', arg: '1' }] },
    });
    expect(parseCondition('x.y = val(a.b) and c')).toMatchObject({ kind: 'and', children: [{ right: { transformer: 'val' } }, {}] });
    // The argument must follow ')' directly, and be well formed.
    expect(rejection('x.y = val(a.b) [x]').reason).toBe("unexpected token after ')', expecting 'or', 'and'");
    expect(rejection('x.y = val(a.b)[]').reason).toBe('expected a valid field argument: a quoted string or a bare string');
    expect(rejection('x.y = val(a.b)[x').reason).toBe("expected a ']' token");
  });

  it('wants the parenthesis right after the transformer name', () => {
    expect(() => parseCondition('b64 (fd.name) exists')).toThrow(ConditionSyntaxError);
    expect(parseCondition('x.y = b64 and (z)').kind).toBe('and');
  });
});

describe('boolean structure', () => {
  it('binds and tighter than or, without flattening parentheses', () => {
    expect(parseCondition('a or b and c')).toMatchObject({ kind: 'or', children: [{ name: 'a' }, { kind: 'and' }] });
    expect(parseCondition('a and (b and c)')).toMatchObject({ kind: 'and', children: [{ name: 'a' }, { kind: 'and' }] });
  });

  it('keeps only the parity of a not chain', () => {
    expect(parseCondition('not not a')).toMatchObject({ kind: 'identifier', name: 'a' });
    expect(parseCondition('not not not a')).toMatchObject({ kind: 'not', child: { name: 'a' } });
    expect(parseCondition('not\n\nnot(not a)')).toMatchObject({ kind: 'not', child: { kind: 'identifier' } });
  });

  it('takes words that only start like keywords as macro names', () => {
    expect(parseCondition('notz and and_macro or or_macro')).toMatchObject({ kind: 'or' });
    expect(parseCondition('not')).toMatchObject({ kind: 'identifier', name: 'not' });
  });
});

describe('recursion limit', () => {
  const nest = (n: number): string => '('.repeat(n) + 'a' + ')'.repeat(n);

  it('defaults to the limit Falco uses for rule conditions', () => {
    expect(FALCO_CONDITION_MAX_DEPTH).toBe(1000);
    expect(LIBS_DEFAULT_MAX_DEPTH).toBe(100);
    expect(parseCondition(nest(199))).toMatchObject({ name: 'a' });
    const e = rejection(nest(200));
    expect(e.reason).toBe('exceeded max depth limit of 1000');
    expect(e.pos).toEqual(p(200, 1, 201));
  });

  it('follows libs depth accounting at its default limit of 100', () => {
    expect(parseCondition(nest(19), { maxDepth: LIBS_DEFAULT_MAX_DEPTH })).toMatchObject({ name: 'a' });
    expect(rejection(nest(20), LIBS_DEFAULT_MAX_DEPTH).reason).toBe('exceeded max depth limit of 100');
  });

  it('bounds nesting through not(, transformers and transformer lists without overflowing the stack', () => {
    expect(rejection('not('.repeat(20000) + 'a' + ')'.repeat(20000)).reason).toMatch(/^exceeded max depth limit/);
    expect(rejection('b64('.repeat(20000) + 'x.y' + ')'.repeat(20000) + ' exists').reason).toMatch(/^exceeded/);
    expect(rejection('join("",('.repeat(20000) + 'x.y' + '))'.repeat(20000) + ' exists').reason).toMatch(/^exceeded/);
  });
});
