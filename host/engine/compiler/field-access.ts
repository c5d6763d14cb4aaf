// How generated code reads each field: the AssemblyScript expression that extracts it (through
// engine-as/fields.ts, into F.sp/F.sl, F.nv or F.ipp) and the kind of value it yields. A field the
// batch cannot carry reads as missing (libs: not extractable), so every comparison on it is false.
// The DNS-name fields read the host's DNS table (engine-as/dns.ts).
import { EVENT_TYPES, type ParamDef } from '../event-types.js';
import { evtArgsBody } from './evt-args.js';
import { flagTable } from './flag-tables.js';
import type { FieldType, ResolvedField } from '../../fields/types.js';

/** str: bytes in (F.sp, F.sl); num: u64 bits in F.nv; ip: 16 bytes at F.ipp (F.ip6 = IPv6). */
export type ValueKind = 'str' | 'num' | 'ip';

export interface FieldAccess {
  kind: ValueKind;
  /** Numbers compare as i64 (libs' signed types) or u64. */
  signed: boolean;
  /** libs type of the value (for literal parsing and output rendering). */
  type: FieldType;
  /**
   * Alternatives: the field matches when any present alternative satisfies the comparison
   * (fd.ip / fd.net / fd.port read both endpoints). Each is an AS bool expression over `ev`.
   */
  reads: string[];
  /** proc.aname-style fields without index: every ancestor from the parent up (level `n` in the read). */
  ancestors?: boolean;
  /** A list value (getopt without selector): this helper returns the count; reads[0] reads item `n`. */
  list?: string;
  /** Numbers stored as IP-network checks compare by CIDR (fd.net / fd.snet ...). */
  net?: boolean;
  /** fd.cip.name / fd.sip.name / ...: the endpoint selector (`F.EP_*`) for libs' compare_domain fallback. */
  dns?: string;
}

const SIGNED_TYPES: ReadonlySet<FieldType> = new Set<FieldType>(['PT_INT8', 'PT_INT16', 'PT_INT32', 'PT_INT64', 'PT_ERRNO', 'PT_FD', 'PT_PID', 'PT_RELTIME']);

export function isSignedType(t: FieldType): boolean {
  return SIGNED_TYPES.has(t);
}

const str = (type: FieldType, ...reads: string[]): FieldAccess => ({ kind: 'str', signed: false, type, reads });
const num = (type: FieldType, ...reads: string[]): FieldAccess => ({ kind: 'num', signed: isSignedType(type), type, reads });
const ip = (type: FieldType, ...reads: string[]): FieldAccess => ({ kind: 'ip', signed: false, type, reads });

/** Process string fields and their record offsets (A.PROCESS_*). */
const PROC_STR: Record<string, string> = {
  name: 'A.PROCESS_NAME', exe: 'A.PROCESS_EXE', exepath: 'A.PROCESS_EXEPATH', cmdline: 'A.PROCESS_CMDLINE',
  args: 'A.PROCESS_ARGS', cwd: 'A.PROCESS_CWD',
};

const MISSING_STR: FieldAccess = { kind: 'str', signed: false, type: 'PT_CHARBUF', reads: ['false'] };

function ancestorLevel(f: ResolvedField): number | undefined {
  return f.argument?.kind === 'index' ? f.argument.index : undefined;
}

const SIGNED_PARAM = new Set(['ERRNO', 'FD', 'PID', 'INT32', 'INT64', 'DYN']);

/** evt.arg.NAME as libs renders it (flags as names, fds with their name, uids as user names). */
function renderParam(event: string, p: ParamDef): string {
  switch (p.slot.kind) {
    case 'res':
      if (p.type === 'FD') return 'F.fdResParam(ev)';
      if (p.type === 'PID') return 'F.pidResParam(ev)';
      return p.type === 'ERRNO' ? 'F.resErrno(ev)' : 'F.resDec(ev)';
    case 'str':
      return `F.argStr(ev, ${p.slot.index})`;
    case 'fd':
      return 'false';
    case 'num': {
      const k = p.slot.index;
      if (p.nameSlot !== undefined) return `F.argId(ev, ${k}, ${p.nameSlot})`;
      if (p.type === 'FD') return `F.fdParam(ev, ${k})`;
      const table = flagTable(event, p);
      if (table !== undefined) return `F.argFlags(ev, ${k}, ${table})`;
      return `F.argDec(ev, ${k}, ${SIGNED_PARAM.has(p.type)})`;
    }
  }
}

