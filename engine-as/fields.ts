// Field readers for generated rule code: each reader takes an event record address and either
// returns false (libs: the field cannot be extracted, so every comparison on it is false) or
// returns true and leaves the value in the globals below: a byte string in (sp, sl), a number in nv
// (u64 bits; signed fields two's complement), an IP address at ipp (16 bytes, ip6 says the family).
// Rendered values (flag names, errno names, joined lists) are written to a per-event scratch area
// that the generated code resets once per event, so earlier values stay valid while a rule runs.
import * as A from './abi_generated';
import * as B from './batch';

export let sp: usize = 0;
export let sl: u32 = 0;
export let nv: u64 = 0;
export let ipp: usize = 0;
export let ip6: bool = false;

// ---- scratch ----

let scratchCap: usize = 1 << 16;
let scratchBase: usize = heap.alloc(scratchCap);
let scratchTop: usize = scratchBase;

export function scratchReset(): void {
  scratchTop = scratchBase;
  flagsEv = 0;
  dirEv = 0;
}

/** Room for n bytes that stays valid until the next scratchReset. */
export function scratchAlloc(n: usize): usize {
  if (scratchTop + n > scratchBase + scratchCap) {
    // Earlier regions are never freed, so values already handed out stay valid.
    let cap = scratchCap;
    while (cap < n * 2) cap <<= 1;
    scratchCap = cap;
    scratchBase = heap.alloc(cap);
    scratchTop = scratchBase;
  }
  const p = scratchTop;
  scratchTop += n;
  return p;
}

// A string being built in scratch: begin, append, then finish sets (sp, sl).
let buildPtr: usize = 0;
let buildLen: u32 = 0;
let buildCap: u32 = 0;

export function buildBegin(cap: u32): void {
  buildPtr = scratchAlloc(cap);
  buildLen = 0;
  buildCap = cap;
}

function buildRoom(n: u32): void {
  if (buildLen + n <= buildCap) return;
  let cap = buildCap * 2 + n;
  const p = scratchAlloc(cap);
  memory.copy(p, buildPtr, buildLen);
  buildPtr = p;
  buildCap = cap;
}

export function buildByte(c: u32): void {
  buildRoom(1);
  store<u8>(buildPtr + buildLen, <u8>c);
  buildLen++;
}

export function buildBytes(p: usize, n: u32): void {
  buildRoom(n);
  memory.copy(buildPtr + buildLen, p, n);
  buildLen += n;
}

/** Appends an ASCII string literal (all table names are ASCII). */
export function buildAscii(s: string): void {
  const n = <u32>s.length;
  buildRoom(n);
  const src = changetype<usize>(s);
  for (let i: u32 = 0; i < n; i++) store<u8>(buildPtr + buildLen + i, <u8>load<u16>(src + (<usize>i << 1)));
  buildLen += n;
}

export function buildU64(v: u64): void {
  if (v == 0) {
    buildByte(0x30);
    return;
  }
  let digits: u32 = 0;
  let t = v;
  while (t != 0) {
    digits++;
    t /= 10;
  }
  buildRoom(digits);
  let k = digits;
  while (v != 0) {
    k--;
    store<u8>(buildPtr + buildLen + k, <u8>(0x30 + <u32>(v % 10)));
    v /= 10;
  }
  buildLen += digits;
}

export function buildI64(v: i64): void {
  if (v < 0) {
    buildByte(0x2d);
    buildU64(<u64>(-v));
  } else buildU64(<u64>v);
}

export function buildFinish(): bool {
  sp = buildPtr;
  sl = buildLen;
  return true;
}

@inline export function setStr(p: usize, l: u32): bool {
  sp = p;
  sl = l;
  return true;
}

@inline export function setNum(v: u64): bool {
  nv = v;
  return true;
}

/** Static UTF-8 bytes of an ASCII string, made once at start (no per-event work). */
function staticAscii(s: string): usize {
  const p = heap.alloc(s.length > 0 ? <usize>s.length : 1);
  for (let i = 0; i < s.length; i++) store<u8>(p + i, <u8>s.charCodeAt(i));
  return p;
}

/** A table of static names: [pointer, length] per entry. */
class StaticNames {
  ptr: StaticArray<usize>;
  len: StaticArray<u32>;
  constructor(names: string[]) {
    this.ptr = new StaticArray<usize>(names.length);
    this.len = new StaticArray<u32>(names.length);
    for (let i = 0; i < names.length; i++) {
      this.ptr[i] = staticAscii(names[i]);
      this.len[i] = <u32>names[i].length;
    }
  }
  @inline set(i: i32): bool {
    return setStr(unchecked(this.ptr[i]), unchecked(this.len[i]));
  }
}

const DIR_NAMES = new StaticNames(['>', '<']);
const SUCCESS_NAME = new StaticNames(['SUCCESS']);
const L4_NAMES = new StaticNames(['', 'tcp', 'udp', 'icmp', 'raw']);
const FAMILY_NAMES = new StaticNames(['ip', 'unix']);

/** A string ref field (record address + field offset). */
@inline export function ref(r: usize): bool {
  if (!B.refPresent(r)) return false;
  sp = B.refPtr(r);
  sl = B.refLen(r);
  return true;
}

// ---- event type names (registered by the generated module at start) ----

const typeNamePtr = new StaticArray<usize>(256);
const typeNameLen = new StaticArray<u32>(256);

export function registerTypeName(id: u32, p: usize, l: u32): void {
  unchecked((typeNamePtr[id] = p));
  unchecked((typeNameLen[id] = l));
}

@inline export function evtType(ev: usize): bool {
  const t = <u32>B.evType(ev);
  return setStr(unchecked(typeNamePtr[t]), unchecked(typeNameLen[t]));
}

// ---- inline tests the compiler uses for the most common checks ----

