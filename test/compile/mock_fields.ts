// The mock fields of libs' compiler tests: c.true / c.false always match / never match whatever
// the operator, c.singlequote / c.doublequote compare the parsed value with a fixed string, and
// c.buffer is a byte buffer that never matches. A tiny evaluator runs conditions over them.
import type { Expr } from '../../host/condition/ast.js';
import { FieldRegistry } from '../../host/fields/registry.js';
import { SYSCALL_FIELDS } from '../../host/fields/syscall_fields.js';
import type { FieldDef } from '../../host/fields/types.js';

const MOCKS: FieldDef[] = [
  { name: 'c.true', group: 'mock', type: 'PT_CHARBUF', flags: [], description: 'Mock: always matches.' },
  { name: 'c.false', group: 'mock', type: 'PT_CHARBUF', flags: [], description: 'Mock: never matches.' },
  { name: 'c.buffer', group: 'mock', type: 'PT_BYTEBUF', flags: [], description: 'Mock byte buffer: never matches.' },
  { name: 'c.singlequote', group: 'mock', type: 'PT_CHARBUF', flags: [], description: "Mock: matches hello 'quoted'." },
  { name: 'c.doublequote', group: 'mock', type: 'PT_CHARBUF', flags: [], description: 'Mock: matches hello "quoted".' },
];

/** libs' fields plus the mock ones, mocks tried first as in libs' mock factory. */
export function mockRegistry(): FieldRegistry {
  const r = new FieldRegistry(SYSCALL_FIELDS);
  for (const m of MOCKS) r.add(m);
  return r;
}

/** Evaluates a condition whose checks all use mock fields. */
export function evaluateMock(e: Expr): boolean {
  switch (e.kind) {
    case 'and':
      return e.children.every(evaluateMock);
    case 'or':
      return e.children.some(evaluateMock);
    case 'not':
      return !evaluateMock(e.child);
    case 'unary':
    case 'binary': {
      if (e.left.kind !== 'field') throw new Error('mock evaluator: transformers are not supported');
      const value = e.kind === 'binary' && e.right.kind === 'value' ? e.right.value : undefined;
      switch (e.left.field) {
        case 'c.true':
          return true;
        case 'c.false':
        case 'c.buffer':
          return false;
        case 'c.singlequote':
          return value === "hello 'quoted'";
        case 'c.doublequote':
          return value === 'hello "quoted"';
        default:
          throw new Error(`mock evaluator: not a mock field: ${e.left.field}`);
      }
    }
    default:
      throw new Error(`mock evaluator: unexpected ${e.kind} node`);
  }
}
