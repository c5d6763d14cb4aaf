// Turns the addon's batch callbacks into an async iterable the daemon pulls from: batches are
// queued in arrival order, `end()` lets the reader finish what is queued and then stop, `fail()`
// hands an error to the reader after the queued batches.
export class BatchQueue implements AsyncIterable<Uint8Array> {
  private readonly items: Uint8Array[] = [];
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