/** Is the event's type id in the set given as two 64-bit masks (ids 0..127)? */
@inline export function typeIn(ev: usize, lo: u64, hi: u64): bool {
  const t = <u64>B.evType(ev);
  return t < 64 ? ((lo >> t) & 1) != 0 : t < 128 ? ((hi >> (t - 64)) & 1) != 0 : false;
}

/** Has the event an fd whose type (enum value) is in the mask? */
@inline export function fdTypeIn(ev: usize, mask: u32): bool {
  return B.evHas(ev, A.EVT_HAS_FD) && ((mask >> <u32>B.evFdType(ev)) & 1) != 0;
}

// ---- event record fields ----

export function evtDir(ev: usize): bool {
  return DIR_NAMES.set(B.evHas(ev, A.EVT_DIR_ENTER) ? 0 : 1);
}

export function evtNum(ev: usize): bool {
  return setNum(B.evNum(ev));
}

export function evtTs(ev: usize): bool {
  return setNum(B.evTs(ev));
}

export function evtCpu(ev: usize): bool {
  return setNum(<u64>load<u16>(ev, A.EVENT_CPU));
}

export function evtRawres(ev: usize): bool {
  if (!B.evHas(ev, A.EVT_HAS_RES)) return false;
  return setNum(<u64>B.evRes(ev));
}

export function evtFailed(ev: usize): bool {
  if (!B.evHas(ev, A.EVT_HAS_RES)) return false;
  return setNum(B.evRes(ev) < 0 ? 1 : 0);
}

/** evt.res: SUCCESS, or the errno name of a negative return value. */
export function evtRes(ev: usize): bool {
  if (!B.evHas(ev, A.EVT_HAS_RES)) return false;
  const r = B.evRes(ev);
  if (r >= 0) return SUCCESS_NAME.set(0);
  buildBegin(16);
  appendErrno(r);
  return buildFinish();
}

export function appendErrno(r: i64): void {
  const e = -r;
  if (e > 0 && e < <i64>ERRNO_NAMES.length && ERRNO_NAMES[<i32>e].length > 0) buildAscii(ERRNO_NAMES[<i32>e]);
  else buildI64(r);
}

export function evtTid(ev: usize): bool {
  return setNum(<u64>(<i64>B.evTid(ev)));
}

export function evtPid(ev: usize): bool {
  return setNum(<u64>(<i64>B.evPid(ev)));
}

/** Numeric parameter slot k. */
@inline export function argNum(ev: usize, k: u32): bool {
  if (!B.evArgPresent(ev, k)) return false;
  return setNum(B.evArgNum(ev, k));
}

/** Numeric parameter slot k as decimal text; signed: as i64. */
export function argDec(ev: usize, k: u32, signed: bool): bool {
  if (!B.evArgPresent(ev, k)) return false;
  buildBegin(24);
  const v = B.evArgNum(ev, k);
  if (signed) buildI64(<i64>v);
  else buildU64(v);
  return buildFinish();
}

/** String parameter slot k. */
@inline export function argStr(ev: usize, k: u32): bool {
  return ref(B.evArgStr(ev, k));
}

/** The return value as decimal (signed). */
export function resDec(ev: usize): bool {
  if (!B.evHas(ev, A.EVT_HAS_RES)) return false;
  buildBegin(24);
  buildI64(B.evRes(ev));
  return buildFinish();
}

/** The return value as libs renders an ERRNO parameter: the errno name when negative. */
export function resErrno(ev: usize): bool {
  if (!B.evHas(ev, A.EVT_HAS_RES)) return false;
  const r = B.evRes(ev);
  buildBegin(24);
  if (r < 0) appendErrno(r);
  else buildI64(r);
  return buildFinish();
}

export function resNum(ev: usize): bool {
  if (!B.evHas(ev, A.EVT_HAS_RES)) return false;
  return setNum(<u64>B.evRes(ev));
}

// ---- flag rendering (libs' flag tables; values are libs' PPM encodings) ----

export const TBL_FILE_FLAGS: u32 = 0;
export const TBL_MODE: u32 = 1;
export const TBL_PTRACE: u32 = 2;
export const TBL_AF: u32 = 3;
export const TBL_BPF_CMD: u32 = 4;
export const TBL_CLONE: u32 = 5;
export const TBL_UNLINKAT: u32 = 6;
export const TBL_LINKAT: u32 = 7;
export const TBL_RENAMEAT2: u32 = 8;
export const TBL_EXECVE: u32 = 9;
export const TBL_MEMFD: u32 = 10;
export const TBL_MOUNT: u32 = 11;
export const TBL_UMOUNT: u32 = 12;

