// Which container runtimes answer on this machine, by their API sockets (the container plugin's
// defaults). Docker and Podman speak the Docker Engine API, which Saker reads; containerd and CRI-O
// speak gRPC, which it does not read yet: they are detected and reported, then skipped.
import { statSync } from 'node:fs';
import { join } from 'node:path';

export type RuntimeKind = 'docker' | 'podman' | 'containerd' | 'cri-o';

export interface RuntimeSocket {
  kind: RuntimeKind;
  socket: string;
  /** true when Saker can read container metadata from it. */
  supported: boolean;
}

const CANDIDATES: ReadonlyArray<{ kind: RuntimeKind; path: string; supported: boolean }> = [
  { kind: 'docker', path: '/var/run/docker.sock', supported: true },
  { kind: 'podman', path: '/run/podman/podman.sock', supported: true },
  { kind: 'containerd', path: '/run/containerd/containerd.sock', supported: false },
  { kind: 'containerd', path: '/run/k3s/containerd/containerd.sock', supported: false },
  { kind: 'cri-o', path: '/run/crio/crio.sock', supported: false },
];

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

/** Runtime sockets present under `root` ("/" normally; tests pass a scratch directory). */
export function detectRuntimeSockets(root = '/'): RuntimeSocket[] {
  const out: RuntimeSocket[] = [];
  for (const c of CANDIDATES) {
    const socket = join(root, c.path);
    if (isSocket(socket)) out.push({ kind: c.kind, socket, supported: c.supported });
  }
  return out;
}
