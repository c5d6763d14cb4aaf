// Container metadata from a Docker Engine API socket (Docker, or Podman's compatible API).
import { containerMetadataFromDocker } from './docker-metadata.js';
import type { ContainerMetadata } from './metadata.js';
import { getJsonOverUnixSocket, streamJsonOverUnixSocket, type JsonStream } from './unix-http.js';

export interface ContainerMetadataSource {
  readonly kind: string;
  readonly socket: string;
  /** The container's metadata, or null when the runtime does not know the id. Rejects when the
   * runtime cannot be asked (socket gone, timeout, HTTP error). */
  fetch(id: string): Promise<ContainerMetadata | null>;
  /** Ids of the containers that exist now (running or not). */
  list(): Promise<string[]>;
  /** Follows the runtime's container life-cycle events until the returned function is called. */
  watch?(onEvent: (event: ContainerLifecycleEvent) => void, onError: (error: Error) => void): () => void;
}

export interface ContainerLifecycleEvent {
  action: 'create' | 'start' | 'destroy';
  /** The full container id. */
  id: string;
}

const EVENTS_FILTERS = encodeURIComponent(JSON.stringify({ type: ['container'], event: ['create', 'start', 'destroy'] }));

/** The /events path from `sinceNs` (epoch ns): the engine first sends the events it still holds
 * from then on, then follows, with neither gap nor overlap between the two. */
export function eventsPath(sinceNs: bigint): string {
  const since = `${sinceNs / 1_000_000_000n}.${(sinceNs % 1_000_000_000n).toString().padStart(9, '0')}`;
  return `/events?filters=${EVENTS_FILTERS}&since=${since}`;
}

export class DockerApiSource implements ContainerMetadataSource {
  constructor(readonly socket: string, readonly kind: 'docker' | 'podman' = 'docker', private readonly timeoutMs = 2000) {}

  async fetch(id: string): Promise<ContainerMetadata | null> {
    const ctr = await getJsonOverUnixSocket(this.socket, `/containers/${encodeURIComponent(id)}/json`, this.timeoutMs);
    if (ctr.status === 404) return null;
    if (ctr.status !== 200) throw new Error(`${this.kind} ${this.socket}: GET /containers/${id}/json answered HTTP ${ctr.status}`);
    const imageRef = (ctr.body as { Image?: unknown } | null)?.Image;
    let image: unknown = null;
    if (typeof imageRef === 'string' && imageRef !== '') {
      // The image may be gone (removed while the container runs): repository and tag stay empty.
      const img = await getJsonOverUnixSocket(this.socket, `/images/${encodeURIComponent(imageRef)}/json`, this.timeoutMs);
      if (img.status === 200) image = img.body;
    }
    return containerMetadataFromDocker(ctr.body, image, this.kind);
  }

  async list(): Promise<string[]> {
    const res = await getJsonOverUnixSocket(this.socket, '/containers/json?all=1', this.timeoutMs);
    if (res.status !== 200 || !Array.isArray(res.body)) throw new Error(`${this.kind} ${this.socket}: GET /containers/json answered HTTP ${res.status}`);
    return res.body.map((c) => (c as { Id?: unknown }).Id).filter((x): x is string => typeof x === 'string');
  }

  /** Docker's /events stream; reconnects (after reconnectMs) when it ends, e.g. dockerd restarted.
   * Events are asked from the moment watch() is called, then from the last one received: a
   * container created while the stream connects (at daemon start, or between two connections) is
   * still reported. The last event may come twice after a reconnect; handlers take that. */
  watch(onEvent: (event: ContainerLifecycleEvent) => void, onError: (error: Error) => void, reconnectMs = 1000): () => void {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let stream: JsonStream | undefined;
    let sinceNs = BigInt(Date.now()) * 1_000_000n;
    const seen = (ns: bigint): void => {
      if (ns > sinceNs) sinceNs = ns;
    };
    const connect = (): void => {
      stream = this.follow(sinceNs, onEvent, seen, (error) => {
        if (error) onError(error);
        if (stopped) return;
        timer = setTimeout(connect, reconnectMs);
        timer.unref();
      });
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.close();
    };
  }

  private follow(sinceNs: bigint, onEvent: (event: ContainerLifecycleEvent) => void, seen: (ns: bigint) => void, onEnd: (error: Error | null) => void): JsonStream {
    return streamJsonOverUnixSocket(this.socket, eventsPath(sinceNs), (v) => {
      const o = (v ?? {}) as { Type?: unknown; Action?: unknown; id?: unknown; Actor?: { ID?: unknown }; time?: unknown; timeNano?: unknown };
      // timeNano (a JSON number) has lost its last digits: one ms earlier keeps the event itself in
      // the next replay rather than risk skipping it. `time` (seconds) in older engines.
      if (typeof o.timeNano === 'number' && Number.isFinite(o.timeNano)) seen(BigInt(Math.trunc(o.timeNano / 1e6) - 1) * 1_000_000n);
      else if (typeof o.time === 'number' && Number.isFinite(o.time)) seen(BigInt(Math.trunc(o.time) - 1) * 1_000_000_000n);
      const id = typeof o.Actor?.ID === 'string' ? o.Actor.ID : typeof o.id === 'string' ? o.id : '';
      if (o.Type !== 'container' || id === '') return;
      if (o.Action === 'create' || o.Action === 'start' || o.Action === 'destroy') onEvent({ action: o.Action, id });
    }, onEnd);
  }
}
