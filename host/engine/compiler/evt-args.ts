// evt.args (and evt.info, which libs extracts the same way): every parameter of the event on one
// line, as Falco 0.44 / libs 0.22 writes it. What libs does (userspace/libsinsp/sinsp_filtercheck_event.cpp,
// the TYPE_ARGS case, and userspace/libsinsp/event.cpp, sinsp_evt::get_param_as_str / render_fd):
//
// - It walks all parameters of the event in the event table's order (driver/event_table.c; the
//   drivers now send exit events only) and writes `name=value` for each, with `(resolved)` glued
//   on when the parameter has a resolved form, separated by one space; the trailing space is
//   removed, nothing is cut to a length (only byte buffers honour a max output length, which
//   Falco leaves unset). Generic `syscall` events give "".
// - A parameter with no bytes prints `NULL` for byte buffers and socket tuples, `<NA>` otherwise.
// - Numbers use the parameter's print format: PF_DEC (%d; PT_UINT64 goes through int64), PF_OCT
//   (%#o: open's mode prints `0644`, zero prints `0`), PF_HEX (%X, upper case, no 0x: dev, caps).
// - PT_ERRNO: the number, `(ENOENT)` when negative. PT_FD: the number, then `(<f>/etc/shadow)` from
//   the thread's fd table (type char, plus t/u/i/r for IP sockets, then the fd name), `(AT_FDCWD)`
//   for -100, or the errno name of another negative value; nothing without a thread.
// - PT_PID: the number and `(comm)` of that thread when known. PT_UID/PT_GID: %d, then the user or
//   group name, `(<NA>)` when unknown, and `-1(<NONE>)` for 0xffffffff.
// - PT_FLAGS*/PT_ENUMFLAGS*: the unsigned value of the parameter's width, then the names of its
//   table joined by `|` (enums: every entry equal to the value, so family 1 is AF_LOCAL|AF_UNIX);
//   nothing when no name fits. PT_MODE: the value in its format, then the S_I* names.
// - PT_FSPATH/PT_FSRELPATH: the path; a relative one gets `(cwd-or-dirfd-directory + path)`,
//   normalised. PT_CHARBUF: the text. PT_BYTEBUF: printable bytes, others as `.`.
// - PT_SOCKTUPLE: `sip:sport->dip:dport` (ports as numbers: Falco disables name resolution), local
//   side first for outbound calls (connect, send*) and remote first for inbound ones (accept, recv*);
//   connect sends it only for 0/-EINPROGRESS, recv* only on success (driver/modern_bpf programs);
//   PT_SOCKADDR: `ip:port`, or a unix socket's path. PT_SIGTYPE: number and `(SIGKILL)`.
//
// Saker generates, per event type, the call sequence that writes these (engine-as/fields.ts
// `args*`), so the Wasm code only concatenates. Where the batch cannot carry what libs prints, the
// parameter is left out (execve's fdlimit, page faults, memory sizes, cgroups, exe inode and its
// times, pgid; clone's vtid and pidns start) or printed without its resolved part (a dirfd other
// than AT_FDCWD that is not the event's own fd; unix tuples show the socket's name, not kernel
// pointers). Enter events (the batch carries exit events) read as missing.
import { EVENT_TYPES, type EventTypeDef, type ParamDef, type ParamType } from '../event-types.js';
import { flagTable } from './flag-tables.js';

/** Print formats other than PF_DEC, by "event.param" (driver/event_table.c). */
const HEX_OR_OCT: Record<string, 'hex' | 'oct'> = {
  'open.mode': 'oct', 'openat.mode': 'oct', 'openat2.mode': 'oct', 'creat.mode': 'oct',
  'open.dev': 'hex', 'openat.dev': 'hex', 'openat2.dev': 'hex', 'creat.dev': 'hex',
  'mkdir.mode': 'hex', 'mkdirat.mode': 'hex',
  'chmod.mode': 'oct', 'fchmod.mode': 'oct', 'fchmodat.mode': 'oct',
  'capset.cap_inheritable': 'hex', 'capset.cap_permitted': 'hex', 'capset.cap_effective': 'hex',
  'signalfd.mask': 'hex', 'accept4.flags': 'hex', 'ptrace.addr': 'hex', 'ptrace.data': 'hex',
};

