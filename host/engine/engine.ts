// The rule engine: compiles a resolved rule set to one Wasm module (generated AssemblyScript, asc in
// a worker thread, cached on disk by content hash) and evaluates batches (ABI v1) with it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { OutputFieldValue } from '../../outputs/alert.js';
import { parseOutputTemplate, type OutputToken } from '../output/template.js';
import type { RuleSet } from '../rules/index.js';
import { BatchFormatError, validateBatch } from './batch-validate.js';
import type { CompileReply, CompileRequest } from './compile-worker.js';
import { generateModule, type GeneratedModule, type OutputFieldPlan, type RulePlan } from './compiler/codegen.js';
import { isSignedType } from './compiler/field-access.js';
import type { CompiledEngine, EngineOptions, Match } from './engine-api.js';
import { formatIpv4, formatIpv6 } from './ip.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = findRepoRoot(HERE);
const RUNTIME_DIR = join(REPO_ROOT, 'engine-as');
const ENTRY_NAME = '__rules__.ts';

/** asc flags: -O1 measured best overall (see host/engine/compiler/README.md). */
export const ASC_FLAGS: readonly string[] = ['-O1', '--runtime', 'stub', '--noAssert'];

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'engine-as', 'batch.ts'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`engine-as/ not found above ${start}`);
    dir = up;
  }
}

export class EngineCompileError extends Error {}

/** Everything that determines the .wasm: asc version, flags, runtime sources, generated source. */
function moduleHash(source: string, flags: readonly string[]): string {
  const h = createHash('sha256');
  const ascPkg = join(REPO_ROOT, 'node_modules', 'assemblyscript', 'package.json');
  h.update(existsSync(ascPkg) ? (JSON.parse(readFileSync(ascPkg, 'utf8')) as { version: string }).version : 'asc?');
  h.update(JSON.stringify(flags));
  for (const f of readdirSync(RUNTIME_DIR).filter((n) => n.endsWith('.ts')).sort()) {
    h.update(f).update(readFileSync(join(RUNTIME_DIR, f)));
  }
  h.update(source);
  return h.digest('hex').slice(0, 32);
}

function workerUrl(): URL {
  const js = new URL('./compile-worker.js', import.meta.url);
  return existsSync(fileURLToPath(js)) ? js : new URL('./compile-worker.ts', import.meta.url);
}

/**
 * Runs asc in a worker thread; a crash or process.exit inside asc becomes an EngineCompileError.
 * `worker` replaces the compile worker script (tests use it to simulate a crashing compiler).
 */
export function compileInWorker(source: string, flags: readonly string[] = ASC_FLAGS, worker?: URL): Promise<Uint8Array> {
  const request: CompileRequest = { runtimeDir: RUNTIME_DIR, entryName: ENTRY_NAME, source, flags: [...flags] };
  const script = worker ?? workerUrl();
  return new Promise((resolvePromise, reject) => {
    let settled = false;
    const worker = new Worker(script, { workerData: request });
    worker.once('message', (reply: CompileReply) => {
      settled = true;
      void worker.terminate();
      if (reply.ok) resolvePromise(reply.wasm);
      else reject(new EngineCompileError(`rule engine compile failed (asc): ${reply.error}`));
    });
    worker.once('error', (err) => {
      if (settled) return;
      settled = true;
      reject(new EngineCompileError(`rule engine compile failed: worker error: ${err.message}`));
    });
    worker.once('exit', (code) => {
      if (settled) return;
      settled = true;
      reject(new EngineCompileError(`rule engine compile failed: the compiler exited with code ${code} before producing a module`));
    });
  });
}

interface WasmExports {
  memory: { buffer: ArrayBuffer };
  batchBuffer(len: number): number;
  validate(base: number, len: number): number;
  evaluate(base: number): number;
  matches(): number;
  extract(base: number, event: number, rule: number): number;
}

// The WebAssembly global exists in Node, but this project's lib setting has no types for it.
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const utf8 = new TextDecoder('utf-8');

class WasmEngine implements CompiledEngine {
  private loadedBatch: Uint8Array | undefined;
  private loadedBase = 0;
  private readonly plans = new Map<number, RulePlan>();

  constructor(
    readonly ruleset: RuleSet,
    readonly hash: string,
    readonly fromCache: boolean,
    private readonly x: WasmExports,
    generated: GeneratedModule,
    /** Codegen notes: constructs compiled as never-true (optional member beyond engine-api.ts). */
    readonly notes: readonly string[] = generated.notes,
  ) {
    for (const p of generated.rules) this.plans.set(p.id, p);
  }

  /** Copies the batch into Wasm memory and validates it there (throws BatchFormatError). */
  private load(batch: Uint8Array): number {
    if (this.loadedBatch === batch) return this.loadedBase;
    const base = this.x.batchBuffer(batch.length);
    new Uint8Array(this.x.memory.buffer, base, batch.length).set(batch);
    if (this.x.validate(base, batch.length) !== 0) {
      this.loadedBatch = undefined;
      validateBatch(batch); // throws with the message and offset
      throw new BatchFormatError('rejected by the Wasm validator', this.x.validate(base, batch.length) - 1);
    }
    this.loadedBatch = batch;
    this.loadedBase = base;
    return base;
  }

