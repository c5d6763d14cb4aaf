// Wiring: the runtimes found on this machine → a metadata service → the capture addon's container
// table. The daemon calls service.watch() and service.preload() once at start, passes each batch to
// service.observeBatch() as it arrives, and service.close() at shutdown.
import { DockerApiSource, type ContainerMetadataSource } from './docker-source.js';
import { toContainerInfoInput } from './metadata.js';
import { ContainerMetadataService } from './metadata-service.js';
import { detectRuntimeSockets, type RuntimeSocket } from './runtimes.js';
import type { ContainerInfoInput } from '../../native/container-info.js';

export interface ContainerInfoSink {
  setContainerInfo(id: string, info: ContainerInfoInput | null): void;
}

export interface ContainerMetadataSetup {
  service: ContainerMetadataService;
  /** Runtimes whose metadata is read. */
  used: RuntimeSocket[];
  /** Runtimes found but not read (gRPC-only: containerd, CRI-O): their containers carry container.id only. */
  skipped: RuntimeSocket[];
}

export function sourcesFor(runtimes: RuntimeSocket[]): ContainerMetadataSource[] {
  const out: ContainerMetadataSource[] = [];
  for (const r of runtimes) {
    if (r.kind === 'docker' || r.kind === 'podman') out.push(new DockerApiSource(r.socket, r.kind));
  }
  return out;
}

export function setupContainerMetadata(sink: ContainerInfoSink, options: { root?: string; warn?: (m: string) => void; retryMs?: number } = {}): ContainerMetadataSetup {
  const found = detectRuntimeSockets(options.root);
  const used = found.filter((r) => r.supported);
  const skipped = found.filter((r) => !r.supported);
  const service = new ContainerMetadataService({
    sources: sourcesFor(used),
    onMetadata: (meta) => sink.setContainerInfo(meta.id, toContainerInfoInput(meta)),
    onForget: (id) => sink.setContainerInfo(id, null),
    ...(options.warn ? { warn: options.warn } : {}),
    ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
  });
  return { service, used, skipped };
}
