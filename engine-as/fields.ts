// Field readers for generated rule code: each reader takes an event record address and either
// returns false (libs: the field cannot be extracted, so every comparison on it is false) or
// returns true and leaves the value in the globals below: a byte string in (sp, sl), a number in nv
// (u64 bits; signed fields two's complement), an IP address at ipp (16 bytes, ip6 says the family).
// Rendered values (flag names, errno names, joined lists) are written to a per-event scratch area
// that the generated code resets once per event, so earlier values stay valid while a rule runs.
import * as A from './abi_generated';
import * as B from './batch';
import * as D from './dns';

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
// libs' execve_flags (PPM_EXE_*), in its table order.
const EXECVE_NAMES: string[] = ['EXE_WRITABLE', 'EXE_UPPER_LAYER', 'EXE_FROM_MEMFD', 'EXE_LOWER_LAYER'];
const EXECVE_VALUES: u64[] = [1, 2, 4, 8];
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
    case TBL_AF:
      // libs lists every name of the value: AF_LOCAL and AF_UNIX are both 1
      if (v == 1) {
        buildAscii('AF_LOCAL|AF_UNIX');
        return true;
      }
      return appendEnum(v, AF_NAMES, 0);
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

// ---- fd.cip.name / fd.sip.name / fd.lip.name / fd.rip.name (libs sinsp_filtercheck_fd) ----

const ZERO_ADDR: usize = memory.data(16, 8);

/**
 * The address a DNS-name field looks up, by libs' rules: an IP socket with a role (client and
 * local/remote names only on a connected socket, the server name also on a listening one); an
 * endpoint the record lacks is the zero address, as in libs' zeroed tuple. Sets ipp/ip6.
 */
function nameAddress(ev: usize, which: u32): bool {
  if (!hasFd(ev)) return false;
  const t = B.evFdType(ev);
  const listening = t == A.FD_TYPE_IPV4_SERVER || t == A.FD_TYPE_IPV6_SERVER;
  if (t != A.FD_TYPE_IPV4 && t != A.FD_TYPE_IPV6 && !(listening && which == EP_SERVER)) return false;
  if (!B.evHas(ev, A.EVT_FD_ROLE_CLIENT) && !B.evHas(ev, A.EVT_FD_ROLE_SERVER)) return false;
  const side = endpointSide(ev, which);
  const has = B.evHas(ev, side == 0 ? A.EVT_FD_HAS_CLIENT : A.EVT_FD_HAS_SERVER);
  ipp = has ? ev + (side == 0 ? A.EVENT_FD_CLIENT_IP : A.EVENT_FD_SERVER_IP) : ZERO_ADDR;
  ip6 = t == A.FD_TYPE_IPV6 || t == A.FD_TYPE_IPV6_SERVER;
  return true;
}

/** fd.*ip.name: the smallest cached name that resolves to the endpoint's address; missing when none. */
export function fdIpName(ev: usize, which: u32): bool {
  if (!nameAddress(ev, which)) return false;
  const k = D.first(ipp, ip6);
  if (k >= D.end) return false;
  return setStr(D.namePtr(k), D.nameLen(k));
}

/**
 * Whether libs' compare_domain fallback applies when fd.*ip.name is missing: a connected (not
 * listening) IP socket with a role. Every name a rule compares with is in the table, so when the
 * name is missing no compared name resolves to the address: `=`/`in` are false and `!=` is this.
 */
export function fdIpNameFallback(ev: usize, which: u32): bool {
  if (!hasFd(ev)) return false;
  const t = B.evFdType(ev);
  if (t != A.FD_TYPE_IPV4 && t != A.FD_TYPE_IPV6) return false;
  return B.evHas(ev, A.EVT_FD_ROLE_CLIENT) || B.evHas(ev, A.EVT_FD_ROLE_SERVER);
}

/**
 * evt.arg of an fd parameter: libs' resolved text when there is one (`<f>/etc/passwd`, `<4t>` and
 * the tuple for a TCP socket, `AT_FDCWD`, the errno name of a negative value), else the number.
 */
