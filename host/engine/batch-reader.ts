// Decodes a validated batch ABI v1 batch into plain objects (tests, replay diagnostics, output
// fields on the host side). Indices stay indices: processes refer to parents by table position.
import {
  CONTAINER, CONTAINER_HAS_START_TS, CONTAINER_PRIVILEGED, CONTAINER_PRIVILEGED_KNOWN, EVENT,
  EVT_DIR_ENTER, EVT_FD_CONNECTED, EVT_FD_HAS_CLIENT, EVT_FD_HAS_NUM, EVT_FD_HAS_SERVER,
  EVT_FD_NAME_CHANGED, EVT_FD_ROLE_CLIENT, EVT_FD_ROLE_SERVER, EVT_HAS_FD, EVT_HAS_RES, FD_TYPES,
  L4_PROTOS, MISSING_OFFSET, MOUNT, MOUNT_RW, NONE_INDEX, PROC_EXE_FROM_MEMFD, PROC_EXE_UPPER_LAYER,
  PROC_EXE_WRITABLE, PROCESS, SOCK_FAMILY, type FdTypeName, type L4ProtoName, type SockFamilyName,
} from './batch-layout.js';
import { validateBatch } from './batch-validate.js';
import { eventTypeById } from './event-types.js';
import { formatIpv4, formatIpv6 } from './ip.js';

export type DecodedArg = bigint | string | Uint8Array | { id: bigint; name: string | null };

export interface DecodedFd {
  num: bigint | null;
  type: FdTypeName;
  name: string | null;
  nameraw: string | null;
  l4proto: L4ProtoName;
  family: SockFamilyName;
  client: { ip: string; port: number } | null;
  server: { ip: string; port: number } | null;
  role: 'client' | 'server' | null;
  connected: boolean;
  nameChanged: boolean;
}

export interface DecodedEvent {
  type: string;
  ts: bigint;
  num: bigint;
  tid: number;
  pid: number;
  cpu: number;
  dir: '>' | '<';
  res: bigint | null;
  args: Record<string, DecodedArg>;
  fd: DecodedFd | null;
  proc: number | null;
}

export interface DecodedProcess {
  pid: number; tid: number; ppid: number; vpid: number; sid: number; vpgid: number;
  uid: number; gid: number; tty: number; loginuid: bigint;
  capEffective: bigint; capPermitted: bigint; capInheritable: bigint;
  startTs: bigint; exeInoCtime: bigint; exeInoMtime: bigint;
  exeFromMemfd: boolean; exeUpperLayer: boolean; exeWritable: boolean;
  name: string | null; exe: string | null; exepath: string | null; cmdline: string | null;
  args: string | null; argv: string[] | null; cwd: string | null; env: string[] | null; userName: string | null;
  groupName: string | null; loginName: string | null; containerId: string | null;
  parent: number | null; sessionLeader: number | null; container: number | null;
}

export interface DecodedMount {
  source: string | null; dest: string | null; mode: string | null; propagation: string | null; rw: boolean;
}

export interface DecodedContainer {
  id: string | null; name: string | null; image: string | null; imageRepository: string | null;
  imageTag: string | null; imageDigest: string | null; type: string | null; k8sNsName: string | null;
  k8sPodName: string | null; privileged: boolean | null; startTs: bigint | null; mounts: DecodedMount[];
}

export interface DecodedBatch {
  events: DecodedEvent[];
  processes: DecodedProcess[];
  containers: DecodedContainer[];
}

const decoder = new TextDecoder('utf-8');

