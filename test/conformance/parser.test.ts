// libs' filter parser test corpus (userspace/libsinsp/test/filter_parser.ut.cpp), all 545 cases.
import { describe, expect, it } from 'vitest';
import type { BinaryOperator, Expr, FieldExpr, OperatorModifier, TransformerExpr, ValueExpr } from '../../host/condition/ast.js';
import { ConditionSyntaxError } from '../../host/condition/errors.js';
import { parseCondition } from '../../host/condition/parser.js';
import { isEqualExpr } from '../../host/condition/walk.js';
import { readSharedJson, sharedAvailable } from '../support/shared.js';

interface ParserCase {
  test: string;
  kind: 'test_accept' | 'test_reject' | 'test_reject_msg' | 'test_equal_ast';
  input: string;
  msg?: string;
  whitespace_variants?: boolean;
}

/** libs' test_accept: the input, then padded with spaces, then those spaces as newlines, then as tabs. */
function acceptVariants(c: ParserCase): string[] {
  if (!c.whitespace_variants) return [c.input];
  const padded = ` ${c.input} `;
  const newlines = padded.replaceAll(' ', '\n');
  return [c.input, padded, newlines, newlines.replaceAll('\n', '\t')];
}

// Builders for the expected trees (positions are not compared).
const at = { idx: 0, line: 1, col: 1 };
const field = (name: string, arg?: string): FieldExpr =>
  arg === undefined ? { kind: 'field', field: name, pos: at } : { kind: 'field', field: name, arg, pos: at };
const value = (v: string): ValueExpr => ({ kind: 'value', value: v, quoted: false, pos: at });
const list = (...vs: string[]): Expr => ({ kind: 'list', values: vs.map(value), pos: at });
const tr = (name: string, ...values: Expr[]): TransformerExpr => ({ kind: 'transformer', transformer: name, values, pos: at });
const exists = (left: FieldExpr | TransformerExpr): Expr => ({ kind: 'unary', left, op: 'exists', pos: at });
const check = (
  left: FieldExpr | TransformerExpr,
  op: BinaryOperator,
  right: Expr,
  modifier?: OperatorModifier,
): Expr => {
  const node = { kind: 'binary', left, op, right, pos: at } as Expr;
  if (modifier && node.kind === 'binary') node.modifier = modifier;
  return node;
};
const and = (...children: Expr[]): Expr => ({ kind: 'and', children, pos: at });
const or = (...children: Expr[]): Expr => ({ kind: 'or', children, pos: at });
const not = (child: Expr): Expr => ({ kind: 'not', child, pos: at });
const ident = (name: string): Expr => ({ kind: 'identifier', name, pos: at });

const allNodeTypes = or(
  and(exists(field('evt.name')), check(field('evt.type'), 'in', list('a', 'b'))),
  check(field('proc.name'), '=', value('cat')),
);

/** The trees the upstream test_equal_ast cases build, keyed by input. */
const EXPECTED_AST: Record<string, Expr> = {
  'evt.name exists and evt.type in (a, b) or proc.name=cat': allNodeTypes,
  'b64(evt.name) exists and tolower(toupper(evt.type)) in val(some.field) or proc.name=b64(tolower(some.field))': or(
    and(
      exists(tr('b64', field('evt.name'))),
      check(tr('tolower', tr('toupper', field('evt.type'))), 'in', tr('val', field('some.field'))),
    ),
    check(field('proc.name'), '=', tr('b64', tr('tolower', field('some.field')))),
  ),
  'not not not not not(not not(not not_macro))': not(not(ident('not_macro'))),
  'proc.name == oneof (cat, nginx)': check(field('proc.name'), '==', list('cat', 'nginx'), 'oneof'),
  'proc.name != anyof (cat, nginx)': check(field('proc.name'), '!=', list('cat', 'nginx'), 'anyof'),
  'proc.name = allof (cat)': check(field('proc.name'), '=', list('cat'), 'allof'),
  'proc.name == oneof ()': check(field('proc.name'), '==', list(), 'oneof'),
  'proc.name == oneof my_list': check(field('proc.name'), '==', value('my_list'), 'oneof'),
  'proc.name == oneof (cat, nginx) and fd.name exists': and(
    check(field('proc.name'), '==', list('cat', 'nginx'), 'oneof'),
    exists(field('fd.name')),
  ),
  'proc.name == anyof and fd.name exists': and(check(field('proc.name'), '==', value('anyof')), exists(field('fd.name'))),
  'proc.name == oneof (cat) and proc.name == anyof': and(
    check(field('proc.name'), '==', list('cat'), 'oneof'),
    check(field('proc.name'), '==', value('anyof')),
  ),
  'proc.name contains oneof (cat, nginx)': check(field('proc.name'), 'contains', list('cat', 'nginx'), 'oneof'),
  'proc.name startswith anyof (/etc/, /tmp/)': check(field('proc.name'), 'startswith', list('/etc/', '/tmp/'), 'anyof'),
};

function parseOutcome(input: string): { ok: true; ast: Expr } | { ok: false; error: unknown } {
  try {
    return { ok: true, ast: parseCondition(input) };
  } catch (error) {
    return { ok: false, error };
  }
}

describe.skipIf(!sharedAvailable)('libs filter parser corpus', () => {
  const cases = sharedAvailable ? readSharedJson<ParserCase[]>('conformance', 'parser_cases.json') : [];

  it('has the 545 cases of the corpus', () => {
    expect(cases).toHaveLength(545);
  });

  it('agrees with libs on every case and every whitespace variant', () => {
    const mismatches: string[] = [];
    let inputsRun = 0;
    for (const c of cases) {
      const inputs = c.kind === 'test_accept' ? acceptVariants(c) : [c.input];
      for (const input of inputs) {
        inputsRun++;
        const out = parseOutcome(input);
        const where = `${c.test} ${c.kind} ${JSON.stringify(input)}`;
        if (!out.ok && !(out.error instanceof ConditionSyntaxError)) {
          mismatches.push(`${where}: threw ${String(out.error)}`);
          continue;
        }
        switch (c.kind) {
          case 'test_accept':
            if (!out.ok) mismatches.push(`${where}: rejected: ${(out.error as Error).message}`);
            break;
          case 'test_reject':
            if (out.ok) mismatches.push(`${where}: accepted`);
            break;
          case 'test_reject_msg':
            if (out.ok) mismatches.push(`${where}: accepted`);
            else if ((out.error as ConditionSyntaxError).reason !== c.msg) {
              mismatches.push(`${where}: reason ${JSON.stringify((out.error as ConditionSyntaxError).reason)}`);
            }
            break;
          case 'test_equal_ast': {
            const expected = EXPECTED_AST[input];
            if (!expected) mismatches.push(`${where}: no expected tree in this test`);
            else if (!out.ok) mismatches.push(`${where}: rejected: ${(out.error as Error).message}`);
            else if (!isEqualExpr(out.ast, expected)) mismatches.push(`${where}: got ${JSON.stringify(out.ast)}`);
            break;
          }
        }
      }
    }
    console.log(`[parser corpus] ${cases.length} cases, ${inputsRun} inputs run, ${mismatches.length} mismatches`);
    expect(mismatches).toEqual([]);
    expect(inputsRun).toBe(1526);
  });
});