const NUM_KIND: Partial<Record<ParamType, string>> = {
  INT32: 'F.NK_I32', INT64: 'F.NK_I64', UINT8: 'F.NK_U8', UINT32: 'F.NK_U32', UINT64: 'F.NK_U64', DYN: 'F.NK_U64',
};

const FLAG_BITS: Partial<Record<ParamType, number>> = {
  FLAGS8: 8, FLAGS16: 16, FLAGS32: 32, ENUMFLAGS8: 8, ENUMFLAGS16: 16, ENUMFLAGS32: 32,
};

function format(event: string, p: ParamDef): string {
  const f = HEX_OR_OCT[`${event}.${p.name}`];
  return f === 'hex' ? 'F.PF_HEX' : f === 'oct' ? 'F.PF_OCT' : 'F.PF_DEC';
}

/** The flag table libs names for this parameter (field-access knows most; a few only appear here). */
function argsFlagTable(event: string, p: ParamDef): string {
  const t = flagTable(event, p);
  if (t !== undefined) return t;
  if (p.name === 'flags' && event === 'execveat') return 'F.TBL_EXECVE';
  if (p.name === 'flags' && event === 'userfaultfd') return 'F.TBL_FILE_FLAGS';
  return 'F.TBL_NONE';
}

/** The AS call that appends one event-record parameter's text. */
function paramCall(t: EventTypeDef, p: ParamDef, index: number): string {
  const ev = t.name;
  switch (p.slot.kind) {
    case 'res':
      if (p.type === 'FD') return 'F.argsFdRes(ev, true)';
      if (p.type === 'PID') return 'F.argsPidRes(ev)';
      return 'F.argsErrnoRes(ev)';
    case 'fd':
      return p.type === 'SOCKTUPLE' ? tupleCall(ev) : 'F.argsAddr(ev)';
    case 'str': {
      const k = p.slot.index;
      if (p.type === 'BYTEBUF') return `F.argsBytes(ev, ${k})`;
      if (p.type === 'FSPATH') return `F.argsPath(ev, ${k}, -1)`;
      if (p.type === 'FSRELPATH') return `F.argsPath(ev, ${k}, ${dirfdSlot(t, index)})`;
      return `F.argsStr(ev, ${k})`;
    }
    case 'num': {
      const k = p.slot.index;
      if (p.nameSlot !== undefined) return `F.argsId(ev, ${k}, ${p.nameSlot})`;
      switch (p.type) {
        // libs' fd table no longer holds a closed fd when the close is reported
        case 'FD': return `F.argsFdArg(ev, ${k}, ${ev !== 'close'})`;
        case 'PID': return `F.argsPidArg(ev, ${k})`;
        case 'ERRNO': return `F.argsErrnoArg(ev, ${k})`;
        case 'SIGTYPE': return `F.argsSig(ev, ${k})`;
        case 'MODE': return `F.argsMode(ev, ${k}, ${format(ev, p)})`;
      }
      const bits = FLAG_BITS[p.type];
      if (bits !== undefined) return `F.argsFlags(ev, ${k}, ${argsFlagTable(ev, p)}, ${bits})`;
      const kind = NUM_KIND[p.type];
      if (kind === undefined) throw new Error(`evt.args: no rendering for ${ev}.${p.name} (${p.type})`);
      return `F.argsNum(ev, ${k}, ${kind}, ${format(ev, p)})`;
    }
  }
}

/** The driver's direction for a tuple (inbound: remote side first) and when it sends one. */
function tupleCall(event: string): string {
  switch (event) {
    case 'connect': return 'F.argsTuple(ev, false, F.TUPLE_IF_CONNECTED)';
    case 'recvfrom': case 'recvmsg': return 'F.argsTuple(ev, true, F.TUPLE_IF_OK)';
    case 'accept': case 'accept4': return 'F.argsTuple(ev, true, F.TUPLE_ALWAYS)';
    default: return 'F.argsTuple(ev, false, F.TUPLE_ALWAYS)';
  }
}

/** libs' FSRELPATH points at the dirfd parameter before it; its args_num slot, or -1. */
function dirfdSlot(t: EventTypeDef, index: number): number {
  for (let i = index - 1; i >= 0; i--) {
    const q = t.params[i]!;
    if (q.type === 'FD') return q.slot.kind === 'num' ? q.slot.index : -1;
  }
  return -1;
}

type Part = readonly [name: string, call: string];

