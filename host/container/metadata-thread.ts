// Container metadata on its own thread. The daemon's main thread evaluates rules and is often busy
// for 100-350 ms at a time on a loaded machine; a lookup started there from Docker's `create`
// event then answers after the container's init has run (its inspect even waits for the container
// lock that `start` holds until the init is running), and the init's execve reads container.*
// fields as missing. Here the runtime events, the lookups and the hand-over to the capture addon
// happen on a worker thread, which has nothing else to do; the main thread only tells it which
// container ids its batches carried without a record. Same interface as ContainerMetadataService
// for the daemon: watch(), preload(), observeBatch(), close().
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { containerIdsWithoutRecord } from './batch-container-ids.js';
import { detectRuntimeSockets, type RuntimeSocket } from './runtimes.js';

export interface MetadataThreadData {
  root?: string;
  retryMs?: number;
}

export type MetadataThreadRequest =
  | { type: 'watch' }
  | { type: 'preload' }
  | { type: 'ids'; ids: string[] }
  | { type: 'settle'; seq: number }
  | { type: 'close' };

export type MetadataThreadReply =
  | { type: 'ready' }
  | { type: 'warn'; message: string }
  | { type: 'preloaded' }
  | { type: 'settled'; seq: number };

export interface ContainerMetadataFollower {
  /** Follows the runtimes' life-cycle events (create/start: look up now; destroy: forget). */
  watch(): void;
  /** Looks up the containers that exist now; resolves when done. */
  preload(): Promise<void>;
  /** Tells the thread which container ids this batch carried without a container record. */
  observeBatch(batch: Uint8Array): void;
  /** Stops the thread. */
  close(): void;
}

export interface ContainerMetadataThreadSetup {
  service: ContainerMetadataThread;
  /** Runtimes whose metadata is read. */
  used: RuntimeSocket[];
  /** Runtimes found but not read (gRPC-only: containerd, CRI-O). */
  skipped: RuntimeSocket[];
}

/** The compiled worker, or (tests, from the sources) the TypeScript one with type transforms on. */
function workerEntry(): { url: URL; execArgv: string[] } {
  const js = new URL('./metadata-thread-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { url: js, execArgv: [] };
  return { url: new URL('./metadata-thread-worker.ts', import.meta.url), execArgv: ['--experimental-transform-types', '--no-warnings'] };
}

export class ContainerMetadataThread implements ContainerMetadataFollower {
  private readonly worker: Worker;
  private readonly preloads: Array<() => void> = [];
  private readonly settles = new Map<number, () => void>();
  private seq = 0;
  private closed = false;

  constructor(data: MetadataThreadData, warn: (message: string) => void) {
    const entry = workerEntry();
    this.worker = new Worker(entry.url, { workerData: data, execArgv: entry.execArgv });
    // The daemon's exit never waits for this thread.
    this.worker.unref();
    this.worker.on('message', (r: MetadataThreadReply) => {
      if (r.type === 'warn') warn(r.message);
      else if (r.type === 'preloaded') this.preloads.shift()?.();
      else if (r.type === 'settled') {
        this.settles.get(r.seq)?.();
        this.settles.delete(r.seq);
      }
    });
    this.worker.on('error', (e) => warn(`container metadata: the metadata thread failed: ${e.message}`));
    this.worker.on('exit', () => {
      // Nothing will answer any more: release the waiters.
      for (const done of this.preloads.splice(0)) done();
      for (const done of this.settles.values()) done();
      this.settles.clear();
    });
  }

  watch(): void {
    this.send({ type: 'watch' });
  }

  preload(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.preloads.push(resolve);
      this.send({ type: 'preload' });
    });
  }

  observeBatch(batch: Uint8Array): void {
    const ids = containerIdsWithoutRecord(batch);
    if (ids.size > 0) this.send({ type: 'ids', ids: [...ids] });
  }

  /** Resolves when the thread has no lookup in flight (tests). */
  settled(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.settles.set(seq, resolve);
      this.send({ type: 'settle', seq });
    });
  }

  close(): void {
    if (this.closed) return;
    this.send({ type: 'close' });
    this.closed = true;
  }

  private send(m: MetadataThreadRequest): void {
    if (!this.closed) this.worker.postMessage(m);
  }
}

/** The runtimes found on this machine and a metadata thread that reads them and feeds the capture
 * addon (the one `native/capture.js` loads). */
export function startContainerMetadataThread(options: { root?: string; warn?: (m: string) => void; retryMs?: number } = {}): ContainerMetadataThreadSetup {
  const found = detectRuntimeSockets(options.root);
  const data: MetadataThreadData = {};
  if (options.root !== undefined) data.root = options.root;
  if (options.retryMs !== undefined) data.retryMs = options.retryMs;
  const service = new ContainerMetadataThread(data, options.warn ?? ((m) => process.stderr.write(`${m}\n`)));
  return { service, used: found.filter((r) => r.supported), skipped: found.filter((r) => !r.supported) };
}
