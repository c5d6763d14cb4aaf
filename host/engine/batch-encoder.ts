// Writes batch ABI v1 (engine-as/BATCH_ABI.md) from plain event objects, for tests, benchmarks and
// replay. Processes and containers are shared by object identity; equal strings share arena bytes.
import {
  BATCH_MAGIC, BATCH_VERSION, CONTAINER, CONTAINER_HAS_START_TS, CONTAINER_PRIVILEGED,
  CONTAINER_PRIVILEGED_KNOWN, EVENT, EVT_DIR_ENTER, EVT_FD_CONNECTED, EVT_FD_HAS_CLIENT,
  EVT_FD_HAS_NUM, EVT_FD_HAS_SERVER, EVT_FD_NAME_CHANGED, EVT_FD_ROLE_CLIENT, EVT_FD_ROLE_SERVER,
  EVT_HAS_FD, EVT_HAS_RES, FD_TYPES, HEADER, L4_PROTOS, MISSING_OFFSET, MOUNT, MOUNT_RW, NONE_INDEX,
  PROC_EXE_FROM_MEMFD, PROC_EXE_UPPER_LAYER, PROC_EXE_WRITABLE, PROC_HAS_CAPS, PROC_HAS_EXE_INO_TIMES,
  PROCESS, SOCK_FAMILY, TABLE_COUNT, TABLE_OFFSET, TABLE_RECORD_SIZE,
  type FdTypeName, type L4ProtoName, type SockFamilyName,
} from './batch-layout.js';
import { eventTypeByName, type EventTypeDef, type ParamDef } from './event-types.js';
import { parseIp } from './ip.js';

export type Int = number | bigint;
/** A string field: null or undefined is a missing value, '' is present and empty. */
export type Str = string | null | undefined;

export interface MountInput {
  source?: Str;
  dest?: Str;
  mode?: Str;
  propagation?: Str;
  rw?: boolean;
}

export interface ContainerInput {
  id?: Str;
  name?: Str;
  image?: Str;
  imageRepository?: Str;
  imageTag?: Str;
  imageDigest?: Str;
  type?: Str;
  k8sNsName?: Str;
  k8sPodName?: Str;
  privileged?: boolean | null;
  startTs?: Int | null;
  mounts?: MountInput[];
}

export interface ProcessInput {
  pid?: number;
  tid?: number;
  ppid?: number;
  vpid?: number;
  sid?: number;
  vpgid?: number;
  uid?: number;
  gid?: number;
  tty?: number;
  loginuid?: Int;
  capEffective?: Int;
  capPermitted?: Int;
  capInheritable?: Int;
  startTs?: Int;
  exeInoCtime?: Int;
  exeInoMtime?: Int;
  exeFromMemfd?: boolean;
  exeUpperLayer?: boolean;
  exeWritable?: boolean;
  name?: Str;
  exe?: Str;
  exepath?: Str;
  /** Defaults to name + ' ' + args (libs' proc.cmdline), sharing the args bytes. */
  cmdline?: Str;
  /**
   * proc.args: the arguments after argv[0]. An array is joined by spaces (and also kept one by one
   * for proc.args[N]); a string is taken as the joined form and split on spaces for proc.args[N].
   */
  args?: Str | string[];
  cwd?: Str;
  /** NAME=value entries. */
  env?: string[] | null;
  userName?: Str;
  groupName?: Str;
  loginName?: Str;
  containerId?: Str;
  container?: ContainerInput | null;
  parent?: ProcessInput | null;
  sessionLeader?: ProcessInput | null;
}

export interface Endpoint {
  ip: string;
  port: number;
}

export interface FdInput {
  num?: Int | null;
  type?: FdTypeName;
  name?: Str;
  nameraw?: Str;
  l4proto?: L4ProtoName;
  family?: SockFamilyName;
  client?: Endpoint | null;
  server?: Endpoint | null;
  role?: 'client' | 'server' | null;
  connected?: boolean;
  nameChanged?: boolean;
  openFlags?: number;
}

/** A UID/GID parameter: the number and the name libs renders for it. */
export interface IdArg {
  id: number;
  name: Str;
}
export type ArgValue = Int | string | Uint8Array | IdArg | null | undefined;

