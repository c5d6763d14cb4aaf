// What Saker knows about one container, as Falco's container plugin keeps it, and its projection
// onto the batch's container record (the addon's setContainerInfo input).
import type { ContainerInfoInput, ContainerMountInput } from '../../native/container-info.js';

export type ContainerMount = ContainerMountInput;

export interface ContainerMetadata {
  /** container.id: the first 12 characters of the full id. */
  id: string;
  fullId: string;
  /** container.type: docker, podman, ... */
  type: string;
  name: string;
  image: string;
  /** container.image.id: the image's hex id (after `sha256:`). */
  imageId: string;
  imageRepository: string;
  imageTag: string;
  imageDigest: string;
  privileged: boolean;
  mounts: ContainerMount[];
  labels: Record<string, string>;
  /** From the io.kubernetes.pod.name / .namespace labels; null without them (fields read as missing). */
  k8sPodName: string | null;
  k8sNsName: string | null;
}

export const SHORT_ID_LENGTH = 12;

export function shortContainerId(fullId: string): string {
  return fullId.slice(0, SHORT_ID_LENGTH);
}

/** The addon's input for the container record (image.id and labels are not carried in batch ABI v1). */
export function toContainerInfoInput(m: ContainerMetadata): ContainerInfoInput {
  const out: ContainerInfoInput = {
    name: m.name, image: m.image, imageRepository: m.imageRepository, imageTag: m.imageTag,
    imageDigest: m.imageDigest, type: m.type, privileged: m.privileged,
    mounts: m.mounts.map((x) => ({ ...x })),
  };
  if (m.k8sNsName !== null) out.k8sNsName = m.k8sNsName;
  if (m.k8sPodName !== null) out.k8sPodName = m.k8sPodName;
  return out;
}
