// Gives memory back. After a hot reload the previous generation (its rule set, its engine's Wasm
// instance and memory) is garbage, and so is the first load's parse state after start; the
// compile worker leaves freed blocks in the C library's arenas. V8 collects its old generation
// only when it next needs room, and with a small young generation (memory-tuning.ts) short-lived
// batch objects get promoted there: under a steady event load the old generation kept growing by
// 10-25 MiB of garbage between V8's own full collections. So one full collection and a
// malloc_trim(0) run a little after start and after each applied reload (debounced: a burst of
// reloads costs one pass), and every 30 s: about 20-30 ms on the main thread each (the capture's
// ring holds the events meanwhile), under 0.1% of a core.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const MEMORY_RELEASE_DELAY_MS = 2000;
export const MEMORY_RELEASE_PERIOD_MS = 30_000;

export class MemoryRelease {
  private timer: NodeJS.Timeout | undefined;
  private readonly periodic: NodeJS.Timeout;

  /** `trimNativeHeap`: malloc_trim through the capture addon, when it is loaded. */
  constructor(
    private readonly trimNativeHeap: (() => boolean) | undefined,
    private readonly delayMs = MEMORY_RELEASE_DELAY_MS,
    periodMs = MEMORY_RELEASE_PERIOD_MS,
  ) {
    this.periodic = setInterval(() => this.release(), periodMs);
    this.periodic.unref();
  }

  /** Runs `release()` once, `delayMs` after the last call. */
  schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.release();
    }, this.delayMs);
    this.timer.unref();
  }

  release(): void {
    // 'last-resort' collects until nothing more goes and then releases V8's pooled pages (a plain
    // full collection kept 10 MiB of freed pages in its pool until V8's memory reducer ran, ~8 s later).
    fullCollection()({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    this.trimNativeHeap?.();
  }

  close(): void {
    clearInterval(this.periodic);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

interface GcOptions {
  type: 'major';
  execution: 'sync';
  flavor: 'last-resort';
}
type Collect = (options?: GcOptions) => void;

let collect: Collect | undefined;

/** V8's full collection: `gc` when node runs with --expose-gc, else exposed now in a fresh context. */
function fullCollection(): Collect {
  if (collect) return collect;
  const global = (globalThis as { gc?: Collect }).gc;
  if (typeof global === 'function') return (collect = global);
  setFlagsFromString('--expose-gc');
  collect = runInNewContext('gc') as Collect;
  return collect;
}
