import { describe, expect, it } from 'vitest';
import type { Expr } from '../../host/condition/ast.js';
import { parseCondition } from '../../host/condition/parser.js';
import { childrenOf, isEqualExpr, walkExpr } from '../../host/condition/walk.js';

describe('walkExpr', () => {
  it('visits every node in pre-order, with its parent', () => {
    const seen: string[] = [];
    walkExpr(parseCondition('a and not b.c in (x, y) or tolower(d.e) = val(f.g)'), (node, parent) => {
      seen.push(`${node.kind}<${parent?.kind ?? '-'}`);
    });
    expect(seen).toEqual([
      'or<-', 'and<or', 'identifier<and', 'not<and', 'binary<not', 'field<binary', 'list<binary', 'value<list',
      'value<list', 'binary<or', 'transformer<binary', 'field<transformer', 'transformer<binary', 'field<transformer',
    ]);
  });

  it('skips the children of a node when the visitor returns false', () => {
    const seen: string[] = [];
    walkExpr(parseCondition('a and (b or c) and d'), (node) => {
      seen.push(node.kind === 'identifier' ? node.name : node.kind);
      return node.kind !== 'or';
    });
    expect(seen).toEqual(['and', 'a', 'or', 'd']);
  });

  it('walks trees deeper than the call stack', () => {
    let e: Expr = { kind: 'identifier', name: 'x', pos: { idx: 0, line: 1, col: 1 } };
    for (let i = 0; i < 200_000; i++) e = { kind: 'not', child: e, pos: e.pos };
    let count = 0;
    walkExpr(e, () => {
      count++;
    });
    expect(count).toBe(200_001);
    expect(isEqualExpr(e, e)).toBe(true);
  });
});

describe('isEqualExpr', () => {
  it('ignores positions and quoting', () => {
    expect(isEqualExpr(parseCondition('a.b = "x" and c'), parseCondition('(a.b=x)\n and  (c)'))).toBe(true);
  });

  it('sees differences in kinds, names, operators, modifiers, arguments and values', () => {
    const base = parseCondition('proc.aname[2] == oneof (a, b) and tolower(fd.name) exists');
    for (const other of [
      'proc.aname[3] == oneof (a, b) and tolower(fd.name) exists',
      'proc.aname[2] = oneof (a, b) and tolower(fd.name) exists',
      'proc.aname[2] == anyof (a, b) and tolower(fd.name) exists',
      'proc.aname[2] == (a, b) and tolower(fd.name) exists'.replace('== (', 'in ('),
      'proc.aname[2] == oneof (a, c) and tolower(fd.name) exists',
      'proc.aname[2] == oneof (a) and tolower(fd.name) exists',
      'proc.aname[2] == oneof (a, b) and toupper(fd.name) exists',
      'proc.aname[2] == oneof (a, b) or tolower(fd.name) exists',
      'proc.aname[2] == oneof (a, b) and tolower(fd.name) exists and x',
    ]) {
      expect(isEqualExpr(base, parseCondition(other)), other).toBe(false);
    }
  });

  it('lists the direct children of each node kind', () => {
    const e = parseCondition('join("-", (a.b, 1)) = x');
    expect(childrenOf(e).map((c) => c.kind)).toEqual(['transformer', 'value']);
    const left = childrenOf(e)[0]!;
    expect(childrenOf(left).map((c) => c.kind)).toEqual(['value', 'transformer_list']);
    expect(childrenOf(childrenOf(left)[1]!).map((c) => c.kind)).toEqual(['field', 'value']);
  });
});
