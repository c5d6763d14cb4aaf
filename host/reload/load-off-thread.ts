// Loads a generation (config + rules, validated) in a child process: the daemon keeps evaluating
// batches with the running set meanwhile. Resolves with the new set, or rejects with the same
// error text a load on the main thread gives (Falco's load result: file:line:column, rule).
// A child process rather than a worker thread: everything the load allocates (a V8 heap with the
// YAML documents, the parser's native memory) goes away with the process, so the daemon's memory
// after a reload is what it was before (with worker threads, V8 and glibc kept the dead workers'
// pages: measured, about 15-20 MiB more after a few reloads).
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../cli/logger.js';
import type { LogLevel } from '../config/keys.js';
import type { DaemonRuleSet } from '../daemon/rule-set.js';

export interface LoadWorkerRequest {
  configFile: string | null;
  overrides: readonly string[];
  rulesPaths: readonly string[];
  env: NodeJS.ProcessEnv;
}

export type LoadWorkerReply =
  | { ok: true; set: DaemonRuleSet; logs: [LogLevel, string][] }
  | { ok: false; error: string; logs: [LogLevel, string][] };

/**
 * Set in the child's environment: the module it runs. A single executable runs its own entry
 * whatever the arguments, so that entry (packaging/sea-main.cjs) looks here first.
 */
export const CHILD_ENTRY_ENV = 'SAKER_CHILD_ENTRY';

/** The compiled entry, or (tests, from the sources) the TypeScript one with type transforms on. */
function childEntry(): { path: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./load-worker.js', import.meta.url));
  if (existsSync(js)) return { path: js, execArgv: [] };
  return { path: fileURLToPath(new URL('./load-worker.ts', import.meta.url)), execArgv: ['--experimental-transform-types', '--no-warnings'] };
}

export function loadRuleSetOffThread(request: LoadWorkerRequest, logger: Logger): Promise<DaemonRuleSet> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const entry = childEntry();
    const child = fork(entry.path, [], {
      execArgv: entry.execArgv,
      env: { ...process.env, [CHILD_ENTRY_ENV]: entry.path },
      serialization: 'advanced',
      // stderr stays the daemon's: a crash of the loader is not silent
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.on('message', (reply: LoadWorkerReply | 'ready') => {
      if (reply === 'ready') {
        child.send(request);
        return;
      }
      if (settled) return;
      settled = true;
      child.kill();
      for (const [level, message] of reply.logs) logger.log(level, message);
      if (reply.ok) resolve(reply.set);
      else reject(new Error(reply.error));
    });
    child.once('error', (e) => {
      if (settled) return;
      settled = true;
      reject(new Error(`rules loader process failed: ${e.message}`));
    });
    child.once('exit', (code, signal) => {
      if (settled) return;
      settled = true;
      reject(new Error(`rules loader process exited (${signal ?? `code ${code}`}) before answering`));
    });
  });
}