export interface EventInput {
  type: string;
  ts?: Int;
  num?: Int;
  tid?: number;
  pid?: number;
  cpu?: number;
  dir?: '>' | '<';
  res?: Int | null;
  args?: Record<string, ArgValue>;
  fd?: FdInput | null;
  proc?: ProcessInput | null;
}

export interface EncodeOptions {
  batchSeq?: Int;
}

const textEncoder = new TextEncoder();
const align8 = (n: number): number => (n + 7) & ~7;

class StringArena {
  private readonly chunks: Uint8Array[] = [];
  private readonly byString = new Map<string, [number, number]>();
  length = 0;

  /** Adds bytes and returns their offset. */
  addBytes(bytes: Uint8Array): number {
    const off = this.length;
    this.chunks.push(bytes);
    this.length += bytes.length;
    return off;
  }

  /** Offset of the UTF-8 bytes of s (deduplicated). CHARBUF values stop at the first NUL, as in libs. */
  addString(s: string): [number, number] {
    const nul = s.indexOf('\0');
    const text = nul >= 0 ? s.slice(0, nul) : s;
    const known = this.byString.get(text);
    if (known !== undefined) return known;
    const bytes = textEncoder.encode(text);
    const ref: [number, number] = [this.addBytes(bytes), bytes.length];
    this.byString.set(text, ref);
    return ref;
  }

  writeTo(dst: Uint8Array, at: number): void {
    let p = at;
    for (const c of this.chunks) {
      dst.set(c, p);
      p += c.length;
    }
  }
}

type Ref = readonly [number, number];
const MISSING_REF: Ref = [MISSING_OFFSET, 0];

interface EncodedProcess {
  input: ProcessInput;
  parent: number;
  session: number;
  container: number;
  refs: Map<number, Ref>; // field offset → ref
}

function toBig(v: Int): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** Writes the low 64 bits of v, two's complement (the same bits serve i64 and u64 fields). */
function put64(dv: DataView, at: number, v: Int): void {
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    // Fast path without BigInt: split into 32-bit halves (floor keeps negatives two's complement).
    dv.setUint32(at, (v % 0x1_0000_0000) >>> 0, true);
    dv.setUint32(at + 4, Math.floor(v / 0x1_0000_0000) >>> 0, true);
  } else {
    dv.setBigUint64(at, BigInt.asUintN(64, toBig(v)), true);
  }
}

const paramIndex = new Map<EventTypeDef, Map<string, ParamDef>>();
function paramByName(def: EventTypeDef, name: string): ParamDef | undefined {
  let m = paramIndex.get(def);
  if (m === undefined) {
    m = new Map(def.params.map((p) => [p.name, p]));
    paramIndex.set(def, m);
  }
  return m.get(name);
}

