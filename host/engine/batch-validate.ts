// Checks that bytes are a well-formed batch ABI v1 batch before the engine reads them. After this
// passes, every offset, index and string ref in the batch stays inside the batch, and every parent
// chain ends, so the Wasm readers need no bounds checks of their own.
import {
  BATCH_MAGIC, BATCH_VERSION, CONTAINER, CONTAINER_FLAGS_KNOWN, EVENT, EVT_FLAGS_KNOWN, FD_TYPES,
  HEADER, L4_PROTOS, MISSING_OFFSET, MOUNT, MOUNT_FLAGS_KNOWN, NONE_INDEX, NUM_ARG_COUNT,
  PROC_FLAGS_KNOWN, PROCESS, SOCK_FAMILY, STR_ARG_COUNT, TABLE_COUNT, TABLE_OFFSET, TABLE_RECORD_SIZE,
} from './batch-layout.js';
import { eventTypeById, MAX_EVENT_TYPE_ID } from './event-types.js';

export class BatchFormatError extends Error {
  constructor(
    message: string,
    /** Byte offset in the batch where the problem was found. */
    readonly offset: number,
  ) {
    super(`malformed batch at byte ${offset}: ${message}`);
    this.name = 'BatchFormatError';
  }
}

export interface BatchSection {
  offset: number;
  count: number;
  recordSize: number;
}

export interface BatchLayout {
  totalLength: number;
  events: BatchSection;
  processes: BatchSection;
  containers: BatchSection;
  mounts: BatchSection;
  stringsOffset: number;
  stringsLength: number;
}

const SOCK_FAMILY_VALUES = new Set<number>(Object.values(SOCK_FAMILY));

