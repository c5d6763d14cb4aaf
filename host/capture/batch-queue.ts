// Turns the addon's batch callbacks into an async iterable the daemon pulls from: batches are
// queued in arrival order, `end()` lets the reader finish what is queued and then stop, `fail()`
// hands an error to the reader after the queued batches.
//
// Batches from the addon live in native memory behind an external ArrayBuffer, which V8 frees only
// when a garbage collection finds the small JS object dead: with a small JS heap that can take
// hundreds of MB of batches. So once the reader asks for the next batch (it is done with the one
// before: the daemon evaluates and formats a batch before pulling the next), the queue detaches the
// previous batch's buffer, which hands its memory back at once.
export class BatchQueue implements AsyncIterable<Uint8Array> {
  private readonly items: Uint8Array[] = [];
  /** `releaseAfterUse`: detach each batch's buffer when the reader pulls the next one. */
  constructor(private readonly opts: { releaseAfterUse?: boolean } = {}) {}

  private ended = false;
  private error: unknown;
  private waiter: (() => void) | undefined;

  push(batch: Uint8Array): void {
    if (this.ended) return;
    this.items.push(batch);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  fail(error: unknown): void {
    this.error = error;
    this.end();
  }

  get queued(): number {
    return this.items.length;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const next = this.items.shift();
      if (next !== undefined) {
        yield next;
        if (this.opts.releaseAfterUse) releaseBatch(next);
        continue;
      }
      if (this.ended) {
        if (this.error !== undefined) throw this.error;
        return;
      }
      await new Promise<void>((r) => (this.waiter = r));
    }
  }
}

/** Detaches the batch's buffer (its views read as empty from then on), releasing native memory. */
export function releaseBatch(batch: Uint8Array): void {
  const buffer = batch.buffer as ArrayBuffer & { transfer?: (length?: number) => ArrayBuffer; readonly detached?: boolean };
  if (typeof buffer.transfer !== 'function' || buffer.detached === true) return; // Node < 21: left to the GC
  buffer.transfer(0);
}
