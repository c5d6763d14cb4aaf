// Loads test/engine/as/regex-harness.ts (compiled with the shared asc cache of as-harness.ts) and
// runs regex tables in Wasm: one scratch region holds the table, then the subject.
import { compileAs } from './as-harness.js';

interface RegexHarnessExports {
  memory: { buffer: ArrayBuffer };
  alloc(len: number): number;
  regexMatch(table: number, s: number, len: number): number;
  regexMatchNfa(table: number, scratch: number, s: number, len: number): number;
}

// Same as the WebAssembly typing workaround in runtime-instance.ts (no DOM lib here).
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export const REGEX_HARNESS_ENTRY = 'test/engine/as/regex-harness.ts';
export const REGEX_HARNESS_FLAGS = ['-O3', '--runtime', 'stub', '--noAssert'];

export class RegexWasm {
  private scratch = 0;
  private scratchLen = 0;
  constructor(private readonly x: RegexHarnessExports) {}

  /** Runs a DFA table. */
  match(table: Uint8Array, subject: Uint8Array): boolean {
    const [tp, sp] = this.place(table, subject, 0);
    return this.x.regexMatch(tp, sp, subject.length) !== 0;
  }

  /** Runs an NFA table with its scratch area. */
  matchNfa(table: Uint8Array, scratchBytes: number, subject: Uint8Array): boolean {
    const [tp, sp, scratch] = this.place(table, subject, scratchBytes);
    return this.x.regexMatchNfa(tp, scratch, sp, subject.length) !== 0;
  }

  /** Either kind, as compileRegex returned it. */
  run(compiled: { kind: 'dfa' | 'nfa'; table: Uint8Array; scratchBytes: number }, subject: Uint8Array): boolean {
    return compiled.kind === 'dfa' ? this.match(compiled.table, subject) : this.matchNfa(compiled.table, compiled.scratchBytes, subject);
  }

  /** Lays out table, subject and scratch (4-aligned) in the one scratch region. */
  private place(table: Uint8Array, subject: Uint8Array, scratchBytes: number): [number, number, number] {
    const align = (n: number): number => (n + 3) & ~3;
    const need = align(table.length) + align(subject.length) + scratchBytes + 8;
    if (need > this.scratchLen) {
      this.scratchLen = Math.max(need, 2 * this.scratchLen, 1 << 16);
      this.scratch = align(this.x.alloc(this.scratchLen + 4));
    }
    const mem = new Uint8Array(this.x.memory.buffer);
    mem.set(table, this.scratch);
    const sp = this.scratch + align(table.length);
    mem.set(subject, sp);
    return [this.scratch, sp, sp + align(subject.length)];
  }
}

let cached: Promise<RegexWasm> | undefined;

export function loadRegexWasm(): Promise<RegexWasm> {
  cached ??= (async () => {
    const { wasm } = await compileAs(REGEX_HARNESS_ENTRY, REGEX_HARNESS_FLAGS);
    const { instance } = await wasmApi.instantiate(wasm, {
      env: {
        abort: (_m: number, _f: number, line: number, col: number) => {
          throw new Error(`AssemblyScript abort at ${line}:${col}`);
        },
      },
    });
    return new RegexWasm(instance.exports as unknown as RegexHarnessExports);
  })();
  return cached;
}
