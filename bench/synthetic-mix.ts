// A realistic synthetic event mix for throughput figures: mostly ordinary, non-matching activity
// (about 60% file opens, 20% execs, 15% connects, 5% other) from a small set of long-lived
// processes on a host and in containers. Deterministic for a given seed.
import type { EventInput, ProcessInput } from '../host/engine/batch-encoder.js';

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

const systemd: ProcessInput = { pid: 1, name: 'systemd', exe: '/usr/lib/systemd/systemd', exepath: '/usr/lib/systemd/systemd', args: [], uid: 0, userName: 'root', containerId: 'host' };
const shim: ProcessInput = { pid: 800, name: 'containerd-shim', exe: '/usr/bin/containerd-shim-runc-v2', args: ['-namespace', 'k8s.io'], uid: 0, userName: 'root', parent: systemd, containerId: 'host' };
const sshd: ProcessInput = { pid: 600, name: 'sshd', exe: '/usr/sbin/sshd', args: ['-D'], uid: 0, userName: 'root', parent: systemd, containerId: 'host' };

function service(pid: number, name: string, exe: string, args: string[], container?: { id: string; repo: string }): ProcessInput {
  return {
    pid, vpid: container ? 1 : pid, name, exe, exepath: exe, args, cwd: '/srv', uid: 1000, gid: 1000, userName: 'app', groupName: 'app',
    loginuid: -1, tty: 0, startTs: 1_000_000_000, env: ['PATH=/usr/bin:/bin', 'LANG=C.UTF-8'],
    parent: container ? shim : systemd,
    containerId: container?.id ?? 'host',
    container: container ? { id: container.id, name: name, image: `${container.repo}:1.0`, imageRepository: container.repo, privileged: false, k8sNsName: 'prod', k8sPodName: `${name}-7d9f` } : null,
  };
}

const PROCS: ProcessInput[] = [
  service(1200, 'nginx', '/usr/sbin/nginx', ['-g', 'daemon off;'], { id: 'a1b2c3d4e5f6', repo: 'docker.io/library/nginx' }),
  service(1300, 'java', '/usr/lib/jvm/java-17/bin/java', ['-jar', '/srv/app.jar'], { id: 'b2c3d4e5f6a1', repo: 'registry.example.com/shop/api' }),
  service(1400, 'python3', '/usr/bin/python3', ['/srv/worker.py'], { id: 'c3d4e5f6a1b2', repo: 'registry.example.com/shop/worker' }),
  service(1500, 'node', '/usr/local/bin/node', ['/srv/server.js'], { id: 'd4e5f6a1b2c3', repo: 'registry.example.com/shop/web' }),
  service(1600, 'postgres', '/usr/lib/postgresql/16/bin/postgres', ['-D', '/var/lib/postgresql/data'], undefined),
  service(1700, 'redis-server', '/usr/bin/redis-server', ['*:6379'], undefined),
  { pid: 2000, name: 'bash', exe: '/usr/bin/bash', args: [], cwd: '/home/ops', uid: 1001, userName: 'ops', loginuid: 1001, tty: 34816, parent: sshd, containerId: 'host', startTs: 1_000_000_000 },
];

const FILES = [
  '/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libssl.so.3', '/proc/self/stat', '/proc/meminfo',
  '/srv/static/index.html', '/srv/static/app.js', '/var/lib/postgresql/data/base/16384/2619', '/tmp/upload-5f3a.tmp',
  '/var/log/app/app.log', '/srv/config/settings.json', '/usr/share/zoneinfo/UTC', '/dev/null', '/sys/fs/cgroup/cpu.max',
];
const WRITES = new Set(['/var/log/app/app.log', '/tmp/upload-5f3a.tmp', '/var/lib/postgresql/data/base/16384/2619']);
const EXECS: [string, string, string[]][] = [
  ['ls', '/usr/bin/ls', ['-la']], ['grep', '/usr/bin/grep', ['-r', 'TODO', '.']], ['cat', '/usr/bin/cat', ['notes.txt']],
  ['git', '/usr/bin/git', ['status']], ['ps', '/usr/bin/ps', ['aux']], ['date', '/usr/bin/date', []],
];
const PEERS: [string, number, 'tcp' | 'udp'][] = [
  ['10.0.3.15', 5432, 'tcp'], ['10.0.3.16', 6379, 'tcp'], ['172.16.4.2', 443, 'tcp'], ['10.96.0.10', 53, 'udp'], ['192.168.1.20', 8080, 'tcp'],
];

/** `count` events of the mix. */
export function syntheticMix(count: number, seed = 1): EventInput[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: EventInput[] = [];
  let ts = 2_000_000_000;
  for (let i = 0; i < count; i++) {
    ts += 1000;
    const roll = r();
    const proc = pick(PROCS);
    if (roll < 0.6) {
      const name = pick(FILES);
      const write = WRITES.has(name) && r() < 0.5;
      const flags = write ? 2 | 8 : 1 | (1 << 12);
      out.push({ type: 'openat', ts, res: 7, args: { dirfd: -100, name, flags, mode: 0 }, fd: { num: 7, type: 'file', name, nameraw: name }, proc });
    } else if (roll < 0.8) {
      const [name, exe, args] = pick(EXECS);
      const child: ProcessInput = { ...PROCS[6]!, pid: 3000 + i, name, exe, exepath: exe, args, parent: PROCS[6]! };
      out.push({ type: 'execve', ts, res: 0, args: { filename: exe }, proc: child });
    } else if (roll < 0.95) {
      const [ip, port, l4proto] = pick(PEERS);
      out.push({
        type: 'connect', ts, res: 0, proc,
        fd: { num: 9, type: 'ipv4', l4proto, role: 'client', connected: true, name: `10.0.1.5:41000->${ip}:${port}`, client: { ip: '10.0.1.5', port: 41000 }, server: { ip, port } },
      });
    } else if (roll < 0.975) {
      out.push({
        type: 'accept4', ts, res: 11, proc,
        fd: { num: 11, type: 'ipv4', l4proto: 'tcp', role: 'server', connected: true, name: '10.0.9.9:52000->10.0.1.5:8080', client: { ip: '10.0.9.9', port: 52000 }, server: { ip: '10.0.1.5', port: 8080 } },
      });
    } else {
      out.push({ type: 'unlink', ts, res: 0, args: { path: '/tmp/upload-5f3a.tmp' }, proc });
    }
  }
  return out;
}