export function readBatch(bytes: Uint8Array): DecodedBatch {
  const layout = validateBatch(bytes);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number): number => dv.getUint32(at, true);
  const i32 = (at: number): number => dv.getInt32(at, true);
  const u64 = (at: number): bigint => dv.getBigUint64(at, true);
  const arena = layout.stringsOffset;
  const raw = (at: number): Uint8Array | null => {
    const off = u32(at);
    if (off === MISSING_OFFSET) return null;
    return bytes.subarray(arena + off, arena + off + u32(at + 4));
  };
  const str = (at: number): string | null => {
    const b = raw(at);
    return b === null ? null : decoder.decode(b);
  };
  // Lists of NUL-terminated entries.
  const list = (at: number): string[] | null => {
    const s = str(at);
    return s === null ? null : s.split('\0').slice(0, -1);
  };
  const idx = (at: number): number | null => (u32(at) === NONE_INDEX ? null : u32(at));
  const familyName = (v: number): SockFamilyName =>
    (Object.keys(SOCK_FAMILY) as SockFamilyName[]).find((k) => SOCK_FAMILY[k] === v) ?? 'none';

  const events: DecodedEvent[] = [];
  for (let i = 0; i < layout.events.count; i++) {
    const at = layout.events.offset + i * EVENT.size;
    const def = eventTypeById(dv.getUint16(at + EVENT.type, true))!;
    const flags = u32(at + EVENT.flags);
    const mask = bytes[at + EVENT.argsNumMask]!;
    const args: Record<string, DecodedArg> = {};
    for (const p of def.params) {
      if (p.slot.kind === 'num' && (mask & (1 << p.slot.index)) !== 0) {
        const v = u64(at + EVENT.argsNum + 8 * p.slot.index);
        args[p.name] = p.nameSlot === undefined ? v : { id: v, name: str(at + EVENT.argsStr + 8 * p.nameSlot) };
      } else if (p.slot.kind === 'str') {
        const b = raw(at + EVENT.argsStr + 8 * p.slot.index);
        if (b !== null) args[p.name] = p.type === 'BYTEBUF' ? b.slice() : decoder.decode(b);
      }
    }
    let fd: DecodedFd | null = null;
    if ((flags & EVT_HAS_FD) !== 0) {
      const family = familyName(bytes[at + EVENT.fdFamily]!);
      const ip = (off: number): string =>
        family === 'inet6' ? formatIpv6(bytes.subarray(at + off, at + off + 16)) : formatIpv4(bytes.subarray(at + off, at + off + 4));
      fd = {
        num: (flags & EVT_FD_HAS_NUM) !== 0 ? dv.getBigInt64(at + EVENT.fdNum, true) : null,
        type: FD_TYPES[bytes[at + EVENT.fdType]!]!,
        name: str(at + EVENT.fdName),
        nameraw: str(at + EVENT.fdNameRaw),
        l4proto: L4_PROTOS[bytes[at + EVENT.fdL4proto]!]!,
        family,
        client: (flags & EVT_FD_HAS_CLIENT) !== 0 ? { ip: ip(EVENT.fdClientIp), port: dv.getUint16(at + EVENT.fdClientPort, true) } : null,
        server: (flags & EVT_FD_HAS_SERVER) !== 0 ? { ip: ip(EVENT.fdServerIp), port: dv.getUint16(at + EVENT.fdServerPort, true) } : null,
        role: (flags & EVT_FD_ROLE_CLIENT) !== 0 ? 'client' : (flags & EVT_FD_ROLE_SERVER) !== 0 ? 'server' : null,
        connected: (flags & EVT_FD_CONNECTED) !== 0,
        nameChanged: (flags & EVT_FD_NAME_CHANGED) !== 0,
      };
    }
    events.push({
      type: def.name,
      ts: u64(at + EVENT.ts),
      num: u64(at + EVENT.num),
      tid: i32(at + EVENT.tid),
      pid: i32(at + EVENT.pid),
      cpu: dv.getUint16(at + EVENT.cpu, true),
      dir: (flags & EVT_DIR_ENTER) !== 0 ? '>' : '<',
      res: (flags & EVT_HAS_RES) !== 0 ? dv.getBigInt64(at + EVENT.res, true) : null,
      args,
      fd,
      proc: idx(at + EVENT.proc),
    });
  }

  const processes: DecodedProcess[] = [];
  for (let i = 0; i < layout.processes.count; i++) {
    const at = layout.processes.offset + i * PROCESS.size;
    const flags = u32(at + PROCESS.flags);
    processes.push({
      pid: i32(at + PROCESS.pid), tid: i32(at + PROCESS.tid), ppid: i32(at + PROCESS.ppid),
      vpid: i32(at + PROCESS.vpid), sid: i32(at + PROCESS.sid), vpgid: i32(at + PROCESS.vpgid),
      uid: u32(at + PROCESS.uid), gid: u32(at + PROCESS.gid), tty: u32(at + PROCESS.tty),
      loginuid: dv.getBigInt64(at + PROCESS.loginuid, true),
      capEffective: u64(at + PROCESS.capEffective), capPermitted: u64(at + PROCESS.capPermitted),
      capInheritable: u64(at + PROCESS.capInheritable), startTs: u64(at + PROCESS.startTs),
      exeInoCtime: u64(at + PROCESS.exeInoCtime), exeInoMtime: u64(at + PROCESS.exeInoMtime),
      exeFromMemfd: (flags & PROC_EXE_FROM_MEMFD) !== 0,
      exeUpperLayer: (flags & PROC_EXE_UPPER_LAYER) !== 0,
      exeWritable: (flags & PROC_EXE_WRITABLE) !== 0,
      name: str(at + PROCESS.name), exe: str(at + PROCESS.exe), exepath: str(at + PROCESS.exepath),
      cmdline: str(at + PROCESS.cmdline), args: str(at + PROCESS.args), cwd: str(at + PROCESS.cwd),
      env: list(at + PROCESS.env), argv: list(at + PROCESS.argv), userName: str(at + PROCESS.userName), groupName: str(at + PROCESS.groupName),
      loginName: str(at + PROCESS.loginName), containerId: str(at + PROCESS.containerId),
      parent: idx(at + PROCESS.parent), sessionLeader: idx(at + PROCESS.sessionLeader),
      container: idx(at + PROCESS.container),
    });
  }

  const containers: DecodedContainer[] = [];
  for (let i = 0; i < layout.containers.count; i++) {
    const at = layout.containers.offset + i * CONTAINER.size;
    const flags = u32(at + CONTAINER.flags);
    const first = u32(at + CONTAINER.mountsFirst);
    const mounts: DecodedMount[] = [];
    for (let m = 0; m < u32(at + CONTAINER.mountsCount); m++) {
      const mat = layout.mounts.offset + (first + m) * MOUNT.size;
      mounts.push({
        source: str(mat + MOUNT.source), dest: str(mat + MOUNT.dest), mode: str(mat + MOUNT.mode),
        propagation: str(mat + MOUNT.propagation), rw: (u32(mat + MOUNT.flags) & MOUNT_RW) !== 0,
      });
    }
    containers.push({
      id: str(at + CONTAINER.id), name: str(at + CONTAINER.name), image: str(at + CONTAINER.image),
      imageRepository: str(at + CONTAINER.imageRepository), imageTag: str(at + CONTAINER.imageTag),
      imageDigest: str(at + CONTAINER.imageDigest), type: str(at + CONTAINER.type),
      k8sNsName: str(at + CONTAINER.k8sNsName), k8sPodName: str(at + CONTAINER.k8sPodName),
      privileged: (flags & CONTAINER_PRIVILEGED_KNOWN) !== 0 ? (flags & CONTAINER_PRIVILEGED) !== 0 : null,
      startTs: (flags & CONTAINER_HAS_START_TS) !== 0 ? u64(at + CONTAINER.startTs) : null,
      mounts,
    });
  }
  return { events, processes, containers };
}