/** Validates a batch and returns its section layout; throws BatchFormatError on the first problem. */
export function validateBatch(bytes: Uint8Array): BatchLayout {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (msg: string, at: number): never => {
    throw new BatchFormatError(msg, at);
  };
  if (bytes.length < HEADER.size) fail(`truncated header: ${bytes.length} bytes, need ${HEADER.size}`, 0);
  const u32 = (at: number): number => dv.getUint32(at, true);

  const magic = u32(HEADER.magic);
  if (magic !== BATCH_MAGIC) fail(`bad magic 0x${magic.toString(16).padStart(8, '0')}, expected 0x${BATCH_MAGIC.toString(16)}`, HEADER.magic);
  const version = dv.getUint16(HEADER.version, true);
  if (version !== BATCH_VERSION) fail(`unsupported batch version ${version}, this engine reads version ${BATCH_VERSION}`, HEADER.version);
  const headerSize = dv.getUint16(HEADER.headerSize, true);
  if (headerSize !== HEADER.size) fail(`header size ${headerSize}, expected ${HEADER.size}`, HEADER.headerSize);
  const totalLength = u32(HEADER.totalLength);
  if (totalLength > bytes.length) fail(`truncated: header says ${totalLength} bytes, got ${bytes.length}`, HEADER.totalLength);
  if (totalLength < HEADER.size) fail(`total length ${totalLength} is smaller than the header`, HEADER.totalLength);
  if (u32(HEADER.flags) !== 0) fail(`unknown header flags 0x${u32(HEADER.flags).toString(16)}`, HEADER.flags);

  const ranges: { name: string; start: number; end: number; at: number }[] = [];
  const section = (name: string, at: number, expectedSize: number): BatchSection => {
    const offset = u32(at + TABLE_OFFSET);
    const count = u32(at + TABLE_COUNT);
    const recordSize = u32(at + TABLE_RECORD_SIZE);
    if (recordSize !== expectedSize) fail(`${name} record size ${recordSize}, expected ${expectedSize}`, at + TABLE_RECORD_SIZE);
    if (offset % 8 !== 0) fail(`${name} section offset ${offset} is not 8-byte aligned`, at + TABLE_OFFSET);
    const end = offset + count * recordSize; // < 2^64, exact in a double for these magnitudes
    if (count > 0 && (offset < HEADER.size || end > totalLength)) {
      fail(`${name} section [${offset}, ${end}) lies outside the batch [${HEADER.size}, ${totalLength})`, at + TABLE_OFFSET);
    }
    if (count > 0) ranges.push({ name, start: offset, end, at: at + TABLE_OFFSET });
    return { offset, count, recordSize };
  };
  const events = section('event', HEADER.events, EVENT.size);
  const processes = section('process', HEADER.processes, PROCESS.size);
  const containers = section('container', HEADER.containers, CONTAINER.size);
  const mounts = section('mount', HEADER.mounts, MOUNT.size);
  const stringsOffset = u32(HEADER.stringsOffset);
  const stringsLength = u32(HEADER.stringsLength);
  if (stringsLength > 0) {
    if (stringsOffset < HEADER.size || stringsOffset + stringsLength > totalLength) {
      fail(`string arena [${stringsOffset}, ${stringsOffset + stringsLength}) lies outside the batch`, HEADER.stringsOffset);
    }
    ranges.push({ name: 'string arena', start: stringsOffset, end: stringsOffset + stringsLength, at: HEADER.stringsOffset });
  }
  ranges.sort((a, b) => a.start - b.start);
  for (let i = 1; i < ranges.length; i++) {
    const prev = ranges[i - 1]!;
    const cur = ranges[i]!;
    if (cur.start < prev.end) fail(`${cur.name} section overlaps the ${prev.name} section`, cur.at);
  }

  const ref = (at: number, what: string): void => {
    const off = u32(at);
    const len = u32(at + 4);
    if (off === MISSING_OFFSET) {
      if (len !== 0) fail(`${what}: missing string ref with non-zero length ${len}`, at + 4);
      return;
    }
    if (off + len > stringsLength) fail(`${what}: string ref [${off}, ${off + len}) outside the ${stringsLength}-byte arena`, at);
  };
  const index = (at: number, what: string, count: number): void => {
    const v = u32(at);
    if (v !== NONE_INDEX && v >= count) fail(`${what}: index ${v} out of range (${count} records)`, at);
  };

  // Hot path: checks run without allocating; a failure is re-checked by the verbose helpers above
  // to build its message.
  const refOk = (at: number): boolean => {
    const off = u32(at);
    return off === MISSING_OFFSET ? u32(at + 4) === 0 : off + u32(at + 4) <= stringsLength;
  };
  const indexOk = (at: number, count: number): boolean => {
    const v = u32(at);
    return v === NONE_INDEX || v < count;
  };
  const fdTypes = FD_TYPES.length;
  const l4Protos = L4_PROTOS.length;
  for (let i = 0; i < events.count; i++) {
    const at = events.offset + i * EVENT.size;
    const type = dv.getUint16(at + EVENT.type, true);
    const flags = u32(at + EVENT.flags);
    const family = bytes[at + EVENT.fdFamily]!;
    const ok =
      type >= 1 && type <= MAX_EVENT_TYPE_ID && // ids are dense: 1..MAX_EVENT_TYPE_ID
      (family === SOCK_FAMILY.none || family === SOCK_FAMILY.unix || family === SOCK_FAMILY.inet || family === SOCK_FAMILY.inet6) &&
      (flags & ~EVT_FLAGS_KNOWN) === 0 &&
      indexOk(at + EVENT.proc, processes.count) &&
      bytes[at + EVENT.argsNumMask]! >> NUM_ARG_COUNT === 0 &&
      bytes[at + EVENT.fdType]! < fdTypes &&
      bytes[at + EVENT.fdL4proto]! < l4Protos &&
      refOk(at + EVENT.argsStr) && refOk(at + EVENT.argsStr + 8) && refOk(at + EVENT.argsStr + 16) &&
      refOk(at + EVENT.argsStr + 24) && refOk(at + EVENT.fdName) && refOk(at + EVENT.fdNameRaw);
    if (!ok) explainEvent(i, at);
  }

  function explainEvent(i: number, at: number): never {
    const what = `event ${i}`;
    const type = dv.getUint16(at + EVENT.type, true);
    if (eventTypeById(type) === undefined) fail(`${what}: unknown event type id ${type}`, at + EVENT.type);
    const flags = u32(at + EVENT.flags);
    if ((flags & ~EVT_FLAGS_KNOWN) !== 0) fail(`${what}: unknown flag bits 0x${(flags & ~EVT_FLAGS_KNOWN).toString(16)}`, at + EVENT.flags);
    index(at + EVENT.proc, `${what} process`, processes.count);
    const mask = bytes[at + EVENT.argsNumMask]!;
    if (mask >> NUM_ARG_COUNT !== 0) fail(`${what}: argument mask 0x${mask.toString(16)} names slots beyond ${NUM_ARG_COUNT}`, at + EVENT.argsNumMask);
    if (bytes[at + EVENT.fdType]! >= FD_TYPES.length) fail(`${what}: unknown fd type ${bytes[at + EVENT.fdType]}`, at + EVENT.fdType);
    if (bytes[at + EVENT.fdL4proto]! >= L4_PROTOS.length) fail(`${what}: unknown l4 protocol ${bytes[at + EVENT.fdL4proto]}`, at + EVENT.fdL4proto);
    if (!SOCK_FAMILY_VALUES.has(bytes[at + EVENT.fdFamily]!)) fail(`${what}: unknown socket family ${bytes[at + EVENT.fdFamily]}`, at + EVENT.fdFamily);
    for (let k = 0; k < STR_ARG_COUNT; k++) ref(at + EVENT.argsStr + 8 * k, `${what} string argument ${k}`);
    ref(at + EVENT.fdName, `${what} fd.name`);
    ref(at + EVENT.fdNameRaw, `${what} fd.nameraw`);
    return fail(`${what}: invalid`, at);
  }

  const procRefs: [number, string][] = [
    [PROCESS.name, 'name'], [PROCESS.exe, 'exe'], [PROCESS.exepath, 'exepath'], [PROCESS.cmdline, 'cmdline'],
    [PROCESS.args, 'args'], [PROCESS.cwd, 'cwd'], [PROCESS.env, 'env'], [PROCESS.userName, 'user name'],
    [PROCESS.groupName, 'group name'], [PROCESS.loginName, 'login name'], [PROCESS.containerId, 'container id'], [PROCESS.argv, 'argv'],
  ];
  for (let i = 0; i < processes.count; i++) {
    const at = processes.offset + i * PROCESS.size;
    const what = `process ${i}`;
    const flags = u32(at + PROCESS.flags);
    if ((flags & ~PROC_FLAGS_KNOWN) !== 0) fail(`${what}: unknown flag bits 0x${(flags & ~PROC_FLAGS_KNOWN).toString(16)}`, at + PROCESS.flags);
    index(at + PROCESS.parent, `${what} parent`, processes.count);
    if (u32(at + PROCESS.parent) === i) fail(`${what} is its own parent`, at + PROCESS.parent);
    index(at + PROCESS.sessionLeader, `${what} session leader`, processes.count);
    index(at + PROCESS.container, `${what} container`, containers.count);
    for (const [off, name] of procRefs) ref(at + off, `${what} ${name}`);
  }
  checkParentChains(dv, processes, fail);

  const containerRefs: [number, string][] = [
    [CONTAINER.id, 'id'], [CONTAINER.name, 'name'], [CONTAINER.image, 'image'],
    [CONTAINER.imageRepository, 'image repository'], [CONTAINER.imageTag, 'image tag'],
    [CONTAINER.imageDigest, 'image digest'], [CONTAINER.type, 'type'], [CONTAINER.k8sNsName, 'k8s namespace'],
    [CONTAINER.k8sPodName, 'k8s pod name'],
  ];
  for (let i = 0; i < containers.count; i++) {
    const at = containers.offset + i * CONTAINER.size;
    const what = `container ${i}`;
    for (const [off, name] of containerRefs) ref(at + off, `${what} ${name}`);
    const first = u32(at + CONTAINER.mountsFirst);
    const count = u32(at + CONTAINER.mountsCount);
    if (count > 0 && first + count > mounts.count) {
      fail(`${what}: mounts [${first}, ${first + count}) out of range (${mounts.count} mount records)`, at + CONTAINER.mountsFirst);
    }
    const flags = u32(at + CONTAINER.flags);
    if ((flags & ~CONTAINER_FLAGS_KNOWN) !== 0) fail(`${what}: unknown flag bits 0x${(flags & ~CONTAINER_FLAGS_KNOWN).toString(16)}`, at + CONTAINER.flags);
  }

  for (let i = 0; i < mounts.count; i++) {
    const at = mounts.offset + i * MOUNT.size;
    const what = `mount ${i}`;
    ref(at + MOUNT.source, `${what} source`);
    ref(at + MOUNT.dest, `${what} dest`);
    ref(at + MOUNT.mode, `${what} mode`);
    ref(at + MOUNT.propagation, `${what} propagation`);
    const flags = u32(at + MOUNT.flags);
    if ((flags & ~MOUNT_FLAGS_KNOWN) !== 0) fail(`${what}: unknown flag bits 0x${(flags & ~MOUNT_FLAGS_KNOWN).toString(16)}`, at + MOUNT.flags);
  }

  return { totalLength, events, processes, containers, mounts, stringsOffset, stringsLength };
}

/** Every parent chain must end at NONE_INDEX; linear time (each record is finished once). */
function checkParentChains(dv: DataView, processes: BatchSection, fail: (msg: string, at: number) => never): void {
  const state = new Uint8Array(processes.count); // 0 unseen, 1 on the current walk, 2 known to end
  const parentAt = (i: number): number => processes.offset + i * PROCESS.size + PROCESS.parent;
  for (let start = 0; start < processes.count; start++) {
    if (state[start] === 2) continue;
    const walk: number[] = [];
    let i = start;
    while (i !== NONE_INDEX && state[i] !== 2) {
      if (state[i] === 1) fail(`process ${i}: parent chain contains a cycle`, parentAt(i));
      state[i] = 1;
      walk.push(i);
      i = dv.getUint32(parentAt(i), true);
    }
    for (const j of walk) state[j] = 2;
  }
}