const FILE_FLAG_NAMES: string[] = ['O_LARGEFILE', 'O_DIRECTORY', 'O_DIRECT', 'O_TRUNC', 'O_SYNC', 'O_NONBLOCK', 'O_EXCL', 'O_DSYNC', 'O_APPEND', 'O_CREAT', 'O_RDWR', 'O_WRONLY', 'O_RDONLY', 'O_CLOEXEC', 'O_NONE', 'O_TMPFILE', 'O_F_CREATED'];
const FILE_FLAG_VALUES: u64[] = [1 << 11, 1 << 10, 1 << 9, 1 << 8, 1 << 7, 1 << 6, 1 << 5, 1 << 4, 1 << 3, 1 << 2, 3, 2, 1, 1 << 12, 0, 1 << 13, 1 << 14];
const MODE_NAMES: string[] = ['S_IXOTH', 'S_IWOTH', 'S_IROTH', 'S_IXGRP', 'S_IWGRP', 'S_IRGRP', 'S_IXUSR', 'S_IWUSR', 'S_IRUSR', 'S_ISVTX', 'S_ISGID', 'S_ISUID'];
const MODE_VALUES: u64[] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048];
const PTRACE_NAMES: string[] = ['PTRACE_UNKNOWN', 'PTRACE_TRACEME', 'PTRACE_PEEKTEXT', 'PTRACE_PEEKDATA', 'PTRACE_PEEKUSR', 'PTRACE_POKETEXT', 'PTRACE_POKEDATA', 'PTRACE_POKEUSR', 'PTRACE_CONT', 'PTRACE_KILL', 'PTRACE_SINGLESTEP', 'PTRACE_ATTACH', 'PTRACE_DETACH', 'PTRACE_SYSCALL', 'PTRACE_SETOPTIONS', 'PTRACE_GETEVENTMSG', 'PTRACE_GETSIGINFO', 'PTRACE_SETSIGINFO', 'PTRACE_GETREGSET', 'PTRACE_SETREGSET', 'PTRACE_SEIZE', 'PTRACE_INTERRUPT', 'PTRACE_LISTEN', 'PTRACE_PEEKSIGINFO', 'PTRACE_GETSIGMASK', 'PTRACE_SETSIGMASK', 'PTRACE_GETREGS', 'PTRACE_SETREGS', 'PTRACE_GETFPREGS', 'PTRACE_SETFPREGS', 'PTRACE_GETFPXREGS', 'PTRACE_SETFPXREGS', 'PTRACE_OLDSETOPTIONS', 'PTRACE_GET_THREAD_AREA', 'PTRACE_SET_THREAD_AREA', 'PTRACE_ARCH_PRCTL', 'PTRACE_SYSEMU', 'PTRACE_SYSEMU_SINGLESTEP', 'PTRACE_SINGLEBLOCK'];
// socket families by value (libs' PPM_AF_* equal Linux AF_*); AF_UNIX is listed after AF_LOCAL in libs, AF_UNSPEC last
const AF_NAMES: string[] = ['AF_UNSPEC', 'AF_LOCAL', 'AF_INET', 'AF_AX25', 'AF_IPX', 'AF_APPLETALK', 'AF_NETROM', 'AF_BRIDGE', 'AF_ATMPVC', 'AF_X25', 'AF_INET6', 'AF_ROSE', 'AF_DECnet', 'AF_NETBEUI', 'AF_SECURITY', 'AF_KEY', 'AF_NETLINK', 'AF_PACKET', 'AF_ASH', 'AF_ECONET', 'AF_ATMSVC', 'AF_RDS', 'AF_SNA', 'AF_IRDA', 'AF_PPPOX', 'AF_WANPIPE', 'AF_LLC', '', '', 'AF_CAN', 'AF_TIPC', 'AF_BLUETOOTH', 'AF_IUCV', 'AF_RXRPC', 'AF_ISDN', 'AF_PHONET', 'AF_IEEE802154', 'AF_CAIF', 'AF_ALG', 'AF_NFC'];
const BPF_CMD_NAMES: string[] = ['BPF_MAP_CREATE', 'BPF_MAP_LOOKUP_ELEM', 'BPF_MAP_UPDATE_ELEM', 'BPF_MAP_DELETE_ELEM', 'BPF_MAP_GET_NEXT_KEY', 'BPF_PROG_LOAD', 'BPF_OBJ_PIN', 'BPF_OBJ_GET', 'BPF_PROG_ATTACH', 'BPF_PROG_DETACH', 'BPF_PROG_TEST_RUN', 'BPF_PROG_GET_NEXT_ID', 'BPF_MAP_GET_NEXT_ID', 'BPF_PROG_GET_FD_BY_ID', 'BPF_MAP_GET_FD_BY_ID', 'BPF_OBJ_GET_INFO_BY_FD', 'BPF_PROG_QUERY', 'BPF_RAW_TRACEPOINT_OPEN', 'BPF_BTF_LOAD', 'BPF_BTF_GET_FD_BY_ID', 'BPF_TASK_FD_QUERY', 'BPF_MAP_LOOKUP_AND_DELETE_ELEM', 'BPF_MAP_FREEZE', 'BPF_BTF_GET_NEXT_ID', 'BPF_MAP_LOOKUP_BATCH', 'BPF_MAP_LOOKUP_AND_DELETE_BATCH', 'BPF_MAP_UPDATE_BATCH', 'BPF_MAP_DELETE_BATCH', 'BPF_LINK_CREATE', 'BPF_LINK_UPDATE', 'BPF_LINK_GET_FD_BY_ID', 'BPF_LINK_GET_NEXT_ID', 'BPF_ENABLE_STATS', 'BPF_ITER_CREATE', 'BPF_LINK_DETACH', 'BPF_PROG_BIND_MAP'];
const CLONE_NAMES: string[] = ['CLONE_FILES', 'CLONE_FS', 'CLONE_IO', 'CLONE_NEWIPC', 'CLONE_NEWNET', 'CLONE_NEWNS', 'CLONE_NEWPID', 'CLONE_NEWUTS', 'CLONE_PARENT', 'CLONE_PARENT_SETTID', 'CLONE_PTRACE', 'CLONE_SIGHAND', 'CLONE_SYSVSEM', 'CLONE_THREAD', 'CLONE_UNTRACED', 'CLONE_VM', 'CLONE_INVERTED', 'NAME_CHANGED', 'CLOSED', 'CLONE_NEWUSER', 'CLONE_CHILD_CLEARTID', 'CLONE_CHILD_SETTID', 'CLONE_SETTLS', 'CLONE_STOPPED', 'CLONE_VFORK', 'CLONE_NEWCGROUP'];
const CLONE_VALUES: u64[] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 1 << 16, 1 << 17, 1 << 18, 1 << 20, 1 << 23, 1 << 24, 1 << 25, 1 << 26, 1 << 27, 1 << 28];
const UNLINKAT_NAMES: string[] = ['AT_REMOVEDIR'];
const UNLINKAT_VALUES: u64[] = [0x200];
const LINKAT_NAMES: string[] = ['AT_SYMLINK_FOLLOW', 'AT_EMPTY_PATH'];
const LINKAT_VALUES: u64[] = [0x400, 0x1000];
const RENAMEAT2_NAMES: string[] = ['RENAME_NOREPLACE', 'RENAME_EXCHANGE', 'RENAME_WHITEOUT'];
const RENAMEAT2_VALUES: u64[] = [1, 2, 4];
const EXECVE_NAMES: string[] = ['EXE_WRITABLE', 'EXE_UPPER_LAYER', 'EXE_FROM_MEMFD'];
const EXECVE_VALUES: u64[] = [1, 2, 8];
const MEMFD_NAMES: string[] = ['MFD_CLOEXEC', 'MFD_ALLOW_SEALING', 'MFD_HUGETLB'];
const MEMFD_VALUES: u64[] = [1, 2, 4];
// libs names mount flags without the MS_ prefix (values equal Linux's MS_*).
const MOUNT_NAMES: string[] = ['RDONLY', 'NOSUID', 'NODEV', 'NOEXEC', 'SYNCHRONOUS', 'REMOUNT', 'MANDLOCK', 'DIRSYNC', 'NOATIME', 'NODIRATIME', 'BIND', 'MOVE', 'REC', 'SILENT', 'POSIXACL', 'UNBINDABLE', 'PRIVATE', 'SLAVE', 'SHARED', 'RELATIME', 'KERNMOUNT', 'I_VERSION', 'STRICTATIME', 'LAZYTIME', 'NOSEC', 'BORN', 'ACTIVE', 'NOUSER'];
const MOUNT_VALUES: u64[] = [1, 2, 4, 8, 16, 32, 64, 128, 1024, 2048, 4096, 8192, 16384, 32768, 1 << 16, 1 << 17, 1 << 18, 1 << 19, 1 << 20, 1 << 21, 1 << 22, 1 << 23, 1 << 24, 1 << 25, 1 << 28, 1 << 29, 1 << 30, 1 << 31];
const UMOUNT_NAMES: string[] = ['FORCE', 'DETACH', 'EXPIRE', 'NOFOLLOW'];
const UMOUNT_VALUES: u64[] = [1, 2, 4, 8];

