// The SNS channel: Publish for one alert, PublishBatch (up to 10) when several are queued. Alerts
// SNS accepted are remembered, so when the pipeline retries a batch after a partial failure only
// the entries that failed are sent again. The SDK's own retries are off: the pipeline owns
// retrying, with its backoff and counters.
// The SDK is loaded when the channel starts (type imports only here): it costs ~70 ms of every
// daemon start, and most hosts never enable sns_output.
import type { PublishBatchRequestEntry, SNSClient } from '@aws-sdk/client-sns';
type SnsSdk = typeof import('@aws-sdk/client-sns');
import type { Alert } from '../alert.js';
import { DeliveryError, type Channel } from '../channel.js';
import { AlertFormatter } from '../format/index.js';
import type { OutputLog } from '../pipeline/index.js';
import { classifySnsError, isTransientCode } from './aws-errors.js';
import { SNS_KEY, type SnsConfig } from './config.js';
import { batches, SNS_MAX_BATCH, SNS_MAX_BYTES, snsMessage, type SnsMessage } from './message.js';

export interface SnsChannelOptions {
  /** Replaces the client built from the config (tests, or a caller with its own credentials). */
  client?: SNSClient;
  /**
   * Falco's text and JSON forms with the daemon's settings (json_include_*, time_format_iso_8601);
   * Falco's defaults when not given.
   */
  formatter?: AlertFormatter;
  /** Where refusals of part of a batch are logged (once per reason). */
  log?: OutputLog;
  /**
   * Alerts SNS refused for good while the rest of their batch went out: `deliver` then succeeds
   * (the pipeline counts the batch as delivered) and reports the refused ones here, so the drop
   * counters can move them (OutputPipeline.reportLateFailure).
   */
  onDropped?: (count: number, error: DeliveryError) => void;
}

interface Pending {
  alert: Alert;
  message: SnsMessage;
}

interface EntryFailure {
  alert: Alert;
  permanent: boolean;
  reason: string;
}

export class SnsChannel implements Channel {
  readonly name = SNS_KEY;
  readonly maxBatch = SNS_MAX_BATCH;
  private client: SNSClient | undefined;
  private sdk: SnsSdk | undefined;
  // Outcomes per alert, so a batch the pipeline retries sends only what is still undecided.
  // Weak, so settled alerts can be freed.
  private readonly delivered = new WeakSet<Alert>();
  private readonly refused = new WeakMap<Alert, string>();
  private readonly loggedReasons = new Set<string>();
  private readonly formatter: AlertFormatter;
  private readonly log: OutputLog;

  constructor(private readonly config: SnsConfig, private readonly options: SnsChannelOptions = {}) {
    this.formatter = options.formatter ?? new AlertFormatter();
    this.log = options.log ?? ((_level, m) => process.stderr.write(`${m}\n`));
  }

  async start(): Promise<void> {
    const sdk = (this.sdk = await import('@aws-sdk/client-sns'));
    this.client = this.options.client ?? new sdk.SNSClient({
      region: this.config.region,
      ...(this.config.endpoint === undefined ? {} : { endpoint: this.config.endpoint }),
      maxAttempts: 1,
    });
  }

  async deliver(alerts: Alert[]): Promise<void> {
    const client = this.client;
    if (client === undefined) throw new DeliveryError(`${SNS_KEY}: deliver called before start`, { permanent: false });
    const pending: Pending[] = [];
    for (const alert of alerts) {
      if (this.delivered.has(alert) || this.refused.has(alert)) continue;
      const message = snsMessage(alert, this.config.format, this.config.fifo, this.formatter);
      if (message.bytes > SNS_MAX_BYTES) {
        this.refused.set(alert, `alert of rule '${alert.rule}' is ${message.bytes} bytes, over SNS's ${SNS_MAX_BYTES}-byte limit`);
      } else {
        pending.push({ alert, message });
      }
    }
    if (pending.length === 1) {
      await this.publishOne(client, pending[0]!);
    } else {
      const transient: EntryFailure[] = [];
      for (const batch of batches(pending)) {
        // A failed request ends this delivery: later alerts wait for the retry, keeping order.
        for (const f of await this.publishBatch(client, batch)) {
          if (f.permanent) this.refused.set(f.alert, f.reason);
          else transient.push(f);
        }
      }
      if (transient.length > 0) {
        throw new DeliveryError(`${SNS_KEY}: ${transient.length} of ${alerts.length} alerts not published yet: ${reasons(transient)}`, { permanent: false });
      }
    }
    this.settleRefusals(alerts);
  }

