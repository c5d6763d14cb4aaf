// The shape setContainerInfo accepts: one container's metadata as the batch's container record
// carries it (engine-as/BATCH_ABI.md). Absent strings are written as "" (k8s names: as missing).
export interface ContainerMountInput {
  source: string;
  dest: string;
  mode: string;
  rw: boolean;
  propagation: string;
}

export interface ContainerInfoInput {
  name?: string;
  image?: string;
  imageRepository?: string;
  imageTag?: string;
  imageDigest?: string;
  /** Runtime kind as Falco names it: docker, containerd, cri-o, podman, ... */
  type?: string;
  /** Left out when the container has no io.kubernetes.pod.namespace label (k8s.ns.name reads as missing). */
  k8sNsName?: string;
  /** Left out when the container has no io.kubernetes.pod.name label. */
  k8sPodName?: string;
  /** Left out when unknown (container.privileged then reads as missing). */
  privileged?: boolean;
  /** container.start_ts, epoch ns (left out when unknown). */
  startTs?: bigint;
  mounts?: ContainerMountInput[];
}
