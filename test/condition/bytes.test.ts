// \xHH escapes: raw bytes in condition values, how the AST spells them, and how formatCondition
// writes them back so that parse(format(ast)) gives the same tree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr, Pos } from '../../host/condition/ast.js';
import { hasRawBytes, rawByteAt, valueFromBytes, valueToBytes } from '../../host/condition/bytes.js';
import { formatCondition, formatValue } from '../../host/condition/format.js';
import { parseCondition } from '../../host/condition/parser.js';
import { isEqualExpr } from '../../host/condition/walk.js';
import { readSharedJson, sharedAvailable } from '../support/shared.js';

const rightValue = (text: string): string => {
  const e = parseCondition(text);
  if (e.kind !== 'binary' || e.right.kind !== 'value') throw new Error(`no right-hand value in ${text}`);
  return e.right.value;
};

const at0: Pos = { idx: 0, line: 1, col: 1 };

function roundTrips(text: string): boolean {
  const ast = parseCondition(text);
  return isEqualExpr(parseCondition(formatCondition(ast)), ast);
}

describe('raw-byte value strings', () => {
  it('decodes valid UTF-8 as text and each invalid byte as U+DC80..U+DCFF', () => {
    expect(valueFromBytes(Uint8Array.of(0x61, 0xe2, 0x98, 0x83, 0x00))).toBe('a☃\0');
    expect(valueFromBytes(Uint8Array.of(0xff, 0x80, 0x61))).toBe('\udcff\udc80a');
    // Overlong, surrogate and truncated encodings are not valid UTF-8: every byte stays raw.
    expect(valueFromBytes(Uint8Array.of(0xc0, 0x80))).toBe('\udcc0\udc80');
    expect(valueFromBytes(Uint8Array.of(0xed, 0xa0, 0x80))).toBe('\udced\udca0\udc80');
    expect(valueFromBytes(Uint8Array.of(0xf0, 0x9f, 0x90))).toBe('\udcf0\udc9f\udc90');
  });

  it('tells a raw byte from the second half of a surrogate pair', () => {
    const skull = '\u{1f480}'; // encoded as D83D DC80
    expect(hasRawBytes(skull)).toBe(false);
    expect(rawByteAt(skull, 1)).toBeUndefined();
    expect([...valueToBytes(skull)]).toEqual([0xf0, 0x9f, 0x92, 0x80]);
    expect(rawByteAt('a\udc80', 1)).toBe(0x80);
  });

  it('turns any byte string into a value and back unchanged', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        expect([...valueToBytes(valueFromBytes(bytes))]).toEqual([...bytes]);
      }),
    );
  });
});

describe('formatting values that hold control characters or raw bytes', () => {
  it('quotes them and writes \\xHH for bytes without a short escape', () => {
    expect(formatValue('\0')).toBe('"\\x00"');
    expect(formatValue('a\u0001b\u007f')).toBe('"a\\x01b\\x7f"');
    expect(formatValue('/p\udcff')).toBe('"/p\\xff"');
    expect(formatValue('a\tb\\')).toBe('"a\\tb\\ "');
    expect(formatCondition(parseCondition('proc.name pmatch ("\\x00")'))).toBe('proc.name pmatch ("\\x00")');
    expect(formatCondition(parseCondition('fd.name = val(proc.name)[x]'))).toBe('fd.name = val(proc.name)[x]');
    expect(formatCondition(parseCondition("x.y['\\x00'] = join('\\xfe', (a.b, 'c'))"))).toBe(
      'x.y["\\x00"] = join("\\xfe", (a.b, "c"))',
    );
  });

  it('round-trips escapes in every place a quoted string can be', () => {
    for (const text of [
      'evt.buffer = "\\x00"',
      'proc.name = "a\\x00b c"',
      'fd.name in ("/p\\xff/q\\xff", a, "\\x90\\x00")',
      'x.y["\\x01\\xff"] exists',
      'tolower(x.y["\\x00"]) = val(a.b["\\xc3"])["\\x7f"]',
      'join("\\x00", (a.b, "\\xe2\\x98", 1)) contains "\\x1b[0m"',
      'x.y == oneof ("\\x00", "\\xff\\xfe")',
      'x.y = "\\x5c" and x.y = "\\x5c\\x5c"',
    ]) {
      expect(roundTrips(text), text).toBe(true);
    }
  });

  it('round-trips any byte string as a right-hand value, a list item and a field argument', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        const v = valueFromBytes(bytes);
        const text = formatValue(v);
        expect(rightValue(`x.y = ${text}`)).toBe(v);
        expect(roundTrips(`x.y in (${text}, ${text})`), text).toBe(true);
        const withArg: Expr = { kind: 'unary', op: 'exists', pos: at0, left: { kind: 'field', field: 'x.y', arg: v, pos: at0 } };
        const argText = formatCondition(withArg);
        expect(isEqualExpr(parseCondition(argText), withArg), argText).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

interface CompileCase {
  test: string;
  filter: string;
}

describe.skipIf(!sharedAvailable)('compile corpus conditions that libs 0.22 parses', () => {
  const cases = sharedAvailable ? readSharedJson<CompileCase[]>('conformance', 'compile_cases.json') : [];
  // These fail in libs' compiler, not its parser: the corpus expects the compiler's own verdict.
  const parsed = cases.filter(
    (c) => c.test === 'sinsp_with_test_input.filter_nul_byte_value' || c.test === 'sinsp_filter_compiler.transformer_field_arg_support',
  );

  it('parses every NUL-byte and val()[arg] case', () => {
    expect(parsed.length).toBe(13);
    for (const c of parsed) expect(() => parseCondition(c.filter), c.filter).not.toThrow();
  });

  it('reads "\\x00" as a one-byte NUL value', () => {
    const nul = parsed.filter((c) => c.filter.includes('"\\x00"'));
    expect(nul.length).toBeGreaterThan(5);
    for (const c of nul) {
      const e = parseCondition(c.filter);
      const right = e.kind === 'binary' ? e.right : undefined;
      const values = right?.kind === 'list' ? right.values.map((v) => v.value) : right?.kind === 'value' ? [right.value] : [];
      expect(values, c.filter).toEqual(['\0']);
    }
  });
});
