// Asynchronous container metadata lookups, cached per container id. Events are never held back:
// until a lookup completes, the addon writes no container record for the id and the container.*
// fields other than container.id read as missing, as with Falco's container plugin.
import { containerIdsWithoutRecord } from './batch-container-ids.js';
import type { ContainerMetadataSource } from './docker-source.js';
import { shortContainerId, type ContainerMetadata } from './metadata.js';

export interface ContainerMetadataServiceOptions {
  sources: ContainerMetadataSource[];
  /** Called once per container when its metadata arrives (normally: hand it to the addon). */
  onMetadata: (meta: ContainerMetadata) => void;
  /** Called when a container was removed and its metadata dropped (normally: forget it in the addon). */
  onForget?: (id: string) => void;
  /** An id no runtime knew, or whose lookup failed, is asked again after this long (default 5 s). */
  retryMs?: number;
  /** Told once per runtime when asking it fails (and again after it answered once more). */
  warn?: (message: string) => void;
  now?: () => number;
}

export class ContainerMetadataService {
  private readonly known = new Map<string, ContainerMetadata>();
  private readonly pending = new Map<string, Promise<ContainerMetadata | null>>();
  private readonly retryAt = new Map<string, number>();
  private readonly failing = new Set<ContainerMetadataSource>();
  /** Ids removed (destroy) while their lookup was in flight: its answer is stale and dropped. */
  private readonly removedInFlight = new Set<string>();
  private readonly unwatch: Array<() => void> = [];
  private readonly retryMs: number;
  private readonly now: () => number;
  private readonly warn: (message: string) => void;

  constructor(private readonly options: ContainerMetadataServiceOptions) {
    this.retryMs = options.retryMs ?? 5000;
    this.now = options.now ?? Date.now;
    this.warn = options.warn ?? ((m) => process.stderr.write(`${m}\n`));
  }

  /** Metadata already fetched for a container id (12 hex characters). */
  get(id: string): ContainerMetadata | undefined {
    return this.known.get(id);
  }

  get size(): number {
    return this.known.size;
  }

  /** The container's metadata: cached, shared with a lookup in flight, or fetched now. */
  lookup(id: string): Promise<ContainerMetadata | null> {
    const hit = this.known.get(id);
    if (hit) return Promise.resolve(hit);
    const inFlight = this.pending.get(id);
    if (inFlight) return inFlight;
    const retry = this.retryAt.get(id);
    if (retry !== undefined && this.now() < retry) return Promise.resolve(null);
    const p = this.fetchFromSources(id).finally(() => {
      this.pending.delete(id);
      this.removedInFlight.delete(id);
    });
    this.pending.set(id, p);
    return p;
  }

  /** Starts a lookup for every container id the batch refers to without a container record. */
  observeBatch(batch: Uint8Array): void {
    for (const id of containerIdsWithoutRecord(batch)) {
      if (!this.known.has(id) && !this.pending.has(id)) void this.lookup(id);
    }
  }

  /** Looks up every container the runtimes list now, so events of running containers carry metadata
   * from the start. */
  async preload(): Promise<void> {
    await Promise.all(this.options.sources.map(async (source) => {
      let ids: string[];
      try {
        ids = await source.list();
      } catch (e) {
        this.sourceFailed(source, e);
        return;
      }
      await Promise.all(ids.map((full) => this.lookup(shortContainerId(full))));
    }));
  }

  /** Drops a container (it was removed); a later lookup asks the runtime again. */
  forget(id: string): void {
    const had = this.known.delete(id);
    this.retryAt.delete(id);
    if (this.pending.has(id)) this.removedInFlight.add(id);
    if (had) this.options.onForget?.(id);
  }

  /** Follows the runtimes' life-cycle events: a created or started container is looked up at once
   * (its metadata is then usually there before its first events), a destroyed one is forgotten. */
  watch(): void {
    for (const source of this.options.sources) {
      if (!source.watch) continue;
      this.unwatch.push(source.watch((ev) => {
        const id = shortContainerId(ev.id);
        if (ev.action === 'destroy') {
          this.forget(id);
        } else if (!this.known.has(id)) {
          this.retryAt.delete(id); // a create may follow an earlier miss for the same id
          void this.lookup(id);
        }
      }, (e) => this.sourceFailed(source, e)));
    }
  }

  /** Stops following life-cycle events. */
  close(): void {
    for (const stop of this.unwatch.splice(0)) stop();
  }

  /** Resolves when no lookup is in flight (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending.values()]);
  }

  private async fetchFromSources(id: string): Promise<ContainerMetadata | null> {
    for (const source of this.options.sources) {
      let meta: ContainerMetadata | null;
      try {
        meta = await source.fetch(id);
      } catch (e) {
        this.sourceFailed(source, e);
        continue;
      }
      this.failing.delete(source);
      // A container removed while we asked (a short-lived `docker run --rm`): keeping the answer
      // would leave a record in the addon that no destroy event will ever clear.
      if (this.removedInFlight.has(id)) return null;
      if (meta === null) continue;
      this.known.set(id, meta);
      this.retryAt.delete(id);
      this.options.onMetadata(meta);
      return meta;
    }
    this.retryAt.set(id, this.now() + this.retryMs);
    return null;
  }

  private sourceFailed(source: ContainerMetadataSource, e: unknown): void {
    if (this.failing.has(source)) return;
    this.failing.add(source);
    this.warn(`container metadata: cannot ask ${source.kind} at ${source.socket}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
