// The `rules:` config key (enable/disable rules by name wildcard or by tag, applied in order after
// all rules files are loaded) and Falco's wildcard matcher for rule names.
import type { ConfigNode } from './tree.js';

export interface RuleSelector {
  op: 'enable' | 'disable';
  /** Rule name pattern; `*` matches any run of characters. Empty when the selector is by tag. */
  rule: string;
  /** Exact tag. Empty when the selector is by name only. */
  tag: string;
}

/**
 * Decodes one `rules:` entry (`{enable: {rule: X}}`, `{disable: {tag: Y}}`), or returns a reason
 * why it is not one.
 */
export function decodeRuleSelector(node: ConfigNode): RuleSelector | string {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return 'each entry must be a map';
  const op = 'enable' in node && node.enable !== null ? 'enable' : 'disable' in node && node.disable !== null ? 'disable' : undefined;
  if (!op) return "each entry must have an 'enable' or a 'disable' key";
  const body = node[op];
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body)) return `'${op}' must be a map with 'rule' and/or 'tag'`;
  const rule = body.rule;
  const tag = body.tag;
  if ((rule !== undefined && rule !== null && typeof rule !== 'string') || (tag !== undefined && tag !== null && typeof tag !== 'string')) {
    return "'rule' and 'tag' must be strings";
  }
  const sel: RuleSelector = { op, rule: rule ?? '', tag: tag ?? '' };
  if (sel.rule === '' && sel.tag === '') return `'${op}' needs a 'rule' or a 'tag'`;
  return sel;
}

/**
 * Falco's `matches_wildcard`: literal text must match, `*` skips ahead to the FIRST occurrence of
 * the next literal run (no backtracking), so `*.yaml` does not match `a.yaml.yaml`. Kept exact on
 * purpose: Falco users see this behaviour.
 */
export function matchesWildcard(pattern: string, text: string): boolean {
  const star = pattern.indexOf('*');
  if (star === -1) return pattern === text;
  if (star === 0) {
    const next = pattern.search(/[^*]/);
    if (next === -1) return true;
    const rest = pattern.slice(next);
    const nextStar = rest.indexOf('*');
    const literal = nextStar === -1 ? rest : rest.slice(0, nextStar);
    const at = text.indexOf(literal);
    if (at === -1) return false;
    return matchesWildcard(rest.slice(literal.length), text.slice(at + literal.length));
  }
  if (pattern.slice(0, star) !== text.slice(0, star)) return false;
  return matchesWildcard(pattern.slice(star), text.slice(star));
}

/** The rule facts a selection needs. */
export interface SelectableRule {
  name: string;
  tags: readonly string[];
  enabled: boolean;
}

/**
 * Applies the selectors in order over the rules' own `enabled` flags and returns the names of the
 * rules left enabled.
 */
export function applyRuleSelection(rules: readonly SelectableRule[], selectors: readonly RuleSelector[]): Set<string> {
  const enabled = new Set(rules.filter((r) => r.enabled).map((r) => r.name));
  for (const sel of selectors) {
    const on = sel.op === 'enable';
    for (const r of rules) {
      const hit = (sel.rule !== '' && matchesWildcard(sel.rule, r.name)) || (sel.tag !== '' && r.tags.includes(sel.tag));
      if (!hit) continue;
      if (on) enabled.add(r.name);
      else enabled.delete(r.name);
    }
  }
  return enabled;
}
