// A realistic, mostly non-matching event mix for throughput measurements: file opens by common
// daemons, execs of ordinary binaries from shells, connects to private addresses.
import type { EventInput, ProcessInput } from '../../../host/engine/batch-encoder.js';
import { O } from './events.js';

export function syntheticMix(count: number): EventInput[] {
  const init: ProcessInput = { pid: 1, name: 'systemd', exe: '/sbin/init', exepath: '/usr/lib/systemd/systemd', args: [], containerId: 'host', userName: 'root', loginuid: -1 };
  const sshd: ProcessInput = { pid: 800, ppid: 1, name: 'sshd', exe: '/usr/sbin/sshd', exepath: '/usr/sbin/sshd', args: ['-D'], parent: init, containerId: 'host', userName: 'root', loginuid: -1 };
  const bash: ProcessInput = { pid: 900, ppid: 800, name: 'bash', exe: '/bin/bash', exepath: '/usr/bin/bash', args: [], parent: sshd, containerId: 'host', userName: 'dev', uid: 1000, loginuid: 1000, tty: 34816, cwd: '/home/dev/' };
  const nginx: ProcessInput = { pid: 1200, ppid: 1, name: 'nginx', exe: '/usr/sbin/nginx', exepath: '/usr/sbin/nginx', args: ['-g', 'daemon off;'], parent: init, containerId: '0123456789ab', userName: 'www-data', uid: 33, loginuid: -1 };
  const procs = [bash, nginx, sshd, init];
  const files = ['/usr/lib/x86_64-linux-gnu/libc.so.6', '/var/www/html/index.html', '/proc/self/stat', '/home/dev/.bashrc', '/usr/share/zoneinfo/UTC', '/tmp/build/out.o'];
  const bins = ['ls', 'grep', 'git', 'make', 'cc1', 'sed', 'awk', 'node'];
  const out: EventInput[] = [];
  for (let i = 0; i < count; i++) {
    const p = procs[i % procs.length]!;
    const k = i % 10;
    if (k < 6) {
      const name = files[i % files.length]!;
      out.push({ type: 'openat', num: i, proc: p, res: 7, args: { dirfd: -100, name, flags: i % 7 === 0 ? O.WRONLY | O.CREAT : O.RDONLY, mode: 0o644 }, fd: { num: 7, type: 'file', name, nameraw: name } });
    } else if (k < 8) {
      const b = bins[i % bins.length]!;
      const child: ProcessInput = { pid: 5000 + (i % 50), ppid: 900, name: b, exe: `/usr/bin/${b}`, exepath: `/usr/bin/${b}`, args: ['-la', '/tmp'], parent: bash, containerId: 'host', userName: 'dev', uid: 1000, loginuid: 1000, tty: 34816 };
      out.push({ type: 'execve', num: i, proc: child, res: 0, args: { filename: `/usr/bin/${b}` } });
    } else if (k < 9) {
      out.push({ type: 'connect', num: i, proc: nginx, res: 0, args: { fd: 9 }, fd: { num: 9, type: 'ipv4', l4proto: 'tcp', client: { ip: '10.1.2.3', port: 40000 + (i % 1000) }, server: { ip: '10.1.2.9', port: 5432 }, role: 'client', connected: true, name: '10.1.2.3:40000->10.1.2.9:5432' } });
    } else {
      out.push({ type: 'close', num: i, proc: p, res: 0, args: { fd: 7 } });
    }
  }
  return out;
}
