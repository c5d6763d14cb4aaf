// The email channel: one message per alert, or one digest per window of `digest_seconds`.
// Sending goes through nodemailer's pooled SMTP transport with one connection, reused between
// messages (a backlog after an outage goes out at a few ms per message instead of a handshake
// each) and kept in order; a connection the server dropped is replaced on the next message.
import { readFileSync } from 'node:fs';
// nodemailer is loaded when the channel starts (a type import only here): it costs ~40 ms of
// every daemon start, and most hosts never enable email_output.
import type { createTransport } from 'nodemailer';
import type { Alert } from '../alert.js';
import { DeliveryError, type Channel } from '../channel.js';
import { EMAIL_KEY, type EmailConfig } from './config.js';
import type { OutputLog } from '../pipeline/index.js';
import { DigestWindow } from './digest.js';
import { alertMessage, digestMessage, type MailContent } from './message.js';
import { classifySmtpError } from './smtp-errors.js';

type Transporter = ReturnType<typeof createTransport>;

export interface EmailChannelOptions {
  /** Where the channel reports what the pipeline cannot see (digest outcomes, refused recipients). */
  log?: OutputLog;
  /**
   * Digest mode accepts alerts into the window at once, so a digest that finally fails is reported
   * here (stop with an unsendable digest, or a permanent refusal) for the drop counters.
   */
  onDigestDropped?: (count: number, error: DeliveryError) => void;
  /** Called with the number of alerts a digest carried once it is sent. */
  onDigestSent?: (count: number) => void;
}

export class EmailChannel implements Channel {
  readonly name = EMAIL_KEY;
  readonly maxBatch: number;
  private transporter: Transporter | undefined;
  private window: DigestWindow | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly log: OutputLog;

  constructor(private readonly config: EmailConfig, private readonly options: EmailChannelOptions = {}) {
    // A digest takes whatever is queued in one call; single mode sends alert by alert.
    this.maxBatch = config.digestSeconds > 0 ? 1000 : 1;
    this.log = options.log ?? ((_level, m) => process.stderr.write(`${m}\n`));
  }

  get digestMode(): boolean {
    return this.config.digestSeconds > 0;
  }

  async start(): Promise<void> {
    const c = this.config;
    const tlsOptions: { rejectUnauthorized: boolean; ca?: Buffer } = { rejectUnauthorized: !c.insecure };
    if (c.caCert !== undefined) {
      try {
        tlsOptions.ca = readFileSync(c.caCert);
      } catch (err) {
        throw new DeliveryError(`${EMAIL_KEY}.ca_cert: cannot read '${c.caCert}': ${(err as Error).message}`, { permanent: true, cause: err });
      }
    }
    const { createTransport: create } = await import('nodemailer');
    this.transporter = create({
      pool: true,
      maxConnections: 1,
      host: c.host,
      port: c.port,
      secure: c.tls === 'implicit',
      requireTLS: c.tls === 'starttls',
      ignoreTLS: c.tls === 'none',
      tls: tlsOptions,
      ...(c.auth === 'none' ? {} : { auth: { user: c.user ?? '', pass: c.password ?? '' } }),
      ...(c.auth === 'plain' ? { authMethod: 'PLAIN' } : c.auth === 'login' ? { authMethod: 'LOGIN' } : {}),
      connectionTimeout: c.timeoutMs,
      greetingTimeout: c.timeoutMs,
      socketTimeout: c.timeoutMs,
      // Message content is built here from alerts; never let it pull in files or URLs.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    // A pooled connection failing between messages must not become an unhandled 'error' event.
    this.transporter.on('error', (err: Error) => this.log('warning', `${EMAIL_KEY}: SMTP connection: ${err.message}`));
  }

  async deliver(alerts: Alert[]): Promise<void> {
    if (this.digestMode) {
      for (const alert of alerts) this.gather(alert);
      return;
    }
    for (const alert of alerts) await this.send(alertMessage(alert, this.config.templates));
  }

  /** Sends the digest gathered so far now (used by stop, and by tests that do not want to wait). */
  async flush(): Promise<void> {
    // A send already under way finishes first; if it failed, its alerts are back in the window.
    while (this.flushing !== undefined) await this.flushing.catch(() => undefined);
    const pending = this.window;
    if (pending === undefined || pending.total === 0) return;
    this.window = undefined;
    this.clearTimer();
    this.flushing = this.sendDigest(pending).finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  async stop(): Promise<void> {
    this.clearTimer();
    if (this.digestMode) {
      try {
        await this.flush();
      } catch (err) {
        // The final attempt failed: what it carried is lost and must be counted, not hidden.
        this.clearTimer();
        const pending = this.window;
        this.window = undefined;
        if (pending !== undefined) this.dropDigest(pending, classifySmtpError(err, EMAIL_KEY));
      }
    }
    this.transporter?.close();
    this.transporter = undefined;
  }

  private gather(alert: Alert): void {
    if (this.window === undefined) this.window = new DigestWindow(this.config.digestMaxAlerts);
    this.window.add(alert);
    if (this.timer === undefined) this.armTimer();
  }

  private armTimer(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(() => {
        // sendDigest already put the alerts back and re-armed the timer.
      });
    }, this.config.digestSeconds * 1000);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async sendDigest(pending: DigestWindow): Promise<void> {
    try {
      await this.send(digestMessage(pending, this.config.templates, this.config.digestSeconds));
      this.options.onDigestSent?.(pending.total);
    } catch (err) {
      const failure = classifySmtpError(err, EMAIL_KEY);
      if (failure.permanent) {
        this.dropDigest(pending, failure);
        return;
      }
      // Transient: the alerts join the next window and go out with it.
      this.log('warning', `${failure.message}; the digest of ${pending.total} alerts will be retried with the next window`);
      const next = this.window ?? new DigestWindow(this.config.digestMaxAlerts);
      next.merge(pending);
      this.window = next;
      if (this.timer === undefined) this.armTimer();
      throw failure;
    }
  }

  private dropDigest(pending: DigestWindow, failure: DeliveryError): void {
    this.log('error', `${failure.message}; a digest of ${pending.total} alerts was dropped`);
    this.options.onDigestDropped?.(pending.total, failure);
  }

  private async send(content: MailContent): Promise<void> {
    const transporter = this.transporter;
    if (transporter === undefined) throw new DeliveryError(`${EMAIL_KEY}: deliver called before start`, { permanent: false });
    const c = this.config;
    let info: { rejected?: unknown[] };
    try {
      info = await transporter.sendMail({
        from: c.from,
        to: c.to,
        ...(c.cc.length > 0 ? { cc: c.cc } : {}),
        subject: content.subject,
        text: content.text,
        html: content.html,
      });
    } catch (err) {
      throw classifySmtpError(err, EMAIL_KEY);
    }
    // Some recipients refused while others took the message: retrying would duplicate it for
    // the others, so the refusal is only reported.
    const rejected = (info.rejected ?? []).map((r) => (typeof r === 'string' ? r : JSON.stringify(r)));
    if (rejected.length > 0) this.log('warning', `${EMAIL_KEY}: the server refused recipients ${rejected.join(', ')}`);
  }
}
