// Stable event type ids of batch ABI v1 and the parameter layout of each type's record.
// Ids are part of the ABI: append new types at the end, never renumber or reuse an id.
// engine-as/abi_generated.ts is generated from this table (test/engine/abi-generated.test.ts checks it).

/** libs parameter types that the ABI carries (PT_* without the prefix). */
export type ParamType =
  | 'ERRNO' | 'FD' | 'PID' | 'UID' | 'GID' | 'INT32' | 'INT64' | 'UINT8' | 'UINT32' | 'UINT64'
  | 'FLAGS8' | 'FLAGS16' | 'FLAGS32' | 'ENUMFLAGS8' | 'ENUMFLAGS16' | 'ENUMFLAGS32' | 'MODE'
  | 'SIGTYPE' | 'DYN' | 'CHARBUF' | 'FSPATH' | 'FSRELPATH' | 'BYTEBUF' | 'SOCKTUPLE' | 'SOCKADDR';

/** Where a parameter's value lives in the event record. */
export type ParamSlot =
  | { kind: 'res' } // the return value field (evt.rawres); first parameter named res/fd of exit events
  | { kind: 'num'; index: number } // args_num[index] (u64; signed types are stored two's complement)
  | { kind: 'str'; index: number } // args_str[index] (string ref; BYTEBUF may hold any byte)
  | { kind: 'fd' }; // socket tuple / address: carried by the record's fd section

export interface ParamDef {
  name: string;
  type: ParamType;
  slot: ParamSlot;
  /** UID/GID parameters also carry the resolved user/group name (libs renders evt.arg.uid as a name). */
  nameSlot?: number;
}

export interface EventTypeDef {
  id: number;
  name: string; // evt.type
  /** true when one of the upstream rules names it in evt.type (else: carried for state or future rules) */
  usedByUpstreamRules: boolean;
  params: ParamDef[];
}

export const NUM_ARG_SLOTS = 6;
export const STR_ARG_SLOTS = 4;