  evaluate(batch: Uint8Array): Match[] {
    this.loadedBatch = undefined;
    const base = this.load(batch);
    const n = this.x.evaluate(base);
    const out: Match[] = new Array<Match>(n);
    const words = new Uint32Array(this.x.memory.buffer, this.x.matches(), n * 2);
    for (let k = 0; k < n; k++) out[k] = { event: words[2 * k]!, rule: words[2 * k + 1]! };
    return out;
  }

  private values(batch: Uint8Array, match: Match): { plan: OutputFieldPlan; value: OutputFieldValue }[] {
    const plan = this.plans.get(match.rule);
    if (plan === undefined) throw new Error(`rule ${match.rule} is not in this engine`);
    const base = this.load(batch);
    const area = this.x.extract(base, match.event, match.rule);
    const mem = this.x.memory.buffer;
    const dv = new DataView(mem);
    return plan.outputs.map((p, k) => ({ plan: p, value: decodeValue(mem, dv, area + 16 * k, p) }));
  }

  outputFields(batch: Uint8Array, match: Match): Record<string, OutputFieldValue> {
    const out: Record<string, OutputFieldValue> = {};
    for (const { plan, value } of this.values(batch, match)) out[plan.key] = value;
    return out;
  }

  formatOutput(batch: Uint8Array, match: Match): string {
    const rule = this.ruleset.rules[match.rule];
    if (rule === undefined) throw new Error(`rule ${match.rule} is not in this rule set`);
    const vals = this.values(batch, match);
    return renderOutput(rule.output, vals.map((v) => v.value));
  }
}

function decodeValue(mem: ArrayBuffer, dv: DataView, at: number, plan: OutputFieldPlan): OutputFieldValue {
  const tag = dv.getUint32(at, true);
  switch (tag) {
    case 1: {
      const len = dv.getUint32(at + 4, true);
      const ptr = Number(dv.getBigUint64(at + 8, true));
      return utf8.decode(new Uint8Array(mem, ptr, len));
    }
    case 2: {
      if (plan.type === 'PT_BOOL') return dv.getBigUint64(at + 8, true) !== 0n;
      const v = isSignedType(plan.type) ? dv.getBigInt64(at + 8, true) : dv.getBigUint64(at + 8, true);
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    case 3: {
      const v6 = dv.getUint32(at + 4, true) !== 0;
      const ptr = Number(dv.getBigUint64(at + 8, true));
      const bytes = new Uint8Array(mem.slice(ptr, ptr + 16));
      return v6 ? formatIpv6(bytes) : formatIpv4(bytes.subarray(0, 4));
    }
    default:
      return null;
  }
}

/** Falco's text rendering of an output field value. */
export function renderValue(v: OutputFieldValue): string {
  if (v === null) return '<NA>';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

/** Substitutes values (in template order) into an output template, with `%Nfield` widths. */
export function renderOutput(output: string, values: readonly OutputFieldValue[]): string {
  const tokens = parseTemplateTokens(output);
  let k = 0;
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'text') {
      out += t.text;
      continue;
    }
    let s = renderValue(values[k++] ?? null);
    if (t.width > 0) s = s.length >= t.width ? s.slice(0, t.width) : s + ' '.repeat(t.width - s.length);
    out += s;
  }
  return out;
}

function parseTemplateTokens(output: string): OutputToken[] {
  try {
    return parseOutputTemplate(output).tokens;
  } catch {
    return [{ kind: 'text', text: output }];
  }
}

function defaultCacheDir(): string {
  return join(REPO_ROOT, 'build', 'engine-cache');
}

/** The rules an engine evaluates: enabled ones, or exactly enabledRuleIds when given. */
function selectedRules(ruleset: RuleSet, options: EngineOptions): RuleSet['rules'] {
  if (options.enabledRuleIds !== undefined) {
    const ids = new Set(options.enabledRuleIds);
    return ruleset.rules.filter((r) => ids.has(r.id));
  }
  return ruleset.rules.filter((r) => r.enabled);
}

/** Generates the AssemblyScript source for a rule set without compiling it (golden tests, tools). */
export function generateSource(ruleset: RuleSet, options: EngineOptions): GeneratedModule {
  return generateModule(selectedRules(ruleset, options), options.ruleMatching);
}

export async function compileEngine(ruleset: RuleSet, options: EngineOptions): Promise<CompiledEngine> {
  const generated = generateSource(ruleset, options);
  const hash = moduleHash(generated.source, ASC_FLAGS);
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir());
  const cached = join(cacheDir, `${hash}.wasm`);
  let wasm: Uint8Array;
  let fromCache = false;
  if (existsSync(cached)) {
    wasm = readFileSync(cached);
    fromCache = true;
  } else {
    wasm = await compileInWorker(generated.source);
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, wasm);
    renameSync(tmp, cached); // atomic for concurrent compiles of the same set
  }
  const { instance } = await wasmApi.instantiate(wasm, {
    env: {
      abort: (_m: number, _f: number, line: number, col: number): never => {
        throw new Error(`rule engine abort at ${line}:${col}`);
      },
    },
  });
  return new WasmEngine(ruleset, hash, fromCache, instance.exports as unknown as WasmExports, generated);
}
