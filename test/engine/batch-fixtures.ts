// Sample events for the batch tests: a shell under sshd in a container, opening and connecting.
import type { ContainerInput, EventInput, ProcessInput } from '../../host/engine/batch-encoder.js';

export function sampleEvents(): EventInput[] {
  const init: ProcessInput = { pid: 1, name: 'systemd', exe: '/sbin/init', exepath: '/usr/lib/systemd/systemd', args: [], uid: 0, gid: 0, sid: 1, vpgid: 1 };
  const sshd: ProcessInput = { pid: 812, ppid: 1, name: 'sshd', exe: '/usr/sbin/sshd', exepath: '/usr/sbin/sshd', args: ['-D'], parent: init, uid: 0, gid: 0, sid: 812 };
  const container: ContainerInput = {
    id: '3ad7b26ded6d', name: 'web', image: 'nginx:1.25', imageRepository: 'nginx', imageTag: '1.25',
    imageDigest: 'sha256:abc', type: 'docker', privileged: false, startTs: 1_700_000_000_000_000_000n,
    mounts: [
      { source: '/var/run/docker.sock', dest: '/var/run/docker.sock', mode: '', rw: true, propagation: 'rprivate' },
      { source: '/srv/www', dest: '/usr/share/nginx/html', mode: 'ro', rw: false, propagation: 'rprivate' },
    ],
  };
  const bash: ProcessInput = {
    pid: 4242, tid: 4242, ppid: 812, vpid: 7, sid: 4242, vpgid: 4242, uid: 1000, gid: 1000, tty: 34816,
    loginuid: 1000, capEffective: 0xffff_ffff_ffff_ffffn, capPermitted: 0x1ffffffffffn, startTs: 1_700_000_000_123_456_789n,
    exeInoCtime: 1_600_000_000_000_000_000n, exeInoMtime: 1_600_000_000_000_000_001n,
    name: 'bash', exe: '/bin/bash', exepath: '/usr/bin/bash', args: ['-c', 'cat /etc/shadow'], cwd: '/root/',
    env: ['HOME=/root', 'TERM=xterm'], userName: 'alice', groupName: 'alice', loginName: 'alice', containerId: '3ad7b26ded6d',
    container, parent: sshd, exeWritable: true,
  };
  bash.sessionLeader = bash;
  const cat: ProcessInput = { pid: 4243, ppid: 4242, name: 'cat', exe: '/bin/cat', exepath: '/usr/bin/cat', args: ['/etc/shadow'], parent: bash, sessionLeader: bash, uid: 0, gid: 0, loginuid: -1, containerId: '3ad7b26ded6d', container, userName: 'root', groupName: 'root' };
  return [
    {
      type: 'openat', ts: 1_700_000_001_000_000_000n, proc: cat, res: 3,
      args: { dirfd: -100, name: '/etc/shadow', flags: 0x8000, mode: 0 },
      fd: { num: 3, type: 'file', name: '/etc/shadow', nameraw: '/etc/shadow' },
    },
    {
      type: 'connect', ts: 1_700_000_001_000_000_500n, proc: bash, res: -115, args: { fd: 5 },
      fd: { num: 5, type: 'ipv4', l4proto: 'tcp', client: { ip: '10.0.0.2', port: 51000 }, server: { ip: '93.184.216.34', port: 443 }, role: 'client', connected: true, name: '10.0.0.2:51000->93.184.216.34:443' },
    },
    {
      type: 'accept4', proc: sshd, res: 4,
      args: { queuepct: 0, flags: 0 },
      fd: { num: 4, type: 'ipv6', l4proto: 'tcp', client: { ip: '2001:db8::7', port: 40000 }, server: { ip: '::1', port: 22 }, role: 'server' },
    },
    { type: 'setuid', proc: bash, res: 0, args: { uid: { id: 0, name: 'root' } } },
    { type: 'sendto', proc: bash, res: 5, args: { data: new Uint8Array([0, 1, 2, 0xff, 0]), fd: 5, size: 5 } },
    { type: 'execve', proc: init, dir: '>' },
    { type: 'procexit', proc: null },
  ];
}
