// Synthetic events for the default-ruleset tests: a host process tree and a Docker container, and
// builders for the syscalls the default rules watch. Values follow the batch ABI (PPM open flags,
// PPM_* enums as libs numbers them).
import type { ContainerInput, EventInput, ProcessInput } from '../../host/engine/batch-encoder.js';

/** PPM open flags (libs' encoding, as the drivers deliver them). */
export const O = { RDONLY: 1, WRONLY: 2, RDWR: 3, CREAT: 4, TRUNC: 1 << 8, CLOEXEC: 1 << 12 };

/** Linux mode bits (chmod's mode parameter). */
export const MODE = { SUID: 0o4000, SGID: 0o2000, RWXR_XR_X: 0o755 };

/** libs' PPM_PTRACE_* request numbers (the order of its request table). */
export const PTRACE = { TRACEME: 1, ATTACH: 11, DETACH: 12, SEIZE: 20, PEEKDATA: 3 };

export const EINPROGRESS = -115;

let nextPid = 5000;

export function container(overrides: Partial<ContainerInput> = {}): ContainerInput {
  return {
    id: '0123456789ab', name: 'web', image: 'docker.io/library/nginx:1.27', imageRepository: 'docker.io/library/nginx',
    imageTag: '1.27', imageDigest: 'sha256:0f1e', type: 'docker', privileged: false, startTs: 1_700_000_000_000_000_000n,
    mounts: [{ source: '/srv/www', dest: '/usr/share/nginx/html', mode: 'ro', rw: false, propagation: 'rprivate' }],
    ...overrides,
  };
}

const hostInit: ProcessInput = {
  pid: 1, ppid: 0, vpid: 1, name: 'systemd', exe: '/sbin/init', exepath: '/usr/lib/systemd/systemd', args: [],
  uid: 0, gid: 0, userName: 'root', groupName: 'root', containerId: 'host', sid: 1, vpgid: 1,
};
const hostSshd: ProcessInput = {
  pid: 700, ppid: 1, vpid: 700, name: 'sshd', exe: '/usr/sbin/sshd', exepath: '/usr/sbin/sshd', args: ['-D'],
  uid: 0, gid: 0, userName: 'root', groupName: 'root', containerId: 'host', parent: hostInit,
};
const hostShell: ProcessInput = {
  pid: 900, ppid: 700, vpid: 900, name: 'bash', exe: '/bin/bash', exepath: '/usr/bin/bash', args: [], tty: 34816,
  uid: 1000, gid: 1000, userName: 'alice', groupName: 'alice', loginName: 'alice', loginuid: 1000,
  containerId: 'host', parent: hostSshd, cwd: '/home/alice/',
};

export interface ProcOptions {
  args?: string[];
  exe?: string;
  exepath?: string;
  parent?: ProcessInput;
  user?: 'root' | 'alice';
  tty?: number;
  vpid?: number;
  memfd?: boolean;
  upperLayer?: boolean;
}

function build(name: string, o: ProcOptions, where: { containerId: string; container?: ContainerInput }, parent: ProcessInput): ProcessInput {
  const root = o.user !== 'alice';
  const pid = nextPid++;
  return {
    pid, tid: pid, ppid: parent.pid, vpid: o.vpid ?? pid, name, exe: o.exe ?? `/usr/bin/${name}`,
    exepath: o.exepath ?? o.exe ?? `/usr/bin/${name}`, args: o.args ?? [], tty: o.tty ?? 0,
    uid: root ? 0 : 1000, gid: root ? 0 : 1000, userName: root ? 'root' : 'alice', groupName: root ? 'root' : 'alice',
    loginName: 'alice', loginuid: 1000, cwd: '/', exeFromMemfd: o.memfd ?? false, exeUpperLayer: o.upperLayer ?? false,
    ...where, parent,
  };
}

/** A process on the host, child of an interactive login shell unless a parent is given. */
export function hostProc(name: string, o: ProcOptions = {}): ProcessInput {
  return build(name, o, { containerId: 'host' }, o.parent ?? hostShell);
}

/** A process in a container (default: nginx), child of the container runtime's shim unless a parent is given. */
export function containerProc(name: string, o: ProcOptions = {}, c: ContainerInput = container()): ProcessInput {
  const shim: ProcessInput = {
    pid: 800, ppid: 1, vpid: 800, name: 'containerd-shim', exe: '/usr/bin/containerd-shim-runc-v2',
    exepath: '/usr/bin/containerd-shim-runc-v2', args: [], uid: 0, gid: 0, userName: 'root', containerId: 'host', parent: hostInit,
  };
  return build(name, o, { containerId: c.id ?? '', container: c }, o.parent ?? shim);
}

export function exec(proc: ProcessInput): EventInput {
  return { type: 'execve', proc, res: 0, args: { filename: proc.exe ?? '' } };
}

export function open(proc: ProcessInput, path: string, flags: number): EventInput {
  return {
    type: 'openat', proc, res: 3, args: { dirfd: -100, name: path, flags, mode: 0o644 },
    fd: { num: 3, type: 'file', name: path, nameraw: path },
  };
}

export const read = (proc: ProcessInput, path: string): EventInput => open(proc, path, O.RDONLY | O.CLOEXEC);
export const write = (proc: ProcessInput, path: string): EventInput => open(proc, path, O.WRONLY | O.CREAT);
export const truncate = (proc: ProcessInput, path: string): EventInput => open(proc, path, O.WRONLY | O.CREAT | O.TRUNC);

export function unlinkat(proc: ProcessInput, name: string): EventInput {
  return { type: 'unlinkat', proc, res: 0, args: { dirfd: -100, name, flags: 0 } };
}

export function symlinkat(proc: ProcessInput, target: string, linkpath: string): EventInput {
  return { type: 'symlinkat', proc, res: 0, args: { target, linkdirfd: -100, linkpath } };
}

export function socketFd(server: { ip: string; port: number }, num = 3) {
  return {
    num, type: 'ipv4' as const, l4proto: 'tcp' as const, family: 'inet' as const,
    client: { ip: '10.1.2.3', port: 40000 }, server, role: 'client' as const, connected: true,
    name: `10.1.2.3:40000->${server.ip}:${server.port}`,
  };
}

export function connect(proc: ProcessInput, ip: string, port: number, res = 0): EventInput {
  return { type: 'connect', proc, res, args: { fd: 3 }, fd: socketFd({ ip, port }) };
}

/** dup2(oldfd, newfd) whose old fd is a TCP socket (or a pipe when `pipe` is set). */
export function dup2(proc: ProcessInput, newfd: number, pipe = false): EventInput {
  const fd = pipe ? { num: newfd, type: 'fifo' as const, name: 'pipe:[4711]' } : socketFd({ ip: '203.0.113.7', port: 4444 }, newfd);
  return { type: 'dup2', proc, res: newfd, args: { oldfd: 3, newfd }, fd };
}

export function ptrace(proc: ProcessInput, request: number, pid = 1234): EventInput {
  return { type: 'ptrace', proc, res: 0, args: { addr: 0, data: 0, request, pid } };
}

export function chmod(proc: ProcessInput, filename: string, mode: number): EventInput {
  return { type: 'chmod', proc, res: 0, args: { filename, mode } };
}

export function finitModule(proc: ProcessInput, path: string): EventInput {
  return { type: 'finit_module', proc, res: 0, args: { fd: 3, uargs: '', flags: 0 }, fd: { num: 3, type: 'file', name: path } };
}

export function syscall(type: string, proc: ProcessInput, args: EventInput['args'] = {}): EventInput {
  return { type, proc, res: 0, args };
}