/**
 * libs' flag rendering: walk the table in order, appending each name whose bits are all set
 * (clearing them), until an entry equals the whole value exactly, which then wins alone.
 * Returns false when nothing resolved (libs then shows the number).
 */
function appendFlags(v: u64, names: string[], values: u64[]): bool {
  let exact = -1;
  for (let i = 0; i < names.length; i++) {
    if (unchecked(values[i]) == v) {
      exact = i;
      break;
    }
  }
  if (exact >= 0) {
    buildAscii(unchecked(names[exact]));
    return true;
  }
  let rest = v;
  let any = false;
  for (let i = 0; i < names.length; i++) {
    const f = unchecked(values[i]);
    if (f != 0 && rest != 0 && (rest & f) == f) {
      if (any) buildByte(0x7c);
      buildAscii(unchecked(names[i]));
      any = true;
      rest &= ~f;
    }
  }
  return any;
}

function appendEnum(v: u64, names: string[], offset: u64): bool {
  if (v < offset) return false;
  const i = v - offset;
  if (i >= <u64>names.length) return false;
  const s = unchecked(names[<i32>i]);
  if (s.length == 0) return false;
  buildAscii(s);
  return true;
}

// The last rendered flags value of the current event (rules test evt.arg.flags many times).
let flagsEv: usize = 0;
let flagsKey: u32 = 0;
let flagsP: usize = 0;
let flagsL: u32 = 0;

/** Renders numeric parameter slot k through a flag table; falls back to the number. */
export function argFlags(ev: usize, k: u32, table: u32): bool {
  if (!B.evArgPresent(ev, k)) return false;
  const key = (k << 16) | table;
  if (flagsEv == ev && flagsKey == key) return setStr(flagsP, flagsL);
  const v = B.evArgNum(ev, k);
  buildBegin(64);
  if (!appendTable(v, table)) buildU64(v);
  buildFinish();
  flagsEv = ev;
  flagsKey = key;
  flagsP = sp;
  flagsL = sl;
  return true;
}

function appendTable(v: u64, table: u32): bool {
  switch (table) {
    case TBL_FILE_FLAGS: return appendFlags(v, FILE_FLAG_NAMES, FILE_FLAG_VALUES);
    case TBL_MODE: return appendFlags(v, MODE_NAMES, MODE_VALUES);
    case TBL_PTRACE: return appendEnum(v, PTRACE_NAMES, 0);
    case TBL_AF: return appendEnum(v, AF_NAMES, 0);
    case TBL_BPF_CMD: return appendEnum(v, BPF_CMD_NAMES, 0);
    case TBL_CLONE: return appendFlags(v, CLONE_NAMES, CLONE_VALUES);
    case TBL_UNLINKAT: return appendFlags(v, UNLINKAT_NAMES, UNLINKAT_VALUES);
    case TBL_LINKAT: return appendFlags(v, LINKAT_NAMES, LINKAT_VALUES);
    case TBL_RENAMEAT2: return appendFlags(v, RENAMEAT2_NAMES, RENAMEAT2_VALUES);
    case TBL_EXECVE: return appendFlags(v, EXECVE_NAMES, EXECVE_VALUES);
    case TBL_MEMFD: return appendFlags(v, MEMFD_NAMES, MEMFD_VALUES);
    case TBL_MOUNT: return appendFlags(v, MOUNT_NAMES, MOUNT_VALUES);
    case TBL_UMOUNT: return appendFlags(v, UMOUNT_NAMES, UMOUNT_VALUES);
    default: return false;
  }
}

/** A UID/GID parameter: the resolved name in its name slot, else the number. */
export function argId(ev: usize, k: u32, nameSlot: u32): bool {
  if (ref(B.evArgStr(ev, nameSlot)) && sl > 0) return true;
  return argDec(ev, k, false);
}

// ---- open-family flags (evt.is_open_*) ----

/** Slot of the flags parameter of open/openat/openat2, or -1. */
function openFlagsSlot(t: u32): i32 {
  if (t == A.EVT_TYPE_OPEN) return 0;
  if (t == A.EVT_TYPE_OPENAT || t == A.EVT_TYPE_OPENAT2) return 1;
  return -1;
}

