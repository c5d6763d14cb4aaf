import { describe, expect, it } from 'vitest';
import { DEFAULT_EMAIL_TEMPLATES } from '../../outputs/email/index.js';
import { DigestWindow } from '../../outputs/email/digest.js';
import { alertMessage, digestMessage } from '../../outputs/email/message.js';
import { checkTemplate, renderHtml, renderText } from '../../outputs/email/template.js';
import { makeAlert } from './support/email-alerts.js';

describe('email templates', () => {
  it('renders placeholders, {{ and }} as braces, and keeps literal text escaped in HTML', () => {
    const values = { rule: { text: 'R<1>', html: 'R&lt;1&gt;' } };
    expect(renderText('{{x}} {rule} & more', values)).toBe('{x} R<1> & more');
    expect(renderHtml('<b>{rule}</b>\nnext', values)).toBe('&lt;b&gt;R&lt;1&gt;&lt;/b&gt;<br>\nnext');
    expect(checkTemplate('a } b', ['rule'])).toBe("unmatched '}' at offset 2 (write '}}' for a literal brace)");
    expect(checkTemplate('{rule}{{}}', ['rule'])).toBeUndefined();
  });

  it('default subject is [Priority] rule: output on one line', () => {
    const alert = makeAlert({ priority: 'Critical', rule: 'Write below etc', output: 'File below /etc opened\nfor writing' });
    expect(alertMessage(alert, DEFAULT_EMAIL_TEMPLATES).subject).toBe('[Critical] Write below etc: File below /etc opened for writing');
  });

  it('escapes every alert value in the HTML body and lists the fields as a table', () => {
    const alert = makeAlert({
      output: 'cmd=<script>alert("x")</script> & more',
      outputFields: { 'proc.cmdline': '<img src=x onerror=alert(1)>', 'fd.num': 3, 'evt.res': null, 'k8s.ns.name': "o'brien" },
      tags: ['<t>'],
    });
    const m = alertMessage(alert, DEFAULT_EMAIL_TEMPLATES);
    expect(m.html).not.toContain('<script>');
    expect(m.html).not.toContain('<img');
    expect(m.html).not.toContain('<t>');
    expect(m.html).toContain('cmd=&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(m.html).toContain('<tr><td>proc.cmdline</td><td>&lt;img src=x onerror=alert(1)&gt;</td></tr>');
    expect(m.html).toContain('<tr><td>evt.res</td><td>&lt;NA&gt;</td></tr>');
    expect(m.html).toContain('<tr><td>k8s.ns.name</td><td>o&#39;brien</td></tr>');
    expect(m.text).toContain('proc.cmdline  <img src=x onerror=alert(1)>');
    expect(m.text).toContain('fd.num        3');
    expect(m.text.split('\n')[0]).toMatch(/^2023-11-14T22:13:20\.\d{9}Z Notice Terminal shell in container$/);
  });

  it('custom templates use the documented placeholders', () => {
    const alert = makeAlert({ tags: ['a', 'b'], hostname: 'h1', source: 'syscall' });
    const m = alertMessage(alert, { ...DEFAULT_EMAIL_TEMPLATES, subject: '{hostname}/{source} {tags}', body: '{time}|{rule}' });
    expect(m.subject).toBe('h1/syscall a, b');
    expect(m.text).toBe(`2023-11-14T22:13:20.${String(alert.timeNs % 1_000_000_000n).padStart(9, '0')}Z|Terminal shell in container`);
  });

  it('a digest counts per rule over every alert and lists at most digest_max_alerts', () => {
    const w = new DigestWindow(3);
    for (let i = 0; i < 4; i++) w.add(makeAlert({ rule: 'Shell', priority: 'Notice' }));
    w.add(makeAlert({ rule: 'Write <etc>', priority: 'Error' }));
    w.add(makeAlert({ rule: 'Shell', priority: 'Warning' }));
    const m = digestMessage(w, DEFAULT_EMAIL_TEMPLATES, 60);
    expect(m.subject).toBe('[Error] 6 alerts on node-1: Shell (5), Write <etc> (1)');
    expect(m.text).toContain('5  Warning        Shell\n1  Error          Write <etc>');
    expect(m.text).toContain('(3 more alerts not listed)');
    expect(m.html).toContain('<tr><td>5</td><td>Warning</td><td>Shell</td></tr>');
    expect(m.html).toContain('<tr><td>1</td><td>Error</td><td>Write &lt;etc&gt;</td></tr>');
    expect(m.html.match(/<tr><td>2023-/g)).toHaveLength(3);
  });

  it('a failed digest merged into the next keeps exact counts and the oldest alerts listed', () => {
    const failed = new DigestWindow(2);
    const first = makeAlert({ rule: 'A' });
    failed.add(first);
    const next = new DigestWindow(2);
    next.add(makeAlert({ rule: 'B' }));
    next.add(makeAlert({ rule: 'A' }));
    next.merge(failed);
    expect(next.total).toBe(3);
    expect(next.ruleCounts()).toEqual([{ rule: 'A', count: 2, priority: 'Notice' }, { rule: 'B', count: 1, priority: 'Notice' }]);
    expect(next.listed[0]).toBe(first);
    expect(next.listed).toHaveLength(2);
    expect(next.firstNs).toBe(first.timeNs);
  });
});
