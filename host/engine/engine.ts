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
import type { CompileJob, CompileReply, CompileRequest } from './compile-worker.js';
import { generateModule, type GeneratedModule, type OutputFieldPlan, type RulePlan } from './compiler/codegen.js';
import { isSignedType } from './compiler/field-access.js';
import type { CompiledEngine, EngineOptions, Match } from './engine-api.js';
import type { DnsCache } from './dns-cache.js';
import { encodeDnsTable } from './dns-table.js';
import { formatIpv4, formatIpv6 } from './ip.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = findRepoRoot(HERE);
const RUNTIME_DIR = join(REPO_ROOT, 'engine-as');
const ENTRY_NAME = '__rules__.ts';

const COMMON_FLAGS = ['--runtime', 'stub', '--noAssert'];
/** Fast tier: -O0 compiles 3-4x faster than the optimised tier; its code evaluates about 20-40% slower. */
export const FAST_FLAGS: readonly string[] = ['-O0', ...COMMON_FLAGS];
/** Optimised tier (see host/engine/compiler/README.md for the measurements). */
export const ASC_FLAGS: readonly string[] = ['-O3', ...COMMON_FLAGS];

/**
 * `tiered` (default): start on the fast -O0 module (or a cached optimised one) and switch to the optimised
 * module between two batches once it is built in the background; `fast`: -O0 only;
 * `optimized`: wait for the optimised module.
 */
export type OptimizeMode = 'tiered' | 'fast' | 'optimized';

/** EngineOptions plus Saker's compile choices (optional; engine-api.ts callers need none). */
export interface EngineCompileOptions extends EngineOptions {
  optimize?: OptimizeMode;
  /**
   * Resolves the names the rules compare fd.*ip.name fields with (the daemon: systemDnsCache());
   * without one those fields find no names.
   */
  dns?: DnsCache;
  /** How long compileEngine waits for the first resolution of the rules' names (default 2000 ms). */
  dnsWaitMs?: number;
}

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
function moduleHash(source: string): string {
  const h = createHash('sha256');
  const ascPkg = join(REPO_ROOT, 'node_modules', 'assemblyscript', 'package.json');
  h.update(existsSync(ascPkg) ? (JSON.parse(readFileSync(ascPkg, 'utf8')) as { version: string }).version : 'asc?');
  h.update(JSON.stringify({ fast: FAST_FLAGS, optimized: ASC_FLAGS }));
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

/** How long an idle compile worker (asc loaded, warmed up) is kept before it is ended. */
export const COMPILER_IDLE_MS = 15_000;

interface PendingJob {
  resolve: (wasm: Uint8Array) => void;
  reject: (err: Error) => void;
}

/**
 * One compile worker, reused while jobs come in and ended after COMPILER_IDLE_MS idle. A crash or
 * process.exit inside asc fails the jobs in flight with EngineCompileError; the next job starts a
 * fresh worker.
 */
class CompilerWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, PendingJob>();
  private nextId = 1;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly script: URL, private readonly idleMs: number) {}

  private readonly queue: { id: number; request: CompileRequest; background: boolean }[] = [];
  private running: number | undefined;

  /** Jobs run one at a time (asc is not reentrant); background jobs wait behind foreground ones. */
  compile(request: CompileRequest, background = false): Promise<Uint8Array> {
    const id = this.nextId++;
    return new Promise((resolvePromise, reject) => {
      this.pending.set(id, { resolve: resolvePromise, reject });
      const job = { id, request, background };
      const at = background ? this.queue.length : this.queue.findIndex((j) => j.background);
      this.queue.splice(at < 0 ? this.queue.length : at, 0, job);
      this.pump();
    });
  }

  private pump(): void {
    if (this.running !== undefined) return;
    const job = this.queue.shift();
    if (job === undefined) return;
    const worker = this.ensure();
    if (this.idle !== undefined) clearTimeout(this.idle);
    this.idle = undefined;
    // a background job alone does not keep the process alive
    if (job.background) worker.unref();
    else worker.ref();
    this.running = job.id;
    worker.postMessage({ id: job.id, request: job.request } satisfies CompileJob);
  }

  private ensure(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(this.script);
    this.worker = worker;
    worker.on('message', ({ id, reply }: { id: number; reply: CompileReply }) => {
      const job = this.pending.get(id);
      this.pending.delete(id);
      this.running = undefined;
      if (job !== undefined) {
        if (reply.ok) job.resolve(reply.wasm);
        else job.reject(new EngineCompileError(`rule engine compile failed (asc): ${reply.error}`));
      }
      if (this.queue.length === 0) this.goIdle(worker);
      else this.pump();
    });
    worker.on('error', (err) => this.fail(worker, `worker error: ${err.message}`));
    worker.on('exit', (code) => this.fail(worker, `the compiler exited with code ${code} before producing a module`));
    return worker;
  }

  private goIdle(worker: Worker): void {
    worker.unref();
    this.idle = setTimeout(() => {
      if (this.worker === worker && this.pending.size === 0) {
        this.worker = undefined;
        void worker.terminate();
      }
    }, this.idleMs);
    this.idle.unref();
  }

  /** The worker died: the job it was running fails; queued jobs go to a fresh worker. */
  private fail(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const id = this.running;
    this.running = undefined;
    if (id !== undefined) {
      const job = this.pending.get(id);
      this.pending.delete(id);
      job?.reject(new EngineCompileError(`rule engine compile failed: ${why}`));
    }
    this.pump();
  }
}

