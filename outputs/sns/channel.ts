// The SNS channel: Publish for one alert, PublishBatch (up to 10) when several are queued. Alerts
// SNS accepted are remembered, so when the pipeline retries a batch after a partial failure only
// the entries that failed are sent again. The SDK's own retries are off: the pipeline owns
// retrying, with its backoff and counters.
import { PublishBatchCommand, PublishCommand, SNSClient, type PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import type { Alert } from '../alert.js';
import { DeliveryError, type Channel } from '../channel.js';
import { AlertFormatter } from '../format/index.js';
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
}

interface Pending {
  alert: Alert;
  message: SnsMessage;
}

export class SnsChannel implements Channel {
  readonly name = SNS_KEY;
  readonly maxBatch = SNS_MAX_BATCH;
  private client: SNSClient | undefined;
  /** Alerts SNS has taken; a retried batch skips them. Weak, so delivered alerts can be freed. */
  private readonly delivered = new WeakSet<Alert>();
  private readonly formatter: AlertFormatter;

  constructor(private readonly config: SnsConfig, private readonly options: SnsChannelOptions = {}) {
    this.formatter = options.formatter ?? new AlertFormatter();
  }

  async start(): Promise<void> {
    this.client = this.options.client ?? new SNSClient({
      region: this.config.region,
      ...(this.config.endpoint === undefined ? {} : { endpoint: this.config.endpoint }),
      maxAttempts: 1,
    });
  }

  async deliver(alerts: Alert[]): Promise<void> {
    const client = this.client;
    if (client === undefined) throw new DeliveryError(`${SNS_KEY}: deliver called before start`, { permanent: false });
    const pending: Pending[] = [];
    const failures: { permanent: boolean; reason: string }[] = [];
    for (const alert of alerts) {
      if (this.delivered.has(alert)) continue;
      const message = snsMessage(alert, this.config.format, this.config.fifo, this.formatter);
      if (message.bytes > SNS_MAX_BYTES) {
        failures.push({ permanent: true, reason: `alert of rule '${alert.rule}' is ${message.bytes} bytes, over SNS's ${SNS_MAX_BYTES}-byte limit` });
      } else {
        pending.push({ alert, message });
      }
    }
    if (pending.length === 1 && failures.length === 0) {
      await this.publishOne(client, pending[0]!);
      return;
    }
    for (const batch of batches(pending)) {
      // A failed request ends this delivery: later alerts wait for the retry, keeping order.
      failures.push(...(await this.publishBatch(client, batch)));
    }
    if (failures.length === 0) return;
    const permanent = failures.every((f) => f.permanent);
    const reasons = [...new Set(failures.map((f) => f.reason))].join('; ');
    throw new DeliveryError(`${SNS_KEY}: ${failures.length} of ${alerts.length} alerts not published: ${reasons}`, { permanent });
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
    const command = new PublishCommand({
      TopicArn: this.config.topicArn,
      Message: p.message.body,
      MessageAttributes: p.message.attributes,
      ...(p.message.groupId === undefined ? {} : { MessageGroupId: p.message.groupId, MessageDeduplicationId: p.message.dedupId }),
    });
    await this.request((options) => client.send(command, options));
    this.delivered.add(p.alert);
  }

  /** Sends one PublishBatch; returns the entries SNS refused. A failed request throws. */
  private async publishBatch(client: SNSClient, batch: Pending[]): Promise<{ permanent: boolean; reason: string }[]> {
    const entries: PublishBatchRequestEntry[] = batch.map((p, i) => ({
      Id: `a${i}`,
      Message: p.message.body,
      MessageAttributes: p.message.attributes,
      ...(p.message.groupId === undefined ? {} : { MessageGroupId: p.message.groupId, MessageDeduplicationId: p.message.dedupId }),
    }));
    const command = new PublishBatchCommand({ TopicArn: this.config.topicArn, PublishBatchRequestEntries: entries });
    const reply = await this.request((options) => client.send(command, options));
    for (const ok of reply.Successful ?? []) {
      const index = Number(ok.Id?.slice(1));
      const p = batch[index];
      if (p !== undefined) this.delivered.add(p.alert);
    }
    return (reply.Failed ?? []).map((f) => {
      const code = f.Code ?? 'Unknown';
      // An entry refused for the sender's own fault will be refused again, unless it was throttled.
      const permanent = f.SenderFault === true && !isTransientCode(code);
      return { permanent, reason: `${code}: ${f.Message ?? 'no reason given'}` };
    });
  }
}
