// Builds fixture events: a plain base event of a given type (a process with a parent and init,
// an fd where the type has one) plus field settings applied in order, each written as the field
// it should read (`fd.name`, `proc.aname[2]`, `evt.arg.flags`) and the value. Settings are how
// fixtures are written, so a fixture reads like the conditions it exercises.
import type { FieldExpr } from '../../host/condition/ast.js';
import { encodeBatch, type EventInput, type FdInput, type ProcessInput } from '../../host/engine/batch-encoder.js';
import { eventTypeByName } from '../../host/engine/event-types.js';
import { BPF_COMMANDS, CAPABILITIES, ERRNO_NAMES, MODE_FLAGS, OPEN_FLAGS, PTRACE_REQUESTS, SOCKET_DOMAINS } from '../oracle/render.js';

export type Setting = string | number | boolean | null;

/**
 * The DNS cache fixtures resolve names in (upstream-rules.test.ts hands it to the engine and the
 * oracle): `['fd.sip.name', name]` puts the name's first address on the server side.
 */
export const FIXTURE_DNS: Readonly<Record<string, readonly string[]>> = {
  'kubernetes.default.svc.cluster.local': ['10.96.0.1'],
  'xmr.crypto-pool.fr': ['203.0.113.50'],
};
/** One field setting: the field as written in conditions, and the value it should read. */
export type FieldSetting = readonly [string, Setting];

const FD_EVENTS_FILE = new Set(['open', 'openat', 'openat2', 'creat', 'open_by_handle_at']);
const FD_EVENTS_NET = new Set(['connect', 'accept', 'accept4', 'sendto', 'sendmsg', 'recvfrom', 'recvmsg', 'listen', 'bind']);

export function baseEvent(type: string): EventInput {
  const systemd: ProcessInput = { pid: 1, name: 'systemd', exe: '/usr/lib/systemd/systemd', exepath: '/usr/lib/systemd/systemd', args: [], uid: 0, userName: 'root' };
  const parent: ProcessInput = { pid: 900, name: 'parentproc', exe: '/usr/bin/parentproc', exepath: '/usr/bin/parentproc', args: [], uid: 1000, userName: 'user', parent: systemd };
  const proc: ProcessInput = {
    pid: 1000, vpid: 1000, vpgid: 999, sid: 900, name: 'someproc', exe: '/usr/bin/someproc', exepath: '/usr/bin/someproc',
    args: ['--opt'], cwd: '/home/user', env: ['HOME=/home/user'], uid: 1000, gid: 1000, userName: 'user', groupName: 'user',
    loginuid: 1000, loginName: 'user', tty: 0, containerId: 'host', startTs: 1_000_000_000, parent,
    capEffective: 0, capPermitted: 0, capInheritable: 0,
  };
  const e: EventInput = { type, ts: 2_000_000_000, res: 0, args: {}, proc };
  if (FD_EVENTS_FILE.has(type)) {
    e.fd = { num: 3, type: 'file', name: '/tmp/somefile', nameraw: '/tmp/somefile' };
    e.res = 3;
    e.args = { name: '/tmp/somefile', flags: 1, mode: 0 };
    if (type === 'creat') e.args = { name: '/tmp/somefile', mode: 0o644 };
  } else if (FD_EVENTS_NET.has(type)) {
    e.fd = {
      num: 4, type: 'ipv4', l4proto: 'tcp', role: 'client', connected: true, name: '10.0.0.2:40000->10.0.0.3:8080',
      client: { ip: '10.0.0.2', port: 40000 }, server: { ip: '10.0.0.3', port: 8080 },
    };
  }
  if (type === 'execve') e.args = { filename: '/usr/bin/someproc' };
  return e;
}

// ---- field setters ----

const ipv6 = (ip: string): boolean => ip.includes(':');

function chain(p: ProcessInput, n: number): ProcessInput {
  let q = p;
  for (let i = 0; i < n; i++) {
    q.parent ??= { pid: 500 - i, name: `ancestor${i + 1}`, exe: `/usr/bin/ancestor${i + 1}`, args: [] };
    q = q.parent;
  }
  return q;
}

