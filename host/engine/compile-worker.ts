// Worker thread that runs asc on a generated rules module. asc costs hundreds of MiB and may call
// process.exit on an internal crash, so it never runs on the main thread: the engine keeps this
// worker while compiles come in (a warm asc compiles several times faster), ends it when idle so
// memory returns, and treats an exit without a result as a compile failure.
// Imports only node: modules and assemblyscript, so Node can run this file directly (.ts or .js).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

export interface CompileRequest {
  /** Absolute path of engine-as/ (the runtime the module imports with './x'). */
  runtimeDir: string;
  /** File name of the generated module inside runtimeDir (virtual: never written to disk). */
  entryName: string;
  source: string;
  flags: string[];
}

export type CompileReply = { ok: true; wasm: Uint8Array; ms: number } | { ok: false; error: string };

async function compile(req: CompileRequest): Promise<CompileReply> {
  const started = performance.now();
  const { default: asc } = await import('assemblyscript/asc');
  const entry = join(req.runtimeDir, req.entryName);
  let wasm: Uint8Array | undefined;
  let stderr = '';
  const result = await asc.main([req.entryName, '--outFile', 'out.wasm', ...req.flags], {
    readFile: (name: string, baseDir: string): string | null => {
      const p = resolve(req.runtimeDir, baseDir, name);
      if (p === entry) return req.source;
      return existsSync(p) ? readFileSync(p, 'utf8') : null;
    },
    writeFile: (name: string, contents: Uint8Array | string): void => {
      if (name.endsWith('.wasm') && typeof contents !== 'string') wasm = contents;
    },
    listFiles: (): string[] => [],
    stdout: { write: (): boolean => true } as never,
    stderr: { write: (s: string | Uint8Array): boolean => ((stderr += String(s)), true) } as never,
  });
  if (result.error || wasm === undefined) {
    return { ok: false, error: `${result.error?.message ?? 'asc produced no .wasm'}\n${stderr.slice(0, 20000)}` };
  }
  return { ok: true, wasm, ms: performance.now() - started };
}

/** A compile job sent to the worker; the reply comes back with the same id. */
export interface CompileJob {
  id: number;
  request: CompileRequest;
}

// The worker stays up between jobs (asc loaded and warmed up) until the engine lets it go idle.
if (parentPort !== null) {
  const port = parentPort;
  port.on('message', (job: CompileJob) => {
    compile(job.request).then(
      (reply) => port.postMessage({ id: job.id, reply }),
      (err: unknown) => port.postMessage({ id: job.id, reply: { ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies CompileReply }),
    );
  });
}
