// Node's defaults suit a short-lived program that allocates fast; a daemon that allocates little
// but runs for months pays for them in resident memory. Two of them can only be set before the
// process starts, so the `saker` command restarts itself once, in place (same pid, same open
// descriptors, same arguments), with:
//  - `--max-semi-space-size=1`: V8's young generation grows to 2 x 16 MiB under a steady event
//    load, and stays there; 1 MiB semi-spaces keep it near 2 MiB (measured: the daemon's
//    steady RSS drops by about 30 MiB, its CPU time does not change measurably).
//  - glibc `arena_max=2`: every thread that mallocs (the compile worker, libuv, V8's platform
//    threads, the capture's consumer) would otherwise get an arena of its own that keeps freed
//    memory.
//  - glibc `mmap_threshold=128 KiB`, fixed: the capture hands each batch (hundreds of KiB) to JS
//    and JS frees it later; with glibc's default the threshold climbs to the batch size after the
//    first free, and from then on batches come from an arena that keeps the freed ones (measured:
//    about 15 MiB of the steady RSS under a moderate load). Fixed, each batch is its own mapping,
//    returned to the kernel when it is freed.
// The restarted process takes the caller's environment back, so programs Saker starts (program
// outputs, `logger`) do not inherit the settings.
const MARK = 'SAKER_MEMORY_TUNED';
const SEMI_SPACE_FLAG = '--max-semi-space-size';
const TUNABLES = 'glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=131072';

/** Flags after which `saker` prints something and exits: not worth a restart. */
const ONE_SHOT = new Set([
  '-h', '--help', '-L', '-l', '-V', '--validate', '-i', '--list', '--list-events', '--list-plugins', '--plugin-info',
  '--version', '--support', '--dry-run', '--page-size', '--config-schema', '--rule-schema',
]);

/**
 * Restarts the process with the memory settings unless it already has them, runs a one-shot
 * command (`args`: the command line after the script), or can't (`SAKER_NO_MEMORY_TUNING` set).
 */
export function restartWithMemorySettings(args: readonly string[]): void {
  const env = process.env;
  if (env[MARK] !== undefined) {
    restoreCallerEnvironment(env);
    return;
  }
  if (args.some((a) => ONE_SHOT.has(a.split('=')[0]!))) return;
  if (env.SAKER_NO_MEMORY_TUNING !== undefined || typeof process.execve !== 'function') return;
  const semiSpaceSet = process.execArgv.some((a) => a.startsWith(SEMI_SPACE_FLAG)) || (env.NODE_OPTIONS ?? '').includes(SEMI_SPACE_FLAG);
  const saved = { NODE_OPTIONS: env.NODE_OPTIONS ?? null, GLIBC_TUNABLES: env.GLIBC_TUNABLES ?? null };
  const nodeOptions = semiSpaceSet ? env.NODE_OPTIONS : [env.NODE_OPTIONS, `${SEMI_SPACE_FLAG}=1`].filter(Boolean).join(' ');
  // Settings the caller made themselves come last, so they win.
  const tunables = [TUNABLES, env.GLIBC_TUNABLES].filter(Boolean).join(':');
  const next: NodeJS.ProcessEnv = { ...env, [MARK]: JSON.stringify(saved), GLIBC_TUNABLES: tunables };
  if (nodeOptions === undefined) delete next.NODE_OPTIONS;
  else next.NODE_OPTIONS = nodeOptions;
  // A single executable takes no node flags on its command line, but reads NODE_OPTIONS; the
  // script form keeps the flags it was started with (process.execArgv) and its own arguments.
  const argv = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  try {
    process.execve(process.execPath, isSingleExecutable() ? [process.execPath, ...process.argv.slice(2)] : argv, next);
  } catch {
    // execve refused (e.g. a seccomp policy): run with Node's defaults.
  }
}

function restoreCallerEnvironment(env: NodeJS.ProcessEnv): void {
  let saved: Record<string, string | null> = {};
  try {
    saved = JSON.parse(env[MARK] ?? '{}') as Record<string, string | null>;
  } catch {
    // a mark we did not write: leave the environment as it is
  }
  delete env[MARK];
  for (const [key, value] of Object.entries(saved)) {
    if (value === null) delete env[key];
    else env[key] = value;
  }
}

function isSingleExecutable(): boolean {
  try {
    // node:sea exists in every Node that can build one; isSea() is true only inside one.
    return (process as unknown as { getBuiltinModule?: (id: string) => { isSea?: () => boolean } | undefined })
      .getBuiltinModule?.('node:sea')?.isSea?.() === true;
  } catch {
    return false;
  }
}