function fdOf(e: EventInput, net = false): FdInput {
  if (!e.fd) e.fd = net
    ? { num: 4, type: 'ipv4', l4proto: 'tcp', role: 'client', connected: true, client: { ip: '10.0.0.2', port: 40000 }, server: { ip: '10.0.0.3', port: 8080 } }
    : { num: 3, type: 'file', name: '/tmp/somefile', nameraw: '/tmp/somefile' };
  return e.fd;
}

function setEndpoint(fd: FdInput, side: 'client' | 'server', ip: string | null, port: number | null): void {
  const cur = fd[side] ?? { ip: '10.0.0.9', port: 9 };
  const next = { ip: ip ?? cur.ip, port: port ?? cur.port };
  fd[side] = next;
  const v6 = ipv6(next.ip);
  const server = fd.type === 'ipv4_server' || fd.type === 'ipv6_server';
  fd.type = server ? (v6 ? 'ipv6_server' : 'ipv4_server') : v6 ? 'ipv6' : 'ipv4';
  const other = side === 'client' ? 'server' : 'client';
  if (fd[other] && ipv6(fd[other]!.ip) !== v6) fd[other] = { ip: v6 ? '2001:db8::9' : '10.0.0.9', port: fd[other]!.port };
}

const nameToValue = (table: readonly (readonly [string, number])[], name: string): number | undefined => table.find(([n]) => n === name)?.[1];

