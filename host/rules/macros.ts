// Macro expansion on the condition AST, as Falco's filter_macro_resolver does it: bare
// identifiers under and/or/not are replaced by a copy of the macro's AST, recursively, with
// loop detection; identifiers that name no known macro are reported with their position.
import type { Expr, Pos } from '../condition/ast.js';

export interface MacroResolution {
  expr: Expr;
  /** Macro names substituted, inner ones first. */
  resolved: string[];
  unknown: { name: string; pos: Pos }[];
  errors: { message: string; pos: Pos }[];
}

/** The macros a condition may use, by name (a Map, or a filtered view of one). */
export interface MacroTable {
  get(name: string): Expr | undefined;
}

export function resolveMacros(expr: Expr, macros: MacroTable): MacroResolution {
  const out: MacroResolution = { expr, resolved: [], unknown: [], errors: [] };
  const path: string[] = [];
  const visit = (e: Expr): Expr => {
    switch (e.kind) {
      case 'and':
      case 'or':
        return { ...e, children: e.children.map(visit) };
      case 'not':
        return { ...e, child: visit(e.child) };
      case 'identifier': {
        const macro = macros.get(e.name);
        if (macro === undefined) {
          out.unknown.push({ name: e.name, pos: e.pos });
          return e;
        }
        if (path.includes(e.name)) {
          out.errors.push({ message: `reference loop in macro '${e.name}'`, pos: e.pos });
          out.unknown.push({ name: e.name, pos: e.pos });
          return e;
        }
        path.push(e.name);
        const replaced = visit(macro);
        out.resolved.push(e.name);
        path.pop();
        return replaced;
      }
      default:
        return e;
    }
  };
  out.expr = visit(expr);
  return out;
}
