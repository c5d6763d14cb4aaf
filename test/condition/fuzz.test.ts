// Property-based robustness: whatever the input, the parser returns a tree or throws
// ConditionSyntaxError (never another exception, never a hang), and every tree it returns
// survives formatCondition unchanged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../host/condition/ast.js';
import { ConditionSyntaxError } from '../../host/condition/errors.js';
import { formatCondition } from '../../host/condition/format.js';
import { parseCondition } from '../../host/condition/parser.js';
import { isEqualExpr } from '../../host/condition/walk.js';
import { readSharedJson, sharedAvailable } from '../support/shared.js';

const BUILT_IN_SEEDS = [
  'evt.type in (open, openat, openat2) and evt.is_open_read = true and fd.typechar = f and fd.num >= 0',
  'not proc.name in (sh, bash) or (proc.aname[2] = "sh -c" and fd.name startswith /etc/)',
  "tolower(proc.name) = val(proc.pname) and join('-', (fd.name, 1, b64(fd.directory))) contains 'x'",
  'getopt(proc.args, "nt:")[t] exists and proc.name == oneof (cat, nginx) and fd.name != anyof my_list',
  'not not(a) and b or not (c.d pmatch (/tmp, "/var/log")) and len(proc.args) > 0x10',
];

/** Characters that matter to the lexer, plus a few multi-byte ones. */
const INTERESTING = [
  '(', ')', '[', ']', '"', "'", '\\', ',', '=', '!', '<', '>', ' ', '\n', '\r', '\t', '\b', '\v', '\u0000',
  'a', 'n', 'o', 't', 'd', 'r', '.', '0', 'x', '-', '+', 'é', '☃', '🐍',
];
const TOKENS = [
  'and', 'or', 'not', 'not(', '(', ')', 'exists', 'in', '=', '==', '!=', '<=', 'contains', 'glob', 'pmatch',
  'oneof', 'anyof', 'allof', 'val(', 'b64(', 'join(', 'getopt(', 'proc.name', 'fd.name[1]', '"q s"', "'q'",
  '/bin/sh', '12', '0x1f', ',', '"\\x00"', "'\\xff'", '"\\x4"', 'val(fd.name)[x]',
];

type Mutation =
  | { kind: 'delete' | 'truncate'; at: number }
  | { kind: 'insert' | 'replace'; at: number; text: string }
  | { kind: 'swap'; at: number; other: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('delete' as const, 'truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constantFrom('insert' as const, 'replace' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...INTERESTING), fc.constantFrom(...TOKENS).map((t) => ` ${t} `)),
  }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() }),
);

function mutate(text: string, m: Mutation): string {
  if (text.length === 0) return m.kind === 'insert' || m.kind === 'replace' ? m.text : text;
  const at = m.at % text.length;
  switch (m.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + 1);
    case 'truncate':
      return text.slice(0, at);
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'replace':
      return text.slice(0, at) + m.text + text.slice(at + 1);
    case 'swap': {
      // Swap two whitespace-separated tokens.
      const words = text.split(' ');
      const i = at % words.length;
      const j = m.other % words.length;
      [words[i], words[j]] = [words[j]!, words[i]!];
      return words.join(' ');
    }
  }
}

/** Parses and checks the contract; returns the tree or undefined when rejected. */
function checkContract(text: string): Expr | undefined {
  try {
    return parseCondition(text);
  } catch (e) {
    if (!(e instanceof ConditionSyntaxError)) throw e;
    const bytes = Buffer.byteLength(text, 'utf8');
    if (!(e.pos.idx >= 0 && e.pos.idx <= bytes && e.pos.line >= 1 && e.pos.col >= 1)) {
      throw new Error(`bad error position ${JSON.stringify(e.pos)} for ${JSON.stringify(text)}`);
    }
    return undefined;
  }
}

function holdsFor(text: string): boolean {
  const ast = checkContract(text);
  return ast === undefined || isEqualExpr(parseCondition(formatCondition(ast)), ast);
}

function loadSeeds(): string[] {
  if (!sharedAvailable) return BUILT_IN_SEEDS;
  const analysis = readSharedJson<Record<string, { rules: Array<{ expanded_condition: string; original_condition: string }> }>>(
    'reference',
    'upstream-rules-analysis.json',
  );
  const corpus = readSharedJson<Array<{ input: string }>>('conformance', 'parser_cases.json');
  const rules = Object.values(analysis).flatMap((f) => f.rules);
  return [
    ...BUILT_IN_SEEDS,
    ...rules.map((r) => r.expanded_condition),
    ...rules.map((r) => r.original_condition),
    ...corpus.map((c) => c.input),
  ];
}

describe('parser robustness', () => {
  const seeds = loadSeeds();

  it('handles mutated real conditions', () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 }), (seed, ms) =>
        holdsFor(ms.reduce(mutate, seed)),
      ),
      { numRuns: 3000 },
    );
  });

  it('handles random token soup', () => {
    const soup = fc
      .array(fc.oneof(fc.constantFrom(...TOKENS), fc.constantFrom(...INTERESTING)), { maxLength: 40 })
      .map((parts) => parts.join(''));
    fc.assert(fc.property(soup, holdsFor), { numRuns: 3000 });
  });

  it('handles arbitrary strings, including invalid UTF-16', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), holdsFor), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 60 }), holdsFor), { numRuns: 2000 });
    expect(holdsFor('x.y = "\ud800"')).toBe(true);
  });

  it('bounds deep nesting of every recursive construct with a syntax error, not a stack overflow', () => {
    const opener = fc.constantFrom('(', 'not(', 'not ', 'x.y = b64(', 'b64(', 'join("", (', 'a and (', 'a or (');
    fc.assert(
      fc.property(fc.array(opener, { minLength: 1, maxLength: 3000 }), fc.boolean(), (openers, close) => {
        const text = openers.join('') + 'x.y exists' + (close ? ')'.repeat(openers.length * 2) : '');
        checkContract(text);
        return true;
      }),
      { numRuns: 60 },
    );
  });

  it('stays linear on very long inputs', () => {
    const inputs = [
      Array.from({ length: 50_000 }, (_, i) => `m${i}`).join(' and '),
      `x.y in (${Array.from({ length: 50_000 }, (_, i) => `"v ${i}"`).join(', ')})`,
      `x.y = '${'a'.repeat(1_000_000)}`, // unterminated quote
      `x.y = "${'\\\\'.repeat(200_000)}"`,
      'not '.repeat(200_000) + 'a',
      `x.y in (${'a,'.repeat(200_000)})`,
      `x.y[${'a'.repeat(500_000)}`,
      'a '.repeat(200_000),
    ];
    for (const text of inputs) {
      const start = performance.now();
      checkContract(text);
      expect(performance.now() - start, text.slice(0, 40)).toBeLessThan(2000);
    }
  });
});
