// Batch ABI v1: byte offsets and sizes. engine-as/BATCH_ABI.md is the prose contract; this file and
// the generated engine-as/abi_generated.ts are its machine-readable form. All integers little-endian.

export const BATCH_MAGIC = 0x424b4153; // bytes "SAKB"
export const BATCH_VERSION = 1;

/** A u32 index that refers to nothing (no process, no parent, no container). */
export const NONE_INDEX = 0xffffffff;
/** A string ref whose offset is this value (and length 0) is a missing value, distinct from "". */
export const MISSING_OFFSET = 0xffffffff;
export const STR_REF_SIZE = 8; // u32 offset into the arena, u32 byte length

export const HEADER = {
  size: 80,
  magic: 0, // u32
  version: 4, // u16
  headerSize: 6, // u16
  totalLength: 8, // u32: bytes of the whole batch, header included
  flags: 12, // u32: reserved, 0 in v1
  // Each table: u32 offset, u32 count, u32 record size.
  events: 16,
  processes: 28,
  containers: 40,
  mounts: 52,
  stringsOffset: 64, // u32
  stringsLength: 68, // u32
  batchSeq: 72, // u64: sequence number of the batch (diagnostics)
} as const;

export const TABLE_OFFSET = 0;
export const TABLE_COUNT = 4;
export const TABLE_RECORD_SIZE = 8;

export const EVENT = {
  size: 192,
  ts: 0, // u64 ns since epoch
  num: 8, // u64 evt.num
  res: 16, // i64 return value (evt.rawres), valid if EVT_HAS_RES
  tid: 24, // i32
  pid: 28, // i32 (thread group id)
  type: 32, // u16 event type id (event-types.ts)
  cpu: 34, // u16
  flags: 36, // u32 EVT_* bits
  proc: 40, // u32 process table index or NONE_INDEX
  argsNumMask: 44, // u8: bit i set = argsNum[i] present
  fdType: 45, // u8 FdType
  fdL4proto: 46, // u8 L4Proto
  fdFamily: 47, // u8 SockFamily
  argsNum: 48, // u64[6]
  argsStr: 96, // str ref[4]
  fdNum: 128, // i64
  fdName: 136, // str ref
  fdNameRaw: 144, // str ref
  fdClientPort: 152, // u16
  fdServerPort: 154, // u16
  fdOpenFlags: 156, // u32 flags the fd was opened with (reserved for fd.* open-mode fields)
  fdClientIp: 160, // 16 bytes, network order; IPv4 in the first 4 bytes, rest 0
  fdServerIp: 176, // 16 bytes
} as const;

export const EVT_DIR_ENTER = 1 << 0; // enter event (default: exit)
export const EVT_HAS_RES = 1 << 1;
export const EVT_HAS_FD = 1 << 2; // the fd section describes the event's fd
export const EVT_FD_CONNECTED = 1 << 3;
export const EVT_FD_NAME_CHANGED = 1 << 4;
export const EVT_FD_ROLE_CLIENT = 1 << 5;
export const EVT_FD_ROLE_SERVER = 1 << 6;
export const EVT_FD_HAS_CLIENT = 1 << 7; // fdClientIp/fdClientPort valid
export const EVT_FD_HAS_SERVER = 1 << 8; // fdServerIp/fdServerPort valid
export const EVT_FD_HAS_NUM = 1 << 9;
export const EVT_FLAGS_KNOWN = (1 << 10) - 1;

export const PROCESS = {
  size: 208,
  pid: 0, // i32
  tid: 4, // i32
  ppid: 8, // i32
  vpid: 12, // i32
  sid: 16, // i32
  vpgid: 20, // i32
  uid: 24, // u32
  gid: 28, // u32
  tty: 32, // u32
  flags: 36, // u32 PROC_* bits
  parent: 40, // u32 index of the parent's record, or NONE_INDEX
  sessionLeader: 44, // u32 index of the session leader's record, or NONE_INDEX
  container: 48, // u32 container table index, or NONE_INDEX
  reserved: 52, // u32, 0
  loginuid: 56, // i64 (-1 when unset, as libs reports it)
  capEffective: 64, // u64
  capPermitted: 72, // u64
  capInheritable: 80, // u64
  startTs: 88, // u64 ns since epoch (clone time)
  exeInoCtime: 96, // u64 ns since epoch
  exeInoMtime: 104, // u64 ns since epoch
  name: 112, // str refs from here on
  exe: 120,
  exepath: 128,
  cmdline: 136,
  args: 144,
  cwd: 152,
  env: 160, // NAME=value entries, each followed by a NUL byte (proc.env joins them with spaces)
  userName: 168,
  groupName: 176,
  loginName: 184,
  containerId: 192,
  argv: 200, // the arguments (argv[1..]), each followed by a NUL byte, for proc.args[N]
} as const;

export const PROC_EXE_FROM_MEMFD = 1 << 0;
export const PROC_EXE_UPPER_LAYER = 1 << 1;
export const PROC_EXE_WRITABLE = 1 << 2;
export const PROC_HAS_EXE_INO_TIMES = 1 << 3;
export const PROC_HAS_CAPS = 1 << 4;
export const PROC_FLAGS_KNOWN = (1 << 5) - 1;

export const CONTAINER = {
  size: 96,
  id: 0, // str refs
  name: 8,
  image: 16,
  imageRepository: 24,
  imageTag: 32,
  imageDigest: 40,
  type: 48,
  k8sNsName: 56,
  k8sPodName: 64,
  startTs: 72, // u64 ns since epoch
  mountsFirst: 80, // u32 index into the mount table
  mountsCount: 84, // u32
  flags: 88, // u32 CONTAINER_* bits
  reserved: 92, // u32, 0
} as const;

export const CONTAINER_PRIVILEGED_KNOWN = 1 << 0;
export const CONTAINER_PRIVILEGED = 1 << 1;
export const CONTAINER_HAS_START_TS = 1 << 2;
export const CONTAINER_FLAGS_KNOWN = (1 << 3) - 1;

export const MOUNT = {
  size: 40,
  source: 0, // str refs
  dest: 8,
  mode: 16,
  propagation: 24,
  flags: 32, // u32 MOUNT_* bits
  reserved: 36,
} as const;

export const MOUNT_RW = 1 << 0;
export const MOUNT_FLAGS_KNOWN = 1;

/** Kinds of fd, one byte in the event record (Saker's numbering of libs' scap_fd_type). */
export const FD_TYPES = [
  'none', 'file', 'directory', 'ipv4', 'ipv6', 'ipv4_server', 'ipv6_server', 'fifo', 'unix', 'event',
  'signalfd', 'eventpoll', 'inotify', 'timerfd', 'netlink', 'bpf', 'userfaultfd', 'io_uring', 'memfd',
  'pidfd', 'unknown', 'unsupported',
] as const;
export type FdTypeName = (typeof FD_TYPES)[number];

export const L4_PROTOS = ['none', 'tcp', 'udp', 'icmp', 'raw'] as const;
export type L4ProtoName = (typeof L4_PROTOS)[number];

/** Socket families, stored as the Linux AF_* numbers. */
export const SOCK_FAMILY = { none: 0, unix: 1, inet: 2, inet6: 10 } as const;
export type SockFamilyName = keyof typeof SOCK_FAMILY;

export const STR_ARG_COUNT = 4;
export const NUM_ARG_COUNT = 6;