export function evtIsOpenRead(ev: usize): bool {
  const k = openFlagsSlot(B.evType(ev));
  if (k < 0 || !B.evArgPresent(ev, k)) return setNum(0);
  return setNum((B.evArgNum(ev, k) & 1) != 0 ? 1 : 0);
}

export function evtIsOpenWrite(ev: usize): bool {
  const k = openFlagsSlot(B.evType(ev));
  if (k < 0 || !B.evArgPresent(ev, k)) return setNum(0);
  return setNum((B.evArgNum(ev, k) & 2) != 0 ? 1 : 0);
}

/** Created (O_CREAT or O_TMPFILE) with an execute bit in the (octal, Linux) mode. */
export function evtIsOpenExec(ev: usize): bool {
  const k = openFlagsSlot(B.evType(ev));
  if (k < 0 || !B.evArgPresent(ev, k) || !B.evArgPresent(ev, k + 1)) return setNum(0);
  const flags = B.evArgNum(ev, k);
  const mode = B.evArgNum(ev, k + 1);
  return setNum((flags & ((1 << 2) | (1 << 13))) != 0 && (mode & 0o111) != 0 ? 1 : 0);
}

// ---- process fields ----

/** The event's process record at ancestor level n (0 = itself), or 0. */
@inline export function procN(ev: usize, n: u32): usize {
  const p = B.evProc(ev);
  return p == 0 || n == 0 ? p : B.procAncestor(p, n);
}

@inline export function procStr(ev: usize, n: u32, offset: u32): bool {
  const p = procN(ev, n);
  if (p == 0) return false;
  return ref(p + offset);
}

@inline export function procI32(ev: usize, n: u32, offset: u32): bool {
  const p = procN(ev, n);
  if (p == 0) return false;
  return setNum(<u64>(<i64>load<i32>(p + offset)));
}

@inline export function procU32(ev: usize, n: u32, offset: u32): bool {
  const p = procN(ev, n);
  if (p == 0) return false;
  return setNum(<u64>load<u32>(p + offset));
}

export function procU64(ev: usize, n: u32, offset: u32): bool {
  const p = procN(ev, n);
  if (p == 0) return false;
  return setNum(load<u64>(p + offset));
}

export function procFlag(ev: usize, flag: u32): bool {
  const p = B.evProc(ev);
  if (p == 0) return false;
  return setNum((load<u32>(p, A.PROCESS_FLAGS) & flag) != 0 ? 1 : 0);
}

export function procSname(ev: usize): bool {
  const p = B.evProc(ev);
  if (p == 0) return false;
  const s = B.procSessionLeader(p);
  if (s == 0) return false;
  return ref(s + A.PROCESS_NAME);
}

export function procIsVpgidLeader(ev: usize): bool {
  const p = B.evProc(ev);
  if (p == 0) return false;
  return setNum(load<i32>(p, A.PROCESS_VPGID) == load<i32>(p, A.PROCESS_VPID) ? 1 : 0);
}

export function procIsSidLeader(ev: usize): bool {
  const p = B.evProc(ev);
  if (p == 0) return false;
  return setNum(load<i32>(p, A.PROCESS_SID) == load<i32>(p, A.PROCESS_VPID) ? 1 : 0);
}

export function procDuration(ev: usize): bool {
  const p = B.evProc(ev);
  if (p == 0) return false;
  const start = load<u64>(p, A.PROCESS_START_TS);
  if (start == 0) return false;
  return setNum(B.evTs(ev) - start);
}

export function procExeInoTime(ev: usize, offset: u32): bool {
  const p = B.evProc(ev);
  if (p == 0 || (load<u32>(p, A.PROCESS_FLAGS) & A.PROC_HAS_EXE_INO_TIMES) == 0) return false;
  return setNum(load<u64>(p + offset));
}

export function procExeInoCtimeDurationProcStart(ev: usize): bool {
  const p = B.evProc(ev);
  if (p == 0 || (load<u32>(p, A.PROCESS_FLAGS) & A.PROC_HAS_EXE_INO_TIMES) == 0) return false;
  return setNum(load<u64>(p, A.PROCESS_START_TS) - load<u64>(p, A.PROCESS_EXE_INO_CTIME));
}

export function procLoginuid(ev: usize): bool {
  const p = B.evProc(ev);
  if (p == 0) return false;
  return setNum(load<u64>(p, A.PROCESS_LOGINUID));
}

/** NUL-terminated entries (argv, env) joined by spaces. */
export function procJoined(ev: usize, offset: u32): bool {
  const p = B.evProc(ev);
  if (p == 0 || !ref(p + offset)) return false;
  let n = sl;
  while (n > 0 && load<u8>(sp + n - 1) == 0) n--;
  buildBegin(n);
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(sp + i);
    buildByte(c == 0 ? 0x20 : c);
  }
  return buildFinish();
}

/** The k-th NUL-terminated entry of a list field. */
export function procEntry(ev: usize, offset: u32, k: u32): bool {
  const p = B.evProc(ev);
  if (p == 0 || !ref(p + offset)) return false;
  let start: u32 = 0;
  let idx: u32 = 0;
  for (let i: u32 = 0; i < sl; i++) {
    if (load<u8>(sp + i) != 0) continue;
    if (idx == k) return setStr(sp + start, i - start);
    idx++;
    start = i + 1;
  }
  if (start < sl && idx == k) return setStr(sp + start, sl - start);
  return false;
}

/** proc.env[NAME]: the value of NAME=value. */
export function procEnvVar(ev: usize, name: usize, nlen: u32): bool {
  const p = B.evProc(ev);
  if (p == 0 || !ref(p + A.PROCESS_ENV)) return false;
  const base = sp;
  const total = sl;
  let start: u32 = 0;
  for (let i: u32 = 0; i <= total; i++) {
    if (i < total && load<u8>(base + i) != 0) continue;
    const len = i - start;
    if (len > nlen && load<u8>(base + start + nlen) == 0x3d && memory.compare(base + start, name, nlen) == 0) {
      return setStr(base + start + nlen + 1, len - nlen - 1);
    }
    start = i + 1;
  }
  return false;
}

