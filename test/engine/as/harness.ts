// AssemblyScript test harness: exports thin wrappers over the engine-as runtime so that
// test/engine/*.test.ts can drive every primitive from TypeScript.
import * as B from '../../../engine-as/batch';
import * as S from '../../../engine-as/strings';
import { containsBytes as containsBytesFn } from '../../../engine-as/search';
import * as N from '../../../engine-as/net';
import { glob as globFn, iglob as iglobFn } from '../../../engine-as/glob';
import { ByteSet, resetHashCache } from '../../../engine-as/byteset';
import { PathPrefixSet } from '../../../engine-as/pmatch';
import * as A from '../../../engine-as/abi_generated';
import { validateBatch as validateFn } from '../../../engine-as/validate';
import { cmpI64 as cmpI64Fn, cmpU64 as cmpU64Fn, U64Set } from '../../../engine-as/numeric';

export function alloc(len: u32): usize {
  return heap.alloc(len == 0 ? 1 : len);
}

export function strEq(a: usize, al: u32, b: usize, bl: u32): bool { return S.strEq(a, al, b, bl); }
export function strCmp(a: usize, al: u32, b: usize, bl: u32): i32 { return S.strCmp(a, al, b, bl); }
export function startsWith(a: usize, al: u32, b: usize, bl: u32): bool { return S.startsWith(a, al, b, bl); }
export function endsWith(a: usize, al: u32, b: usize, bl: u32): bool { return S.endsWith(a, al, b, bl); }
export function contains(a: usize, al: u32, b: usize, bl: u32): bool { return S.contains(a, al, b, bl); }
export function icontains(a: usize, al: u32, b: usize, bl: u32): bool { return S.icontains(a, al, b, bl); }
export function containsBytes(a: usize, al: u32, b: usize, bl: u32): bool { return containsBytesFn(a, al, b, bl); }
export function asciiCaseEq(a: usize, al: u32, b: usize, bl: u32): bool { return S.asciiCaseEq(a, al, b, bl); }
export function glob(p: usize, pl: u32, s: usize, sl: u32): bool { return globFn(p, pl, s, sl); }
export function iglob(p: usize, pl: u32, s: usize, sl: u32): bool { return iglobFn(p, pl, s, sl); }

export function ip4Eq(a: usize, b: usize): bool { return N.ip4Eq(a, b); }
export function ip6Eq(a: usize, b: usize): bool { return N.ip6Eq(a, b); }
export function ip4InNet(a: usize, net: usize, prefix: u32): bool { return N.ip4InNet(a, net, prefix); }
export function ip6InNet(a: usize, net: usize, prefix: u32): bool { return N.ip6InNet(a, net, prefix); }

// The harness writes every probe at the same scratch address, so the per-event hash cache is
// reset before each call, as the generated code does before each event.
const sets: ByteSet[] = [];
export function setNew(): i32 { sets.push(new ByteSet()); return sets.length - 1; }
export function setAdd(h: i32, p: usize, l: u32): void { resetHashCache(); sets[h].add(p, l); }
export function setHas(h: i32, p: usize, l: u32): bool { resetHashCache(); return sets[h].has(p, l); }
export function setSize(h: i32): u32 { return sets[h].size; }

const psets: PathPrefixSet[] = [];
export function pmNew(): i32 { psets.push(new PathPrefixSet()); return psets.length - 1; }
export function pmAdd(h: i32, p: usize, l: u32): void { psets[h].add(p, l); }
export function pmMatch(h: i32, p: usize, l: u32): bool { return psets[h].match(p, l); }

