// How libs renders numeric event parameters as text (evt.arg.NAME, evt.res, thread.cap_*): the
// flag and enum tables of the driver's public header (PPM_* values, not the kernel's), written out
// independently of the engine for the oracle.

export type FlagTable = readonly (readonly [string, number])[];

// PPM_O_*: open/openat/openat2 `flags`. Order as libs lists them (it matters for the rendered text).
export const OPEN_FLAGS: FlagTable = [
  ['O_LARGEFILE', 1 << 11], ['O_DIRECTORY', 1 << 10], ['O_DIRECT', 1 << 9], ['O_TRUNC', 1 << 8],
  ['O_SYNC', 1 << 7], ['O_NONBLOCK', 1 << 6], ['O_EXCL', 1 << 5], ['O_DSYNC', 1 << 4],
  ['O_APPEND', 1 << 3], ['O_CREAT', 1 << 2], ['O_RDWR', 3], ['O_WRONLY', 1 << 1], ['O_RDONLY', 1 << 0],
  ['O_CLOEXEC', 1 << 12], ['O_NONE', 0], ['O_TMPFILE', 1 << 13], ['O_F_CREATED', 1 << 14],
];
export const PPM_O_RDONLY = 1 << 0;
export const PPM_O_WRONLY = 1 << 1;
export const PPM_O_CREAT = 1 << 2;
export const PPM_O_TRUNC = 1 << 8;
export const PPM_O_TMPFILE = 1 << 13;

// PPM_S_*: mode bits (same positions as the octal permission bits).
export const MODE_FLAGS: FlagTable = [
  ['S_IXOTH', 1 << 0], ['S_IWOTH', 1 << 1], ['S_IROTH', 1 << 2], ['S_IXGRP', 1 << 3], ['S_IWGRP', 1 << 4],
  ['S_IRGRP', 1 << 5], ['S_IXUSR', 1 << 6], ['S_IWUSR', 1 << 7], ['S_IRUSR', 1 << 8], ['S_ISVTX', 1 << 9],
  ['S_ISGID', 1 << 10], ['S_ISUID', 1 << 11],
];
export const EXEC_MODE_MASK = (1 << 0) | (1 << 3) | (1 << 6);

// PPM_PTRACE_*: ptrace `request` (an enum in the driver's own numbering).
export const PTRACE_REQUESTS: FlagTable = [
  'UNKNOWN', 'TRACEME', 'PEEKTEXT', 'PEEKDATA', 'PEEKUSR', 'POKETEXT', 'POKEDATA', 'POKEUSR', 'CONT', 'KILL',
  'SINGLESTEP', 'ATTACH', 'DETACH', 'SYSCALL', 'SETOPTIONS', 'GETEVENTMSG', 'GETSIGINFO', 'SETSIGINFO',
  'GETREGSET', 'SETREGSET', 'SEIZE', 'INTERRUPT', 'LISTEN', 'PEEKSIGINFO', 'GETSIGMASK', 'SETSIGMASK',
  'GETREGS', 'SETREGS', 'GETFPREGS', 'SETFPREGS',
].map((n, i) => [`PTRACE_${n}`, i] as const);

// socket `domain`: PPM_AF_* equal the Linux AF_* numbers. 1 has two names, AF_LOCAL listed first.
export const SOCKET_DOMAINS: FlagTable = [
  ['AF_UNSPEC', 0], ['AF_LOCAL', 1], ['AF_UNIX', 1], ['AF_INET', 2], ['AF_AX25', 3], ['AF_IPX', 4], ['AF_APPLETALK', 5],
  ['AF_NETROM', 6], ['AF_BRIDGE', 7], ['AF_ATMPVC', 8], ['AF_X25', 9], ['AF_INET6', 10], ['AF_ROSE', 11],
  ['AF_DECnet', 12], ['AF_NETBEUI', 13], ['AF_SECURITY', 14], ['AF_KEY', 15], ['AF_NETLINK', 16],
  ['AF_PACKET', 17],
];

