// Compiles AssemblyScript entry files with asc's API and caches the .wasm under build/engine-as/,
// keyed by a hash of every input (sources, flags, asc version), so unchanged re-runs skip asc.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE_DIR = join(REPO_ROOT, 'build', 'engine-as');
const ASC_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'assemblyscript', 'package.json'), 'utf8')) as { version: string }).version;

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tsFilesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
    .sort();
}

export interface CompileResult {
  wasm: Uint8Array;
  cached: boolean;
  ms: number;
}

/** Compiles `entry` (repo-relative) with the given asc flags; the runtime sources are part of the key. */
export async function compileAs(entry: string, flags: string[]): Promise<CompileResult> {
  const started = performance.now();
  const inputs = [...tsFilesUnder(join(REPO_ROOT, 'engine-as')), join(REPO_ROOT, entry)];
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ flags, asc: ASC_VERSION, entry }));
  for (const f of inputs) hash.update(relative(REPO_ROOT, f)).update(readFileSync(f));
  const key = hash.digest('hex').slice(0, 24);
  const cached = join(CACHE_DIR, `${key}.wasm`);
  if (existsSync(cached)) return { wasm: readFileSync(cached), cached: true, ms: performance.now() - started };

  // Loading asc costs most of a second: only on a cache miss.
  const { default: asc } = await import('assemblyscript/asc');
  let wasm: Uint8Array | undefined;
  let stderr = '';
  const result = await asc.main([entry, '--outFile', 'out.wasm', ...flags], {
    readFile: (name: string, baseDir: string) => {
      const p = resolve(REPO_ROOT, baseDir, name);
      return existsSync(p) ? readFileSync(p, 'utf8') : null;
    },
    writeFile: (name: string, contents: Uint8Array | string) => {
      if (name.endsWith('.wasm') && typeof contents !== 'string') wasm = contents;
    },
    listFiles: () => [],
    stdout: { write: () => true } as never,
    stderr: { write: (s: string | Uint8Array) => ((stderr += String(s)), true) } as never,
  });
  if (result.error || wasm === undefined) {
    throw new Error(`asc failed on ${entry}: ${result.error?.message ?? 'no .wasm produced'}\n${stderr}`);
  }
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${cached}.${process.pid}.tmp`;
  writeFileSync(tmp, wasm);
  renameSync(tmp, cached); // atomic: parallel test files never read a half-written module
  return { wasm, cached: false, ms: performance.now() - started };
}
