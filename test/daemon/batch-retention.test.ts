// The daemon keeps no batch alive once it is evaluated: a long run must not hold every batch it
// ever saw (the capture's batches are external memory, so the process would grow without end).
import { EventEmitter } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Logger } from '../../host/cli/logger.js';
import { loadConfig } from '../../host/config/load.js';
import { runDaemon } from '../../host/daemon/daemon.js';
import type { CompiledEngine } from '../../host/engine/engine-api.js';
import { encodeBatch } from '../../host/engine/batch-encoder.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('batch retention', () => {
  it('batches already evaluated can be collected while the daemon runs', async () => {
    const loaded = loadConfig({ file: null, overrides: ['stdout_output.enabled=false', 'log_stderr=false'] });
    let evaluated = 0;
    const engine: CompiledEngine = {
      ruleset: { rules: [], macros: [], lists: [], requiredPluginVersions: [] } as unknown as CompiledEngine['ruleset'],
      hash: 'x',
      fromCache: false,
      evaluate: () => {
        evaluated++;
        return [];
      },
      outputFields: () => ({}),
      formatOutput: () => '',
    };
    const total = 200;
    let collected = 0;
    const registry = new FinalizationRegistry<number>(() => void collected++);
    let release: () => void = () => undefined;
    const idle = new Promise<void>((r) => (release = r));
    async function* batches(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < total; i++) {
        const b = encodeBatch([{ type: 'openat', ts: 1_700_000_000_000_000_000n + BigInt(i), proc: null }]);
        registry.register(b, i);
        yield b;
        // one batch per turn of the event loop, as from the capture
        await new Promise((r) => setImmediate(r));
      }
      await idle; // the source stays open: the daemon is still running
    }
    const set = { loaded, ruleset: engine.ruleset, enabledRuleIds: [], rulesFiles: [], watch: { files: [], dirs: [] } };
    const signals = new EventEmitter();
    const run = runDaemon({
      initial: set,
      reload: () => set,
      compile: async () => engine,
      logger: new Logger({ stderr: false, level: 'info', iso8601: false }),
      events: batches(),
      engineName: 'nodriver',
      enabledSources: ['syscall'],
      env: {},
      signals,
      deliveryDeps: {},
    });
    const end = Date.now() + 10_000;
    while (evaluated < total && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect(evaluated).toBe(total);
    for (let round = 0; round < 5 && collected < total - 2; round++) {
      gc();
      await new Promise((r) => setTimeout(r, 20)); // finalization callbacks run after the collection
    }
    // All but the last batch or two (the engine and the loop may still hold the newest).
    expect(collected).toBeGreaterThanOrEqual(total - 2);
    signals.emit('SIGTERM');
    release();
    const result = await run;
    expect(result.batches).toBe(total);
  });
});