export function fdParam(ev: usize, k: u32): bool {
  if (!B.evArgPresent(ev, k)) return false;
  return fdText(ev, <i64>B.evArgNum(ev, k));
}

/** evt.arg of a return value that is an fd (open's and socket's `fd`). */
export function fdResParam(ev: usize): bool {
  if (!B.evHas(ev, A.EVT_HAS_RES)) return false;
  return fdText(ev, B.evRes(ev));
}

function fdText(ev: usize, v: i64): bool {
  buildBegin(32);
  if (!appendFdResolved(ev, v)) buildI64(v);
  return buildFinish();
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

// ---- evt.args: every parameter of the event as libs writes it (host/engine/compiler/evt-args.ts
// generates, per event type, the sequence of calls below; each appends to the string being built) ----

/** Separator and `name=` before a parameter's text. */
export function argsName(name: string, first: bool): void {
  if (!first) buildByte(0x20);
  buildAscii(name);
  buildByte(0x3d);
}

/** libs' text for a parameter the event does not carry. */
export function argsNA(): void {
  buildAscii('<NA>');
}

/** libs' text for an absent byte buffer or socket tuple. */
export function argsNull(): void {
  buildAscii('NULL');
}

function argsOpen(): void {
  buildByte(0x28);
}

function argsClose(): void {
  buildByte(0x29);
}

/** `(ENAME)` for a negative value with an errno name; nothing otherwise. */
function argsErrnoName(v: i64): void {
  const e = -v;
  if (v < 0 && e < <i64>ERRNO_NAMES.length && ERRNO_NAMES[<i32>e].length > 0) {
    argsOpen();
    buildAscii(ERRNO_NAMES[<i32>e]);
    argsClose();
  }
}

/** PT_ERRNO: the number, and the errno name when negative. */
export function argsErrnoRes(ev: usize): void {
  if (!B.evHas(ev, A.EVT_HAS_RES)) return argsNA();
  const r = B.evRes(ev);
  buildI64(r);
  argsErrnoName(r);
}

export function argsErrnoArg(ev: usize, k: u32): void {
  if (!B.evArgPresent(ev, k)) return argsNA();
  const v = <i64>B.evArgNum(ev, k);
  buildI64(v);
  argsErrnoName(v);
}

const L4_CHARS: string = '\0tuir';

/** After an IP socket's type char libs adds its protocol: t, u, i or r (`<4t>`). */
function appendL4Char(ev: usize, t: i32): void {
  const l4 = <i32>load<u8>(ev, A.EVENT_FD_L4PROTO);
  if (t >= <i32>A.FD_TYPE_IPV4 && t <= <i32>A.FD_TYPE_IPV6_SERVER && l4 > 0 && l4 < L4_CHARS.length) buildByte(L4_CHARS.charCodeAt(l4));
}

/**
 * PT_FD: the number, then what libs' fd table says about it: `(<f>/etc/passwd)` (type char, the
 * l4 protocol char for IP sockets, the name), `(AT_FDCWD)`, or the errno name of a negative value.
 * The batch describes one fd per event, so only that fd resolves; without a thread nothing does.
 */
function argsFdValue(ev: usize, v: i64, resolve: bool): void {
  buildI64(v);
  if (!resolve) return;
  argsOpen();
  if (appendFdResolved(ev, v)) argsClose();
  else buildLen--;
}

/** Appends what libs' fd table says about fd v; false (nothing appended) when it says nothing. */
function appendFdResolved(ev: usize, v: i64): bool {
  if (B.evProc(ev) == 0) return false;
  if (v >= 0) {
    if (!hasFd(ev) || !B.evHas(ev, A.EVT_FD_HAS_NUM) || B.evFdNum(ev) != v || !fdName(ev)) return false;
    const t = <i32>B.evFdType(ev);
    if (t <= 0 || t >= FD_TYPE_CHARS.length) return false;
    const np = sp;
    const nl = sl;
    buildByte(0x3c);
    buildByte(FD_TYPE_CHARS.charCodeAt(t));
    appendL4Char(ev, t);
    buildByte(0x3e);
    buildBytes(np, nl);
    return true;
  }
  if (v == -100) {
    buildAscii('AT_FDCWD');
    return true;
  }
  const e = -<i64>(<i32>v);
  if (e > 0 && e < <i64>ERRNO_NAMES.length && ERRNO_NAMES[<i32>e].length > 0) {
    buildAscii(ERRNO_NAMES[<i32>e]);
    return true;
  }
  return false;
}

export function argsFdRes(ev: usize, resolve: bool): void {
  if (!B.evHas(ev, A.EVT_HAS_RES)) return argsNA();
  argsFdValue(ev, B.evRes(ev), resolve);
}

export function argsFdArg(ev: usize, k: u32, resolve: bool): void {
  if (!B.evArgPresent(ev, k)) return argsNA();
  argsFdValue(ev, <i64>B.evArgNum(ev, k), resolve);
}

/** PT_PID: the number, and the command name of the thread with that id when the batch has it. */
function argsPidValue(ev: usize, v: i64): void {
  buildI64(v);
  argsOpen();
  if (appendPidName(ev, v)) argsClose();
  else buildLen--;
}

/** Appends the command name of thread v if the event's process chain has it. */
function appendPidName(ev: usize, v: i64): bool {
  if (v <= 0) return false;
  let p = B.evProc(ev);
  if (p == 0) return false;
  if (<i64>B.evTid(ev) != v) {
    while (p != 0 && <i64>load<i32>(p, A.PROCESS_PID) != v && <i64>load<i32>(p, A.PROCESS_TID) != v) p = B.procParent(p);
    if (p == 0) return false;
  }
  if (!ref(p + A.PROCESS_NAME)) return false;
  buildBytes(sp, sl);
  return true;
}

/** evt.arg of a return value that is a pid (clone's, setsid's): the command name when known, else the number. */
export function pidResParam(ev: usize): bool {
  if (!B.evHas(ev, A.EVT_HAS_RES)) return false;
  const v = B.evRes(ev);
  buildBegin(24);
  if (!appendPidName(ev, v)) buildI64(v);
  return buildFinish();
}

export function argsPidRes(ev: usize): void {
  if (!B.evHas(ev, A.EVT_HAS_RES)) return argsNA();
  argsPidValue(ev, B.evRes(ev));
}

export function argsPidArg(ev: usize, k: u32): void {
  if (!B.evArgPresent(ev, k)) return argsNA();
  argsPidValue(ev, <i64>B.evArgNum(ev, k));
}

export function argsTid(ev: usize): void {
  argsPidValue(ev, <i64>B.evTid(ev));
}

/** A PID field of the event's process record (pid, ppid, vpgid). */
export function argsProcPid(ev: usize, offset: u32): void {
  const p = B.evProc(ev);
  if (p == 0) return argsNA();
  argsPidValue(ev, <i64>load<i32>(p + offset));
}

// numeric parameter kinds (libs PT_*) and print formats (PF_DEC, PF_OCT, PF_HEX)
export const NK_I8: u32 = 0;
export const NK_I16: u32 = 1;
export const NK_I32: u32 = 2;
export const NK_I64: u32 = 3;
export const NK_U8: u32 = 4;
export const NK_U16: u32 = 5;
export const NK_U32: u32 = 6;
export const NK_U64: u32 = 7;
export const PF_DEC: u32 = 0;
export const PF_OCT: u32 = 1;
export const PF_HEX: u32 = 2;

function buildRadix(v: u64, radix: u64): void {
  let digits: u32 = 1;
  let t = v / radix;
  while (t != 0) {
    digits++;
    t /= radix;
  }
  buildRoom(digits);
  let k = digits;
  do {
    k--;
    const d = <u32>(v % radix);
    store<u8>(buildPtr + buildLen + k, <u8>(d < 10 ? 0x30 + d : 0x41 + d - 10));
    v /= radix;
  } while (v != 0);
  buildLen += digits;
}

/** A number as printf prints libs' formats: %d/%u, %#o (0 prefix unless zero), %X. */
function argsNumValue(raw: u64, kind: u32, fmt: u32): void {
  let v = raw;
  let signed = false;
  switch (kind) {
    case NK_I8: v = <u64>(<i64>(<i8>raw)); signed = true; break;
    case NK_I16: v = <u64>(<i64>(<i16>raw)); signed = true; break;
    case NK_I32: v = <u64>(<i64>(<i32>raw)); signed = true; break;
    case NK_I64: signed = true; break;
    case NK_U8: v = raw & 0xff; break;
    case NK_U16: v = raw & 0xffff; break;
    case NK_U32: v = raw & 0xffffffff; break;
    default: signed = true; // libs prints PT_UINT64 through int64_t for %d
  }
  if (fmt == PF_OCT) {
    const o = kind <= NK_I32 ? v & 0xffffffff : v;
    if (o != 0) buildByte(0x30);
    buildRadix(o, 8);
  } else if (fmt == PF_HEX) {
    // %X of a signed 32-bit or narrower value prints its 32-bit pattern
    buildRadix(kind <= NK_I32 ? v & 0xffffffff : v, 16);
  } else if (signed) {
    buildI64(<i64>v);
  } else {
    buildU64(v);
  }
}

export function argsNum(ev: usize, k: u32, kind: u32, fmt: u32): void {
  if (!B.evArgPresent(ev, k)) return argsNA();
  argsNumValue(B.evArgNum(ev, k), kind, fmt);
}

/** A number field of the event's process record. */
export function argsProcNum(ev: usize, offset: u32, kind: u32, fmt: u32): void {
  const p = B.evProc(ev);
  if (p == 0) return argsNA();
  argsNumValue(kind == NK_U64 || kind == NK_I64 ? load<u64>(p + offset) : <u64>load<u32>(p + offset), kind, fmt);
}

/** Capabilities of the process record (PT_UINT64, PF_HEX). */
export function argsProcCaps(ev: usize, offset: u32): void {
  const p = B.evProc(ev);
  if (p == 0 || (load<u32>(p, A.PROCESS_FLAGS) & A.PROC_HAS_CAPS) == 0) return argsNA();
  buildRadix(load<u64>(p + offset), 16);
}

export const TBL_NONE: u32 = 0xffffffff;

/**
 * PT_FLAGS* / PT_ENUMFLAGS*: the value as an unsigned number of the parameter's width, then the
 * names libs' table gives it, if any. An enum with two names for one value lists both
 * (socket families: `1(AF_LOCAL|AF_UNIX)`).
 */
export function argsFlags(ev: usize, k: u32, table: u32, bits: u32): void {
  if (!B.evArgPresent(ev, k)) return argsNA();
  argsFlagsValue(B.evArgNum(ev, k), table, bits);
}

function argsFlagsValue(raw: u64, table: u32, bits: u32): void {
  const v = bits >= 32 ? raw & 0xffffffff : raw & ((<u64>1 << bits) - 1);
  buildU64(v);
  if (table == TBL_NONE) return;
  argsOpen();
  const mark = buildLen;
  appendTable(v, table);
  if (buildLen == mark) buildLen--; // no name: drop the "("
  else argsClose();
}

/** PT_MODE: the number in the parameter's format (chmod: %#o), then the mode bit names. */
export function argsMode(ev: usize, k: u32, fmt: u32): void {
  if (!B.evArgPresent(ev, k)) return argsNA();
  const v = B.evArgNum(ev, k) & 0xffffffff;
  argsNumValue(v, NK_U32, fmt);
  argsOpen();
  const mark = buildLen;
  appendTable(v, TBL_MODE);
  if (buildLen == mark) buildLen--;
  else argsClose();
}

function argsIdValue(ev: usize, v: u32, nameRef: usize): void {
  if (v == 0xffffffff) {
    buildAscii('-1(<NONE>)');
    return;
  }
  buildI64(<i64>(<i32>v));
  argsOpen();
  if (B.evProc(ev) != 0 && ref(nameRef) && sl > 0) buildBytes(sp, sl);
  else buildAscii('<NA>');
  argsClose();
}

/** PT_UID / PT_GID: the number (printed as %d) and the user or group name, `<NA>` when unknown. */
export function argsId(ev: usize, k: u32, nameSlot: u32): void {
  if (!B.evArgPresent(ev, k)) return argsNA();
  argsIdValue(ev, <u32>B.evArgNum(ev, k), B.evArgStr(ev, nameSlot));
}

/** A UID/GID of the event's process record with its name (uid, gid, loginuid). */
export function argsProcId(ev: usize, offset: u32, nameOffset: u32, wide: bool): void {
  const p = B.evProc(ev);
  if (p == 0) return argsNA();
  const v = wide ? <u32>load<u64>(p + offset) : load<u32>(p + offset);
  argsIdValue(ev, v, p + nameOffset);
}

const SIGNAL_NAMES: string[] = ['', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1', 'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS'];

/** PT_SIGTYPE: the number and the signal name. */
export function argsSig(ev: usize, k: u32): void {
  if (!B.evArgPresent(ev, k)) return argsNA();
  const v = <i32>(B.evArgNum(ev, k) & 0xff);
  buildU64(<u64>v);
  if (v > 0 && v < SIGNAL_NAMES.length) {
    argsOpen();
    buildAscii(SIGNAL_NAMES[v]);
    argsClose();
  }
}

/** PT_CHARBUF: the text as carried (it stops at the first NUL). */
export function argsStr(ev: usize, k: u32): void {
  if (!argStr(ev, k)) return argsNA();
  buildBytes(sp, sl);
}

export function argsProcStr(ev: usize, offset: u32): void {
  const p = B.evProc(ev);
  if (p == 0 || !ref(p + offset)) return argsNA();
  buildBytes(sp, sl);
}

/** PT_BYTEBUF in libs' default format: printable ASCII kept, every other byte a dot. */
function argsBytesOf(p: usize, n: u32): void {
  if (n == 0) return argsNull();
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    buildByte(c >= 0x20 && c < 0x7f ? c : 0x2e);
  }
}

export function argsBytes(ev: usize, k: u32): void {
  if (!argStr(ev, k)) return argsNull();
  argsBytesOf(sp, sl);
}

/** A NUL-separated list of the process record (argv, env) as a byte buffer. */
export function argsProcBytes(ev: usize, offset: u32): void {
  const p = B.evProc(ev);
  if (p == 0 || !ref(p + offset)) return argsNull();
  argsBytesOf(sp, sl);
}

/**
 * PT_FSPATH / PT_FSRELPATH: the path, then `(absolute path)` for a relative one, joined to the
 * thread's cwd (or to the directory of `dirfd` for *at calls) and normalised. Only the event's own
 * fd resolves as a directory, so a relative path under another dirfd stays unresolved.
 */
function argsPathOf(ev: usize, pp: usize, pl: u32, dirfdSlot: i32): void {
  buildBytes(pp, pl);
  const p = B.evProc(ev);
  if (p == 0 || pl == 0 || load<u8>(pp) == 0x2f) return;
  if (pl == 4 && load<u8>(pp) == 0x3c && load<u8>(pp + 1) == 0x4e && load<u8>(pp + 2) == 0x41 && load<u8>(pp + 3) == 0x3e) return; // "<NA>"
  let dirfd: i64 = -100;
  if (dirfdSlot >= 0) {
    if (!B.evArgPresent(ev, <u32>dirfdSlot)) return;
    dirfd = <i64>B.evArgNum(ev, <u32>dirfdSlot);
  }
  let bp: usize = 0;
  let bl: u32 = 0;
  if (dirfd == -100) {
    if (!ref(p + A.PROCESS_CWD)) return;
    bp = sp;
    bl = sl;
  } else {
    if (dirfd < 0 || !hasFd(ev) || !B.evHas(ev, A.EVT_FD_HAS_NUM) || B.evFdNum(ev) != dirfd || !fdName(ev)) return;
    bp = sp;
    bl = sl;
  }
  argsOpen();
  appendJoinedPath(bp, bl, pp, pl);
  argsClose();
}

/**
 * base + "/" + rel with "." and ".." segments and repeated slashes resolved, never above the root,
 * without a trailing slash (libs' concatenate_paths).
 */
function appendJoinedPath(bp: usize, bl: u32, pp: usize, pl: u32): void {
  const start = buildLen;
  buildByte(0x2f);
  appendSegments(bp, bl, start);
  appendSegments(pp, pl, start);
}

function appendSegments(p: usize, n: u32, start: u32): void {
  let i: u32 = 0;
  while (i < n) {
    while (i < n && load<u8>(p + i) == 0x2f) i++;
    const s = i;
    while (i < n && load<u8>(p + i) != 0x2f) i++;
    const len = i - s;
    if (len == 0 || (len == 1 && load<u8>(p + s) == 0x2e)) continue;
    if (len == 2 && load<u8>(p + s) == 0x2e && load<u8>(p + s + 1) == 0x2e) {
      // drop the last segment (never above the root)
      let e = buildLen;
      while (e > start + 1 && load<u8>(buildPtr + e - 1) != 0x2f) e--;
      buildLen = e > start + 1 ? e - 1 : start + 1;
      continue;
    }
    if (buildLen > start + 1) buildByte(0x2f);
    buildBytes(p + s, len);
  }
}

export function argsPath(ev: usize, k: u32, dirfdSlot: i32): void {
  if (!argStr(ev, k)) return argsNA();
  argsPathOf(ev, sp, sl, dirfdSlot);
}

export function argsProcPath(ev: usize, offset: u32): void {
  const p = B.evProc(ev);
  if (p == 0 || !ref(p + offset)) return argsNA();
  argsPathOf(ev, sp, sl, -1);
}

function appendIp4(a: usize): void {
  for (let i = 0; i < 4; i++) {
    if (i > 0) buildByte(0x2e);
    buildU64(<u64>load<u8>(a + i));
  }
}

@inline function ip6Word(a: usize, i: i32): u32 {
  return (<u32>load<u8>(a + 2 * i) << 8) | <u32>load<u8>(a + 2 * i + 1);
}

/** An IPv6 address as glibc's inet_ntop writes it (longest zero run as "::", embedded IPv4 forms). */
function appendIp6(a: usize): void {
  let best = -1;
  let bestLen = 0;
  let cur = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (ip6Word(a, i) == 0) {
      if (cur < 0) {
        cur = i;
        curLen = 1;
      } else curLen++;
      if (curLen > bestLen) {
        best = cur;
        bestLen = curLen;
      }
    } else cur = -1;
  }
  if (bestLen < 2) best = -1;
  for (let i = 0; i < 8; i++) {
    if (best >= 0 && i >= best && i < best + bestLen) {
      if (i == best) buildByte(0x3a);
      continue;
    }
    if (i > 0) buildByte(0x3a);
    if (i == 6 && best == 0 && (bestLen == 6 || (bestLen == 7 && ip6Word(a, 7) != 1) || (bestLen == 5 && ip6Word(a, 5) == 0xffff))) {
      appendIp4(a + 12);
      return;
    }
    buildRadixLower(<u64>ip6Word(a, i));
  }
  if (best >= 0 && best + bestLen == 8) buildByte(0x3a);
}

