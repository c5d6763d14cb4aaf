// Field extraction for the oracle: reads a field straight off the plain EventInput objects (the
// encoder's input), with libs' derivations and the encoder's documented defaults (BATCH_ABI.md).
// `null` means the field cannot be extracted; otherwise a field yields one or more typed values
// (proc.aname without index yields every ancestor).
import type { EventInput, FdInput, Int, ProcessInput, Str } from '../../host/engine/batch-encoder.js';
import { eventTypeByName, type ParamDef } from '../../host/engine/event-types.js';
import type { FieldExpr } from '../../host/condition/ast.js';
import { fnmatchRef } from '../engine/fnmatch-reference.js';
import {
  BPF_COMMANDS, EXEC_MODE_MASK, MODE_FLAGS, OPEN_FLAGS, OracleUnsupported, PPM_O_CREAT, PPM_O_RDONLY,
  PPM_O_TMPFILE, PPM_O_WRONLY, PTRACE_REQUESTS, SOCKET_DOMAINS, renderCaps, renderEnum, renderFlags, renderRes,
} from './render.js';

export type Value =
  | { kind: 'str'; bytes: Uint8Array }
  | { kind: 'num'; n: bigint }
  | { kind: 'bool'; b: boolean }
  | { kind: 'ip'; ip: Uint8Array };

export interface Extracted {
  values: Value[];
  /** fd.ip / fd.net / fd.port: `!=` holds only when every endpoint differs (libs compare_ip/net/port). */
  endpoints?: boolean;
}

const utf8 = new TextEncoder();
/** CHARBUF text as libs sees it: UTF-8, cut at the first NUL. */
export function textBytes(s: string): Uint8Array {
  const nul = s.indexOf('\0');
  return utf8.encode(nul >= 0 ? s.slice(0, nul) : s);
}

const str = (s: Str): Extracted | null => (s === null || s === undefined ? null : { values: [{ kind: 'str', bytes: textBytes(s) }] });
const num = (n: Int | null | undefined): Extracted | null => (n === null || n === undefined ? null : { values: [{ kind: 'num', n: BigInt(n) }] });
const bool = (b: boolean | null | undefined): Extracted | null => (b === null || b === undefined ? null : { values: [{ kind: 'bool', b }] });

const u64 = (n: Int): bigint => BigInt.asUintN(64, BigInt(n));
const i64 = (n: Int): bigint => BigInt.asIntN(64, BigInt(n));

// libs fd.type names and fd.typechar characters by batch fd type.
const FD_TYPE_NAME: Record<string, string> = {
  file: 'file', directory: 'directory', ipv4: 'ipv4', ipv6: 'ipv6', ipv4_server: 'ipv4', ipv6_server: 'ipv6',
  fifo: 'pipe', unix: 'unix', event: 'event', signalfd: 'signalfd', eventpoll: 'eventpoll', inotify: 'inotify',
  timerfd: 'timerfd', netlink: 'netlink', bpf: 'bpf', userfaultfd: 'userfaultfd', io_uring: 'io_uring',
  memfd: 'memfd', pidfd: 'pidfd',
};
const FD_TYPE_CHAR: Record<string, string> = {
  file: 'f', directory: 'd', ipv4: '4', ipv6: '6', ipv4_server: '4', ipv6_server: '6', fifo: 'p', unix: 'u',
  event: 'e', signalfd: 's', eventpoll: 'l', inotify: 'i', timerfd: 't', netlink: 'n', bpf: 'b',
  userfaultfd: 'u', io_uring: 'r', memfd: 'm', pidfd: 'P', unknown: 'o', unsupported: 'X',
};
const INET_TYPES = new Set(['ipv4', 'ipv6', 'ipv4_server', 'ipv6_server']);

/** IPv4 dotted quad or IPv6 text → 4 or 16 bytes. */
export function ipBytes(text: string): Uint8Array {
  if (text.includes('.') && !text.includes(':')) {
    const parts = text.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`bad IPv4 ${text}`);
    return Uint8Array.from(parts);
  }
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const words = (s: string): number[] => (s === '' ? [] : s.split(':').map((w) => parseInt(w, 16)));
  const h = words(head);
  const t = tail === undefined ? [] : words(tail);
  const all = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  if (all.length !== 8 || all.some((w) => !(w >= 0 && w <= 0xffff))) throw new Error(`bad IPv6 ${text}`);
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