  async stop(): Promise<void> {
    if (this.options.client === undefined) this.client?.destroy();
    this.client = undefined;
  }

  /** Sends one request, ended when it gets no answer in time (a hung endpoint must not stall the channel). */
  private async request<T>(call: (options: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
    const abortSignal = AbortSignal.timeout(this.config.timeoutMs);
    try {
      return await call({ abortSignal });
    } catch (err) {
      if (abortSignal.aborted) {
        throw new DeliveryError(`${SNS_KEY}: no answer from SNS within ${this.config.timeoutMs} ms`, { permanent: false, cause: err });
      }
      throw classifySnsError(err);
    }
  }

  private async publishOne(client: SNSClient, p: Pending): Promise<void> {
    const command = new this.sdk!.PublishCommand({
      TopicArn: this.config.topicArn,
      Message: p.message.body,
      MessageAttributes: p.message.attributes,
      ...(p.message.groupId === undefined ? {} : { MessageGroupId: p.message.groupId, MessageDeduplicationId: p.message.dedupId }),
    });
    try {
      await this.request((options) => client.send(command, options));
    } catch (err) {
      if (err instanceof DeliveryError && err.permanent) this.refused.set(p.alert, err.message.slice(`${SNS_KEY}: `.length));
      else throw err;
      return;
    }
    this.delivered.add(p.alert);
  }

  /** Sends one PublishBatch; returns the entries SNS refused. A failed request throws. */
  private async publishBatch(client: SNSClient, batch: Pending[]): Promise<EntryFailure[]> {
    const entries: PublishBatchRequestEntry[] = batch.map((p, i) => ({
      Id: `a${i}`,
      Message: p.message.body,
      MessageAttributes: p.message.attributes,
      ...(p.message.groupId === undefined ? {} : { MessageGroupId: p.message.groupId, MessageDeduplicationId: p.message.dedupId }),
    }));
    const command = new this.sdk!.PublishBatchCommand({ TopicArn: this.config.topicArn, PublishBatchRequestEntries: entries });
    const reply = await this.request((options) => client.send(command, options));
    for (const ok of reply.Successful ?? []) {
      const index = Number(ok.Id?.slice(1));
      const p = batch[index];
      if (p !== undefined) this.delivered.add(p.alert);
    }
    const failures: EntryFailure[] = [];
    for (const f of reply.Failed ?? []) {
      const p = batch[Number(f.Id?.slice(1))];
      if (p === undefined) continue;
      const code = f.Code ?? 'Unknown';
      // An entry refused for the sender's own fault will be refused again, unless it was throttled.
      const permanent = f.SenderFault === true && !isTransientCode(code);
      failures.push({ alert: p.alert, permanent, reason: `${code}: ${f.Message ?? 'no reason given'}` });
    }
    return failures;
  }

  /**
   * Once nothing is left to retry: when every alert was refused the batch fails as permanent;
   * when only some were, the rest went out, so the refused ones are reported and logged instead.
   */
  private settleRefusals(alerts: Alert[]): void {
    const refused = alerts.filter((a) => this.refused.has(a));
    if (refused.length === 0) return;
    const text = [...new Set(refused.map((a) => this.refused.get(a)!))].join('; ');
    if (refused.length === alerts.length) {
      const what = alerts.length === 1 ? text : `${refused.length} alerts not published: ${text}`;
      throw new DeliveryError(`${SNS_KEY}: ${what}`, { permanent: true });
    }
    const error = new DeliveryError(`${SNS_KEY}: ${refused.length} of ${alerts.length} alerts not published: ${text}`, { permanent: true });
    if (!this.loggedReasons.has(text)) {
      if (this.loggedReasons.size >= 1000) this.loggedReasons.clear();
      this.loggedReasons.add(text);
      this.log('error', `${error.message} (the rest of the batch was delivered)`);
    }
    this.options.onDropped?.(refused.length, error);
  }
}

function reasons(failures: readonly EntryFailure[]): string {
  return [...new Set(failures.map((f) => f.reason))].join('; ');
}
