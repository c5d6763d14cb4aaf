// file_output: appends one line per alert to `filename`, creating it with mode 0600. Without
// keep_alive the file is opened and closed around every delivery (Falco reopens per alert), so
// logrotate needs nothing; with keep_alive it stays open and SIGUSR1 (reopen) moves to the new file.
import { open, type FileHandle } from 'node:fs/promises';
import type { Alert } from '../alert.js';
import { DeliveryError, type Channel } from '../channel.js';

export interface FileChannelOptions {
  filename: string;
  /** `file_output.keep_alive` */
  keepAlive?: boolean;
  format: (alert: Alert) => string;
}

export class FileChannel implements Channel {
  readonly name = 'file_output';
  readonly maxBatch = 512;
  private handle: FileHandle | undefined;

  constructor(private readonly options: FileChannelOptions) {}

  /** Opens (and so creates) the file up front, so a bad path shows at start. */
  async start(): Promise<void> {
    await this.openFile();
    if (!this.options.keepAlive) await this.closeFile();
  }

  async deliver(alerts: Alert[]): Promise<void> {
    const data = Buffer.from(alerts.map((a) => `${this.options.format(a)}\n`).join(''), 'utf8');
    try {
      const fh = await this.openFile();
      let offset = 0;
      while (offset < data.length) offset += (await fh.write(data, offset)).bytesWritten;
    } catch (e) {
      await this.closeFile().catch(() => undefined);
      throw new DeliveryError(`failed to write output file ${this.options.filename}: ${(e as Error).message}`, {
        permanent: false,
        cause: e,
      });
    }
    if (!this.options.keepAlive) await this.closeFile();
  }

  async reopen(): Promise<void> {
    await this.closeFile();
    if (this.options.keepAlive) await this.openFile();
  }

  async stop(): Promise<void> {
    await this.closeFile();
  }

  private async openFile(): Promise<FileHandle> {
    if (!this.handle) {
      try {
        this.handle = await open(this.options.filename, 'a', 0o600);
      } catch (e) {
        throw new DeliveryError(`failed to open output file ${this.options.filename}: ${(e as Error).message}`, {
          permanent: false,
          cause: e,
        });
      }
    }
    return this.handle;
  }

  private async closeFile(): Promise<void> {
    const fh = this.handle;
    this.handle = undefined;
    await fh?.close();
  }
}