function ancestors(p: ProcessInput): ProcessInput[] {
  const out: ProcessInput[] = [];
  for (let q = p.parent; q; q = q.parent) out.push(q);
  return out;
}

function cmdline(p: ProcessInput): Str {
  if (p.cmdline !== undefined) return p.cmdline;
  if (p.name === null || p.name === undefined) return null;
  const args = Array.isArray(p.args) ? p.args : typeof p.args === 'string' ? (p.args === '' ? [] : p.args.split(' ')) : [];
  return args.length > 0 ? `${p.name} ${args.join(' ')}` : p.name;
}

function procArgs(p: ProcessInput): Str {
  return Array.isArray(p.args) ? p.args.join(' ') : p.args;
}

/** Process-level fields, also used for parents and ancestors. */
function processField(p: ProcessInput, name: string, e: EventInput): Extracted | null {
  switch (name) {
    case 'name': return str(p.name);
    case 'exe': return str(p.exe);
    case 'exepath': return str(p.exepath);
    case 'cmdline': return str(cmdline(p));
    case 'args': return str(procArgs(p));
    case 'cwd': return str(p.cwd);
    case 'pid': return num(p.pid ?? -1);
    case 'vpid': return num(p.vpid ?? p.pid ?? -1);
    case 'ppid': return num(p.ppid ?? p.parent?.pid ?? -1);
    case 'sid': return num(p.sid ?? -1);
    case 'vpgid': return num(p.vpgid ?? -1);
    case 'tty': return num(p.tty ?? 0);
    case 'env': return p.env ? str(p.env.map(cut).join(' ')) : null;
    case 'is_exe_from_memfd': return bool(!!p.exeFromMemfd);
    case 'is_exe_upper_layer': return bool(!!p.exeUpperLayer);
    case 'is_exe_writable': return bool(!!p.exeWritable);
    case 'is_vpgid_leader': return bool((p.vpgid ?? -1) === (p.vpid ?? p.pid ?? -1));
    case 'duration': {
      const start = u64(p.startTs ?? 0);
      if (start === 0n) return null;
      return num(BigInt.asUintN(64, u64(e.ts ?? 0) - start));
    }
    default: throw new OracleUnsupported(`proc field ${name}`);
  }
}

const cut = (s: string): string => {
  const i = s.indexOf('\0');
  return i >= 0 ? s.slice(0, i) : s;
};

interface Endpoints {
  local: { ip: string; port: number } | null | undefined;
  remote: { ip: string; port: number } | null | undefined;
}
function byRole(fd: FdInput): Endpoints | null {
  if (fd.role === 'client') return { local: fd.client, remote: fd.server };
  if (fd.role === 'server') return { local: fd.server, remote: fd.client };
  return null;
}

/** IP/net of one endpoint as a Value. */
const ipVal = (ip: string): Value => ({ kind: 'ip', ip: ipBytes(ip) });

/** The DNS cache the DNS-name fields read: name -> addresses (oracle.ts sets it per evaluation). */
let activeDns: ReadonlyMap<string, readonly string[]> = new Map();
export const oracleDns = (): ReadonlyMap<string, readonly string[]> => activeDns;
export function setOracleDns(dns: ReadonlyMap<string, readonly string[]>): ReadonlyMap<string, readonly string[]> {
  const before = activeDns;
  activeDns = dns;
  return before;
}

/**
 * The address an fd.*ip.name field looks up (libs sinsp_filtercheck_fd extract / compare_domain):
 * an IP socket with a role; a listening socket only for the server name and only when extracting
 * (`listening`); an endpoint the event lacks is the zero address (libs' zeroed tuple).
 */
export function nameAddress(fd: FdInput | null | undefined, which: 'c' | 's' | 'l' | 'r', listening: boolean): Uint8Array | null {
  if (!fd) return null;
  const type = fd.type ?? 'unknown';
  const server = type === 'ipv4_server' || type === 'ipv6_server';
  if (type !== 'ipv4' && type !== 'ipv6' && !(server && listening && which === 's')) return null;
  if (fd.role !== 'client' && fd.role !== 'server') return null;
  const v6 = type === 'ipv6' || type === 'ipv6_server';
  const local = fd.role === 'client' ? fd.client : fd.server;
  const remote = fd.role === 'client' ? fd.server : fd.client;
  const end = which === 'c' ? fd.client : which === 's' ? fd.server : which === 'l' ? local : remote;
  return end ? ipBytes(end.ip) : new Uint8Array(v6 ? 16 : 4);
}

