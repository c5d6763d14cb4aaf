// Loads a generation (config + rules, validated) in a worker thread: the daemon keeps evaluating
// batches with the running set meanwhile. Resolves with the new set, or rejects with the same
// error text a load on the main thread gives (Falco's load result: file:line:column, rule).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
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

/** The compiled worker, or (tests, from the sources) the TypeScript one with type transforms on. */
function workerEntry(): { url: URL; execArgv: string[] } {
  const js = new URL('./load-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { url: js, execArgv: [] };
  return { url: new URL('./load-worker.ts', import.meta.url), execArgv: ['--experimental-transform-types', '--no-warnings'] };
}

export function loadRuleSetOffThread(request: LoadWorkerRequest, logger: Logger): Promise<DaemonRuleSet> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const entry = workerEntry();
    const worker = new Worker(entry.url, { workerData: { ...request, env: { ...request.env } }, execArgv: entry.execArgv });
    worker.once('message', (reply: LoadWorkerReply) => {
      settled = true;
      void worker.terminate();
      for (const [level, message] of reply.logs) logger.log(level, message);
      if (reply.ok) resolve(reply.set);
      else reject(new Error(reply.error));
    });
    worker.once('error', (e) => {
      if (settled) return;
      settled = true;
      reject(new Error(`rules loader thread failed: ${e.message}`));
    });
    worker.once('exit', (code) => {
      if (settled) return;
      settled = true;
      reject(new Error(`rules loader thread exited with code ${code} before answering`));
    });
  });
}
