// Event builders for the engine suites: a small process tree (systemd -> sshd -> bash -> cat) in a
// container, and file, socket, exec and other events over it.
import type { ContainerInput, EventInput, ProcessInput } from '../../../host/engine/batch-encoder.js';

export const container: ContainerInput = {
  id: '3ad7b26ded6d', name: 'web', image: 'nginx:1.25', imageRepository: 'docker.io/library/nginx', imageTag: '1.25',
  imageDigest: 'sha256:abc', type: 'docker', privileged: true, startTs: 1_700_000_000_000_000_000n, k8sNsName: 'default', k8sPodName: 'web-1',
  mounts: [
    { source: '/var/run/docker.sock', dest: '/var/run/docker.sock', mode: '', rw: true, propagation: 'rprivate' },
    { source: '/srv/www', dest: '/usr/share/nginx/html', mode: 'ro', rw: false, propagation: 'rprivate' },
  ],
};

export function tree(): { init: ProcessInput; sshd: ProcessInput; bash: ProcessInput; cat: ProcessInput } {
  const init: ProcessInput = { pid: 1, name: 'systemd', exe: '/sbin/init', exepath: '/usr/lib/systemd/systemd', args: [], uid: 0, gid: 0, sid: 1, vpgid: 1, containerId: 'host' };
  const sshd: ProcessInput = { pid: 812, ppid: 1, name: 'sshd', exe: '/usr/sbin/sshd', exepath: '/usr/sbin/sshd', args: ['-D'], parent: init, uid: 0, gid: 0, sid: 812, containerId: 'host' };
  const bash: ProcessInput = {
    pid: 4242, tid: 4242, ppid: 812, vpid: 7, sid: 4242, vpgid: 7, uid: 1000, gid: 1000, tty: 34816,
    loginuid: 1000, capEffective: (1n << 21n) | 1n, capPermitted: (1n << 21n) | 1n, startTs: 1_700_000_000_000_000_000n,
    exeInoCtime: 1_600_000_000_000_000_000n, exeInoMtime: 1_600_000_000_000_000_001n,
    name: 'bash', exe: '/bin/bash', exepath: '/usr/bin/bash', args: ['-c', 'cat /etc/shadow'], cwd: '/root/',
    env: ['HOME=/root', 'TERM=xterm'], userName: 'alice', groupName: 'staff', loginName: 'alice', containerId: '3ad7b26ded6d',
    container, parent: sshd, exeWritable: true,
  };
  bash.sessionLeader = bash;
  const cat: ProcessInput = {
    pid: 4243, ppid: 4242, vpid: 8, vpgid: 7, name: 'cat', exe: '/bin/cat', exepath: '/usr/bin/cat', args: ['/etc/shadow'], parent: bash,
    sessionLeader: bash, uid: 0, gid: 0, loginuid: -1, containerId: '3ad7b26ded6d', container, userName: 'root', groupName: 'root',
  };
  return { init, sshd, bash, cat };
}

/** PPM open flags (libs' encoding, as the drivers deliver them). */
export const O = { RDONLY: 1, WRONLY: 2, RDWR: 3, CREAT: 4, TRUNC: 1 << 8, CLOEXEC: 1 << 12 };

export function openat(proc: ProcessInput | null, name: string, flags = O.RDONLY, extra: Partial<EventInput> = {}): EventInput {
  return {
    type: 'openat', ts: 1_700_000_001_000_000_000n, num: 10, proc, res: 3,
    args: { dirfd: -100, name, flags, mode: 0o644 },
    fd: { num: 3, type: 'file', name, nameraw: name },
    ...extra,
  };
}

export function execve(proc: ProcessInput | null): EventInput {
  return { type: 'execve', ts: 1_700_000_002_000_000_000n, proc, res: 0, args: { filename: proc?.exe ?? '/bin/x' } };
}

export function connect(proc: ProcessInput | null, client: string, cport: number, server: string, sport: number, v6 = false): EventInput {
  return {
    type: 'connect', proc, res: 0, args: { fd: 5 },
    fd: {
      num: 5, type: v6 ? 'ipv6' : 'ipv4', l4proto: 'tcp', family: v6 ? 'inet6' : 'inet', client: { ip: client, port: cport }, server: { ip: server, port: sport },
      role: 'client', connected: true, name: `${client}:${cport}->${server}:${sport}`,
    },
  };
}
