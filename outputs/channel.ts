// The contract every delivery channel implements. Channels only deliver; queueing, priority
// filtering, rate limiting, retries and counters are the pipeline's job (outputs/pipeline).
import type { Alert } from './alert.js';

export class DeliveryError extends Error {
  /** Permanent failures (e.g. a 4xx, a bad address) are not retried; transient ones are. */
  readonly permanent: boolean;
  constructor(message: string, opts: { permanent: boolean; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DeliveryError';
    this.permanent = opts.permanent;
  }
}

export interface Channel {
  /** The config key this channel comes from, e.g. `file_output`, `email_output`. */
  readonly name: string;
  /** Most alerts one `deliver` call accepts (SNS PublishBatch takes 10); default 1. */
  readonly maxBatch?: number;
  /** Called once before the first delivery (open files, connect, start programs). */
  start(): Promise<void>;
  /** Deliver alerts in order; throws DeliveryError (or any error = transient) on failure. */
  deliver(alerts: Alert[]): Promise<void>;
  /** SIGUSR1: reopen files and restart programs (logrotate). */
  reopen?(): Promise<void>;
  /** Release resources; called after the pipeline drained this channel's queue. */
  stop(): Promise<void>;
}