const CAP_NAMES: string[] = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE'];

/** thread.cap_*: capability names separated by spaces. */
export function procCaps(ev: usize, offset: u32): bool {
  const p = B.evProc(ev);
  if (p == 0 || (load<u32>(p, A.PROCESS_FLAGS) & A.PROC_HAS_CAPS) == 0) return false;
  const caps = load<u64>(p + offset);
  buildBegin(256);
  let any = false;
  for (let i = 0; i < CAP_NAMES.length; i++) {
    if (((caps >> <u64>i) & 1) == 0) continue;
    if (any) buildByte(0x20);
    buildAscii(unchecked(CAP_NAMES[i]));
    any = true;
  }
  return buildFinish();
}

// ---- containers ----

@inline export function containerRec(ev: usize): usize {
  const p = B.evProc(ev);
  return p == 0 ? 0 : B.procContainer(p);
}

@inline export function containerStr(ev: usize, offset: u32): bool {
  const c = containerRec(ev);
  if (c == 0) return false;
  return ref(c + offset);
}

export function containerPrivileged(ev: usize): bool {
  const c = containerRec(ev);
  if (c == 0) return false;
  const f = load<u32>(c, A.CONTAINER_FLAGS);
  if ((f & A.CONTAINER_PRIVILEGED_KNOWN) == 0) return false;
  return setNum((f & A.CONTAINER_PRIVILEGED) != 0 ? 1 : 0);
}

export function containerStartTs(ev: usize): bool {
  const c = containerRec(ev);
  if (c == 0 || (load<u32>(c, A.CONTAINER_FLAGS) & A.CONTAINER_HAS_START_TS) == 0) return false;
  return setNum(load<u64>(c, A.CONTAINER_START_TS));
}

/** container.mounts: source:dest:mode:rw:propagation per mount, comma separated. */
export function containerMounts(ev: usize): bool {
  const c = containerRec(ev);
  if (c == 0) return false;
  const n = B.containerMountCount(c);
  buildBegin(128);
  for (let k: u32 = 0; k < n; k++) {
    const m = B.containerMount(c, k);
    if (k > 0) buildByte(0x2c);
    appendRef(m + A.MOUNT_SOURCE);
    buildByte(0x3a);
    appendRef(m + A.MOUNT_DEST);
    buildByte(0x3a);
    appendRef(m + A.MOUNT_MODE);
    buildByte(0x3a);
    buildAscii((load<u32>(m, A.MOUNT_FLAGS) & A.MOUNT_RW) != 0 ? 'true' : 'false');
    buildByte(0x3a);
    appendRef(m + A.MOUNT_PROPAGATION);
  }
  return buildFinish();
}

function appendRef(r: usize): void {
  if (B.refPresent(r)) buildBytes(B.refPtr(r), B.refLen(r));
}

/** container.mount.X[N]: the N-th mount's string (0-based, as libs). */
export function mountByIndex(ev: usize, k: u32, offset: u32): bool {
  const c = containerRec(ev);
  if (c == 0 || k >= B.containerMountCount(c)) return false;
  return ref(B.containerMount(c, k) + offset);
}

// ---- fd fields ----

@inline export function hasFd(ev: usize): bool {
  return B.evHas(ev, A.EVT_HAS_FD);
}

@inline export function fdNum(ev: usize): bool {
  if (!hasFd(ev) || !B.evHas(ev, A.EVT_FD_HAS_NUM)) return false;
  return setNum(<u64>B.evFdNum(ev));
}

@inline export function fdName(ev: usize): bool {
  if (!hasFd(ev)) return false;
  return ref(ev + A.EVENT_FD_NAME);
}

export function fdNameRaw(ev: usize): bool {
  if (!hasFd(ev)) return false;
  return ref(ev + A.EVENT_FD_NAME_RAW);
}

const FD_TYPE_NAMES: string[] = ['', 'file', 'directory', 'ipv4', 'ipv6', 'ipv4', 'ipv6', 'pipe', 'unix', 'event', 'signalfd', 'eventpoll', 'inotify', 'timerfd', 'netlink', 'bpf', 'userfaultfd', 'io_uring', 'memfd', 'pidfd', '', ''];
const FD_TYPE_CHARS: string = '?fd4646pueslitnburmPoX';
const FD_TYPE_NAME_TABLE = new StaticNames(FD_TYPE_NAMES);
const FD_TYPE_CHAR_BYTES: usize = staticAscii(FD_TYPE_CHARS);

export function fdTypeName(ev: usize): bool {
  if (!hasFd(ev)) return false;
  const t = <i32>B.evFdType(ev);
  if (t <= 0 || t >= FD_TYPE_NAMES.length || FD_TYPE_NAMES[t].length == 0) return false;
  return FD_TYPE_NAME_TABLE.set(t);
}

@inline export function fdTypeChar(ev: usize): bool {
  if (!hasFd(ev)) return false;
  const t = <i32>B.evFdType(ev);
  if (t <= 0 || t >= FD_TYPE_CHARS.length) return false;
  return setStr(FD_TYPE_CHAR_BYTES + <usize>t, 1);
}

@inline function isFileLike(t: u8): bool {
  return t == A.FD_TYPE_FILE || t == A.FD_TYPE_DIRECTORY;
}

// fd.directory of the current event, computed once (many rules test it)
let dirEv: usize = 0;
let dirP: usize = 0;
let dirL: u32 = 0;
let dirOk: bool = false;

/** fd.directory: the name up to its last '/', or the name itself for a directory. */
export function fdDirectory(ev: usize): bool {
  if (dirEv == ev) {
    if (!dirOk) return false;
    return setStr(dirP, dirL);
  }
  dirEv = ev;
  dirOk = fdDirectoryOf(ev);
  dirP = sp;
  dirL = sl;
  return dirOk;
}

