// A container destroyed while its lookup is in flight (seen with short-lived containers on a busy
// Docker engine: create, then destroy, then the inspect answer): the late answer must not be kept,
// or the addon would hold a record no later destroy event clears.
import { describe, expect, test } from 'vitest';
import type { ContainerLifecycleEvent, ContainerMetadataSource } from '../../host/container/docker-source.js';
import type { ContainerMetadata } from '../../host/container/metadata.js';
import { ContainerMetadataService } from '../../host/container/metadata-service.js';

function meta(id: string): ContainerMetadata {
  return {
    id, fullId: id.padEnd(64, '0'), type: 'docker', name: `n-${id}`, image: 'img:1', imageId: '', imageRepository: 'img',
    imageTag: '1', imageDigest: '', privileged: false, mounts: [], labels: {}, k8sPodName: null, k8sNsName: null,
  };
}

/** A runtime whose answers wait until the test releases them. */
class HeldSource implements ContainerMetadataSource {
  readonly kind = 'docker';
  readonly socket = '/held.sock';
  calls: string[] = [];
  private readonly waiting: Array<() => void> = [];
  emit: ((e: ContainerLifecycleEvent) => void) | null = null;
  async fetch(id: string): Promise<ContainerMetadata | null> {
    this.calls.push(id);
    await new Promise<void>((r) => this.waiting.push(r));
    return meta(id);
  }
  async list(): Promise<string[]> {
    return [];
  }
  watch(onEvent: (e: ContainerLifecycleEvent) => void): () => void {
    this.emit = onEvent;
    return () => (this.emit = null);
  }
  release(): void {
    for (const r of this.waiting.splice(0)) r();
  }
}

describe('ContainerMetadataService: destroy during a lookup', () => {
  test('the answer that arrives after the destroy is dropped: not cached, not fed to the addon', async () => {
    const src = new HeldSource();
    const fed: string[] = [];
    const forgotten: string[] = [];
    const svc = new ContainerMetadataService({ sources: [src], onMetadata: (m) => fed.push(m.id), onForget: (id) => forgotten.push(id) });
    svc.watch();
    const full = '555555555555'.padEnd(64, 'a');
    src.emit!({ action: 'create', id: full });
    src.emit!({ action: 'destroy', id: full });
    src.release();
    await svc.settled();
    expect(src.calls).toEqual(['555555555555']);
    expect(fed).toEqual([]);
    expect(svc.get('555555555555')).toBeUndefined();
    expect(svc.size).toBe(0);
    expect(forgotten).toEqual([]); // it was never handed over, so there is nothing to take back
    svc.close();
  });

  test('a destroy of another container does not drop this one, and a later lookup of the destroyed id asks again', async () => {
    const src = new HeldSource();
    const fed: string[] = [];
    const svc = new ContainerMetadataService({ sources: [src], onMetadata: (m) => fed.push(m.id) });
    svc.watch();
    src.emit!({ action: 'create', id: '666666666666'.padEnd(64, 'b') });
    src.emit!({ action: 'create', id: '777777777777'.padEnd(64, 'c') });
    src.emit!({ action: 'destroy', id: '777777777777'.padEnd(64, 'c') });
    src.release();
    await svc.settled();
    expect(fed).toEqual(['666666666666']);
    const again = svc.lookup('777777777777');
    src.release();
    expect((await again)?.name).toBe('n-777777777777');
    expect(src.calls).toEqual(['666666666666', '777777777777', '777777777777']);
    svc.close();
  });
});
