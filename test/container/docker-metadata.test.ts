// Docker Engine API answers → container metadata, with the container plugin's derivations.
import { describe, expect, test } from 'vitest';
import { containerMetadataFromDocker, imageNames } from '../../host/container/docker-metadata.js';
import { toContainerInfoInput } from '../../host/container/metadata.js';

const FULL_ID = 'a54cfcab483bfcc715dd1c95fc64e24e8dae62385611faa7a6406620805ff333';
const IMAGE_HEX = '5f1c2a0e9b4d3f6a7c8e9d0b1a2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e';

const inspect = {
  Id: FULL_ID,
  Name: '/eager_turing',
  Image: `sha256:${IMAGE_HEX}`,
  Config: { Image: 'saker-test/busybox:1', Labels: { team: 'blue', 'io.kubernetes.pod.name': 'web-0', 'io.kubernetes.pod.namespace': 'shop' } },
  HostConfig: { Privileged: false },
  Mounts: [
    { Type: 'bind', Source: '/etc', Destination: '/host/etc', Mode: 'ro', RW: false, Propagation: 'rprivate' },
    { Type: 'volume', Name: 'v', Source: '/var/lib/docker/volumes/v/_data', Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '' },
  ],
};
const imageInspect = { Id: `sha256:${IMAGE_HEX}`, RepoTags: ['saker-test/busybox:1'], RepoDigests: [] };

describe('Docker inspect → container metadata', () => {
  test('id, name, image, repository, tag, image id, privileged, mounts, labels, k8s names', () => {
    const m = containerMetadataFromDocker(inspect, imageInspect);
    expect(m.id).toBe('a54cfcab483b');
    expect(m.fullId).toBe(FULL_ID);
    expect(m.type).toBe('docker');
    expect(m.name).toBe('eager_turing');
    expect(m.image).toBe('saker-test/busybox:1');
    expect(m.imageId).toBe(IMAGE_HEX);
    expect(m.imageRepository).toBe('saker-test/busybox');
    expect(m.imageTag).toBe('1');
    expect(m.imageDigest).toBe('');
    expect(m.privileged).toBe(false);
    expect(m.mounts).toEqual([
      { source: '/etc', dest: '/host/etc', mode: 'ro', rw: false, propagation: 'rprivate' },
      { source: '/var/lib/docker/volumes/v/_data', dest: '/data', mode: 'z', rw: true, propagation: '' },
    ]);
    expect(m.labels.team).toBe('blue');
    expect(m.k8sPodName).toBe('web-0');
    expect(m.k8sNsName).toBe('shop');
  });

  test('privileged container; no k8s labels leaves the k8s names missing, not empty', () => {
    const m = containerMetadataFromDocker({ ...inspect, HostConfig: { Privileged: true }, Config: { Image: 'x' } }, null);
    expect(m.privileged).toBe(true);
    expect(m.k8sPodName).toBeNull();
    expect(m.k8sNsName).toBeNull();
    const info = toContainerInfoInput(m);
    expect('k8sPodName' in info).toBe(false);
    expect('k8sNsName' in info).toBe(false);
    expect(info.privileged).toBe(true);
  });

  test('image inspect unavailable: repository and tag stay empty, the image name stays', () => {
    const m = containerMetadataFromDocker(inspect, null);
    expect(m.imageRepository).toBe('');
    expect(m.imageTag).toBe('');
    expect(m.image).toBe('saker-test/busybox:1');
  });

  test('an image named by repository (not sha256:) has no image id', () => {
    expect(containerMetadataFromDocker({ ...inspect, Image: 'docker.io/library/nginx:1' }, null).imageId).toBe('');
  });

  test('repository from RepoDigests first, its digest, and the tag of the matching RepoTag', () => {
    expect(imageNames(['docker.io/library/nginx@sha256:abc'], ['nginx:latest', 'docker.io/library/nginx:1.27'])).toEqual({
      repository: 'docker.io/library/nginx', tag: '1.27', digest: 'sha256:abc',
    });
    expect(imageNames([], ['falcosecurity/falco:0.44.1', 'other:2'])).toEqual({ repository: 'falcosecurity/falco', tag: '0.44.1', digest: '' });
  });

  test('malformed entries are skipped: a registry port gives a RepoTag two colons', () => {
    expect(imageNames(['nodigest'], ['localhost:5000/app:1', 'app:2'])).toEqual({ repository: 'app', tag: '2', digest: '' });
  });

  test('one digest among several repositories is still the digest', () => {
    expect(imageNames(['a/x@sha256:1'], [])).toEqual({ repository: 'a/x', tag: '', digest: 'sha256:1' });
  });
});