function rawParam(p: ParamDef): string {
  switch (p.slot.kind) {
    case 'res':
      return 'F.resNum(ev)';
    case 'str':
      return `F.argStr(ev, ${p.slot.index})`;
    case 'fd':
      return 'false';
    case 'num':
      return `F.argNum(ev, ${p.slot.index})`;
  }
}

/** A per-event-type switch reading parameter `name` (missing on types without it). */
function paramSwitch(name: string, render: (event: string, p: ParamDef) => string): string {
  const cases: string[] = [];
  for (const t of EVENT_TYPES) {
    const p = t.params.find((q) => q.name === name);
    if (p === undefined) continue;
    const expr = render(t.name, p);
    if (expr !== 'false') cases.push(`case ${t.id}: return ${expr};`);
  }
  if (cases.length === 0) return 'false';
  return `switch (<u32>B.evType(ev)) { ${cases.join(' ')} default: return false; }`;
}

/** Helper functions the access expressions call (emitted once per module, by name). */
export class HelperRegistry {
  readonly bodies = new Map<string, string>();

  /** Returns the name of a `(ev: usize): bool` (or `result`) helper with this body. */
  helper(name: string, body: string, result = 'bool'): string {
    if (!this.bodies.has(name)) this.bodies.set(name, `function ${name}(ev: usize): ${result} { ${body} }`);
    return name;
  }
}

const paramKey = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, '_');

