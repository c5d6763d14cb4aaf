// Child process entry: loads and validates one generation of config and rules off the daemon's
// main thread, so a reload never stalls batch evaluation. The child says `ready`, then the request
// comes as an IPC message; log lines are sent back to be written by the daemon's logger; the
// result (plain data) or the error text is the reply, after which the process exits.
import * as nodeModule from 'node:module';
import type { LogLevel } from '../config/keys.js';
import type { LoadWorkerReply, LoadWorkerRequest } from './load-off-thread.js';

// Run from the TypeScript sources (tests), `./x.js` imports name `./x.ts` files. Compiled, the
// hook is never needed (and Node before 22.15 has no registerHooks).
nodeModule.registerHooks?.({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (e) {
      if (specifier.startsWith('.') && specifier.endsWith('.js')) return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      throw e;
    }
  },
});

// No top-level await: a single executable loads this module with require().
void (async () => {
  // Asked for once listening: a message that arrives before a listener exists is lost.
  const request = await new Promise<LoadWorkerRequest>((resolve) => {
    process.once('message', (m) => resolve(m as LoadWorkerRequest));
    process.send!('ready');
  });
  const { Logger } = await import('../cli/logger.js');
  const { loadRuleSet } = await import('../daemon/rule-set.js');

  const logs: [LogLevel, string][] = [];
  class CollectingLogger extends Logger {
    override log(level: LogLevel, message: string): void {
      logs.push([level, message]);
    }
  }

  let reply: LoadWorkerReply;
  try {
    const set = loadRuleSet({
      configFile: request.configFile,
      overrides: request.overrides,
      rulesPaths: request.rulesPaths,
      env: request.env,
      logger: new CollectingLogger({ stderr: true, level: 'debug', iso8601: false }),
    });
    reply = { ok: true, set, logs };
  } catch (e) {
    reply = { ok: false, error: e instanceof Error ? e.message : String(e), logs };
  }
  process.send!(reply, () => process.disconnect());
})();
