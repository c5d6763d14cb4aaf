// The metadata service: one lookup per container id, cached; misses and failures retried later;
// batches tell it which ids still lack a container record.
import { describe, expect, test } from 'vitest';
import type { ContainerLifecycleEvent, ContainerMetadataSource } from '../../host/container/docker-source.js';
import type { ContainerMetadata } from '../../host/container/metadata.js';
import { ContainerMetadataService } from '../../host/container/metadata-service.js';
import { containerIdsWithoutRecord } from '../../host/container/batch-container-ids.js';
import { encodeBatch } from '../../host/engine/batch-encoder.js';

function meta(id: string): ContainerMetadata {
  return {
    id, fullId: id.padEnd(64, '0'), type: 'docker', name: `n-${id}`, image: 'img:1', imageId: '', imageRepository: 'img',
    imageTag: '1', imageDigest: '', privileged: false, mounts: [], labels: {}, k8sPodName: null, k8sNsName: null,
  };
}

class FakeSource implements ContainerMetadataSource {
  readonly kind = 'docker';
  readonly socket = '/fake.sock';
  calls: string[] = [];
  failWith: Error | null = null;
  constructor(private readonly ids: Set<string>) {}
  async fetch(id: string): Promise<ContainerMetadata | null> {
    this.calls.push(id);
    await new Promise((r) => setTimeout(r, 5));
    if (this.failWith) throw this.failWith;
    return this.ids.has(id) ? meta(id) : null;
  }
  async list(): Promise<string[]> {
    if (this.failWith) throw this.failWith;
    return [...this.ids].map((id) => id.padEnd(64, 'f'));
  }
  emit: ((e: ContainerLifecycleEvent) => void) | null = null;
  watch(onEvent: (e: ContainerLifecycleEvent) => void): () => void {
    this.emit = onEvent;
    return () => {
      this.emit = null;
    };
  }
}

describe('ContainerMetadataService', () => {
  test('concurrent lookups of one id ask the runtime once; the result is cached and fed once', async () => {
    const src = new FakeSource(new Set(['aaaaaaaaaaaa']));
    const fed: string[] = [];
    const svc = new ContainerMetadataService({ sources: [src], onMetadata: (m) => fed.push(m.id) });
    const [a, b] = await Promise.all([svc.lookup('aaaaaaaaaaaa'), svc.lookup('aaaaaaaaaaaa')]);
    expect(a?.name).toBe('n-aaaaaaaaaaaa');
    expect(b).toBe(a);
    expect(await svc.lookup('aaaaaaaaaaaa')).toBe(a);
    expect(src.calls).toEqual(['aaaaaaaaaaaa']);
    expect(fed).toEqual(['aaaaaaaaaaaa']);
    expect(svc.get('aaaaaaaaaaaa')).toBe(a);
  });

  test('an unknown id is asked again only after retryMs; forget() drops a cached container', async () => {
    let now = 1000;
    const src = new FakeSource(new Set(['bbbbbbbbbbbb']));
    const svc = new ContainerMetadataService({ sources: [src], onMetadata: () => {}, retryMs: 500, now: () => now });
    expect(await svc.lookup('cccccccccccc')).toBeNull();
    expect(await svc.lookup('cccccccccccc')).toBeNull();
    expect(src.calls).toEqual(['cccccccccccc']);
    now += 501;
    expect(await svc.lookup('cccccccccccc')).toBeNull();
    expect(src.calls).toEqual(['cccccccccccc', 'cccccccccccc']);
    await svc.lookup('bbbbbbbbbbbb');
    svc.forget('bbbbbbbbbbbb');
    expect(svc.get('bbbbbbbbbbbb')).toBeUndefined();
    await svc.lookup('bbbbbbbbbbbb');
    expect(src.calls.filter((c) => c === 'bbbbbbbbbbbb').length).toBe(2);
  });

  test('a failing runtime is reported once, the next source is asked, and the lookup retried later', async () => {
    const broken = new FakeSource(new Set());
    broken.failWith = new Error('connect ECONNREFUSED');
    const good = new FakeSource(new Set(['dddddddddddd']));
    const warnings: string[] = [];
    const svc = new ContainerMetadataService({ sources: [broken, good], onMetadata: () => {}, warn: (m) => warnings.push(m) });
    expect((await svc.lookup('dddddddddddd'))?.id).toBe('dddddddddddd');
    expect(await svc.lookup('eeeeeeeeeeee')).toBeNull();
    expect(warnings).toEqual(['container metadata: cannot ask docker at /fake.sock: connect ECONNREFUSED']);
  });

  test('preload looks up every listed container by its short id', async () => {
    const src = new FakeSource(new Set(['111111111111', '222222222222']));
    const fed: string[] = [];
    const svc = new ContainerMetadataService({ sources: [src], onMetadata: (m) => fed.push(m.id) });
    await svc.preload();
    expect(fed.sort()).toEqual(['111111111111', '222222222222']);
  });

  test('observeBatch starts lookups for container ids without a record, not for host or recorded ones', async () => {
    const host = { pid: 1, tid: 1, name: 'init', containerId: 'host' };
    const bare = { pid: 2, tid: 2, name: 'sh', containerId: '0123456789ab', parent: host };
    const recorded = { pid: 3, tid: 3, name: 'cat', containerId: 'ba9876543210', container: { id: 'ba9876543210', name: 'x' }, parent: host };
    const batch = encodeBatch([
      { type: 'openat', proc: bare, res: 3 },
      { type: 'openat', proc: recorded, res: 3 },
      { type: 'openat', proc: host, res: 3 },
    ]);
    expect([...containerIdsWithoutRecord(batch)]).toEqual(['0123456789ab']);
    const src = new FakeSource(new Set(['0123456789ab']));
    const svc = new ContainerMetadataService({ sources: [src], onMetadata: () => {} });
    svc.observeBatch(batch);
    svc.observeBatch(batch);
    await svc.settled();
    expect(src.calls).toEqual(['0123456789ab']);
    expect(svc.get('0123456789ab')?.name).toBe('n-0123456789ab');
  });

  test('watch: a created container is looked up at once, a destroyed one forgotten (and the addon told)', async () => {
    const src = new FakeSource(new Set(['333333333333']));
    const fed: string[] = [];
    const forgotten: string[] = [];
    const svc = new ContainerMetadataService({ sources: [src], onMetadata: (m) => fed.push(m.id), onForget: (id) => forgotten.push(id) });
    svc.watch();
    src.emit!({ action: 'create', id: '333333333333'.padEnd(64, 'f') });
    src.emit!({ action: 'start', id: '333333333333'.padEnd(64, 'f') });
    await svc.settled();
    expect(fed).toEqual(['333333333333']);
    expect(src.calls).toEqual(['333333333333']);
    src.emit!({ action: 'destroy', id: '333333333333'.padEnd(64, 'f') });
    expect(svc.get('333333333333')).toBeUndefined();
    expect(forgotten).toEqual(['333333333333']);
    src.emit!({ action: 'destroy', id: '444444444444'.padEnd(64, 'f') }); // never known: nothing to tell
    expect(forgotten).toEqual(['333333333333']);
    svc.close();
    expect(src.emit).toBeNull();
  });

  test('a truncated batch yields no ids rather than reading past its end', () => {
    expect(containerIdsWithoutRecord(new Uint8Array(10)).size).toBe(0);
  });
});