const compilers = new Map<string, CompilerWorker>();

/**
 * Compiles a generated module with asc in the compile worker; asc errors, a crash or a
 * process.exit inside asc become an EngineCompileError. `worker` replaces the worker script (tests
 * use it to simulate a crashing compiler).
 */
export function compileInWorker(source: string, flags: readonly string[] = ASC_FLAGS, worker?: URL, background = false): Promise<Uint8Array> {
  const script = worker ?? workerUrl();
  let compiler = compilers.get(script.href);
  if (compiler === undefined) {
    compiler = new CompilerWorker(script, COMPILER_IDLE_MS);
    compilers.set(script.href, compiler);
  }
  return compiler.compile({ runtimeDir: RUNTIME_DIR, entryName: ENTRY_NAME, source, flags: [...flags] }, background);
}

interface WasmExports {
  memory: { buffer: ArrayBuffer };
  batchBuffer(len: number): number;
  validate(base: number, len: number): number;
  evaluate(base: number): number;
  matches(): number;
  extract(base: number, event: number, rule: number): number;
  dnsTable(len: number): number;
}

// The WebAssembly global exists in Node, but this project's lib setting has no types for it.
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const utf8 = new TextDecoder('utf-8');

/** The fast -O0 module, or the optimised one (ASC_FLAGS). */
export type EngineTier = 'O0' | 'opt';

export class WasmEngine implements CompiledEngine {
  private loadedBatch: Uint8Array | undefined;
  private loadedBase = 0;
  private readonly plans = new Map<number, RulePlan>();
  private dns: DnsCache | undefined;
  /** The DNS cache version written into this module's memory (-1: none yet). */
  private dnsVersion = -1;
  /** The names the rules compare fd.*ip.name fields with. */
  readonly dnsNames: readonly string[];
  /** Resolves when the engine runs its final module (true: switched to the optimised module; false: stays). */
  optimized: Promise<boolean> = Promise.resolve(false);

  constructor(
    readonly ruleset: RuleSet,
    readonly hash: string,
    readonly fromCache: boolean,
    private x: WasmExports,
    private currentTier: EngineTier,
    generated: GeneratedModule,
    /** Codegen notes: constructs compiled as never-true. */
    readonly notes: readonly string[] = generated.notes,
  ) {
    for (const p of generated.rules) this.plans.set(p.id, p);
    this.dnsNames = generated.dnsNames;
  }

  /** Takes the rules' names from this cache (resolved once the promise settles) and keeps up with it. */
  useDns(cache: DnsCache): Promise<void> {
    this.dns = cache;
    this.dnsVersion = -1;
    return cache.retain(this, this.dnsNames);
  }

  /** Writes the cache's resolutions into Wasm memory when they changed (between two batches). */
  private syncDns(dns: DnsCache): void {
    const bytes = encodeDnsTable(dns.resolved(this.dnsNames));
    const at = this.x.dnsTable(bytes.length);
    new Uint8Array(this.x.memory.buffer, at, bytes.length).set(bytes);
    this.dnsVersion = dns.version;
  }

