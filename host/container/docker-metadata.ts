// Docker Engine API answers (GET /containers/<id>/json and /images/<image>/json) → ContainerMetadata,
// with the derivations Falco's container plugin makes: the name without its leading "/", the image
// as the container's Config.Image, repository and tag from the image's RepoDigests / RepoTags, the
// image id from `sha256:<hex>`, privileged from HostConfig, k8s names from io.kubernetes.* labels.
import { shortContainerId, type ContainerMetadata, type ContainerMount } from './metadata.js';

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}
function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function texts(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

interface ImageNames {
  repository: string;
  tag: string;
  digest: string;
}

/** Repository, tag and digest from an image's RepoDigests (`repo@digest`) and RepoTags (`repo:tag`). */
export function imageNames(repoDigests: string[], repoTags: string[]): ImageNames {
  let repository = '';
  let digest = '';
  const digests: string[] = [];
  for (const rd of repoDigests) {
    const parts = rd.split('@');
    if (parts.length !== 2) continue; // malformed
    if (repository === '') repository = parts[0]!;
    digests.push(parts[1]!);
    if (rd.includes(repository)) {
      digest = parts[1]!;
      break;
    }
  }
  if (digest === '' && digests.length === 1) digest = digests[0]!;
  let tag = '';
  for (const rt of repoTags) {
    // A registry with a port (`host:5000/x:1`) has two colons: the plugin skips such entries.
    const parts = rt.split(':');
    if (parts.length !== 2) continue;
    if (repository === '') repository = parts[0]!;
    if (rt.includes(repository)) {
      tag = parts[1]!;
      break;
    }
  }
  return { repository, tag, digest };
}

export function dockerMounts(v: unknown): ContainerMount[] {
  if (!Array.isArray(v)) return [];
  return v.map((m) => {
    const o = obj(m);
    return { source: text(o.Source), dest: text(o.Destination), mode: text(o.Mode), rw: o.RW === true, propagation: text(o.Propagation) };
  });
}

/** `container` is GET /containers/<id>/json; `image` is GET /images/<Image>/json, or null if that failed. */
export function containerMetadataFromDocker(container: unknown, image: unknown, type = 'docker'): ContainerMetadata {
  const c = obj(container);
  const config = obj(c.Config);
  const hostConfig = obj(c.HostConfig);
  const img = obj(image);
  const fullId = text(c.Id);
  const names = imageNames(texts(img.RepoDigests), texts(img.RepoTags));
  const imageRef = text(c.Image);
  const imageId = !imageRef.includes('/') && imageRef.includes(':') ? imageRef.split(':')[1]! : '';
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(config.Labels))) if (typeof v === 'string') labels[k] = v;
  return {
    id: shortContainerId(fullId),
    fullId,
    type,
    name: text(c.Name).replace(/^\//, ''),
    image: text(config.Image),
    imageId,
    imageRepository: names.repository,
    imageTag: names.tag,
    imageDigest: names.digest,
    privileged: hostConfig.Privileged === true,
    mounts: dockerMounts(c.Mounts),
    labels,
    k8sPodName: labels['io.kubernetes.pod.name'] ?? null,
    k8sNsName: labels['io.kubernetes.pod.namespace'] ?? null,
  };
}
