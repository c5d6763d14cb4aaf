// Generic helpers over the condition AST: children, pre-order walk, structural equality.
import type { Expr } from './ast.js';

/** The direct sub-expressions of a node, left to right. */
export function childrenOf(e: Expr): Expr[] {
  switch (e.kind) {
    case 'and':
    case 'or':
      return e.children;
    case 'not':
      return [e.child];
    case 'unary':
      return [e.left];
    case 'binary':
      return [e.left, e.right];
    case 'transformer':
    case 'transformer_list':
      return e.values;
    case 'list':
      return e.values;
    case 'identifier':
    case 'value':
    case 'field':
      return [];
  }
}

/**
 * Visits `e` and its descendants in pre-order. Returning false from `visit` skips that node's
 * children. Iterative, so arbitrarily deep trees (after macro expansion) cannot overflow the stack.
 */
export function walkExpr(e: Expr, visit: (node: Expr, parent: Expr | undefined) => boolean | void): void {
  const stack: Array<[Expr, Expr | undefined]> = [[e, undefined]];
  while (stack.length > 0) {
    const [node, parent] = stack.pop()!;
    if (visit(node, parent) === false) continue;
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]!, node]);
  }
}

/**
 * Structural equality the way libs' is_equal sees it: same node kinds, names, operators,
 * modifiers, arguments and values. Positions and whether a value was written quoted are ignored.
 */
export function isEqualExpr(a: Expr, b: Expr): boolean {
  const pending: Array<[Expr, Expr]> = [[a, b]];
  while (pending.length > 0) {
    const [x, y] = pending.pop()!;
    if (!sameNode(x, y)) return false;
    const xs = childrenOf(x);
    const ys = childrenOf(y);
    if (xs.length !== ys.length) return false;
    for (let i = 0; i < xs.length; i++) pending.push([xs[i]!, ys[i]!]);
  }
  return true;
}

/** Compares everything about two nodes except their children and positions. */
function sameNode(x: Expr, y: Expr): boolean {
  switch (x.kind) {
    case 'and':
    case 'or':
    case 'not':
    case 'list':
    case 'transformer_list':
      return y.kind === x.kind;
    case 'identifier':
      return y.kind === 'identifier' && y.name === x.name;
    case 'value':
      return y.kind === 'value' && y.value === x.value;
    case 'unary':
      return y.kind === 'unary' && y.op === x.op;
    case 'binary':
      return y.kind === 'binary' && y.op === x.op && y.modifier === x.modifier;
    case 'field':
      return y.kind === 'field' && y.field === x.field && y.arg === x.arg;
    case 'transformer':
      return y.kind === 'transformer' && y.transformer === x.transformer && y.arg === x.arg;
  }
}