function fdDirectoryOf(ev: usize): bool {
  if (!hasFd(ev) || !isFileLike(B.evFdType(ev)) || !fdName(ev)) return false;
  if (B.evFdType(ev) == A.FD_TYPE_DIRECTORY) return true;
  const i = lastSlash();
  // libs: no slash or only a leading one reads "/"; a trailing slash keeps the whole name
  if (i <= 0) return setStr(ROOT_DIR, 1);
  if (<u32>i < sl - 1) return setStr(sp, <u32>i);
  return true;
}

const ROOT_DIR: usize = memory.data<u8>([0x2f]);

@inline function lastSlash(): i32 {
  let i = <i32>sl - 1;
  while (i >= 0 && load<u8>(sp + i) != 0x2f) i--;
  return i;
}

/** fd.filename: the part after the last '/' of a file's name ("/" without a slash, the whole name after a trailing one). */
export function fdFilename(ev: usize): bool {
  if (!hasFd(ev) || B.evFdType(ev) != A.FD_TYPE_FILE || !fdName(ev)) return false;
  const i = lastSlash();
  if (i < 0) return setStr(ROOT_DIR, 1);
  if (<u32>i < sl - 1) return setStr(sp + <u32>(i + 1), sl - <u32>(i + 1));
  return true;
}

export function fdL4proto(ev: usize): bool {
  if (!hasFd(ev)) return false;
  const l = load<u8>(ev, A.EVENT_FD_L4PROTO);
  if (l == A.L4_NONE || l > A.L4_RAW) return false;
  return L4_NAMES.set(<i32>l);
}

export function fdSockfamily(ev: usize): bool {
  if (!hasFd(ev)) return false;
  const f = load<u8>(ev, A.EVENT_FD_FAMILY);
  if (f == A.SOCK_FAMILY_INET || f == A.SOCK_FAMILY_INET6) return FAMILY_NAMES.set(0);
  if (f == A.SOCK_FAMILY_UNIX) return FAMILY_NAMES.set(1);
  return false;
}

export function fdFlag(ev: usize, flag: u32): bool {
  if (!hasFd(ev)) return false;
  return setNum(B.evHas(ev, flag) ? 1 : 0);
}

@inline function isInet(ev: usize): bool {
  const f = load<u8>(ev, A.EVENT_FD_FAMILY);
  return f == A.SOCK_FAMILY_INET || f == A.SOCK_FAMILY_INET6;
}

/** Endpoint selectors: 0 client, 1 server, 2 local (by role), 3 remote (by role). */
export const EP_CLIENT: u32 = 0;
export const EP_SERVER: u32 = 1;
export const EP_LOCAL: u32 = 2;
export const EP_REMOTE: u32 = 3;

/** Resolves local/remote to client/server by the role bits; -1 when the role is unknown. */
function endpointSide(ev: usize, which: u32): i32 {
  if (which < 2) return <i32>which;
  let client: bool;
  if (B.evHas(ev, A.EVT_FD_ROLE_CLIENT)) client = true;
  else if (B.evHas(ev, A.EVT_FD_ROLE_SERVER)) client = false;
  else return -1;
  // local on a client socket is the client side
  return which == EP_LOCAL ? (client ? 0 : 1) : client ? 1 : 0;
}

export function fdIp(ev: usize, which: u32): bool {
  if (!hasFd(ev) || !isInet(ev)) return false;
  const side = endpointSide(ev, which);
  if (side < 0) return false;
  if (side == 0 && !B.evHas(ev, A.EVT_FD_HAS_CLIENT)) return false;
  if (side == 1 && !B.evHas(ev, A.EVT_FD_HAS_SERVER)) return false;
  ipp = ev + (side == 0 ? A.EVENT_FD_CLIENT_IP : A.EVENT_FD_SERVER_IP);
  ip6 = load<u8>(ev, A.EVENT_FD_FAMILY) == A.SOCK_FAMILY_INET6;
  return true;
}

export function fdPort(ev: usize, which: u32): bool {
  if (!hasFd(ev) || !isInet(ev)) return false;
  const side = endpointSide(ev, which);
  if (side < 0) return false;
  if (side == 0 && !B.evHas(ev, A.EVT_FD_HAS_CLIENT)) return false;
  if (side == 1 && !B.evHas(ev, A.EVT_FD_HAS_SERVER)) return false;
  return setNum(<u64>load<u16>(ev + (side == 0 ? A.EVENT_FD_CLIENT_PORT : A.EVENT_FD_SERVER_PORT)));
}

/** The fd's type char followed by its name, as libs resolves an fd parameter (`<f>/etc/passwd`). */
export function fdParam(ev: usize, k: u32): bool {
  if (hasFd(ev) && B.evHas(ev, A.EVT_FD_HAS_NUM) && B.evArgPresent(ev, k) && <i64>B.evArgNum(ev, k) == B.evFdNum(ev) && fdName(ev)) {
    const np = sp;
    const nl = sl;
    const t = <i32>B.evFdType(ev);
    if (t > 0 && t < FD_TYPE_CHARS.length) {
      buildBegin(nl + 3);
      buildByte(0x3c);
      buildByte(FD_TYPE_CHARS.charCodeAt(t));
      buildByte(0x3e);
      buildBytes(np, nl);
      return buildFinish();
    }
  }
  return argDec(ev, k, true);
}

// ---- transformers (into scratch) ----

export function toLower(): bool {
  const p = sp;
  const n = sl;
  buildBegin(n);
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    buildByte(c - 0x41 < 26 ? c | 0x20 : c);
  }
  return buildFinish();
}

export function toUpper(): bool {
  const p = sp;
  const n = sl;
  buildBegin(n);
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    buildByte(c - 0x61 < 26 ? c & 0xdf : c);
  }
  return buildFinish();
}

