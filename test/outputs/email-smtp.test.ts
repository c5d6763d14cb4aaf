// The email channel against a real SMTP server (smtp-server on 127.0.0.1), messages read back
// with mailparser.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConfigMap } from '../../host/config/tree.js';
import { DeliveryError } from '../../outputs/channel.js';
import { EmailChannel, readEmailConfig, type EmailChannelOptions } from '../../outputs/email/index.js';
import { makeAlert } from './support/email-alerts.js';
import { selfSignedCertificate, startTestSmtp, type TestSmtp } from './support/email-smtp-server.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(...args: Parameters<typeof startTestSmtp>): Promise<TestSmtp> {
  const s = await startTestSmtp(...args);
  cleanups.push(() => s.close());
  return s;
}

async function channel(port: number, extra: ConfigMap = {}, options: EmailChannelOptions = {}): Promise<EmailChannel> {
  const config = readEmailConfig({
    enabled: 'true', host: '127.0.0.1', port: String(port), tls: 'none', from: 'saker@example.com', to: 'ops@example.com',
    timeout_ms: '3000', ...extra,
  })!;
  const ch = new EmailChannel(config, { log: () => undefined, ...options });
  await ch.start();
  cleanups.push(() => ch.stop());
  return ch;
}

async function deliveryError(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DeliveryError);
    return err as DeliveryError;
  }
  throw new Error('expected delivery to fail');
}