// bpf `cmd`: the kernel's enum bpf_cmd.
export const BPF_COMMANDS: FlagTable = [
  'MAP_CREATE', 'MAP_LOOKUP_ELEM', 'MAP_UPDATE_ELEM', 'MAP_DELETE_ELEM', 'MAP_GET_NEXT_KEY', 'PROG_LOAD',
  'OBJ_PIN', 'OBJ_GET', 'PROG_ATTACH', 'PROG_DETACH',
].map((n, i) => [`BPF_${n}`, i] as const);

/** Linux capability numbers, CAP_CHOWN = 0 upwards. */
export const CAPABILITIES: readonly string[] = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
].map((n) => `CAP_${n}`);

/** Linux errno names by number (the ones the oracle's events use). */
export const ERRNO_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'EPERM'], [2, 'ENOENT'], [3, 'ESRCH'], [4, 'EINTR'], [5, 'EIO'], [6, 'ENXIO'], [7, 'E2BIG'],
  [8, 'ENOEXEC'], [9, 'EBADF'], [10, 'ECHILD'], [11, 'EAGAIN'], [12, 'ENOMEM'], [13, 'EACCES'],
  [14, 'EFAULT'], [16, 'EBUSY'], [17, 'EEXIST'], [18, 'EXDEV'], [19, 'ENODEV'], [20, 'ENOTDIR'],
  [21, 'EISDIR'], [22, 'EINVAL'], [23, 'ENFILE'], [24, 'EMFILE'], [25, 'ENOTTY'], [26, 'ETXTBSY'],
  [27, 'EFBIG'], [28, 'ENOSPC'], [29, 'ESPIPE'], [30, 'EROFS'], [31, 'EMLINK'], [32, 'EPIPE'],
  [36, 'ENAMETOOLONG'], [38, 'ENOSYS'], [39, 'ENOTEMPTY'], [40, 'ELOOP'], [95, 'EOPNOTSUPP'],
  [97, 'EAFNOSUPPORT'], [98, 'EADDRINUSE'], [99, 'EADDRNOTAVAIL'], [101, 'ENETUNREACH'],
  [104, 'ECONNRESET'], [110, 'ETIMEDOUT'], [111, 'ECONNREFUSED'], [113, 'EHOSTUNREACH'],
  [114, 'EALREADY'], [115, 'EINPROGRESS'],
]);

/**
 * libs' flags rendering: walk the table, append every entry whose bits are all still set (and
 * clear them), stop at the entry equal to the whole value and append it; `|` between names.
 */
export function renderFlags(table: FlagTable, value: number): string {
  const names: string[] = [];
  let rest = value;
  let i = 0;
  for (; i < table.length && table[i]![1] !== value; i++) {
    const [name, bits] = table[i]!;
    if (bits !== 0 && rest !== 0 && (rest & bits) === bits) {
      names.push(name);
      rest &= ~bits;
    }
  }
  if (i < table.length) names.push(table[i]![0]);
  return names.join('|');
}

/** An enum value's name, or the number when the table has none. */
export function renderEnum(table: FlagTable, value: number): string {
  // libs lists every entry equal to the value (family 1: AF_LOCAL|AF_UNIX)
  const hits = table.filter(([, v]) => v === value).map(([n]) => n);
  return hits.length > 0 ? hits.join('|') : String(value);
}

/** thread.cap_*: the names of the set bits, lowest first, separated by spaces. */
export function renderCaps(caps: bigint): string {
  const names: string[] = [];
  for (let bit = 0; bit < CAPABILITIES.length; bit++) {
    if ((caps >> BigInt(bit)) & 1n) names.push(CAPABILITIES[bit]!);
  }
  return names.join(' ');
}

export class OracleUnsupported extends Error {}

/** evt.res: SUCCESS for a non-negative return value, else the errno's name. */
export function renderRes(res: bigint): string {
  if (res >= 0n) return 'SUCCESS';
  const name = ERRNO_NAMES.get(Number(-res));
  if (name === undefined) throw new OracleUnsupported(`no errno name for ${res} in the oracle`);
  return name;
}
