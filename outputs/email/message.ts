// Builds the mail for one alert or for a digest window: subject, text body and HTML body, from the
// configured templates. Every value that reaches the HTML is escaped here.
import type { Alert } from '../alert.js';
import { iso8601Z } from '../format/index.js';
import { fieldValueText } from './alert-text.js';
import type { EmailTemplates } from './config.js';
import type { DigestWindow } from './digest.js';
import { escapeHtml, oneLine, plain, renderHtml, renderText, type RenderedValue } from './template.js';

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

const TABLE = 'border="1" cellpadding="4" cellspacing="0" style="border-collapse:collapse;font-family:monospace"';

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = `<tr>${headers.map((h) => `<th align="left">${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table ${TABLE}>\n${head}\n${body}\n</table>`;
}

function fieldsValue(alert: Alert): RenderedValue {
  const rows = Object.entries(alert.outputFields).map(([name, value]) => [name, fieldValueText(value)] as const);
  if (rows.length === 0) return { text: '', html: '' };
  const width = Math.max(...rows.map(([n]) => n.length));
  return {
    text: rows.map(([n, v]) => `${n.padEnd(width)}  ${v}`).join('\n'),
    html: table(['Field', 'Value'], rows),
  };
}

export function alertValues(alert: Alert): Record<string, RenderedValue> {
  return {
    rule: plain(alert.rule),
    priority: plain(alert.priority),
    output: plain(alert.output),
    fields: fieldsValue(alert),
    hostname: plain(alert.hostname),
    tags: plain(alert.tags.join(', ')),
    time: plain(iso8601Z(alert.timeNs)),
    source: plain(alert.source),
  };
}

function wrapHtml(inner: string): string {
  return `<!DOCTYPE html>\n<html><body style="font-family:sans-serif">\n${inner}\n</body></html>\n`;
}

export function alertMessage(alert: Alert, templates: EmailTemplates): MailContent {
  const values = alertValues(alert);
  return {
    subject: oneLine(renderText(templates.subject, values)),
    text: renderText(templates.body, values),
    html: wrapHtml(renderHtml(templates.body, values)),
  };
}

export function digestValues(window: DigestWindow, windowSeconds: number): Record<string, RenderedValue> {
  const counts = window.ruleCounts();
  const countWidth = Math.max(...counts.map((c) => String(c.count).length), 1);
  const omitted = window.total - window.listed.length;
  const alertRows = window.listed.map((a) => [iso8601Z(a.timeNs), a.priority, a.rule, a.output] as const);
  const alertsText = alertRows.map(([t, p, r, o]) => `${t} ${p} ${r}: ${o}`).join('\n');
  const omittedNote = omitted > 0 ? `(${omitted} more alerts not listed)` : '';
  return {
    count: plain(String(window.total)),
    rules: plain(counts.map((c) => `${c.rule} (${c.count})`).join(', ')),
    rule_counts: {
      text: counts.map((c) => `${String(c.count).padStart(countWidth)}  ${c.priority.padEnd(13)}  ${c.rule}`).join('\n'),
      html: table(['Count', 'Priority', 'Rule'], counts.map((c) => [String(c.count), c.priority, c.rule])),
    },
    alerts: {
      text: omittedNote === '' ? alertsText : `${alertsText}\n${omittedNote}`,
      html: (alertRows.length > 0 ? table(['Time', 'Priority', 'Rule', 'Output'], alertRows) : '') +
        (omittedNote === '' ? '' : `<p>${escapeHtml(omittedNote)}</p>`),
    },
    omitted: plain(String(omitted)),
    hostname: plain(window.hostname),
    start: plain(iso8601Z(window.firstNs)),
    end: plain(iso8601Z(window.lastNs)),
    max_priority: plain(window.maxPriority()),
    window: plain(String(windowSeconds)),
  };
}

export function digestMessage(window: DigestWindow, templates: EmailTemplates, windowSeconds: number): MailContent {
  const values = digestValues(window, windowSeconds);
  return {
    subject: oneLine(renderText(templates.digestSubject, values)),
    text: renderText(templates.digestBody, values),
    html: wrapHtml(renderHtml(templates.digestBody, values)),
  };
}