/** Sets `f` so that it reads `v` (null: cannot be extracted). Returns false when it cannot. */
export function setField(e: EventInput, f: FieldExpr, v: Setting): boolean {
  const name = f.field;
  const p = e.proc!;
  const s = v === null ? null : String(v);
  if (name.startsWith('evt.arg.')) {
    const arg = name.slice(8);
    const param = eventTypeByName(e.type)?.params.find((x) => x.name === arg);
    if (!param || s === null) return false;
    e.args ??= {};
    if (param.slot.kind === 'str') e.args[arg] = s;
    else if (param.type === 'UID') e.args[arg] = { id: 33, name: s };
    else {
      const tables = { flags: OPEN_FLAGS, mode: MODE_FLAGS, request: PTRACE_REQUESTS, domain: SOCKET_DOMAINS, cmd: BPF_COMMANDS } as const;
      const table = tables[arg as keyof typeof tables];
      if (!table) return false;
      const parts = s.split('|');
      let n = 0;
      for (const part of parts) {
        const bits = nameToValue(table, part);
        if (bits === undefined) return false;
        n |= bits;
      }
      e.args[arg] = n;
    }
    return true;
  }
  switch (name) {
    case 'evt.type':
      if (s === null || !eventTypeByName(s)) return false;
      e.type = s;
      return true;
    case 'evt.dir': e.dir = s === '>' ? '>' : '<'; return s === '>' || s === '<';
    case 'evt.rawres': e.res = v === null ? null : Number(v); return true;
    case 'evt.res': {
      if (s === null) { e.res = null; return true; }
      if (s === 'SUCCESS') { e.res = 0; return true; }
      const errno = [...ERRNO_NAMES].find(([, n]) => n === s)?.[0];
      if (errno === undefined) return false;
      e.res = -errno;
      return true;
    }
    case 'evt.is_open_read': case 'evt.is_open_write': {
      if (!eventTypeByName(e.type)?.params.some((x) => x.name === 'flags')) return v === false;
      const bit = name === 'evt.is_open_read' ? 1 : 2;
      const flags = Number(e.args?.['flags'] ?? 0);
      e.args = { ...e.args, flags: v === true ? flags | bit : flags & ~bit };
      return true;
    }
    case 'evt.is_open_exec': {
      if (!eventTypeByName(e.type)?.params.some((x) => x.name === 'flags')) return v === false;
      const flags = Number(e.args?.['flags'] ?? 0);
      e.args = { ...e.args, flags: v === true ? flags | 4 : flags, mode: v === true ? 0o755 : 0o644 };
      return true;
    }
    case 'evt.buffer': if (s === null || !/^([0-9a-f]{2})+$/i.test(s)) return false; e.args = { ...e.args, data: new Uint8Array(Buffer.from(s, 'hex')) }; return true;
    case 'fd.name': fdOf(e).name = s; if (e.fd!.nameraw !== undefined) e.fd!.nameraw = s; return true;
    case 'fd.nameraw': fdOf(e).nameraw = s; return true;
    case 'fd.directory': {
      if (s === null) return false;
      const fd = fdOf(e);
      const base = (fd.name ?? '/x/file').split('/').pop() || 'file';
      fd.name = `${s === '/' ? '' : s}/${base}`;
      fd.nameraw = fd.name;
      return true;
    }
    case 'fd.filename': {
      if (s === null) return false;
      const fd = fdOf(e);
      const n = fd.name ?? '/tmp/x';
      fd.name = `${n.slice(0, Math.max(n.lastIndexOf('/'), 0))}/${s}`;
      fd.nameraw = fd.name;
      return true;
    }
    case 'fd.typechar': case 'fd.type': {
      const map: Record<string, FdInput['type']> = { f: 'file', d: 'directory', '4': 'ipv4', '6': 'ipv6', u: 'unix', p: 'fifo', file: 'file', directory: 'directory', ipv4: 'ipv4', ipv6: 'ipv6', unix: 'unix', pipe: 'fifo', memfd: 'memfd', e: 'event' };
      if (s === null || !map[s]) return false;
      const t = map[s]!;
      const fd = fdOf(e, t === 'ipv4' || t === 'ipv6');
      fd.type = t;
      if (t === 'ipv4' || t === 'ipv6') {
        fd.client ??= { ip: t === 'ipv6' ? '2001:db8::2' : '10.0.0.2', port: 40000 };
        fd.server ??= { ip: t === 'ipv6' ? '2001:db8::3' : '10.0.0.3', port: 8080 };
        fd.role ??= 'client';
      }
      return true;
    }
    case 'fd.num': fdOf(e).num = v === null ? null : Number(v); return true;
    case 'fd.l4proto': if (s !== 'tcp' && s !== 'udp' && s !== 'icmp' && s !== 'raw') return false; fdOf(e, true).l4proto = s; return true;
    case 'fd.sockfamily': if (s === 'ip') { fdOf(e, true).type = 'ipv4'; return true; } if (s === 'unix') { fdOf(e).type = 'unix'; return true; } return false;
    case 'fd.connected': fdOf(e, true).connected = v === true; return true;
    case 'fd.name_changed': fdOf(e).nameChanged = v === true; return true;
    case 'fd.sip': case 'fd.snet': setEndpoint(fdOf(e, true), 'server', s, null); return s !== null;
    case 'fd.sip.name': {
      const ip = s === null ? undefined : FIXTURE_DNS[s]?.[0];
      if (ip === undefined) return false;
      setEndpoint(fdOf(e, true), 'server', ip, null);
      return true;
    }
    case 'fd.cip': case 'fd.cnet': setEndpoint(fdOf(e, true), 'client', s, null); return s !== null;
    case 'fd.sport': setEndpoint(fdOf(e, true), 'server', null, Number(v)); return v !== null;
    case 'fd.cport': setEndpoint(fdOf(e, true), 'client', null, Number(v)); return v !== null;
    case 'fd.ip': case 'fd.net': setEndpoint(fdOf(e, true), 'server', s, null); setEndpoint(e.fd!, 'client', s, null); return s !== null;
    case 'fd.port': setEndpoint(fdOf(e, true), 'server', null, Number(v)); setEndpoint(e.fd!, 'client', null, Number(v)); return v !== null;
    case 'fd.rip': case 'fd.rnet': fdOf(e, true).role = 'client'; setEndpoint(e.fd!, 'server', s, null); return s !== null;
    case 'fd.lip': case 'fd.lnet': fdOf(e, true).role = 'client'; setEndpoint(e.fd!, 'client', s, null); return s !== null;
    case 'fd.rport': fdOf(e, true).role = 'client'; setEndpoint(e.fd!, 'server', null, Number(v)); return v !== null;
    case 'fd.lport': fdOf(e, true).role = 'client'; setEndpoint(e.fd!, 'client', null, Number(v)); return v !== null;
    case 'proc.pname': chain(p, 1).name = s; return true;
    case 'proc.pcmdline': chain(p, 1).cmdline = s; return true;
    case 'proc.pexe': chain(p, 1).exe = s; return true;
    case 'proc.pexepath': chain(p, 1).exepath = s; return true;
    case 'proc.sname': p.sessionLeader = { pid: 900, name: s }; return true;
    case 'proc.aname': case 'proc.aexe': case 'proc.aexepath': {
      const key = name === 'proc.aname' ? 'name' : name === 'proc.aexe' ? 'exe' : 'exepath';
      if (f.arg !== undefined) { chain(p, Number(f.arg))[key] = s; return true; }
      chain(p, 1)[key] = s;
      return true;
    }
    case 'proc.name': p.name = s; return true;
    case 'proc.exe': p.exe = s; return true;
    case 'proc.exepath': p.exepath = s; return true;
    case 'proc.cmdline': p.cmdline = s; return true;
    case 'proc.args': if (f.arg !== undefined) return false; p.args = s; return true;
    case 'proc.cwd': p.cwd = s; return true;
    case 'proc.env': if (f.arg !== undefined || s === null) return false; p.env = [s]; return true;
    case 'proc.tty': p.tty = Number(v); return v !== null;
    case 'proc.vpid': p.vpid = Number(v); return v !== null;
    case 'proc.pid': p.pid = Number(v); return v !== null;
    case 'proc.is_exe_from_memfd': p.exeFromMemfd = v === true; return true;
    case 'proc.is_exe_upper_layer': p.exeUpperLayer = v === true; return true;
    case 'proc.is_vpgid_leader': p.vpgid = v === true ? (p.vpid ?? p.pid) : (p.vpid ?? 0) + 1; return true;
    case 'proc.duration': if (v === null) return false; e.ts = Number(p.startTs) + Number(v); return true;
    case 'user.uid': p.uid = Number(v); return v !== null;
    case 'user.name': p.userName = s; return true;
    case 'user.loginuid': p.loginuid = Number(v); return v !== null;
    case 'user.loginname': p.loginName = s; return true;
    case 'group.name': p.groupName = s; return true;
    case 'thread.cap_effective': case 'thread.cap_permitted': {
      if (s === null) return false;
      const names = s.split(' ').filter((x) => x !== '');
      let caps = 0n;
      for (const n of names) {
        const bit = CAPABILITIES.indexOf(n);
        if (bit < 0) return false;
        caps |= 1n << BigInt(bit);
      }
      if (name === 'thread.cap_effective') p.capEffective = Number(caps);
      else p.capPermitted = Number(caps);
      return true;
    }
    case 'container.id': p.containerId = s; return true;
  }
  if (name.startsWith('container.') || name.startsWith('k8s.')) {
    p.container ??= { id: p.containerId ?? 'abcdef123456', name: 'box', image: 'docker.io/library/box:1', imageRepository: 'docker.io/library/box', privileged: false, mounts: [] };
    const c = p.container;
    if (p.containerId === 'host' || p.containerId === undefined) p.containerId = 'abcdef123456';
    switch (name) {
      case 'container.image.repository': c.imageRepository = s; return true;
      case 'container.image': c.image = s; return true;
      case 'container.name': c.name = s; return true;
      case 'container.privileged': c.privileged = v === null ? null : v === true; return true;
      case 'k8s.ns.name': c.k8sNsName = s; return true;
      case 'k8s.pod.name': c.k8sPodName = s; return true;
      case 'container.mount.dest': {
        if (f.arg === undefined) return false;
        c.mounts = (c.mounts ?? []).filter((m) => m.source !== f.arg!.replace(/\*$/, ''));
        if (s !== null) c.mounts.push({ source: f.arg.replace(/\*$/, ''), dest: s, mode: '', rw: true, propagation: 'rprivate' });
        return true;
      }
    }
  }
  return false;
}


/** `proc.aname[2]` → the field expression the setters take. */
export function fieldOf(text: string): FieldExpr {
  const m = /^([^[]+)(?:\[(.*)\])?$/.exec(text)!;
  const pos = { idx: 0, line: 1, col: 1 };
  return m[2] === undefined ? { kind: 'field', field: m[1]!, pos } : { kind: 'field', field: m[1]!, arg: m[2], pos };
}

/** The base event of `type` with `settings` applied in order; throws on a setting it cannot make. */
export function buildEvent(type: string, ...settings: readonly (readonly FieldSetting[])[]): EventInput {
  const e = baseEvent(type);
  for (const [field, value] of settings.flat()) {
    if (!setField(e, fieldOf(field), value)) throw new Error(`cannot set ${field} to ${JSON.stringify(value)} on ${type}`);
  }
  encodeBatch([e]); // throws when the event does not fit the batch ABI
  return e;
}
