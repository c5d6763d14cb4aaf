// Subject and body templates: literal text with `{name}` placeholders; `{{` and `}}` are literal
// braces. One template renders twice — as plain text and as HTML — because each placeholder value
// carries both forms (the fields table is lines of text in one and a <table> in the other).

/** Placeholders of a one-alert message. */
export const SINGLE_PLACEHOLDERS = ['rule', 'priority', 'output', 'fields', 'hostname', 'tags', 'time', 'source'] as const;
/** Placeholders of a digest message. */
export const DIGEST_PLACEHOLDERS = [
  'count', 'rules', 'rule_counts', 'alerts', 'omitted', 'hostname', 'start', 'end', 'max_priority', 'window',
] as const;

/** A placeholder's value in both renderings; `html` is already escaped markup. */
export interface RenderedValue {
  text: string;
  html: string;
}

type Token = { literal: string } | { name: string };

function tokenize(template: string): Token[] | string {
  const out: Token[] = [];
  let literal = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c === '{' && template[i + 1] === '{') { literal += '{'; i += 2; continue; }
    if (c === '}' && template[i + 1] === '}') { literal += '}'; i += 2; continue; }
    if (c === '}') return `unmatched '}' at offset ${i} (write '}}' for a literal brace)`;
    if (c === '{') {
      const end = template.indexOf('}', i);
      if (end === -1) return `unclosed '{' at offset ${i} (write '{{' for a literal brace)`;
      if (literal !== '') out.push({ literal });
      literal = '';
      out.push({ name: template.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    literal += c;
    i++;
  }
  if (literal !== '') out.push({ literal });
  return out;
}

/** Returns a description of what is wrong with the template, or undefined when it is usable. */
export function checkTemplate(template: string, allowed: readonly string[]): string | undefined {
  const tokens = tokenize(template);
  if (typeof tokens === 'string') return tokens;
  for (const t of tokens) {
    if ('name' in t && !allowed.includes(t.name)) {
      return `unknown placeholder {${t.name}}; known placeholders: ${allowed.map((a) => `{${a}}`).join(', ')}`;
    }
  }
  return undefined;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Both forms of a plain value: the HTML form is the escaped text. */
export function plain(text: string): RenderedValue {
  return { text, html: escapeHtml(text) };
}

/** Renders as text; unknown placeholders (already rejected by checkTemplate) render empty. */
export function renderText(template: string, values: Readonly<Record<string, RenderedValue>>): string {
  const tokens = tokenize(template);
  if (typeof tokens === 'string') return template;
  return tokens.map((t) => ('literal' in t ? t.literal : values[t.name]?.text ?? '')).join('');
}

/** Renders as HTML: literal text is escaped and its line breaks kept, values go in as markup. */
export function renderHtml(template: string, values: Readonly<Record<string, RenderedValue>>): string {
  const tokens = tokenize(template);
  if (typeof tokens === 'string') return escapeHtml(template);
  return tokens
    .map((t) => ('literal' in t ? escapeHtml(t.literal).replace(/\r?\n/g, '<br>\n') : values[t.name]?.html ?? ''))
    .join('');
}

/** A subject is one line: line breaks become spaces, and very long subjects are cut. */
export function oneLine(text: string, max = 250): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