function buildRadixLower(v: u64): void {
  const start = buildLen;
  buildRadix(v, 16);
  for (let i = start; i < buildLen; i++) {
    const c = load<u8>(buildPtr + i);
    if (c >= 0x41) store<u8>(buildPtr + i, c | 0x20);
  }
}

/** libs' is_ipv4_mapped_ipv6: ::ffff:a.b.c.d, or the all-zero address. */
@inline function isMapped4(a: usize): bool {
  return load<u64>(a) == 0 && (load<u32>(a + 8) == 0xffff0000 || (load<u32>(a + 8) == 0 && load<u32>(a + 12) == 0));
}

function appendEndpoint(ev: usize, side: u32): void {
  const ip = ev + (side == 0 ? A.EVENT_FD_CLIENT_IP : A.EVENT_FD_SERVER_IP);
  const port = load<u16>(ev + (side == 0 ? A.EVENT_FD_CLIENT_PORT : A.EVENT_FD_SERVER_PORT));
  const fam = load<u8>(ev, A.EVENT_FD_FAMILY);
  if (fam == A.SOCK_FAMILY_INET) appendIp4(ip);
  else appendIp6(ip);
  buildByte(0x3a);
  buildU64(<u64>port);
}

// when the driver sends a tuple (otherwise the parameter is empty)
export const TUPLE_ALWAYS: u32 = 0;
export const TUPLE_IF_CONNECTED: u32 = 1; // connect: res 0 or -EINPROGRESS
export const TUPLE_IF_OK: u32 = 2; // recvfrom/recvmsg: res >= 0