/** basename: the part after the last '/' ("" for a path ending in '/'). */
export function baseName(): bool {
  let i = <i32>sl - 1;
  while (i >= 0 && load<u8>(sp + i) != 0x2f) i--;
  if (i < 0) return true;
  return setStr(sp + <u32>(i + 1), sl - <u32>(i + 1));
}

function b64Val(c: u32): i32 {
  if (c >= 0x41 && c <= 0x5a) return <i32>(c - 0x41);
  if (c >= 0x61 && c <= 0x7a) return <i32>(c - 0x61 + 26);
  if (c >= 0x30 && c <= 0x39) return <i32>(c - 0x30 + 52);
  if (c == 0x2b) return 62;
  if (c == 0x2f) return 63;
  return -1;
}

/** b64: base64-decodes the value; an invalid encoding leaves the value unchanged, as libs. */
export function b64Decode(): bool {
  const p = sp;
  const n = sl;
  buildBegin(n);
  let acc: u32 = 0;
  let bits: u32 = 0;
  let i: u32 = 0;
  for (; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (c == 0x3d) break;
    const v = b64Val(c);
    if (v < 0) return setStr(p, n);
    acc = (acc << 6) | <u32>v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      buildByte((acc >> bits) & 0xff);
    }
  }
  for (; i < n; i++) if (load<u8>(p + i) != 0x3d) return setStr(p, n);
  return buildFinish();
}

// ---- errno names (Linux x86_64 numbering) ----

const ERRNO_NAMES: string[] = ['', 'EPERM', 'ENOENT', 'ESRCH', 'EINTR', 'EIO', 'ENXIO', 'E2BIG', 'ENOEXEC', 'EBADF', 'ECHILD', 'EAGAIN', 'ENOMEM', 'EACCES', 'EFAULT', 'ENOTBLK', 'EBUSY', 'EEXIST', 'EXDEV', 'ENODEV', 'ENOTDIR', 'EISDIR', 'EINVAL', 'ENFILE', 'EMFILE', 'ENOTTY', 'ETXTBSY', 'EFBIG', 'ENOSPC', 'ESPIPE', 'EROFS', 'EMLINK', 'EPIPE', 'EDOM', 'ERANGE', 'EDEADLK', 'ENAMETOOLONG', 'ENOLCK', 'ENOSYS', 'ENOTEMPTY', 'ELOOP', '', 'ENOMSG', 'EIDRM', 'ECHRNG', 'EL2NSYNC', 'EL3HLT', 'EL3RST', 'ELNRNG', 'EUNATCH', 'ENOCSI', 'EL2HLT', 'EBADE', 'EBADR', 'EXFULL', 'ENOANO', 'EBADRQC', 'EBADSLT', '', 'EBFONT', 'ENOSTR', 'ENODATA', 'ETIME', 'ENOSR', 'ENONET', 'ENOPKG', 'EREMOTE', 'ENOLINK', 'EADV', 'ESRMNT', 'ECOMM', 'EPROTO', 'EMULTIHOP', 'EDOTDOT', 'EBADMSG', 'EOVERFLOW', 'ENOTUNIQ', 'EBADFD', 'EREMCHG', 'ELIBACC', 'ELIBBAD', 'ELIBSCN', 'ELIBMAX', 'ELIBEXEC', 'EILSEQ', 'ERESTART', 'ESTRPIPE', 'EUSERS', 'ENOTSOCK', 'EDESTADDRREQ', 'EMSGSIZE', 'EPROTOTYPE', 'ENOPROTOOPT', 'EPROTONOSUPPORT', 'ESOCKTNOSUPPORT', 'EOPNOTSUPP', 'EPFNOSUPPORT', 'EAFNOSUPPORT', 'EADDRINUSE', 'EADDRNOTAVAIL', 'ENETDOWN', 'ENETUNREACH', 'ENETRESET', 'ECONNABORTED', 'ECONNRESET', 'ENOBUFS', 'EISCONN', 'ENOTCONN', 'ESHUTDOWN', 'ETOOMANYREFS', 'ETIMEDOUT', 'ECONNREFUSED', 'EHOSTDOWN', 'EHOSTUNREACH', 'EALREADY', 'EINPROGRESS', 'ESTALE', 'EUCLEAN', 'ENOTNAM', 'ENAVAIL', 'EISNAM', 'EREMOTEIO', 'EDQUOT', 'ENOMEDIUM', 'EMEDIUMTYPE', 'ECANCELED', 'ENOKEY', 'EKEYEXPIRED', 'EKEYREVOKED', 'EKEYREJECTED', 'EOWNERDEAD', 'ENOTRECOVERABLE', 'ERFKILL', 'EHWPOISON'];

// ---- output area: 16 bytes per output field (u32 tag, u32 length / IPv6 flag, u64 value or address) ----

export const OUT_MISSING: u32 = 0;
export const OUT_STR: u32 = 1;
export const OUT_NUM: u32 = 2;
export const OUT_IP: u32 = 3;

let outCap: u32 = 64;
let outBase: usize = heap.alloc(<usize>outCap << 4);

export function outArea(n: u32): usize {
  if (n > outCap) {
    outCap = n;
    outBase = heap.alloc(<usize>n << 4);
  }
  return outBase;
}

export function outMissing(k: u32): void {
  store<u32>(outBase + (<usize>k << 4), OUT_MISSING);
}

export function outStr(k: u32): void {
  const p = outBase + (<usize>k << 4);
  store<u32>(p, OUT_STR);
  store<u32>(p, sl, 4);
  store<u64>(p, <u64>sp, 8);
}

export function outNum(k: u32): void {
  const p = outBase + (<usize>k << 4);
  store<u32>(p, OUT_NUM);
  store<u64>(p, nv, 8);
}

export function outIp(k: u32): void {
  const p = outBase + (<usize>k << 4);
  store<u32>(p, OUT_IP);
  store<u32>(p, ip6 ? 1 : 0, 4);
  store<u64>(p, <u64>ipp, 8);
}