describe('email channel over SMTP', () => {
  it('delivers one message per alert: subject, text, HTML fields table, recipients', async () => {
    const smtp = await server();
    const ch = await channel(smtp.port, { to: 'a@example.com,b@example.com', cc: 'c@example.com' });
    expect(ch.maxBatch).toBe(1);
    const alert = makeAlert({ priority: 'Critical', outputFields: { 'proc.cmdline': 'sh -c "<x>"', 'proc.pid': 7n } });
    await ch.deliver([alert]);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.envelopeTo).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    expect(mail!.parsed.subject).toBe(`[Critical] Terminal shell in container: ${alert.output}`);
    expect(mail!.parsed.text).toContain(alert.output);
    expect(mail!.parsed.text).toContain('proc.cmdline  sh -c "<x>"');
    expect(mail!.parsed.html).toContain('<tr><td>proc.cmdline</td><td>sh -c &quot;&lt;x&gt;&quot;</td></tr>');
    expect(mail!.parsed.html).toContain('<tr><td>proc.pid</td><td>7</td></tr>');
    expect(mail!.secure).toBe(false);
  });

  it('STARTTLS with a self-signed certificate trusted through ca_cert; untrusted is permanent', async () => {
    const tls = selfSignedCertificate();
    cleanups.push(tls.cleanup);
    const smtp = await server({ tls: { key: tls.key, cert: tls.cert } });
    const trusted = await channel(smtp.port, { tls: 'starttls', ca_cert: tls.certPath });
    await trusted.deliver([makeAlert()]);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.secure).toBe(true);

    const untrusted = await channel(smtp.port, { tls: 'starttls' });
    const err = await deliveryError(untrusted.deliver([makeAlert()]));
    expect(err.permanent).toBe(true);
    expect(err.message).toMatch(/^email_output: .*self-signed.*set email_output\.ca_cert/i);
  });

  it('implicit TLS, and starttls against a server that does not offer it fails', async () => {
    const tls = selfSignedCertificate();
    cleanups.push(tls.cleanup);
    const implicit = await server({ tls: { key: tls.key, cert: tls.cert }, implicitTls: true });
    const ch = await channel(implicit.port, { tls: 'implicit', insecure: 'true' });
    await ch.deliver([makeAlert()]);
    expect((await implicit.waitFor(1))[0]!.secure).toBe(true);

    const plainOnly = await server();
    const wantsTls = await channel(plainOnly.port, { tls: 'starttls' });
    const err = await deliveryError(wantsTls.deliver([makeAlert()]));
    expect(err.message).toMatch(/STARTTLS/);
    expect(err.permanent).toBe(true);
    expect(plainOnly.received).toHaveLength(0);
  });

  it('AUTH PLAIN and LOGIN with the right password; a wrong password is permanent', async () => {
    const smtp = await server({ credentials: { user: 'saker', password: 'right' } });
    await (await channel(smtp.port, { user: 'saker', password: 'right', auth: 'plain' })).deliver([makeAlert()]);
    process.env['SAKER_TEST_SMTP_PW'] = 'right';
    cleanups.push(() => { delete process.env['SAKER_TEST_SMTP_PW']; });
    await (await channel(smtp.port, { user: 'saker', password_env: 'SAKER_TEST_SMTP_PW', auth: 'login' })).deliver([makeAlert()]);
    await smtp.waitFor(2);
    expect(smtp.authMethods).toEqual(['PLAIN', 'LOGIN']);
    expect(smtp.received.map((m) => m.user)).toEqual(['saker', 'saker']);

    const wrong = await channel(smtp.port, { user: 'saker', password: 'wrong' });
    const err = await deliveryError(wrong.deliver([makeAlert()]));
    expect(err.permanent).toBe(true);
    expect(err.message).toMatch(/^email_output: Invalid login: 535 Authentication credentials invalid/);
  }, 20_000);

  it('a 550 refusal of the recipient or the data is permanent', async () => {
    const rcpt = await server({ refuseRcpt: () => ({ code: 550, message: 'No such user' }) });
    const err1 = await deliveryError((await channel(rcpt.port)).deliver([makeAlert()]));
    expect(err1.permanent).toBe(true);
    expect(err1.message).toMatch(/550 No such user/);

    const data = await server({ refuseData: () => ({ code: 554, message: 'Message rejected' }) });
    const err2 = await deliveryError((await channel(data.port)).deliver([makeAlert()]));
    expect(err2.permanent).toBe(true);
    expect(err2.message).toMatch(/554 Message rejected/);
  });

  it('a 451 is transient, and the retry delivers', async () => {
    const smtp = await server({ refuseData: (n) => (n === 1 ? { code: 451, message: 'Try again later' } : undefined) });
    const ch = await channel(smtp.port);
    const alert = makeAlert();
    const err = await deliveryError(ch.deliver([alert]));
    expect(err.permanent).toBe(false);
    expect(err.message).toMatch(/451 Try again later/);
    await ch.deliver([alert]);
    expect((await smtp.waitFor(1))[0]!.parsed.text).toContain(alert.output);
  });

  it('one refused recipient among several: the others get the message, no retry', async () => {
    const logs: string[] = [];
    const smtp = await server({ refuseRcpt: (a) => (a === 'gone@example.com' ? { code: 550, message: 'No such user' } : undefined) });
    const ch = await channel(smtp.port, { to: 'ops@example.com,gone@example.com' }, { log: (_level, m) => logs.push(m) });
    await ch.deliver([makeAlert()]);
    expect((await smtp.waitFor(1))[0]!.envelopeTo).toEqual(['ops@example.com']);
    expect(logs).toEqual(['email_output: the server refused recipients gone@example.com']);
  });

  it('a server that is down is transient', async () => {
    const smtp = await server();
    const port = smtp.port;
    await smtp.close();
    const err = await deliveryError((await channel(port)).deliver([makeAlert()]));
    expect(err.permanent).toBe(false);
    expect(err.message).toMatch(/ECONNREFUSED|connect/i);
  });

  it('a server that accepts but never greets times out within timeout_ms, as transient', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      silent.close(() => r());
    }));
    const ch = await channel((silent.address() as AddressInfo).port, { timeout_ms: '300' });
    const started = performance.now();
    const err = await deliveryError(ch.deliver([makeAlert()]));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(err.permanent).toBe(false);
    // Connection and greeting time-outs race (both timeout_ms); either wording is nodemailer's.
    expect(err.message).toMatch(/^email_output: (Greeting never received|Timeout)/);
  });

  it('digest mode: alerts of a window arrive as one message with counts per rule', async () => {
    const smtp = await server();
    const sent: number[] = [];
    const ch = await channel(smtp.port, { digest_seconds: '1' }, { onDigestSent: (n) => sent.push(n) });
    expect(ch.maxBatch).toBeGreaterThan(1);
    await ch.deliver([makeAlert({ rule: 'Shell' }), makeAlert({ rule: 'Shell' })]);
    await ch.deliver([makeAlert({ rule: 'Write below etc', priority: 'Error' }), makeAlert({ rule: 'Shell' })]);
    expect(smtp.received).toHaveLength(0);
    const [mail] = await smtp.waitFor(1, 4000);
    expect(mail!.parsed.subject).toBe('[Error] 4 alerts on node-1: Shell (3), Write below etc (1)');
    expect(mail!.parsed.text).toMatch(/3 {2}Notice {9}Shell\n1 {2}Error {10}Write below etc/);
    expect(mail!.parsed.html).toContain('<tr><td>3</td><td>Notice</td><td>Shell</td></tr>');
    await vi.waitFor(() => expect(sent).toEqual([4]));
    await new Promise((r) => setTimeout(r, 1200));
    expect(smtp.received).toHaveLength(1);
  });

  it('digest mode: a digest the server defers goes out with the next window; stop flushes', async () => {
    const smtp = await server({ refuseData: (n) => (n === 1 ? { code: 421, message: 'Busy' } : undefined) });
    const logs: string[] = [];
    const ch = await channel(smtp.port, { digest_seconds: '1' }, { log: (_level, m) => logs.push(m) });
    await ch.deliver([makeAlert({ rule: 'A' })]);
    await expect(ch.flush()).rejects.toThrow(/421 Busy/);
    expect(logs[0]).toMatch(/421 Busy.*the digest of 1 alerts will be retried with the next window$/);
    await ch.deliver([makeAlert({ rule: 'B' })]);
    await ch.stop();
    const [mail] = await smtp.waitFor(1);
    expect(mail!.parsed.subject).toBe('[Notice] 2 alerts on node-1: A (1), B (1)');
  });

  it('digest mode: stop with the server gone counts the digest as dropped', async () => {
    const smtp = await server();
    const port = smtp.port;
    await smtp.close();
    const dropped: [number, boolean][] = [];
    const ch = await channel(port, { digest_seconds: '30' }, { onDigestDropped: (n, e) => dropped.push([n, e.permanent]) });
    await ch.deliver([makeAlert(), makeAlert(), makeAlert()]);
    await ch.stop();
    expect(dropped).toEqual([[3, false]]);
  });
});
