// stdout_output: one line per alert. Unbuffered (the default) writes each batch at once, like
// Falco flushing after every alert; `buffered_outputs` keeps lines until 4 KiB gathered (stdio's
// pipe/file buffer) or the channel stops.
import type { Alert } from '../alert.js';
import { DeliveryError, type Channel } from '../channel.js';
import { writeAll } from './fd-write.js';

export interface StdoutChannelOptions {
  format: (alert: Alert) => string;
  /** `buffered_outputs` */
  buffered?: boolean;
  /** Where to write; 1 unless a test says otherwise. */
  fd?: number;
}

const BUFFER_BYTES = 4096;

export class StdoutChannel implements Channel {
  readonly name = 'stdout_output';
  readonly maxBatch = 512;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly fd: number;

  constructor(private readonly options: StdoutChannelOptions) {
    this.fd = options.fd ?? 1;
  }

  async start(): Promise<void> {}

  async deliver(alerts: Alert[]): Promise<void> {
    const chunk = Buffer.from(alerts.map((a) => `${this.options.format(a)}\n`).join(''), 'utf8');
    if (this.options.buffered) {
      if (this.pendingBytes + chunk.length < BUFFER_BYTES) {
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        return;
      }
      // On failure nothing is consumed: the retried batch is appended again, once.
      await this.write(Buffer.concat([...this.pending, chunk]));
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    await this.write(chunk);
  }

  async stop(): Promise<void> {
    await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const all = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    await this.write(all);
  }

  private async write(buf: Buffer): Promise<void> {
    try {
      await writeAll(this.fd, buf);
    } catch (e) {
      throw new DeliveryError(`stdout write failed: ${(e as Error).message}`, { permanent: false, cause: e });
    }
  }
}
