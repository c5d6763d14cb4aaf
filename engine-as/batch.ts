// Readers for a batch (ABI v1, see BATCH_ABI.md) placed in linear memory. The host validates every
// batch before calling beginBatch, so these readers do no bounds checks: every index, ref and parent
// chain is known to stay inside the batch. Record pointers are absolute addresses; 0 means "none".
import * as A from './abi_generated';

let batchBase: usize = 0;
let eventsBase: usize = 0;
let eventCountV: u32 = 0;
let procsBase: usize = 0;
let procCountV: u32 = 0;
let containersBase: usize = 0;
let mountsBase: usize = 0;
let arenaBase: usize = 0;

/** Makes the batch at `base` current. */
export function beginBatch(base: usize): void {
  batchBase = base;
  eventsBase = base + <usize>load<u32>(base, A.HEADER_EVENTS + A.TABLE_OFFSET);
  eventCountV = load<u32>(base, A.HEADER_EVENTS + A.TABLE_COUNT);
  procsBase = base + <usize>load<u32>(base, A.HEADER_PROCESSES + A.TABLE_OFFSET);
  procCountV = load<u32>(base, A.HEADER_PROCESSES + A.TABLE_COUNT);
  containersBase = base + <usize>load<u32>(base, A.HEADER_CONTAINERS + A.TABLE_OFFSET);
  mountsBase = base + <usize>load<u32>(base, A.HEADER_MOUNTS + A.TABLE_OFFSET);
  arenaBase = base + <usize>load<u32>(base, A.HEADER_STRINGS_OFFSET);
}

@inline export function eventCount(): u32 {
  return eventCountV;
}

@inline export function eventAt(i: u32): usize {
  return eventsBase + <usize>i * A.EVENT_SIZE;
}

// ---- event record ----

@inline export function evType(ev: usize): u16 {
  return load<u16>(ev, A.EVENT_TYPE);
}
@inline export function evTs(ev: usize): u64 {
  return load<u64>(ev, A.EVENT_TS);
}
@inline export function evNum(ev: usize): u64 {
  return load<u64>(ev, A.EVENT_NUM);
}
@inline export function evFlags(ev: usize): u32 {
  return load<u32>(ev, A.EVENT_FLAGS);
}
@inline export function evHas(ev: usize, flag: u32): bool {
  return (load<u32>(ev, A.EVENT_FLAGS) & flag) != 0;
}
@inline export function evRes(ev: usize): i64 {
  return load<i64>(ev, A.EVENT_RES);
}
@inline export function evTid(ev: usize): i32 {
  return load<i32>(ev, A.EVENT_TID);
}
@inline export function evPid(ev: usize): i32 {
  return load<i32>(ev, A.EVENT_PID);
}
/** Numeric argument slot k (0..5); check evArgPresent first. */
@inline export function evArgNum(ev: usize, k: u32): u64 {
  return load<u64>(ev + (<usize>k << 3), A.EVENT_ARGS_NUM);
}
@inline export function evArgPresent(ev: usize, k: u32): bool {
  return ((<u32>load<u8>(ev, A.EVENT_ARGS_NUM_MASK) >> k) & 1) != 0;
}
/** Address of string argument slot k's ref (use with refPresent/refPtr/refLen). */
@inline export function evArgStr(ev: usize, k: u32): usize {
  return ev + A.EVENT_ARGS_STR + (<usize>k << 3);
}
@inline export function evFdType(ev: usize): u8 {
  return load<u8>(ev, A.EVENT_FD_TYPE);
}
@inline export function evFdNum(ev: usize): i64 {
  return load<i64>(ev, A.EVENT_FD_NUM);
}
@inline export function processCount(): u32 {
  return procCountV;
}
/** Index of the event's process record in the batch's process table, or A.NONE_INDEX. */
@inline export function evProcIndex(ev: usize): u32 {
  return load<u32>(ev, A.EVENT_PROC);
}
/** Process record of the event's thread, or 0. */
@inline export function evProc(ev: usize): usize {
  const i = load<u32>(ev, A.EVENT_PROC);
  return i == A.NONE_INDEX ? 0 : procsBase + <usize>i * A.PROCESS_SIZE;
}

// ---- string refs (an address of a {u32 offset, u32 length} pair) ----

@inline export function refPresent(ref: usize): bool {
  return load<u32>(ref) != A.MISSING_OFFSET;
}
@inline export function refPtr(ref: usize): usize {
  return arenaBase + <usize>load<u32>(ref);
}
@inline export function refLen(ref: usize): u32 {
  return load<u32>(ref, 4);
}

// ---- process table ----

@inline export function procAt(i: u32): usize {
  return procsBase + <usize>i * A.PROCESS_SIZE;
}
@inline export function procParent(p: usize): usize {
  const i = load<u32>(p, A.PROCESS_PARENT);
  return i == A.NONE_INDEX ? 0 : procsBase + <usize>i * A.PROCESS_SIZE;
}
@inline export function procSessionLeader(p: usize): usize {
  const i = load<u32>(p, A.PROCESS_SESSION_LEADER);
  return i == A.NONE_INDEX ? 0 : procsBase + <usize>i * A.PROCESS_SIZE;
}
/** The n-th ancestor (1 = parent, as proc.aname[1]); 0 when the chain is shorter. n = 0 is p itself. */
export function procAncestor(p: usize, n: u32): usize {
  let q = p;
  for (let k: u32 = 0; k < n && q != 0; k++) q = procParent(q);
  return q;
}
@inline export function procContainer(p: usize): usize {
  const i = load<u32>(p, A.PROCESS_CONTAINER);
  return i == A.NONE_INDEX ? 0 : containersBase + <usize>i * A.CONTAINER_SIZE;
}
@inline export function procU32(p: usize, offset: u32): u32 {
  return load<u32>(p + offset);
}
@inline export function procI32(p: usize, offset: u32): i32 {
  return load<i32>(p + offset);
}
@inline export function procU64(p: usize, offset: u32): u64 {
  return load<u64>(p + offset);
}

// ---- containers and mounts ----

@inline export function containerMountCount(c: usize): u32 {
  return load<u32>(c, A.CONTAINER_MOUNTS_COUNT);
}
@inline export function containerMount(c: usize, k: u32): usize {
  return mountsBase + <usize>(load<u32>(c, A.CONTAINER_MOUNTS_FIRST) + k) * A.MOUNT_SIZE;
}
