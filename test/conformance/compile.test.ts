// libs' compiler corpus (../shared/conformance/compile_cases.json): which conditions compile, with
// how many warnings, with which exact error, and how mock-field conditions evaluate.
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../host/condition/ast.js';
import { parseCondition } from '../../host/condition/parser.js';
import { checkCondition } from '../../host/compile/check.js';
import { defaultRegistry, type FieldRegistry } from '../../host/fields/registry.js';
import { readSharedJson, sharedAvailable } from '../support/shared.js';
import { evaluateMock, mockRegistry } from '../compile/mock_fields.js';

interface CompileCase {
  test: string;
  kind: 'compile' | 'compile_msg' | 'run_mock' | 'filter_compiles';
  filter: string;
  expect_fail?: boolean;
  expected_warnings?: number;
  msg?: string;
  expect?: boolean;
  assertion?: 'ASSERT_TRUE' | 'ASSERT_FALSE';
}

/** Parses and checks like libs' compiler: a parse error is a compile error too. */
function compile(filter: string, registry: FieldRegistry): { error?: string; warnings: number } {
  let ast: Expr;
  try {
    ast = parseCondition(filter);
  } catch (e) {
    return { error: (e as Error).message, warnings: 0 };
  }
  const res = checkCondition(ast, registry, { identifiers: 'libs' });
  return { ...(res.errors[0] ? { error: res.errors[0].message } : {}), warnings: res.warnings.length };
}

describe.skipIf(!sharedAvailable)('libs compiler corpus', () => {
  const cases = sharedAvailable ? readSharedJson<CompileCase[]>('conformance', 'compile_cases.json') : [];
  const mocks = mockRegistry();

  it('has the expected number of cases', () => {
    expect(cases.length).toBe(387);
  });

  for (const [i, c] of cases.entries()) {
    const title = `${i} ${c.kind} ${c.test}: ${c.filter}`;
    switch (c.kind) {
      case 'compile':
        it(title, () => {
          const res = compile(c.filter, mocks);
          expect(res.error !== undefined, res.error ?? 'compiled').toBe(c.expect_fail);
          expect(res.warnings).toBe(c.expected_warnings);
        });
        break;
      case 'compile_msg':
        it(title, () => {
          expect(compile(c.filter, mocks).error).toBe(c.msg);
        });
        break;
      case 'filter_compiles':
        it(title, () => {
          const res = compile(c.filter, defaultRegistry);
          expect(res.error === undefined, res.error ?? 'compiled').toBe(c.assertion === 'ASSERT_TRUE');
        });
        break;
      case 'run_mock':
        it(title, () => {
          const ast = parseCondition(c.filter);
          expect(checkCondition(ast, mocks).errors).toEqual([]);
          expect(evaluateMock(ast)).toBe(c.expect);
        });
        break;
    }
  }
});
