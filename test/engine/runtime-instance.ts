// Loads the compiled AssemblyScript test harness (test/engine/as/harness.ts) and wraps its exports
// with helpers that copy JS strings and bytes into Wasm memory.
import { compileAs } from './as-harness.js';

export interface HarnessExports {
  memory: { buffer: ArrayBuffer };
  alloc(len: number): number;
  strEq(a: number, al: number, b: number, bl: number): number;
  strCmp(a: number, al: number, b: number, bl: number): number;
  startsWith(a: number, al: number, b: number, bl: number): number;
  endsWith(a: number, al: number, b: number, bl: number): number;
  contains(a: number, al: number, b: number, bl: number): number;
  icontains(a: number, al: number, b: number, bl: number): number;
  containsBytes(a: number, al: number, b: number, bl: number): number;
  asciiCaseEq(a: number, al: number, b: number, bl: number): number;
  glob(p: number, pl: number, s: number, sl: number): number;
  iglob(p: number, pl: number, s: number, sl: number): number;
  ip4Eq(a: number, b: number): number;
  ip6Eq(a: number, b: number): number;
  ip4InNet(a: number, net: number, prefix: number): number;
  ip6InNet(a: number, net: number, prefix: number): number;
  setNew(): number;
  setAdd(h: number, p: number, l: number): void;
  setHas(h: number, p: number, l: number): number;
  setSize(h: number): number;
  pmNew(): number;
  pmAdd(h: number, p: number, l: number): void;
  pmMatch(h: number, p: number, l: number): number;
  beginBatch(base: number): void;
  eventCount(): number;
  evType(i: number): number;
  evTs(i: number): bigint;
  evRes(i: number): bigint;
  evHasRes(i: number): number;
  evTid(i: number): number;
  evArgNum(i: number, k: number): bigint;
  evArgPresent(i: number, k: number): number;
  evFdNum(i: number): bigint;
  evFdType(i: number): number;
  resultPtr(): number;
  resultLen(): number;
  evArgStr(i: number, k: number): void;
  evFdName(i: number): void;
  ancestorStr(i: number, n: number, offset: number): void;
  ancestorPid(i: number, n: number): number;
  procLoginuid(i: number): bigint;
  procCapEffective(i: number): bigint;
  sessionLeaderName(i: number): void;
  containerStr(i: number, offset: number): void;
  mountDest(i: number, k: number): void;
  cmpI64(op: number, a: bigint, b: bigint): number;
  cmpU64(op: number, a: bigint, b: bigint): number;
  nsetNew(): number;
  nsetAdd(h: number, v: bigint): void;
  nsetHas(h: number, v: bigint): number;
  nsetSize(h: number): number;
  validateBatch(base: number, len: number): number;
}

export const HARNESS_ENTRY = 'test/engine/as/harness.ts';
export type AsRuntime = 'stub' | 'incremental';
export const harnessFlags = (runtime: AsRuntime): string[] => ['-O1', '--runtime', runtime, '--noAssert'];

const enc = new TextEncoder();

export class Runtime {
  constructor(readonly x: HarnessExports) {}

  /** Copies bytes (or a string's UTF-8) into Wasm memory; returns [ptr, len]. */
  put(v: string | Uint8Array): [number, number] {
    const bytes = typeof v === 'string' ? enc.encode(v) : v;
    const ptr = this.x.alloc(bytes.length);
    new Uint8Array(this.x.memory.buffer, ptr, bytes.length).set(bytes);
    return [ptr, bytes.length];
  }

  /** Calls a (ptr, len, ptr, len) export with two values. */
  two(fn: (a: number, al: number, b: number, bl: number) => number, a: string | Uint8Array, b: string | Uint8Array): number {
    const [ap, al] = this.put(a);
    const [bp, bl] = this.put(b);
    return fn(ap, al, bp, bl);
  }

  /** The string a harness export left in resultPtr/resultLen (null = missing). */
  result(): string | null {
    const len = this.x.resultLen();
    if (len < 0) return null;
    return new TextDecoder().decode(new Uint8Array(this.x.memory.buffer, this.x.resultPtr(), len));
  }
}

// The WebAssembly global exists in Node, but this project's lib setting (ES2023, no DOM) has no types for it.
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const cached = new Map<AsRuntime, Promise<Runtime>>();

/**
 * One harness instance per test file and AssemblyScript runtime (compiled once per content hash,
 * see as-harness.ts). Most suites use the stub runtime; runtime-variants.test.ts repeats key cases
 * under the incremental GC, whose shadow stack and allocator behave differently.
 */
export function loadRuntime(runtime: AsRuntime = 'stub'): Promise<Runtime> {
  let p = cached.get(runtime);
  if (p !== undefined) return p;
  p = (async () => {
    const { wasm } = await compileAs(HARNESS_ENTRY, harnessFlags(runtime));
    const { instance } = await wasmApi.instantiate(wasm, {
      env: {
        abort: (_m: number, _f: number, line: number, col: number) => {
          throw new Error(`AssemblyScript abort at ${line}:${col}`);
        },
      },
    });
    return new Runtime(instance.exports as unknown as HarnessExports);
  })();
  cached.set(runtime, p);
  return p;
}