/** Is the address text `a` the address `ip` (same family and bytes)? */
export function sameAddress(a: string, ip: Uint8Array): boolean {
  let b: Uint8Array;
  try {
    b = ipBytes(a);
  } catch {
    return false;
  }
  return b.length === ip.length && b.every((x, i) => x === ip[i]);
}

function fdField(e: EventInput, name: string): Extracted | null {
  const fd = e.fd;
  if (!fd) return null;
  const type = fd.type ?? 'unknown';
  const inet = INET_TYPES.has(type);
  const endpoints = [fd.client, fd.server].filter((x): x is { ip: string; port: number } => !!x);
  switch (name) {
    case 'name': return str(fd.name);
    case 'nameraw': return str(fd.nameraw);
    case 'num': return fd.num === null || fd.num === undefined ? null : num(i64(fd.num));
    case 'type': {
      const t = FD_TYPE_NAME[type];
      if (t === undefined) throw new OracleUnsupported(`fd.type of fd type ${type}`);
      return str(t);
    }
    case 'typechar': {
      const c = FD_TYPE_CHAR[type];
      if (c === undefined) throw new OracleUnsupported(`fd.typechar of fd type ${type}`);
      return str(c);
    }
    case 'directory': {
      if (type !== 'file' && type !== 'directory') return null;
      if (fd.name === null || fd.name === undefined) return null;
      const n = cut(fd.name);
      if (type === 'directory') return str(n);
      const slash = n.lastIndexOf('/');
      if (slash <= 0) return str('/');
      return str(slash < n.length - 1 ? n.slice(0, slash) : n);
    }
    case 'filename': {
      if (type !== 'file' || fd.name === null || fd.name === undefined) return null;
      const n = cut(fd.name);
      const slash = n.lastIndexOf('/');
      if (slash < 0) return str('/');
      return str(slash < n.length - 1 ? n.slice(slash + 1) : n);
    }
    case 'l4proto': {
      const p = fd.l4proto ?? 'none';
      return str(p === 'none' ? '<NA>' : p);
    }
    case 'sockfamily': {
      if (inet) return str('ip');
      if (type === 'unix') return str('unix');
      return null;
    }
    case 'connected': return bool(!!fd.connected);
    case 'name_changed': return bool(!!fd.nameChanged);
    case 'cip': return inet && fd.client ? { values: [ipVal(fd.client.ip)] } : null;
    case 'sip': return inet && fd.server ? { values: [ipVal(fd.server.ip)] } : null;
    case 'cport': return inet && fd.client ? num(fd.client.port) : null;
    case 'sport': return inet && fd.server ? num(fd.server.port) : null;
    case 'cnet': return inet && fd.client ? { values: [ipVal(fd.client.ip)] } : null;
    case 'snet': return inet && fd.server ? { values: [ipVal(fd.server.ip)] } : null;
    case 'ip':
    case 'net':
      return inet && endpoints.length > 0 ? { values: endpoints.map((x) => ipVal(x.ip)), endpoints: true } : null;
    case 'port':
      return inet && endpoints.length > 0 ? { values: endpoints.map((x) => ({ kind: 'num', n: BigInt(x.port) })), endpoints: true } : null;
    case 'lip': case 'rip': case 'lnet': case 'rnet': case 'lport': case 'rport': {
      if (!inet) return null;
      const r = byRole(fd);
      const side = r === null ? null : name[0] === 'l' ? r.local : r.remote;
      if (!side) return null;
      return name.endsWith('port') ? num(side.port) : { values: [ipVal(side.ip)] };
    }
    case 'cip.name': case 'sip.name': case 'lip.name': case 'rip.name': {
      const ip = nameAddress(fd, name[0] as 'c' | 's' | 'l' | 'r', true);
      if (ip === null) return null;
      // libs name_of: the first (name, address) pair of the address in std::string order
      const found = [...activeDns.entries()].filter(([, addrs]) => addrs.some((a) => sameAddress(a, ip))).map(([n]) => n);
      found.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      return found.length === 0 ? null : str(found[0]!);
    }
    default: throw new OracleUnsupported(`fd field ${name}`);
  }
}

