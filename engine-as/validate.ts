// Batch validation inside Wasm: the same checks, in the same order, as host/engine/batch-validate.ts,
// without allocating or building messages. Returns 0 for a valid batch, else 1 + the byte offset the
// TypeScript validator reports (the host re-runs that one to get the message). Every read is guarded
// by an earlier bounds check, so a hostile batch cannot make this read outside [base, base + len).
import * as A from './abi_generated';

let scratch: usize = 0; // one byte per process: parent-chain walk state
let scratchSize: usize = 0;

// Sections as (start, end, header field offset), sorted by start for the overlap check.
const secStart = new StaticArray<u32>(5);
const secEnd = new StaticArray<u32>(5);
const secAt = new StaticArray<u32>(5);
const TABLES: StaticArray<u32> = [A.HEADER_EVENTS, A.HEADER_PROCESSES, A.HEADER_CONTAINERS, A.HEADER_MOUNTS];
const SIZES: StaticArray<u32> = [A.EVENT_SIZE, A.PROCESS_SIZE, A.CONTAINER_SIZE, A.MOUNT_SIZE];

@inline function u32At(base: usize, at: u32): u32 {
  return load<u32>(base + <usize>at);
}

/** 0, or 1 + offset of a bad string ref at `at`. */
@inline function checkRef(base: usize, at: u32, arenaLen: u32): u32 {
  const off = u32At(base, at);
  const len = u32At(base, at + 4);
  if (off == A.MISSING_OFFSET) return len == 0 ? 0 : at + 5;
  return <u64>off + <u64>len <= <u64>arenaLen ? 0 : at + 1;
}

@inline function checkIndex(base: usize, at: u32, count: u32): u32 {
  const v = u32At(base, at);
  return v == A.NONE_INDEX || v < count ? 0 : at + 1;
}