function checkInt(what: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${what}: ${v} is out of range`);
  return v;
}

/** Encodes events (and every process, parent chain and container they reference) into one batch. */
export function encodeBatch(events: readonly EventInput[], options: EncodeOptions = {}): Uint8Array {
  const arena = new StringArena();
  const str = (s: Str): Ref => (s === null || s === undefined ? MISSING_REF : arena.addString(s));
  // NUL-separated lists: stored verbatim (not cut at the first NUL).
  const bytesRef = (s: string): Ref => {
    const b = textEncoder.encode(s);
    return [arena.addBytes(b), b.length];
  };

  const procIndex = new Map<ProcessInput, number>();
  const procs: EncodedProcess[] = [];
  const containerIndex = new Map<ContainerInput, number>();
  const containers: { input: ContainerInput; mountsFirst: number; refs: Map<number, Ref> }[] = [];
  const mounts: { input: MountInput; refs: Map<number, Ref> }[] = [];

  const addContainer = (c: ContainerInput): number => {
    const known = containerIndex.get(c);
    if (known !== undefined) return known;
    const idx = containers.length;
    containerIndex.set(c, idx);
    const refs = new Map<number, Ref>([
      [CONTAINER.id, str(c.id)], [CONTAINER.name, str(c.name)], [CONTAINER.image, str(c.image)],
      [CONTAINER.imageRepository, str(c.imageRepository)], [CONTAINER.imageTag, str(c.imageTag)],
      [CONTAINER.imageDigest, str(c.imageDigest)], [CONTAINER.type, str(c.type)],
      [CONTAINER.k8sNsName, str(c.k8sNsName)], [CONTAINER.k8sPodName, str(c.k8sPodName)],
    ]);
    const mountsFirst = mounts.length;
    for (const m of c.mounts ?? []) {
      mounts.push({
        input: m,
        refs: new Map<number, Ref>([
          [MOUNT.source, str(m.source)], [MOUNT.dest, str(m.dest)], [MOUNT.mode, str(m.mode)],
          [MOUNT.propagation, str(m.propagation)],
        ]),
      });
    }
    containers.push({ input: c, mountsFirst, refs });
    return idx;
  };

  // Iterative over the parent chain so that deep chains cannot overflow the stack; a chain that
  // loops back on itself is a caller bug the validator would reject, so refuse it here.
  const addProcess = (p: ProcessInput): number => {
    const known = procIndex.get(p);
    if (known !== undefined) return known;
    const chain: ProcessInput[] = [];
    const onChain = new Set<ProcessInput>();
    for (let q: ProcessInput | null | undefined = p; q && !procIndex.has(q); q = q.parent) {
      if (onChain.has(q)) throw new Error('process parent chain contains a cycle');
      onChain.add(q);
      chain.push(q);
    }
    for (const q of chain) {
      procIndex.set(q, procs.length);
      procs.push({ input: q, parent: NONE_INDEX, session: NONE_INDEX, container: NONE_INDEX, refs: new Map() });
    }
    for (const q of chain) {
      const rec = procs[procIndex.get(q)!]!;
      rec.parent = q.parent ? procIndex.get(q.parent)! : NONE_INDEX;
      rec.container = q.container ? addContainer(q.container) : NONE_INDEX;
      const args = Array.isArray(q.args) ? q.args.join(' ') : q.args;
      const argv = Array.isArray(q.args) ? q.args : typeof q.args === 'string' ? (q.args === '' ? [] : q.args.split(' ')) : null;
      const env = q.env ? nulTerminated(q.env) : q.env;
      const refs = rec.refs;
      refs.set(PROCESS.name, str(q.name));
      refs.set(PROCESS.exe, str(q.exe));
      refs.set(PROCESS.exepath, str(q.exepath));
      if (q.cmdline !== undefined) {
        refs.set(PROCESS.cmdline, str(q.cmdline));
        refs.set(PROCESS.args, str(args));
      } else if (q.name !== null && q.name !== undefined) {
        // proc.cmdline = name [+ ' ' + args]; args then points into the cmdline bytes.
        // libs appends ' ' + arg for every argument, so one empty argument still adds a space.
        const hasArgs = argv !== null && argv.length > 0;
        const cmd = hasArgs ? `${q.name} ${args}` : q.name;
        const cmdRef = str(cmd);
        refs.set(PROCESS.cmdline, cmdRef);
        if (args === null || args === undefined) refs.set(PROCESS.args, MISSING_REF);
        else if (!hasArgs) refs.set(PROCESS.args, [cmdRef[0] + cmdRef[1], 0]);
        else {
          const argLen = textEncoder.encode(args.includes('\0') ? args.slice(0, args.indexOf('\0')) : args).length;
          refs.set(PROCESS.args, argLen <= cmdRef[1] ? [cmdRef[0] + cmdRef[1] - argLen, argLen] : str(args));
        }
      } else {
        refs.set(PROCESS.cmdline, MISSING_REF);
        refs.set(PROCESS.args, str(args));
      }
      refs.set(PROCESS.cwd, str(q.cwd));
      refs.set(PROCESS.env, env === null || env === undefined ? MISSING_REF : bytesRef(env));
      refs.set(PROCESS.argv, argv === null ? MISSING_REF : bytesRef(nulTerminated(argv)));
      refs.set(PROCESS.userName, str(q.userName));
      refs.set(PROCESS.groupName, str(q.groupName));
      refs.set(PROCESS.loginName, str(q.loginName));
      refs.set(PROCESS.containerId, str(q.containerId));
    }
    // Session leaders may be anywhere (or outside the chain); add them after the chain exists.
    for (const q of chain) {
      if (q.sessionLeader) procs[procIndex.get(q)!]!.session = addProcess(q.sessionLeader);
    }
    return procIndex.get(p)!;
  };

  interface EncodedEvent {
    input: EventInput;
    typeId: number;
    proc: number;
    flags: number;
    numMask: number;
    nums: Int[];
    strs: Ref[];
    fdName: Ref;
    fdNameRaw: Ref;
  }
  const encoded: EncodedEvent[] = events.map((e, i) => {
    const def = eventTypeByName(e.type);
    if (def === undefined) throw new Error(`event ${i}: unknown event type '${e.type}'`);
    const nums: Int[] = [0, 0, 0, 0, 0, 0];
    const strs: Ref[] = new Array<Ref>(4).fill(MISSING_REF);
    let numMask = 0;
    let flags = e.dir === '>' ? EVT_DIR_ENTER : 0;
    let res = e.res;
    for (const [name, value] of Object.entries(e.args ?? {})) {
      const p = paramByName(def, name);
      if (p === undefined) throw new Error(`event ${i} (${e.type}): no parameter '${name}' in the v1 layout`);
      if (value === null || value === undefined) continue;
      switch (p.slot.kind) {
        case 'res':
          if (typeof value !== 'number' && typeof value !== 'bigint') throw new TypeError(`event ${i}: '${name}' must be a number`);
          res = value;
          break;
        case 'num': {
          let n: Int;
          if (typeof value === 'object' && !(value instanceof Uint8Array)) {
            n = value.id;
            if (p.nameSlot !== undefined) strs[p.nameSlot] = str(value.name);
          } else if (typeof value === 'number' || typeof value === 'bigint') n = value;
          else throw new TypeError(`event ${i} (${e.type}): '${name}' must be a number`);
          nums[p.slot.index] = n;
          numMask |= 1 << p.slot.index;
          break;
        }
        case 'str':
          if (typeof value === 'string') strs[p.slot.index] = str(value);
          else if (value instanceof Uint8Array) strs[p.slot.index] = [arena.addBytes(value), value.length];
          else throw new TypeError(`event ${i} (${e.type}): '${name}' must be a string or bytes`);
          break;
        case 'fd':
          throw new TypeError(`event ${i} (${e.type}): '${name}' is carried by the fd section; use fd.client/fd.server`);
      }
    }
    if (res !== null && res !== undefined) flags |= EVT_HAS_RES;
    let fdName = MISSING_REF;
    let fdNameRaw = MISSING_REF;
    const fd = e.fd;
    if (fd) {
      flags |= EVT_HAS_FD;
      if (fd.num !== null && fd.num !== undefined) flags |= EVT_FD_HAS_NUM;
      if (fd.connected) flags |= EVT_FD_CONNECTED;
      if (fd.nameChanged) flags |= EVT_FD_NAME_CHANGED;
      if (fd.role === 'client') flags |= EVT_FD_ROLE_CLIENT;
      if (fd.role === 'server') flags |= EVT_FD_ROLE_SERVER;
      if (fd.client) flags |= EVT_FD_HAS_CLIENT;
      if (fd.server) flags |= EVT_FD_HAS_SERVER;
      fdName = str(fd.name);
      fdNameRaw = str(fd.nameraw);
    }
    const proc = e.proc ? addProcess(e.proc) : NONE_INDEX;
    return { input: { ...e, res }, typeId: def.id, proc, flags, numMask, nums, strs, fdName, fdNameRaw };
  });

  // Layout: header, events, processes, containers, mounts, strings; each section 8-aligned.
  const eventsOff = HEADER.size;
  const procsOff = align8(eventsOff + encoded.length * EVENT.size);
  const containersOff = align8(procsOff + procs.length * PROCESS.size);
  const mountsOff = align8(containersOff + containers.length * CONTAINER.size);
  const stringsOff = align8(mountsOff + mounts.length * MOUNT.size);
  const total = align8(stringsOff + arena.length);
  if (total > 0xffffffff) throw new RangeError('batch larger than 4 GiB');

  const buf = new Uint8Array(total);
  const dv = new DataView(buf.buffer);
  const u32 = (at: number, v: number): void => dv.setUint32(at, v >>> 0, true);
  const ref = (at: number, r: Ref): void => {
    u32(at, r[0]);
    u32(at + 4, r[1]);
  };
  const table = (at: number, off: number, count: number, size: number): void => {
    u32(at + TABLE_OFFSET, off);
    u32(at + TABLE_COUNT, count);
    u32(at + TABLE_RECORD_SIZE, size);
  };

  u32(HEADER.magic, BATCH_MAGIC);
  dv.setUint16(HEADER.version, BATCH_VERSION, true);
  dv.setUint16(HEADER.headerSize, HEADER.size, true);
  u32(HEADER.totalLength, total);
  table(HEADER.events, eventsOff, encoded.length, EVENT.size);
  table(HEADER.processes, procsOff, procs.length, PROCESS.size);
  table(HEADER.containers, containersOff, containers.length, CONTAINER.size);
  table(HEADER.mounts, mountsOff, mounts.length, MOUNT.size);
  u32(HEADER.stringsOffset, stringsOff);
  u32(HEADER.stringsLength, arena.length);
  put64(dv, HEADER.batchSeq, options.batchSeq ?? 0);

  encoded.forEach((ev, i) => {
    const at = eventsOff + i * EVENT.size;
    const e = ev.input;
    put64(dv, at + EVENT.ts, e.ts ?? 0);
    put64(dv, at + EVENT.num, e.num ?? i + 1);
    put64(dv, at + EVENT.res, e.res ?? 0);
    const tid = e.tid ?? e.proc?.tid ?? e.proc?.pid ?? -1;
    const pid = e.pid ?? e.proc?.pid ?? -1;
    dv.setInt32(at + EVENT.tid, checkInt('tid', tid, -0x80000000, 0x7fffffff), true);
    dv.setInt32(at + EVENT.pid, checkInt('pid', pid, -0x80000000, 0x7fffffff), true);
    dv.setUint16(at + EVENT.type, ev.typeId, true);
    dv.setUint16(at + EVENT.cpu, checkInt('cpu', e.cpu ?? 0, 0, 0xffff), true);
    u32(at + EVENT.flags, ev.flags);
    u32(at + EVENT.proc, ev.proc);
    buf[at + EVENT.argsNumMask] = ev.numMask;
    ev.nums.forEach((n, k) => put64(dv, at + EVENT.argsNum + 8 * k, n));
    ev.strs.forEach((r, k) => ref(at + EVENT.argsStr + 8 * k, r));
    const fd = e.fd;
    if (fd) {
      buf[at + EVENT.fdType] = FD_TYPES.indexOf(fd.type ?? 'unknown');
      buf[at + EVENT.fdL4proto] = L4_PROTOS.indexOf(fd.l4proto ?? 'none');
      buf[at + EVENT.fdFamily] = SOCK_FAMILY[fd.family ?? defaultFamily(fd.type)];
      put64(dv, at + EVENT.fdNum, fd.num ?? 0);
      ref(at + EVENT.fdName, ev.fdName);
      ref(at + EVENT.fdNameRaw, ev.fdNameRaw);
      u32(at + EVENT.fdOpenFlags, fd.openFlags ?? 0);
      if (fd.client) {
        dv.setUint16(at + EVENT.fdClientPort, checkInt('client port', fd.client.port, 0, 0xffff), true);
        buf.set(parseIp(fd.client.ip), at + EVENT.fdClientIp);
      }
      if (fd.server) {
        dv.setUint16(at + EVENT.fdServerPort, checkInt('server port', fd.server.port, 0, 0xffff), true);
        buf.set(parseIp(fd.server.ip), at + EVENT.fdServerIp);
      }
    } else {
      ref(at + EVENT.fdName, MISSING_REF);
      ref(at + EVENT.fdNameRaw, MISSING_REF);
    }
  });

  procs.forEach((rec, i) => {
    const at = procsOff + i * PROCESS.size;
    const p = rec.input;
    const i32 = (off: number, what: string, v: number | undefined): void =>
      dv.setInt32(at + off, checkInt(what, v ?? -1, -0x80000000, 0x7fffffff), true);
    i32(PROCESS.pid, 'pid', p.pid);
    i32(PROCESS.tid, 'tid', p.tid ?? p.pid);
    i32(PROCESS.ppid, 'ppid', p.ppid ?? p.parent?.pid);
    i32(PROCESS.vpid, 'vpid', p.vpid ?? p.pid);
    i32(PROCESS.sid, 'sid', p.sid);
    i32(PROCESS.vpgid, 'vpgid', p.vpgid);
    u32(at + PROCESS.uid, checkInt('uid', p.uid ?? 0xffffffff, 0, 0xffffffff));
    u32(at + PROCESS.gid, checkInt('gid', p.gid ?? 0xffffffff, 0, 0xffffffff));
    u32(at + PROCESS.tty, checkInt('tty', p.tty ?? 0, 0, 0xffffffff));
    let flags = 0;
    if (p.exeFromMemfd) flags |= PROC_EXE_FROM_MEMFD;
    if (p.exeUpperLayer) flags |= PROC_EXE_UPPER_LAYER;
    if (p.exeWritable) flags |= PROC_EXE_WRITABLE;
    if (p.exeInoCtime !== undefined || p.exeInoMtime !== undefined) flags |= PROC_HAS_EXE_INO_TIMES;
    if (p.capEffective !== undefined || p.capPermitted !== undefined || p.capInheritable !== undefined) flags |= PROC_HAS_CAPS;
    u32(at + PROCESS.flags, flags);
    u32(at + PROCESS.parent, rec.parent);
    u32(at + PROCESS.sessionLeader, rec.session);
    u32(at + PROCESS.container, rec.container);
    put64(dv, at + PROCESS.loginuid, p.loginuid ?? -1);
    put64(dv, at + PROCESS.capEffective, p.capEffective ?? 0);
    put64(dv, at + PROCESS.capPermitted, p.capPermitted ?? 0);
    put64(dv, at + PROCESS.capInheritable, p.capInheritable ?? 0);
    put64(dv, at + PROCESS.startTs, p.startTs ?? 0);
    put64(dv, at + PROCESS.exeInoCtime, p.exeInoCtime ?? 0);
    put64(dv, at + PROCESS.exeInoMtime, p.exeInoMtime ?? 0);
    for (const [off, r] of rec.refs) ref(at + off, r);
  });

  containers.forEach((rec, i) => {
    const at = containersOff + i * CONTAINER.size;
    const c = rec.input;
    for (const [off, r] of rec.refs) ref(at + off, r);
    put64(dv, at + CONTAINER.startTs, c.startTs ?? 0);
    u32(at + CONTAINER.mountsFirst, rec.mountsFirst);
    u32(at + CONTAINER.mountsCount, c.mounts?.length ?? 0);
    let flags = 0;
    if (c.privileged !== null && c.privileged !== undefined) flags |= CONTAINER_PRIVILEGED_KNOWN;
    if (c.privileged) flags |= CONTAINER_PRIVILEGED;
    if (c.startTs !== null && c.startTs !== undefined) flags |= CONTAINER_HAS_START_TS;
    u32(at + CONTAINER.flags, flags);
  });

  mounts.forEach((rec, i) => {
    const at = mountsOff + i * MOUNT.size;
    for (const [off, r] of rec.refs) ref(at + off, r);
    u32(at + MOUNT.flags, rec.input.rw ? MOUNT_RW : 0);
  });

  arena.writeTo(buf, stringsOff);
  return buf;
}

/** Each entry cut at its first NUL and followed by one NUL (the /proc/PID/cmdline form). */
function nulTerminated(items: readonly string[]): string {
  return items.map((s) => {
    const i = s.indexOf('\0');
    return `${i >= 0 ? s.slice(0, i) : s}\0`;
  }).join('');
}

function defaultFamily(type: FdTypeName | undefined): SockFamilyName {
  switch (type) {
    case 'ipv4':
    case 'ipv4_server':
      return 'inet';
    case 'ipv6':
    case 'ipv6_server':
      return 'inet6';
    case 'unix':
      return 'unix';
    default:
      return 'none';
  }
}