// ---- batch readers ----
export function beginBatch(base: usize): void { B.beginBatch(base); }
export function eventCount(): u32 { return B.eventCount(); }
export function evType(i: u32): u32 { return B.evType(B.eventAt(i)); }
export function evTs(i: u32): u64 { return B.evTs(B.eventAt(i)); }
export function evRes(i: u32): i64 { return B.evRes(B.eventAt(i)); }
export function evHasRes(i: u32): bool { return B.evHas(B.eventAt(i), A.EVT_HAS_RES); }
export function evTid(i: u32): i32 { return B.evTid(B.eventAt(i)); }
export function evArgNum(i: u32, k: u32): u64 { return B.evArgNum(B.eventAt(i), k); }
export function evArgPresent(i: u32, k: u32): bool { return B.evArgPresent(B.eventAt(i), k); }
export function evFdNum(i: u32): i64 { return B.evFdNum(B.eventAt(i)); }
export function evFdType(i: u32): u32 { return B.evFdType(B.eventAt(i)); }

// A string field is returned as (ptr, len) through these two globals; len -1 = missing.
let outPtr: usize = 0;
let outLen: i32 = 0;
export function resultPtr(): usize { return outPtr; }
export function resultLen(): i32 { return outLen; }
function emit(ref: usize): void {
  if (!B.refPresent(ref)) { outPtr = 0; outLen = -1; return; }
  outPtr = B.refPtr(ref);
  outLen = <i32>B.refLen(ref);
}
export function evArgStr(i: u32, k: u32): void { emit(B.evArgStr(B.eventAt(i), k)); }
export function evFdName(i: u32): void { emit(B.eventAt(i) + A.EVENT_FD_NAME); }
/** Process field `offset` of the n-th ancestor of event i's process; len -1 if no such process. */
export function ancestorStr(i: u32, n: u32, offset: u32): void {
  const p = B.evProc(B.eventAt(i));
  const q: usize = p == 0 ? <usize>0 : B.procAncestor(p, n);
  if (q == 0) { outPtr = 0; outLen = -1; return; }
  emit(q + offset);
}
export function ancestorPid(i: u32, n: u32): i32 {
  const p = B.evProc(B.eventAt(i));
  const q: usize = p == 0 ? <usize>0 : B.procAncestor(p, n);
  return q == 0 ? -1 : B.procI32(q, A.PROCESS_PID);
}
export function procLoginuid(i: u32): i64 { return load<i64>(B.evProc(B.eventAt(i)), A.PROCESS_LOGINUID); }
export function procCapEffective(i: u32): u64 { return B.procU64(B.evProc(B.eventAt(i)), A.PROCESS_CAP_EFFECTIVE); }
export function sessionLeaderName(i: u32): void {
  const s = B.procSessionLeader(B.evProc(B.eventAt(i)));
  if (s == 0) { outPtr = 0; outLen = -1; return; }
  emit(s + A.PROCESS_NAME);
}
export function containerStr(i: u32, offset: u32): void {
  const c = B.procContainer(B.evProc(B.eventAt(i)));
  if (c == 0) { outPtr = 0; outLen = -1; return; }
  emit(c + offset);
}
export function mountDest(i: u32, k: u32): void {
  const c = B.procContainer(B.evProc(B.eventAt(i)));
  if (c == 0 || k >= B.containerMountCount(c)) { outPtr = 0; outLen = -1; return; }
  emit(B.containerMount(c, k) + A.MOUNT_DEST);
}

// ---- numeric ----
export function cmpI64(op: u32, a: i64, b: i64): bool { return cmpI64Fn(op, a, b); }
export function cmpU64(op: u32, a: u64, b: u64): bool { return cmpU64Fn(op, a, b); }
const nsets: U64Set[] = [];
export function nsetNew(): i32 { nsets.push(new U64Set()); return nsets.length - 1; }
export function nsetAdd(h: i32, v: u64): void { nsets[h].add(v); }
export function nsetHas(h: i32, v: u64): bool { return nsets[h].has(v); }
export function nsetSize(h: i32): i32 { return nsets[h].size; }

// ---- validation ----
export function validateBatch(base: usize, len: u32): u32 { return validateFn(base, len); }