/**
 * PT_SOCKTUPLE: `sip:sport->dip:dport`. The driver writes outbound tuples (connect, send*) local
 * side first and inbound ones (accept, recv*) remote side first; the role bits say which side is
 * local (unknown role: client first). A tuple of two IPv4-mapped (or all-zero) IPv6 addresses is
 * written as IPv4, as libs does. A unix tuple writes the socket's name (the kernel pointers libs
 * prints are not carried). Without both endpoints, or when the driver sends none: `NULL`.
 */
export function argsTuple(ev: usize, inbound: bool, when: u32): void {
  if (!hasFd(ev)) return argsNull();
  if (when != TUPLE_ALWAYS) {
    if (!B.evHas(ev, A.EVT_HAS_RES)) return argsNull();
    const r = B.evRes(ev);
    if (when == TUPLE_IF_CONNECTED ? r != 0 && r != -115 : r < 0) return argsNull();
  }
  const fam = load<u8>(ev, A.EVENT_FD_FAMILY);
  if (fam == A.SOCK_FAMILY_UNIX) {
    if (!fdName(ev)) return argsNull();
    buildBytes(sp, sl);
    return;
  }
  if (!isInet(ev) || !B.evHas(ev, A.EVT_FD_HAS_CLIENT) || !B.evHas(ev, A.EVT_FD_HAS_SERVER)) return argsNull();
  // first side: 0 client, 1 server
  const localIsServer = B.evHas(ev, A.EVT_FD_ROLE_SERVER) && !B.evHas(ev, A.EVT_FD_ROLE_CLIENT);
  const roleKnown = B.evHas(ev, A.EVT_FD_ROLE_SERVER) || B.evHas(ev, A.EVT_FD_ROLE_CLIENT);
  const first: u32 = !roleKnown ? 0 : inbound ? (localIsServer ? 0 : 1) : localIsServer ? 1 : 0;
  const v4 = fam == A.SOCK_FAMILY_INET6 && isMapped4(ev + A.EVENT_FD_CLIENT_IP) && isMapped4(ev + A.EVENT_FD_SERVER_IP);
  appendTupleSide(ev, first, v4);
  buildAscii('->');
  appendTupleSide(ev, 1 - first, v4);
}

function appendTupleSide(ev: usize, side: u32, v4: bool): void {
  if (!v4) return appendEndpoint(ev, side);
  appendIp4(ev + (side == 0 ? A.EVENT_FD_CLIENT_IP : A.EVENT_FD_SERVER_IP) + 12);
  buildByte(0x3a);
  buildU64(<u64>load<u16>(ev + (side == 0 ? A.EVENT_FD_CLIENT_PORT : A.EVENT_FD_SERVER_PORT)));
}

/** PT_SOCKADDR (connect's and bind's addr): the server side, `ip:port`; a unix socket's path. */
export function argsAddr(ev: usize): void {
  if (!hasFd(ev)) return argsNA();
  const fam = load<u8>(ev, A.EVENT_FD_FAMILY);
  if (fam == A.SOCK_FAMILY_UNIX) {
    if (!fdName(ev)) return argsNA();
    buildBytes(sp, sl);
    return;
  }
  if (!isInet(ev) || !B.evHas(ev, A.EVT_FD_HAS_SERVER)) return argsNA();
  appendEndpoint(ev, 1);
}