function paramOf(e: EventInput, argName: string): ParamDef | undefined {
  return eventTypeByName(e.type)?.params.find((p) => p.name === argName);
}

/** evt.arg.NAME as libs renders the parameter to text. */
function evtArg(e: EventInput, argName: string): Extracted | null {
  const p = paramOf(e, argName);
  if (p === undefined) return null;
  if (p.slot.kind === 'res') throw new OracleUnsupported(`evt.arg.${argName}: the return value's text form`);
  const v = e.args?.[argName];
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    if (p.type === 'BYTEBUF') throw new OracleUnsupported('evt.arg of a byte buffer');
    return str(v);
  }
  if (v instanceof Uint8Array) throw new OracleUnsupported('evt.arg of raw bytes');
  if (typeof v === 'object') return v.name === null || v.name === undefined ? null : str(v.name);
  const n = Number(v);
  switch (p.type) {
    case 'FLAGS32':
      if ((e.type === 'open' || e.type === 'openat' || e.type === 'openat2') && argName === 'flags') return str(renderFlags(OPEN_FLAGS, n));
      break;
    case 'MODE':
      return str(renderFlags(MODE_FLAGS, n));
    case 'ENUMFLAGS16':
      if (e.type === 'ptrace' && argName === 'request') return str(renderEnum(PTRACE_REQUESTS, n));
      break;
    case 'ENUMFLAGS32':
      if (e.type === 'socket' && argName === 'domain') return str(renderEnum(SOCKET_DOMAINS, n));
      if (e.type === 'bpf' && argName === 'cmd') return str(renderEnum(BPF_COMMANDS, n));
      break;
    default:
      break;
  }
  throw new OracleUnsupported(`evt.arg.${argName} of ${e.type} (${p.type})`);
}

const OPEN_TYPES = new Set(['open', 'openat', 'openat2', 'open_by_handle_at']);

function isOpen(e: EventInput, which: 'read' | 'write' | 'exec'): Extracted {
  let yes = false;
  const flags = Number(e.args?.['flags'] ?? 0);
  const mode = Number(e.args?.['mode'] ?? 0);
  if (OPEN_TYPES.has(e.type)) {
    if (which === 'read') yes = (flags & PPM_O_RDONLY) !== 0;
    if (which === 'write') yes = (flags & PPM_O_WRONLY) !== 0;
    if (which === 'exec') yes = (flags & (PPM_O_CREAT | PPM_O_TMPFILE)) !== 0 && e.type !== 'open_by_handle_at' && (mode & EXEC_MODE_MASK) !== 0;
  } else if (which === 'exec' && e.type === 'creat') {
    yes = (mode & EXEC_MODE_MASK) !== 0;
  }
  return { values: [{ kind: 'bool', b: yes }] };
}