  /** The optimisation level of the module now evaluating. */
  get tier(): EngineTier {
    return this.currentTier;
  }

  /** Switches to another build of the same generated module (between two calls, never during one). */
  upgrade(x: WasmExports, tier: EngineTier): void {
    this.x = x;
    this.currentTier = tier;
    this.loadedBatch = undefined;
    this.dnsVersion = -1;
  }

  /** Copies the batch into Wasm memory and validates it there (throws BatchFormatError). */
  private load(batch: Uint8Array): number {
    if (this.dns !== undefined && this.dns.version !== this.dnsVersion && this.dnsNames.length > 0) this.syncDns(this.dns);
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
    const vals = this.values(batch, match);
    for (const { plan, value } of vals) if (plan.extra === undefined) out[plan.key] = value;
    // append_output extra fields: a plain field name keeps its typed value, a format is rendered.
    for (const [name, format] of Object.entries(this.ruleset.rules[match.rule]?.extraOutputFields ?? {})) {
      const own = vals.filter((v) => v.plan.extra === name);
      out[name] = format === `%${name}` && own.length === 1 ? own[0]!.value : renderOutput(format, own.map((v) => v.value));
    }
    return out;
  }

  formatOutput(batch: Uint8Array, match: Match): string {
    const rule = this.ruleset.rules[match.rule];
    if (rule === undefined) throw new Error(`rule ${match.rule} is not in this rule set`);
    const vals = this.values(batch, match).filter((v) => v.plan.extra === undefined);
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

async function instantiate(wasm: Uint8Array): Promise<WasmExports> {
  const { instance } = await wasmApi.instantiate(wasm, {
    env: {
      abort: (_m: number, _f: number, line: number, col: number): never => {
        throw new Error(`rule engine abort at ${line}:${col}`);
      },
    },
  });
  return instance.exports as unknown as WasmExports;
}

/** The module for `tier` from the cache, or compiled now and cached. */
async function buildTier(source: string, file: string, flags: readonly string[], background: boolean): Promise<{ wasm: Uint8Array; fromCache: boolean }> {
  if (existsSync(file)) return { wasm: readFileSync(file), fromCache: true };
  const wasm = await compileInWorker(source, flags, undefined, background);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, wasm);
  renameSync(tmp, file); // atomic for concurrent compiles of the same set
  return { wasm, fromCache: false };
}

/** Attaches the DNS cache and waits (bounded) for the first resolution of the rules' names. */
async function withDns(engine: WasmEngine, options: EngineCompileOptions): Promise<WasmEngine> {
  if (options.dns === undefined) return engine;
  const ready = engine.useDns(options.dns);
  if (engine.dnsNames.length === 0) return engine;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<void>((done) => {
    timer = setTimeout(done, options.dnsWaitMs ?? 2000);
  });
  await Promise.race([ready, waited]);
  clearTimeout(timer);
  return engine;
}

export async function compileEngine(ruleset: RuleSet, options: EngineCompileOptions): Promise<WasmEngine> {
  const generated = generateSource(ruleset, options);
  const hash = moduleHash(generated.source);
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir());
  const optimizedFile = join(cacheDir, `${hash}.opt.wasm`);
  const fastFile = join(cacheDir, `${hash}.O0.wasm`);
  const mode = options.optimize ?? 'tiered';
  if (mode === 'optimized' || (mode === 'tiered' && existsSync(optimizedFile))) {
    const built = await buildTier(generated.source, optimizedFile, ASC_FLAGS, false);
    return withDns(new WasmEngine(ruleset, hash, built.fromCache, await instantiate(built.wasm), 'opt', generated), options);
  }
  const fast = await buildTier(generated.source, fastFile, FAST_FLAGS, false);
  const engine = await withDns(new WasmEngine(ruleset, hash, fast.fromCache, await instantiate(fast.wasm), 'O0', generated), options);
  if (mode === 'tiered') {
    engine.optimized = buildTier(generated.source, optimizedFile, ASC_FLAGS, true).then(
      async (built) => {
        engine.upgrade(await instantiate(built.wasm), 'opt');
        return true;
      },
      () => false, // the -O0 module keeps serving; the next compile of this set retries
    );
  }
  return engine;
}