/** The process image parameters execve and the clone family both carry, after res, in libs' order. */
const IMAGE_PARTS: readonly Part[] = [
    ['exe', 'F.argsProcStr(ev, A.PROCESS_EXE)'],
    ['args', 'F.argsProcBytes(ev, A.PROCESS_ARGV)'],
    ['tid', 'F.argsTid(ev)'],
    ['pid', 'F.argsProcPid(ev, A.PROCESS_PID)'],
    ['ptid', 'F.argsProcPid(ev, A.PROCESS_PPID)'],
    ['cwd', 'F.argsProcStr(ev, A.PROCESS_CWD)'],
    ['comm', 'F.argsProcStr(ev, A.PROCESS_NAME)'],
];

/** execve/execveat exit parameters in libs' order, the process-describing ones read from the process record. */
function execParts(t: EventTypeDef): Part[] {
  const p = (name: string): string => paramCall(t, t.params.find((q) => q.name === name)!, t.params.findIndex((q) => q.name === name));
  const parts: Part[] = [
    ['res', p('res')],
    ...IMAGE_PARTS,
    ['env', 'F.argsProcBytes(ev, A.PROCESS_ENV)'],
    ['tty', 'F.argsProcNum(ev, A.PROCESS_TTY, F.NK_U32, F.PF_DEC)'],
    ['vpgid', 'F.argsProcPid(ev, A.PROCESS_VPGID)'],
    ['loginuid', 'F.argsProcId(ev, A.PROCESS_LOGINUID, A.PROCESS_LOGIN_NAME, true)'],
    ['flags', p('flags')],
    ['cap_inheritable', 'F.argsProcCaps(ev, A.PROCESS_CAP_INHERITABLE)'],
    ['cap_permitted', 'F.argsProcCaps(ev, A.PROCESS_CAP_PERMITTED)'],
    ['cap_effective', 'F.argsProcCaps(ev, A.PROCESS_CAP_EFFECTIVE)'],
    ['uid', 'F.argsProcId(ev, A.PROCESS_UID, A.PROCESS_USER_NAME, false)'],
    ['trusted_exepath', 'F.argsProcPath(ev, A.PROCESS_EXEPATH)'],
    ['gid', 'F.argsProcId(ev, A.PROCESS_GID, A.PROCESS_GROUP_NAME, false)'],
  ];
  if (t.name === 'execve') parts.push(['filename', p('filename')]);
  return parts;
}

/** clone/clone3/fork/vfork exit parameters in libs' order (uid and gid are plain numbers there). */
function cloneParts(t: EventTypeDef): Part[] {
  return [
    ['res', 'F.argsPidRes(ev)'],
    ...IMAGE_PARTS,
    ['flags', paramCall(t, t.params.find((q) => q.name === 'flags')!, 1)],
    ['uid', 'F.argsProcNum(ev, A.PROCESS_UID, F.NK_U32, F.PF_DEC)'],
    ['gid', 'F.argsProcNum(ev, A.PROCESS_GID, F.NK_U32, F.PF_DEC)'],
    ['vpid', 'F.argsProcPid(ev, A.PROCESS_VPID)'],
  ];
}

/** The parameters evt.args writes for an event type, in order, with the call that writes each. */
export function evtArgsParts(t: EventTypeDef): Part[] | undefined {
  if (t.name === 'execve' || t.name === 'execveat') return execParts(t);
  if (t.name === 'clone' || t.name === 'clone3' || t.name === 'fork' || t.name === 'vfork') return cloneParts(t);
  // types whose parameters the batch does not carry have nothing to write
  if (t.params.length === 0) return undefined;
  return t.params.map((p, i) => [p.name, paramCall(t, p, i)] as const);
}

/** Body of the `(ev): bool` helper that builds evt.args for any event. */
export function evtArgsBody(): string {
  const cases: string[] = [];
  for (const t of EVENT_TYPES) {
    const parts = evtArgsParts(t);
    if (parts === undefined) continue;
    // procexit is an enter event in libs; every other type is reported at exit
    const dir = t.name === 'procexit' ? '' : 'if (B.evHas(ev, A.EVT_DIR_ENTER)) return false; ';
    const steps = parts.map(([name, call], i) => `F.argsName(${JSON.stringify(name)}, ${i === 0}); ${call};`).join(' ');
    cases.push(`case ${t.id}: { ${dir}F.buildBegin(128); ${steps} return F.buildFinish(); }`);
  }
  return `switch (<u32>B.evType(ev)) { ${cases.join(' ')} default: return false; }`;
}