export function validateBatch(base: usize, len: u32): u32 {
  if (len < A.HEADER_SIZE) return 1;
  if (u32At(base, A.HEADER_MAGIC) != A.BATCH_MAGIC) return A.HEADER_MAGIC + 1;
  if (<u32>load<u16>(base + A.HEADER_VERSION) != A.BATCH_VERSION) return A.HEADER_VERSION + 1;
  if (<u32>load<u16>(base + A.HEADER_HEADER_SIZE) != A.HEADER_SIZE) return A.HEADER_HEADER_SIZE + 1;
  const total = u32At(base, A.HEADER_TOTAL_LENGTH);
  if (total > len || total < A.HEADER_SIZE) return A.HEADER_TOTAL_LENGTH + 1;
  if (u32At(base, A.HEADER_FLAGS) != 0) return A.HEADER_FLAGS + 1;

  let nsec = 0;
  for (let t = 0; t < 4; t++) {
    const at = unchecked(TABLES[t]);
    const off = u32At(base, at + A.TABLE_OFFSET);
    const count = u32At(base, at + A.TABLE_COUNT);
    if (u32At(base, at + A.TABLE_RECORD_SIZE) != unchecked(SIZES[t])) return at + A.TABLE_RECORD_SIZE + 1;
    if ((off & 7) != 0) return at + A.TABLE_OFFSET + 1;
    const end = <u64>off + <u64>count * <u64>unchecked(SIZES[t]);
    if (count > 0) {
      if (off < A.HEADER_SIZE || end > <u64>total) return at + A.TABLE_OFFSET + 1;
      unchecked((secStart[nsec] = off));
      unchecked((secEnd[nsec] = <u32>end));
      unchecked((secAt[nsec] = at + A.TABLE_OFFSET));
      nsec++;
    }
  }
  const strOff = u32At(base, A.HEADER_STRINGS_OFFSET);
  const strLen = u32At(base, A.HEADER_STRINGS_LENGTH);
  if (strLen > 0) {
    if (strOff < A.HEADER_SIZE || <u64>strOff + <u64>strLen > <u64>total) return A.HEADER_STRINGS_OFFSET + 1;
    unchecked((secStart[nsec] = strOff));
    unchecked((secEnd[nsec] = strOff + strLen));
    unchecked((secAt[nsec] = A.HEADER_STRINGS_OFFSET));
    nsec++;
  }
  // Stable insertion sort by start, then adjacent overlap (as the TS validator).
  for (let i = 1; i < nsec; i++) {
    const s = unchecked(secStart[i]);
    const e = unchecked(secEnd[i]);
    const a = unchecked(secAt[i]);
    let j = i - 1;
    while (j >= 0 && unchecked(secStart[j]) > s) {
      unchecked((secStart[j + 1] = secStart[j]));
      unchecked((secEnd[j + 1] = secEnd[j]));
      unchecked((secAt[j + 1] = secAt[j]));
      j--;
    }
    unchecked((secStart[j + 1] = s));
    unchecked((secEnd[j + 1] = e));
    unchecked((secAt[j + 1] = a));
  }
  for (let i = 1; i < nsec; i++) {
    if (unchecked(secStart[i]) < unchecked(secEnd[i - 1])) return unchecked(secAt[i]) + 1;
  }

  const evOff = u32At(base, A.HEADER_EVENTS + A.TABLE_OFFSET);
  const evCount = u32At(base, A.HEADER_EVENTS + A.TABLE_COUNT);
  const prOff = u32At(base, A.HEADER_PROCESSES + A.TABLE_OFFSET);
  const prCount = u32At(base, A.HEADER_PROCESSES + A.TABLE_COUNT);
  const coOff = u32At(base, A.HEADER_CONTAINERS + A.TABLE_OFFSET);
  const coCount = u32At(base, A.HEADER_CONTAINERS + A.TABLE_COUNT);
  const moOff = u32At(base, A.HEADER_MOUNTS + A.TABLE_OFFSET);
  const moCount = u32At(base, A.HEADER_MOUNTS + A.TABLE_COUNT);
  let r: u32 = 0;

  for (let i: u32 = 0; i < evCount; i++) {
    const at = evOff + i * A.EVENT_SIZE;
    const type = <u32>load<u16>(base + at + A.EVENT_TYPE);
    if (type < 1 || type > <u32>A.MAX_EVENT_TYPE_ID) return at + A.EVENT_TYPE + 1;
    if ((u32At(base, at + A.EVENT_FLAGS) & ~A.EVT_FLAGS_KNOWN) != 0) return at + A.EVENT_FLAGS + 1;
    if ((r = checkIndex(base, at + A.EVENT_PROC, prCount)) != 0) return r;
    if ((<u32>load<u8>(base + at + A.EVENT_ARGS_NUM_MASK) >> 6) != 0) return at + A.EVENT_ARGS_NUM_MASK + 1;
    if (<u32>load<u8>(base + at + A.EVENT_FD_TYPE) > <u32>A.FD_TYPE_UNSUPPORTED) return at + A.EVENT_FD_TYPE + 1;
    if (<u32>load<u8>(base + at + A.EVENT_FD_L4PROTO) > <u32>A.L4_RAW) return at + A.EVENT_FD_L4PROTO + 1;
    const fam = load<u8>(base + at + A.EVENT_FD_FAMILY);
    if (fam != A.SOCK_FAMILY_NONE && fam != A.SOCK_FAMILY_UNIX && fam != A.SOCK_FAMILY_INET && fam != A.SOCK_FAMILY_INET6) {
      return at + A.EVENT_FD_FAMILY + 1;
    }
    for (let k: u32 = 0; k < 4; k++) {
      if ((r = checkRef(base, at + A.EVENT_ARGS_STR + 8 * k, strLen)) != 0) return r;
    }
    if ((r = checkRef(base, at + A.EVENT_FD_NAME, strLen)) != 0) return r;
    if ((r = checkRef(base, at + A.EVENT_FD_NAME_RAW, strLen)) != 0) return r;
  }

  for (let i: u32 = 0; i < prCount; i++) {
    const at = prOff + i * A.PROCESS_SIZE;
    if ((u32At(base, at + A.PROCESS_FLAGS) & ~A.PROC_FLAGS_KNOWN) != 0) return at + A.PROCESS_FLAGS + 1;
    if ((r = checkIndex(base, at + A.PROCESS_PARENT, prCount)) != 0) return r;
    if (u32At(base, at + A.PROCESS_PARENT) == i) return at + A.PROCESS_PARENT + 1;
    if ((r = checkIndex(base, at + A.PROCESS_SESSION_LEADER, prCount)) != 0) return r;
    if ((r = checkIndex(base, at + A.PROCESS_CONTAINER, coCount)) != 0) return r;
    for (let f: u32 = A.PROCESS_NAME; f <= A.PROCESS_ARGV; f += 8) {
      if ((r = checkRef(base, at + f, strLen)) != 0) return r;
    }
  }

  // Parent chains end: each record is finished once (0 unseen, 1 on the current walk, 2 ends).
  if (<usize>prCount > scratchSize) {
    if (scratch != 0) heap.free(scratch);
    scratch = heap.alloc(<usize>prCount);
    scratchSize = <usize>prCount;
  }
  memory.fill(scratch, 0, <usize>prCount);
  for (let start: u32 = 0; start < prCount; start++) {
    if (load<u8>(scratch + start) == 2) continue;
    let i = start;
    while (i != A.NONE_INDEX && load<u8>(scratch + i) != 2) {
      const parentAt = prOff + i * A.PROCESS_SIZE + A.PROCESS_PARENT;
      if (load<u8>(scratch + i) == 1) return parentAt + 1;
      store<u8>(scratch + i, 1);
      i = u32At(base, parentAt);
    }
    // Mark the walk finished: follow it again from start until a finished record.
    let j = start;
    while (j != A.NONE_INDEX && load<u8>(scratch + j) == 1) {
      store<u8>(scratch + j, 2);
      j = u32At(base, prOff + j * A.PROCESS_SIZE + A.PROCESS_PARENT);
    }
  }

  for (let i: u32 = 0; i < coCount; i++) {
    const at = coOff + i * A.CONTAINER_SIZE;
    for (let f: u32 = A.CONTAINER_ID; f <= A.CONTAINER_K8S_POD_NAME; f += 8) {
      if ((r = checkRef(base, at + f, strLen)) != 0) return r;
    }
    const first = u32At(base, at + A.CONTAINER_MOUNTS_FIRST);
    const count = u32At(base, at + A.CONTAINER_MOUNTS_COUNT);
    if (count > 0 && <u64>first + <u64>count > <u64>moCount) return at + A.CONTAINER_MOUNTS_FIRST + 1;
    if ((u32At(base, at + A.CONTAINER_FLAGS) & ~A.CONTAINER_FLAGS_KNOWN) != 0) return at + A.CONTAINER_FLAGS + 1;
  }

  for (let i: u32 = 0; i < moCount; i++) {
    const at = moOff + i * A.MOUNT_SIZE;
    for (let f: u32 = A.MOUNT_SOURCE; f <= A.MOUNT_PROPAGATION; f += 8) {
      if ((r = checkRef(base, at + f, strLen)) != 0) return r;
    }
    if ((u32At(base, at + A.MOUNT_FLAGS) & ~A.MOUNT_FLAGS_KNOWN) != 0) return at + A.MOUNT_FLAGS + 1;
  }
  return 0;
}
