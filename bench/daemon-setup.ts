// The files of the `daemon` benchmark: a temporary directory (config, rules.d, the generators'
// files) named after this process, and the engine cache entries the daemons compile for it. The
// benchmark's rules name that directory, so every module compiled for them carries its path; that
// is how its cache entries are told from other processes' (never touched) and removed at the end.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from './daemon-process.js';
import { UPSTREAM_FILES } from './upstream.js';

const SHARED = process.env.SAKER_SHARED_DIR ?? resolve(ROOT, '..', 'shared');
/** Where the engine (compiled under dist/) keeps its modules: `<repo>/build/engine-cache`. */
const CACHE_DIR = join(ROOT, 'build', 'engine-cache');

/** Marks the benchmark's alert lines: `saker-bench <tag> <file>`. */
export const ALERT_MARK = 'saker-bench';

export interface Workspace {
  dir: string;
  rulesD: string;
  config: string;
  /** Files the `gen` rule alerts on: `<genPrefix><i>`. */
  genPrefix: string;
  /** Files the startup rule alerts on. */
  startPrefix: string;
  /** Files only the rules written during the run alert on. */
  newPrefix: string;
}

/** A rule alerting `saker-bench <tag> <file>` on every open of a file whose name starts with `prefix`. */
export function openRule(name: string, tag: string, prefix: string): string {
  return [
    `- rule: ${name}`,
    '  desc: daemon benchmark',
    `  condition: evt.type in (open, openat, openat2) and fd.name startswith ${prefix}`,
    `  output: "${ALERT_MARK} ${tag} %fd.name"`,
    '  priority: WARNING',
    '',
  ].join('\n');
}

export function createWorkspace(): Workspace {
  const dir = mkdtempSync(`/tmp/saker-bench-daemon-${process.pid}-`);
  const rulesD = join(dir, 'rules.d');
  mkdirSync(rulesD);
  const ws: Workspace = {
    dir,
    rulesD,
    config: join(dir, 'saker.yaml'),
    genPrefix: join(dir, 'gen-'),
    startPrefix: join(dir, 'start-'),
    newPrefix: join(dir, 'new-'),
  };
  writeFileSync(join(rulesD, '00-base.yaml'), openRule('Saker bench numbered action', 'gen', ws.genPrefix) + openRule('Saker bench startup action', 'start', ws.startPrefix));
  const rulesFiles = [...UPSTREAM_FILES.map((f) => join(SHARED, 'falco-rules', f)), rulesD];
  for (const f of rulesFiles.slice(0, -1)) statSync(f); // a missing ../shared fails here, clearly
  writeFileSync(
    ws.config,
    [
      'engine:',
      '  kind: modern_ebpf',
      'rules_files:',
      ...rulesFiles.map((f) => `  - ${f}`),
      'watch_config_files: true',
      'stdout_output:',
      '  enabled: true',
      'syslog_output:',
      '  enabled: false',
      'file_output:',
      '  enabled: false',
      'log_stderr: true',
      'log_syslog: false',
      'log_level: info',
      '',
    ].join('\n'),
  );
  return ws;
}

function cacheEntries(sinceMs: number): { name: string; path: string }[] {
  let names: string[];
  try {
    names = readdirSync(CACHE_DIR);
  } catch {
    return [];
  }
  const out: { name: string; path: string }[] = [];
  for (const name of names) {
    const path = join(CACHE_DIR, name);
    try {
      if (statSync(path).mtimeMs >= sinceMs) out.push({ name, path });
    } catch {
      // removed meanwhile
    }
  }
  return out;
}

/** Recognizes the cache entries compiled for this workspace's rules (their text names its directory). */
export class OwnCacheEntries {
  private readonly utf8: Buffer;
  private readonly utf16: Buffer;
  private readonly known = new Map<string, boolean>();

  constructor(ws: Workspace, private readonly sinceMs: number) {
    this.utf8 = Buffer.from(ws.dir, 'utf8');
    this.utf16 = Buffer.from(ws.dir, 'utf16le');
  }

  private isOwn(path: string, name: string): boolean {
    const cached = this.known.get(name);
    if (cached !== undefined) return cached;
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      return false;
    }
    const own = bytes.includes(this.utf8) || bytes.includes(this.utf16);
    if (!name.endsWith('.tmp')) this.known.set(name, own); // a .tmp may still be being written
    return own;
  }

  /** Hashes of the -O0 modules compiled for this workspace since `sinceMs`. */
  fastModulesSince(sinceMs: number): string[] {
    return cacheEntries(Math.max(sinceMs, this.sinceMs))
      .filter((e) => e.name.endsWith('.O0.wasm') && this.isOwn(e.path, e.name))
      .map((e) => e.name.slice(0, -'.O0.wasm'.length));
  }

  /** Whether the optimised module of `hash` is in the cache (its background compile is done). */
  hasOptimized(hash: string): boolean {
    try {
      statSync(join(CACHE_DIR, `${hash}.opt.wasm`));
      return true;
    } catch {
      return false;
    }
  }

  /** Removes every cache entry compiled for this workspace. */
  removeAll(): number {
    let n = 0;
    for (const e of cacheEntries(this.sinceMs)) {
      if (this.isOwn(e.path, e.name)) {
        rmSync(e.path, { force: true });
        n++;
      }
    }
    return n;
  }
}

export function removeWorkspace(ws: Workspace): void {
  rmSync(ws.dir, { recursive: true, force: true });
}
