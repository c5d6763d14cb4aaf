// A real SMTP server for the email tests (smtp-server on 127.0.0.1, random port). It records every
// accepted message parsed with mailparser, and can refuse recipients or data with a chosen reply.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  parsed: ParsedMail;
  raw: Buffer;
  envelopeTo: string[];
  /** The user the session authenticated as, if any. */
  user: string | undefined;
  secure: boolean;
}

/** A reply to refuse with: the SMTP code and text. */
export interface Refusal {
  code: number;
  message: string;
}

export interface TestSmtpOptions {
  /** Accept AUTH with this user and password (both PLAIN and LOGIN); otherwise no auth offered. */
  credentials?: { user: string; password: string };
  /** TLS key and certificate (PEM): STARTTLS is offered, or implicit TLS when `implicitTls`. */
  tls?: { key: Buffer; cert: Buffer };
  implicitTls?: boolean;
  /** Decides per RCPT TO whether to refuse; called with the recipient address. */
  refuseRcpt?: (address: string) => Refusal | undefined;
  /** Decides per message (counting from 1) whether to refuse after DATA. */
  refuseData?: (attempt: number) => Refusal | undefined;
  port?: number;
}

export interface TestSmtp {
  port: number;
  received: ReceivedMail[];
  /** Methods the clients authenticated with, in order. */
  authMethods: string[];
  dataAttempts: number;
  /** Resolves when `count` messages have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

function refusalError(r: Refusal): Error & { responseCode: number } {
  return Object.assign(new Error(r.message), { responseCode: r.code });
}

export async function startTestSmtp(opts: TestSmtpOptions = {}): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const authMethods: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let dataAttempts = 0;
  const serverOptions: SMTPServerOptions = {
    logger: false,
    disableReverseLookup: true,
    authOptional: opts.credentials === undefined,
    authMethods: ['PLAIN', 'LOGIN'],
    // AUTH over plain text is fine on a loopback test server.
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      const c = opts.credentials;
      authMethods.push(auth.method);
      if (c !== undefined && auth.username === c.user && auth.password === c.password) callback(null, { user: auth.username });
      else callback(refusalError({ code: 535, message: 'Authentication credentials invalid' }));
    },
    onRcptTo(address, _session, callback) {
      const r = opts.refuseRcpt?.(address.address);
      callback(r === undefined ? null : refusalError(r));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        dataAttempts++;
        const r = opts.refuseData?.(dataAttempts);
        if (r !== undefined) {
          callback(refusalError(r));
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            const user = session.user;
            received.push({
              parsed,
              raw,
              envelopeTo: session.envelope.rcptTo.map((a) => a.address),
              user: typeof user === 'string' ? user : undefined,
              secure: session.secure,
            });
            for (const w of [...waiters]) {
              if (received.length >= w.count) {
                waiters.splice(waiters.indexOf(w), 1);
                w.resolve();
              }
            }
            callback(null);
          },
          (err: Error) => callback(err),
        );
      });
    },
  };
  if (opts.tls !== undefined) {
    serverOptions.key = opts.tls.key;
    serverOptions.cert = opts.tls.cert;
    serverOptions.secure = opts.implicitTls === true;
  } else {
    serverOptions.disabledCommands = ['STARTTLS'];
  }
  if (opts.credentials === undefined) serverOptions.disabledCommands = [...(serverOptions.disabledCommands ?? []), 'AUTH'];
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    authMethods,
    get dataAttempts() {
      return dataAttempts;
    },
    waitFor(count, timeoutMs = 5000) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} messages arrived`)), timeoutMs);
        waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(received); } });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A throw-away self-signed certificate for localhost / 127.0.0.1, made with the openssl CLI. */
export function selfSignedCertificate(): { key: Buffer; cert: Buffer; certPath: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'saker-email-tls-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'ignore' });
  return {
    key: readFileSync(keyPath),
    cert: readFileSync(certPath),
    certPath,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