// name, used by upstream rules, libs exit-event parameter list ("name:TYPE ...", libs order).
// Process-describing parameters of execve/clone (exe, args, cwd, tty, caps, ...) live in the process
// table, not in the event record, so they are left out here.
const TABLE: ReadonlyArray<readonly [string, boolean, string]> = [
  ['accept', true, 'fd:FD tuple:SOCKTUPLE queuepct:UINT8 queuelen:UINT32 queuemax:UINT32'],
  ['accept4', true, 'fd:FD tuple:SOCKTUPLE queuepct:UINT8 queuelen:UINT32 queuemax:UINT32 flags:INT32'],
  ['bpf', true, 'fd:FD cmd:ENUMFLAGS32'],
  ['chmod', true, 'res:ERRNO filename:FSPATH mode:MODE'],
  ['connect', true, 'res:ERRNO tuple:SOCKTUPLE fd:FD addr:SOCKADDR'],
  ['creat', true, 'fd:FD name:FSPATH mode:UINT32 dev:UINT32 ino:UINT64 creat_flags:FLAGS16'],
  ['dup', true, 'res:FD oldfd:FD'],
  ['dup2', true, 'res:FD oldfd:FD newfd:FD'],
  ['dup3', true, 'res:FD oldfd:FD newfd:FD flags:FLAGS32'],
  ['execve', true, 'res:ERRNO filename:FSPATH flags:FLAGS32'],
  ['execveat', true, 'res:ERRNO flags:FLAGS32'],
  ['fchmod', true, 'res:ERRNO fd:FD mode:MODE'],
  ['fchmodat', true, 'res:ERRNO dirfd:FD filename:FSRELPATH mode:MODE'],
  ['finit_module', true, 'res:ERRNO fd:FD uargs:CHARBUF flags:FLAGS32'],
  ['init_module', true, 'res:ERRNO img:BYTEBUF length:UINT64 uargs:CHARBUF'],
  ['link', true, 'res:ERRNO oldpath:FSPATH newpath:FSPATH'],
  ['linkat', true, 'res:ERRNO olddir:FD oldpath:FSRELPATH newdir:FD newpath:FSRELPATH flags:FLAGS32'],
  ['listen', true, 'res:ERRNO fd:FD backlog:INT32'],
  ['mkdir', true, 'res:ERRNO path:FSPATH mode:UINT32'],
  ['mkdirat', true, 'res:ERRNO dirfd:FD path:FSRELPATH mode:UINT32'],
  ['open', true, 'fd:FD name:FSPATH flags:FLAGS32 mode:UINT32 dev:UINT32 ino:UINT64'],
  ['openat', true, 'fd:FD dirfd:FD name:FSRELPATH flags:FLAGS32 mode:UINT32 dev:UINT32 ino:UINT64'],
  ['openat2', true, 'fd:FD dirfd:FD name:FSRELPATH flags:FLAGS32 mode:UINT32 resolve:FLAGS32 dev:UINT32 ino:UINT64'],
  ['ptrace', true, 'res:ERRNO addr:DYN data:DYN request:ENUMFLAGS16 pid:PID'],
  ['recvfrom', true, 'res:ERRNO data:BYTEBUF tuple:SOCKTUPLE fd:FD size:UINT32'],
  ['recvmsg', true, 'res:ERRNO size:UINT32 data:BYTEBUF tuple:SOCKTUPLE msgcontrol:BYTEBUF fd:FD'],
  ['rename', true, 'res:ERRNO oldpath:FSPATH newpath:FSPATH'],
  ['renameat', true, 'res:ERRNO olddirfd:FD oldpath:FSRELPATH newdirfd:FD newpath:FSRELPATH'],
  ['renameat2', true, 'res:ERRNO olddirfd:FD oldpath:FSRELPATH newdirfd:FD newpath:FSRELPATH flags:FLAGS32'],
  ['rmdir', true, 'res:ERRNO path:FSPATH'],
  ['sendmsg', true, 'res:ERRNO data:BYTEBUF fd:FD size:UINT32 tuple:SOCKTUPLE'],
  ['sendto', true, 'res:ERRNO data:BYTEBUF fd:FD size:UINT32 tuple:SOCKTUPLE'],
  ['setns', true, 'res:ERRNO fd:FD nstype:FLAGS32'],
  ['setuid', true, 'res:ERRNO uid:UID'],
  ['socket', true, 'fd:FD domain:ENUMFLAGS32 type:UINT32 proto:UINT32 flags:FLAGS32'],
  ['symlink', true, 'res:ERRNO target:CHARBUF linkpath:FSPATH'],
  ['symlinkat', true, 'res:ERRNO target:CHARBUF linkdirfd:FD linkpath:FSRELPATH'],
  ['unlink', true, 'res:ERRNO path:FSPATH'],
  ['unlinkat', true, 'res:ERRNO dirfd:FD name:FSRELPATH flags:FLAGS32'],
  ['unshare', true, 'res:ERRNO flags:FLAGS32'],
  ['userfaultfd', true, 'res:ERRNO flags:FLAGS32'],
  // State-tracking types (libsinsp's state syscall set) and the extra ones the capture issue lists.
  ['bind', false, 'res:ERRNO addr:SOCKADDR fd:FD'],
  ['capset', false, 'res:ERRNO cap_inheritable:UINT64 cap_permitted:UINT64 cap_effective:UINT64'],
  ['chdir', false, 'res:ERRNO path:CHARBUF'],
  ['chroot', false, 'res:ERRNO path:FSPATH'],
  ['clone', false, 'res:PID flags:FLAGS32'],
  ['clone3', false, 'res:PID flags:FLAGS32'],
  ['close', false, 'res:ERRNO fd:FD'],
  ['close_range', false, ''],
  ['epoll_create', false, ''],
  ['epoll_create1', false, ''],
  ['eventfd', false, 'res:FD initval:UINT64 flags:UINT32'],
  ['eventfd2', false, 'res:FD flags:FLAGS16 initval:UINT64'],
  ['fchdir', false, 'res:ERRNO fd:FD'],
  ['fcntl', false, 'res:FD fd:FD cmd:ENUMFLAGS8 arg:UINT64'],
  ['fork', false, 'res:PID flags:FLAGS32'],
  ['getsockopt', false, ''],
  ['inotify_init', false, ''],
  ['inotify_init1', false, ''],
  ['io_uring_setup', false, ''],
  ['memfd_create', false, 'fd:FD name:CHARBUF flags:FLAGS32'],
  ['mount', false, 'res:ERRNO dev:CHARBUF dir:FSPATH type:CHARBUF flags:FLAGS32'],
  ['open_by_handle_at', false, ''],
  ['pidfd_getfd', false, ''],
  ['pidfd_open', false, ''],
  ['pipe', false, 'res:ERRNO fd1:FD fd2:FD ino:UINT64'],
  ['pipe2', false, 'res:ERRNO fd1:FD fd2:FD ino:UINT64 flags:FLAGS32'],
  ['prctl', false, 'res:ERRNO option:ENUMFLAGS32 arg2_str:CHARBUF arg2_int:INT64'],
  ['prlimit', false, ''],
  ['recvmmsg', false, ''],
  ['sendmmsg', false, ''],
  ['setgid', false, 'res:ERRNO gid:GID'],
  ['setregid', false, ''],
  ['setresgid', false, 'res:ERRNO rgid:GID egid:GID sgid:GID'],
  ['setresuid', false, 'res:ERRNO ruid:UID euid:UID suid:UID'],
  ['setreuid', false, ''],
  ['setrlimit', false, ''],
  ['setsid', false, 'res:PID'],
  ['shutdown', false, ''],
  ['signalfd', false, 'res:FD fd:FD mask:UINT32 flags:UINT8'],
  ['signalfd4', false, ''],
  ['socketpair', false, 'res:ERRNO fd1:FD fd2:FD domain:ENUMFLAGS32 type:UINT32 proto:UINT32'], // source/peer (kernel pointers) not carried
  ['timerfd_create', false, ''],
  ['umount', false, ''],
  ['umount2', false, 'res:ERRNO name:FSPATH flags:FLAGS32'],
  ['vfork', false, 'res:PID flags:FLAGS32'],
  ['procexit', false, 'status:ERRNO ret:ERRNO sig:SIGTYPE core:UINT8 reaper_tid:PID'],
  ['kill', false, 'res:ERRNO pid:PID sig:SIGTYPE'],
  ['setpgid', false, 'res:ERRNO pid:PID pgid:PID'],
];