/** The access plan of a resolved field; undefined when the engine does not carry it (reads missing). */
export function fieldAccess(f: ResolvedField, helpers: HelperRegistry): FieldAccess {
  const name = f.def.name;
  const level = ancestorLevel(f);
  switch (name) {
    // ---- event ----
    case 'evt.type': return str('PT_CHARBUF', 'F.evtType(ev)');
    case 'evt.dir': return str('PT_CHARBUF', 'F.evtDir(ev)');
    case 'evt.num': return num('PT_UINT64', 'F.evtNum(ev)');
    case 'evt.rawtime': case 'evt.time': return num('PT_ABSTIME', 'F.evtTs(ev)');
    case 'evt.cpu': return num('PT_INT16', 'F.evtCpu(ev)');
    case 'evt.rawres': return num('PT_INT64', 'F.evtRawres(ev)');
    case 'evt.res': return str('PT_CHARBUF', 'F.evtRes(ev)');
    case 'evt.failed': return num('PT_BOOL', 'F.evtFailed(ev)');
    case 'evt.is_open_read': return num('PT_BOOL', 'F.evtIsOpenRead(ev)');
    case 'evt.is_open_write': return num('PT_BOOL', 'F.evtIsOpenWrite(ev)');
    case 'evt.is_open_exec': return num('PT_BOOL', 'F.evtIsOpenExec(ev)');
    case 'evt.args': case 'evt.info': return str('PT_CHARBUF', `${helpers.helper('p_evt_args', evtArgsBody())}(ev)`);
    case 'evt.buffer': return str('PT_BYTEBUF', `${helpers.helper('p_buffer', paramSwitch('data', (_e, p) => rawParam(p)))}(ev)`);
    case 'evt.arg': {
      if (f.argument?.kind !== 'param') return MISSING_STR;
      const pn = f.argument.name;
      return str('PT_CHARBUF', `${helpers.helper(`p_arg_${paramKey(pn)}`, paramSwitch(pn, renderParam))}(ev)`);
    }
    case 'evt.rawarg': {
      if (f.argument?.kind !== 'param') return MISSING_STR;
      const pn = f.argument.name;
      const read = `${helpers.helper(`p_raw_${paramKey(pn)}`, paramSwitch(pn, (_e, p) => rawParam(p)))}(ev)`;
      const t = f.type;
      if (t === 'PT_CHARBUF' || t === 'PT_FSPATH' || t === 'PT_FSRELPATH' || t === 'PT_BYTEBUF') return str(t, read);
      return num(t, read);
    }
    // ---- process / thread ----
    case 'proc.name': case 'proc.exe': case 'proc.exepath': case 'proc.cmdline': case 'proc.cwd':
      return str('PT_CHARBUF', `F.procStr(ev, 0, ${PROC_STR[name.slice(5)]!})`);
    case 'proc.args':
      if (level !== undefined) return str('PT_CHARBUF', `F.procEntry(ev, A.PROCESS_ARGV, ${level})`);
      return str('PT_CHARBUF', 'F.procStr(ev, 0, A.PROCESS_ARGS)');
    case 'proc.env':
      if (f.argument?.kind === 'key') {
        const key = f.argument.key;
        return str('PT_CHARBUF', `${helpers.helper(`p_env_${paramKey(key)}_${key.length}`, `return F.procEnvVar(ev, ${literalRef(helpers, key)}, ${Buffer.byteLength(key)});`)}(ev)`);
      }
      return str('PT_CHARBUF', 'F.procJoined(ev, A.PROCESS_ENV)');
    case 'proc.pname': return str('PT_CHARBUF', 'F.procStr(ev, 1, A.PROCESS_NAME)');
    case 'proc.pexe': return str('PT_CHARBUF', 'F.procStr(ev, 1, A.PROCESS_EXE)');
    case 'proc.pexepath': return str('PT_CHARBUF', 'F.procStr(ev, 1, A.PROCESS_EXEPATH)');
    case 'proc.pcmdline': return str('PT_CHARBUF', 'F.procStr(ev, 1, A.PROCESS_CMDLINE)');
    case 'proc.aname': case 'proc.aexe': case 'proc.aexepath': case 'proc.acmdline': {
      const off = { 'proc.aname': 'A.PROCESS_NAME', 'proc.aexe': 'A.PROCESS_EXE', 'proc.aexepath': 'A.PROCESS_EXEPATH', 'proc.acmdline': 'A.PROCESS_CMDLINE' }[name]!;
      if (level !== undefined) return str('PT_CHARBUF', `F.procStr(ev, ${level}, ${off})`);
      return { ...str('PT_CHARBUF', `F.procStr(ev, n, ${off})`), ancestors: true };
    }
    case 'proc.apid':
      if (level !== undefined) return num('PT_INT64', `F.procI32(ev, ${level}, A.PROCESS_PID)`);
      return { ...num('PT_INT64', 'F.procI32(ev, n, A.PROCESS_PID)'), ancestors: true };
    case 'proc.pid': return num('PT_INT64', 'F.procI32(ev, 0, A.PROCESS_PID)');
    case 'proc.ppid': return num('PT_INT64', 'F.procI32(ev, 0, A.PROCESS_PPID)');
    case 'proc.vpid': return num('PT_INT64', 'F.procI32(ev, 0, A.PROCESS_VPID)');
    case 'proc.sid': return num('PT_INT64', 'F.procI32(ev, 0, A.PROCESS_SID)');
    case 'proc.vpgid': return num('PT_INT64', 'F.procI32(ev, 0, A.PROCESS_VPGID)');
    case 'proc.sname': return str('PT_CHARBUF', 'F.procSname(ev)');
    case 'proc.tty': return num('PT_UINT32', 'F.procU32(ev, 0, A.PROCESS_TTY)');
    case 'proc.duration': return num('PT_RELTIME', 'F.procDuration(ev)');
    case 'proc.is_exe_from_memfd': return num('PT_BOOL', 'F.procFlag(ev, A.PROC_EXE_FROM_MEMFD)');
    case 'proc.is_exe_upper_layer': return num('PT_BOOL', 'F.procFlag(ev, A.PROC_EXE_UPPER_LAYER)');
    case 'proc.is_exe_writable': return num('PT_BOOL', 'F.procFlag(ev, A.PROC_EXE_WRITABLE)');
    case 'proc.is_vpgid_leader': return num('PT_BOOL', 'F.procIsVpgidLeader(ev)');
    case 'proc.is_sid_leader': return num('PT_BOOL', 'F.procIsSidLeader(ev)');
    case 'proc.exe_ino.ctime': return num('PT_ABSTIME', 'F.procExeInoTime(ev, A.PROCESS_EXE_INO_CTIME)');
    case 'proc.exe_ino.mtime': return num('PT_ABSTIME', 'F.procExeInoTime(ev, A.PROCESS_EXE_INO_MTIME)');
    case 'proc.exe_ino.ctime_duration_proc_start': return num('PT_ABSTIME', 'F.procExeInoCtimeDurationProcStart(ev)');
    case 'proc.pvpid': return num('PT_INT64', 'F.procI32(ev, 1, A.PROCESS_VPID)');
    case 'thread.tid': return num('PT_INT64', 'F.evtTid(ev)');
    case 'thread.cap_effective': return str('PT_CHARBUF', 'F.procCaps(ev, A.PROCESS_CAP_EFFECTIVE)');
    case 'thread.cap_permitted': return str('PT_CHARBUF', 'F.procCaps(ev, A.PROCESS_CAP_PERMITTED)');
    case 'thread.cap_inheritable': return str('PT_CHARBUF', 'F.procCaps(ev, A.PROCESS_CAP_INHERITABLE)');
    // ---- user / group ----
    case 'user.uid': return num('PT_UINT32', 'F.procU32(ev, 0, A.PROCESS_UID)');
    case 'user.name': return str('PT_CHARBUF', 'F.procStr(ev, 0, A.PROCESS_USER_NAME)');
    case 'user.loginuid': return num('PT_INT64', 'F.procLoginuid(ev)');
    case 'user.loginname': return str('PT_CHARBUF', 'F.procStr(ev, 0, A.PROCESS_LOGIN_NAME)');
    case 'group.gid': return num('PT_UINT32', 'F.procU32(ev, 0, A.PROCESS_GID)');
    case 'group.name': return str('PT_CHARBUF', 'F.procStr(ev, 0, A.PROCESS_GROUP_NAME)');
    // ---- fd ----
    case 'fd.num': return num('PT_INT64', 'F.fdNum(ev)');
    case 'fd.name': return str('PT_CHARBUF', 'F.fdName(ev)');
    case 'fd.nameraw': return str('PT_CHARBUF', 'F.fdNameRaw(ev)');
    case 'fd.type': return str('PT_CHARBUF', 'F.fdTypeName(ev)');
    case 'fd.typechar': return str('PT_CHARBUF', 'F.fdTypeChar(ev)');
    case 'fd.directory': return str('PT_CHARBUF', 'F.fdDirectory(ev)');
    case 'fd.filename': return str('PT_CHARBUF', 'F.fdFilename(ev)');
    case 'fd.l4proto': return str('PT_CHARBUF', 'F.fdL4proto(ev)');
    case 'fd.sockfamily': return str('PT_CHARBUF', 'F.fdSockfamily(ev)');
    case 'fd.connected': return num('PT_BOOL', 'F.fdFlag(ev, A.EVT_FD_CONNECTED)');
    case 'fd.name_changed': return num('PT_BOOL', 'F.fdFlag(ev, A.EVT_FD_NAME_CHANGED)');
    case 'fd.cip': return ip('PT_IPADDR', 'F.fdIp(ev, F.EP_CLIENT)');
    case 'fd.sip': return ip('PT_IPADDR', 'F.fdIp(ev, F.EP_SERVER)');
    case 'fd.lip': return ip('PT_IPADDR', 'F.fdIp(ev, F.EP_LOCAL)');
    case 'fd.rip': return ip('PT_IPADDR', 'F.fdIp(ev, F.EP_REMOTE)');
    case 'fd.ip': return ip('PT_IPADDR', 'F.fdIp(ev, F.EP_CLIENT)', 'F.fdIp(ev, F.EP_SERVER)');
    case 'fd.cnet': return { ...ip('PT_IPNET', 'F.fdIp(ev, F.EP_CLIENT)'), net: true };
    case 'fd.snet': return { ...ip('PT_IPNET', 'F.fdIp(ev, F.EP_SERVER)'), net: true };
    case 'fd.lnet': return { ...ip('PT_IPNET', 'F.fdIp(ev, F.EP_LOCAL)'), net: true };
    case 'fd.rnet': return { ...ip('PT_IPNET', 'F.fdIp(ev, F.EP_REMOTE)'), net: true };
    case 'fd.net': return { ...ip('PT_IPNET', 'F.fdIp(ev, F.EP_CLIENT)', 'F.fdIp(ev, F.EP_SERVER)'), net: true };
    case 'fd.cport': return num('PT_PORT', 'F.fdPort(ev, F.EP_CLIENT)');
    case 'fd.sport': return num('PT_PORT', 'F.fdPort(ev, F.EP_SERVER)');
    case 'fd.lport': return num('PT_PORT', 'F.fdPort(ev, F.EP_LOCAL)');
    case 'fd.rport': return num('PT_PORT', 'F.fdPort(ev, F.EP_REMOTE)');
    case 'fd.port': return num('PT_PORT', 'F.fdPort(ev, F.EP_CLIENT)', 'F.fdPort(ev, F.EP_SERVER)');
    case 'fd.cip.name': case 'fd.sip.name': case 'fd.lip.name': case 'fd.rip.name': {
      // names from the host's DNS table (engine-as/dns.ts), see host/engine/dns-cache.ts
      const ep = { c: 'F.EP_CLIENT', s: 'F.EP_SERVER', l: 'F.EP_LOCAL', r: 'F.EP_REMOTE' }[name[3] as 'c' | 's' | 'l' | 'r'];
      return { ...str('PT_CHARBUF', `F.fdIpName(ev, ${ep})`), dns: ep };
    }
    // ---- container (the built-in container plugin's fields) ----
    case 'container.id': return str('PT_CHARBUF', 'F.procStr(ev, 0, A.PROCESS_CONTAINER_ID)');
    case 'container.name': return str('PT_CHARBUF', 'F.containerStr(ev, A.CONTAINER_NAME)');
    case 'container.image': return str('PT_CHARBUF', 'F.containerStr(ev, A.CONTAINER_IMAGE)');
    case 'container.image.repository': return str('PT_CHARBUF', 'F.containerStr(ev, A.CONTAINER_IMAGE_REPOSITORY)');
    case 'container.image.tag': return str('PT_CHARBUF', 'F.containerStr(ev, A.CONTAINER_IMAGE_TAG)');
    case 'container.image.digest': return str('PT_CHARBUF', 'F.containerStr(ev, A.CONTAINER_IMAGE_DIGEST)');
    case 'container.type': return str('PT_CHARBUF', 'F.containerStr(ev, A.CONTAINER_TYPE)');
    case 'container.privileged': return num('PT_BOOL', 'F.containerPrivileged(ev)');
    case 'container.start_ts': return num('PT_ABSTIME', 'F.containerStartTs(ev)');
    case 'container.mounts': return str('PT_CHARBUF', 'F.containerMounts(ev)');
    case 'k8s.ns.name': return str('PT_CHARBUF', 'F.containerStr(ev, A.CONTAINER_K8S_NS_NAME)');
    case 'k8s.pod.name': return str('PT_CHARBUF', 'F.containerStr(ev, A.CONTAINER_K8S_POD_NAME)');
    case 'container.mount.dest': case 'container.mount.source': case 'container.mount.mode': {
      const off = { 'container.mount.dest': 'A.MOUNT_DEST', 'container.mount.source': 'A.MOUNT_SOURCE', 'container.mount.mode': 'A.MOUNT_MODE' }[name]!;
      const arg = f.argument;
      if (arg?.kind === 'index') return str('PT_CHARBUF', `F.mountByIndex(ev, ${arg.index}, ${off})`);
      if (arg?.kind === 'key') {
        // [path]: the first mount whose source matches the glob
        const key = arg.key;
        const fn = helpers.helper(`p_mount_${paramKey(name)}_${paramKey(key)}_${key.length}`,
          `const c = F.containerRec(ev); if (c == 0) return false; const n = B.containerMountCount(c); ` +
          `for (let k: u32 = 0; k < n; k++) { const m = B.containerMount(c, k); if (!F.ref(m + A.MOUNT_SOURCE)) continue; ` +
          `if (G.glob(${literalRef(helpers, key)}, ${Buffer.byteLength(key)}, F.sp, F.sl)) return F.ref(m + ${off}); } return false;`);
        return str('PT_CHARBUF', `${fn}(ev)`);
      }
      return MISSING_STR;
    }
    default:
      return { ...MISSING_STR, type: f.type };
  }
}

/** Static bytes of an ASCII/UTF-8 key used inside helpers (interned by the literal pool). */
function literalRef(helpers: HelperRegistry, text: string): string {
  const bytes = [...Buffer.from(text, 'utf8')];
  const name = `K_${Buffer.from(text).toString('hex')}`;
  helpers.bodies.set(name, `const ${name}: usize = memory.data<u8>([${bytes.join(', ')}]);`);
  return name;
}