/** Extracts `field` (with its bracket argument) from event `e`, the `index`-th of its batch. */
export function extractField(f: FieldExpr, e: EventInput, index: number): Extracted | null {
  const name = f.field;
  const p = e.proc;
  if (name.startsWith('evt.arg.')) return evtArg(e, name.slice('evt.arg.'.length));
  // every parameter with libs' resolved forms: checked against the engine in test/engine/evt-args.test.ts
  if (name === 'evt.args' || name === 'evt.info') throw new OracleUnsupported(name);
  switch (name) {
    case 'evt.type': return str(e.type);
    case 'evt.dir': return str(e.dir === '>' ? '>' : '<');
    case 'evt.num': return num(u64(e.num ?? index + 1));
    case 'evt.rawres': return e.res === null || e.res === undefined ? null : num(i64(e.res));
    case 'evt.res': return e.res === null || e.res === undefined ? null : str(renderRes(i64(e.res)));
    case 'evt.is_open_read': return isOpen(e, 'read');
    case 'evt.is_open_write': return isOpen(e, 'write');
    case 'evt.is_open_exec': return isOpen(e, 'exec');
    case 'evt.buffer': {
      const d = e.args?.['data'];
      if (d === null || d === undefined) return null;
      if (d instanceof Uint8Array) return { values: [{ kind: 'str', bytes: d }] };
      if (typeof d === 'string') return { values: [{ kind: 'str', bytes: utf8.encode(d) }] };
      return null;
    }
  }
  if (name.startsWith('fd.')) return fdField(e, name.slice(3));
  if (!p) return null;
  switch (name) {
    case 'proc.pname': return p.parent ? processField(p.parent, 'name', e) : null;
    case 'proc.pcmdline': return p.parent ? processField(p.parent, 'cmdline', e) : null;
    case 'proc.pexe': return p.parent ? processField(p.parent, 'exe', e) : null;
    case 'proc.pexepath': return p.parent ? processField(p.parent, 'exepath', e) : null;
    case 'proc.ppid': return processField(p, 'ppid', e);
    case 'proc.sname': return p.sessionLeader ? processField(p.sessionLeader, 'name', e) : null;
    case 'proc.aname': case 'proc.aexe': case 'proc.aexepath': case 'proc.apid': {
      const what = name === 'proc.aname' ? 'name' : name === 'proc.apid' ? 'pid' : name.slice('proc.a'.length);
      if (f.arg === undefined) {
        const values = ancestors(p).flatMap((a) => processField(a, what, e)?.values ?? []);
        return values.length > 0 ? { values } : null;
      }
      const n = Number(f.arg);
      const chain = [p, ...ancestors(p)];
      const a = chain[n];
      return a ? processField(a, what, e) : null;
    }
    case 'proc.env':
      if (f.arg !== undefined) {
        const hit = p.env?.map(cut).find((kv) => kv.startsWith(`${f.arg}=`));
        return hit === undefined ? null : str(hit.slice(f.arg.length + 1));
      }
      return processField(p, 'env', e);
    case 'proc.args':
      if (f.arg !== undefined) throw new OracleUnsupported('proc.args[N]');
      return processField(p, 'args', e);
    case 'user.uid': return num(p.uid ?? 0xffffffff);
    case 'user.name': return str(p.userName);
    case 'user.loginuid': return num(i64(p.loginuid ?? -1));
    case 'user.loginname': return str(p.loginName);
    case 'group.gid': return num(p.gid ?? 0xffffffff);
    case 'group.name': return str(p.groupName);
    case 'thread.cap_effective': case 'thread.cap_permitted': case 'thread.cap_inheritable': {
      if (p.capEffective === undefined && p.capPermitted === undefined && p.capInheritable === undefined) return null;
      const v = name === 'thread.cap_effective' ? p.capEffective : name === 'thread.cap_permitted' ? p.capPermitted : p.capInheritable;
      return str(renderCaps(u64(v ?? 0)));
    }
    case 'container.id': return str(p.containerId);
  }
  if (name.startsWith('proc.')) return processField(p, name.slice(5), e);
  const c = p.container;
  if (name.startsWith('container.') || name.startsWith('k8s.')) {
    if (!c) return null;
    switch (name) {
      case 'container.name': return str(c.name);
      case 'container.image': return str(c.image);
      case 'container.image.repository': return str(c.imageRepository);
      case 'container.image.tag': return str(c.imageTag);
      case 'container.image.digest': return str(c.imageDigest);
      case 'container.type': return str(c.type);
      case 'container.privileged': return bool(c.privileged);
      case 'container.start_ts': return c.startTs === null || c.startTs === undefined ? null : num(u64(c.startTs));
      case 'k8s.ns.name': return str(c.k8sNsName);
      case 'k8s.pod.name': return str(c.k8sPodName);
      case 'container.mount.dest': case 'container.mount.source': case 'container.mount.mode': {
        // [N]: the N-th mount; [path]: the mount whose source matches the glob (libs: fnmatch)
        const arg = f.arg ?? '';
        const mounts = c.mounts ?? [];
        const m = /^[0-9]+$/.test(arg) ? mounts[Number(arg)] : mounts.find((x) => x.source != null && fnmatchRef(arg, x.source));
        if (!m) return null;
        return str(name === 'container.mount.dest' ? m.dest : name === 'container.mount.source' ? m.source : m.mode);
      }
    }
  }
  throw new OracleUnsupported(`field ${name}`);
}
