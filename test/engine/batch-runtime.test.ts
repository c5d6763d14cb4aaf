// The AssemblyScript batch readers (engine-as/batch.ts) on batches written by the TS encoder.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../host/engine/batch-encoder.js';
import { CONTAINER, PROCESS } from '../../host/engine/batch-layout.js';
import { validateBatch } from '../../host/engine/batch-validate.js';
import { eventTypeId } from '../../host/engine/event-types.js';
import { sampleEvents } from './batch-fixtures.js';
import { loadRuntime, type Runtime } from './runtime-instance.js';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime();
  const bytes = encodeBatch(sampleEvents());
  validateBatch(bytes);
  const [ptr] = rt.put(bytes);
  expect(ptr % 8).toBe(0);
  rt.x.beginBatch(ptr);
});

const ancestor = (ev: number, n: number, field: number): string | null => {
  rt.x.ancestorStr(ev, n, field);
  return rt.result();
};

describe('batch readers', () => {
  it('read the event header', () => {
    expect(rt.x.eventCount()).toBe(7);
    expect(rt.x.evType(0)).toBe(eventTypeId('openat'));
    expect(rt.x.evType(6)).toBe(eventTypeId('procexit'));
    expect(rt.x.evTs(0)).toBe(1_700_000_001_000_000_000n);
    expect(rt.x.evRes(1)).toBe(-115n); // signed
    expect(rt.x.evHasRes(1)).toBe(1);
    expect(rt.x.evHasRes(5)).toBe(0);
    expect(rt.x.evTid(0)).toBe(4243);
  });

  it('read numeric and string arguments', () => {
    // openat: dirfd is numeric slot 0, flags slot 1; name is string slot 0
    expect(rt.x.evArgNum(0, 0)).toBe(BigInt.asIntN(64, -100n)); // exported as i64
    expect(rt.x.evArgPresent(0, 1)).toBe(1);
    expect(rt.x.evArgNum(0, 1)).toBe(0x8000n);
    expect(rt.x.evArgPresent(0, 4)).toBe(0);
    rt.x.evArgStr(0, 0);
    expect(rt.result()).toBe('/etc/shadow');
    rt.x.evArgStr(0, 1);
    expect(rt.result()).toBeNull();
    rt.x.evArgStr(3, 0); // setuid: the uid's resolved name
    expect(rt.result()).toBe('root');
  });

  it('read the fd section', () => {
    rt.x.evFdName(0);
    expect(rt.result()).toBe('/etc/shadow');
    expect(rt.x.evFdNum(0)).toBe(3n);
    rt.x.evFdName(5);
    expect(rt.result()).toBeNull();
  });

  it('walk the parent chain (proc.name, proc.pname, proc.aname[N], proc.apid[N])', () => {
    expect(ancestor(0, 0, PROCESS.name)).toBe('cat');
    expect(ancestor(0, 1, PROCESS.name)).toBe('bash');
    expect(ancestor(0, 2, PROCESS.name)).toBe('sshd');
    expect(ancestor(0, 3, PROCESS.name)).toBe('systemd');
    expect(ancestor(0, 4, PROCESS.name)).toBeNull();
    expect(ancestor(0, 1, PROCESS.cmdline)).toBe('bash -c cat /etc/shadow');
    expect(ancestor(0, 1, PROCESS.exepath)).toBe('/usr/bin/bash');
    expect(rt.x.ancestorPid(0, 2)).toBe(812);
    expect(rt.x.ancestorPid(0, 9)).toBe(-1);
    expect(ancestor(6, 0, PROCESS.name)).toBeNull(); // event without a process
  });

  it('read signed and wide process fields', () => {
    expect(rt.x.procLoginuid(0)).toBe(-1n);
    expect(rt.x.procLoginuid(1)).toBe(1000n);
    expect(BigInt.asUintN(64, rt.x.procCapEffective(1))).toBe(0xffff_ffff_ffff_ffffn);
  });

  it('read the session leader and the container with its mounts', () => {
    rt.x.sessionLeaderName(0);
    expect(rt.result()).toBe('bash');
    rt.x.containerStr(0, CONTAINER.imageRepository);
    expect(rt.result()).toBe('nginx');
    rt.x.containerStr(2, CONTAINER.id); // sshd: no container record
    expect(rt.result()).toBeNull();
    rt.x.mountDest(0, 0);
    expect(rt.result()).toBe('/var/run/docker.sock');
    rt.x.mountDest(0, 1);
    expect(rt.result()).toBe('/usr/share/nginx/html');
    rt.x.mountDest(0, 2);
    expect(rt.result()).toBeNull();
  });
});