const STRING_TYPES = new Set<ParamType>(['CHARBUF', 'FSPATH', 'FSRELPATH', 'BYTEBUF']);
const FD_SECTION_TYPES = new Set<ParamType>(['SOCKTUPLE', 'SOCKADDR']);
const RESULT_NAMES = new Set(['res', 'fd']);

function parseParams(typeName: string, spec: string): ParamDef[] {
  const params: ParamDef[] = [];
  let num = 0;
  let str = 0;
  const words = spec.split(' ').filter((w) => w.length > 0);
  words.forEach((word, i) => {
    const [name, type] = word.split(':') as [string, ParamType];
    let slot: ParamSlot;
    let nameSlot: number | undefined;
    if (i === 0 && RESULT_NAMES.has(name) && type !== 'SOCKTUPLE') {
      slot = { kind: 'res' };
    } else if (FD_SECTION_TYPES.has(type)) {
      slot = { kind: 'fd' };
    } else if (STRING_TYPES.has(type)) {
      slot = { kind: 'str', index: str++ };
    } else {
      slot = { kind: 'num', index: num++ };
      if (type === 'UID' || type === 'GID') nameSlot = str++;
    }
    if (num > NUM_ARG_SLOTS || str > STR_ARG_SLOTS) {
      throw new Error(`event type ${typeName}: too many parameters for the v1 record slots`);
    }
    params.push(nameSlot === undefined ? { name, type, slot } : { name, type, slot, nameSlot });
  });
  return params;
}

export const EVENT_TYPES: readonly EventTypeDef[] = TABLE.map(([name, used, spec], i) => ({
  id: i + 1, // 0 is reserved for "unknown"
  name,
  usedByUpstreamRules: used,
  params: parseParams(name, spec),
}));

export const EVENT_TYPE_UNKNOWN = 0;

const BY_NAME = new Map(EVENT_TYPES.map((t) => [t.name, t]));
const BY_ID = new Map(EVENT_TYPES.map((t) => [t.id, t]));

export function eventTypeByName(name: string): EventTypeDef | undefined {
  return BY_NAME.get(name);
}

export function eventTypeById(id: number): EventTypeDef | undefined {
  return BY_ID.get(id);
}

export function eventTypeId(name: string): number {
  const t = BY_NAME.get(name);
  if (t === undefined) throw new Error(`unknown event type '${name}'`);
  return t.id;
}

export const MAX_EVENT_TYPE_ID = EVENT_TYPES.length;
