// syscall_event_drops: Falco's once-per-second check, threshold, token bucket, the actions and
// the exact internal alert; and the daemon stopping with exit code 1 on the `exit` action.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Logger } from '../../host/cli/logger.js';
import type { SyscallEventDropsConfig } from '../../host/config/keys.js';
import { loadConfig } from '../../host/config/load.js';
import { runDaemon } from '../../host/daemon/daemon.js';
import { SyscallDropMonitor, ZERO_STATS, type ScapStats } from '../../host/daemon/event-drops.js';
import type { CompiledEngine } from '../../host/engine/engine-api.js';
import { encodeBatch } from '../../host/engine/batch-encoder.js';
import { AlertFormatter } from '../../outputs/index.js';
import type { Alert } from '../../outputs/alert.js';

const S = 1_000_000_000n;
const T0 = 1_700_000_000n * S;
const cfg = (over: Partial<SyscallEventDropsConfig> = {}): SyscallEventDropsConfig => ({
  threshold: 0.1,
  actions: ['log', 'alert'],
  rate: 0.03333,
  maxBurst: 1,
  simulateDrops: false,
  ...over,
});
const stats = (n_evts: number, n_drops: number, extra: Partial<ScapStats> = {}): ScapStats => ({ ...ZERO_STATS, n_evts, n_drops, n_drops_buffer: n_drops, ...extra });

function monitor(c: SyscallEventDropsConfig) {
  const alerts: Alert[] = [];
  const logs: string[] = [];
  const m = new SyscallDropMonitor(c, { publish: (a) => void alerts.push(a), log: (l, t) => void logs.push(`${l}: ${t}`), hostname: 'h', bpfEnabled: true });
  return { m, alerts, logs };
}

describe('syscall event drop monitor', () => {
  it('checks once per second of event time and alerts over the threshold, as Falco', () => {
    const { m, alerts, logs } = monitor(cfg());
    expect(m.onEvent(T0, stats(100, 0))).toBe(true); // arms the first check at T0+1s
    expect(m.onEvent(T0 + S / 2n, stats(200, 50))).toBe(true); // not yet a second
    expect(alerts).toHaveLength(0);
    m.onEvent(T0 + S + 1n, stats(1000, 120, { n_drops_buffer_open_exit: 100, n_drops_pf: 3 }));
    expect(alerts).toHaveLength(1);
    const a = alerts[0]!;
    expect(a.rule).toBe('Falco internal: syscall event drop');
    expect(a.priority).toBe('Debug');
    expect(a.source).toBe('internal');
    expect(a.output).toBe('Falco internal: syscall event drop. 120 system calls dropped in last second.');
    expect(a.outputFields).toMatchObject({ n_evts: '1000', n_drops: '120', n_drops_buffer_total: '120', n_drops_buffer_open_exit: '100', n_drops_page_faults: '3', n_drops_bug: '0', ebpf_enabled: '1' });
    expect(Object.keys(a.outputFields)).toHaveLength(15);
    expect(logs).toContain('debug: Falco internal: syscall event drop. 120 system calls dropped in last second.');
    const json = JSON.parse(new AlertFormatter({ jsonOutput: true }).format(a)) as Record<string, unknown>;
    expect(json.rule).toBe('Falco internal: syscall event drop');
    expect((json.output_fields as Record<string, unknown>).n_drops).toBe('120');
  });

  it('stays quiet at or under the threshold', () => {
    const { m, alerts } = monitor(cfg({ threshold: 0.5 }));
    m.onEvent(T0, ZERO_STATS);
    m.onEvent(T0 + 2n * S, stats(100, 50));
    expect(alerts).toHaveLength(0);
    expect(m.dropSeconds).toBe(0);
  });

  it('rate-limits actions with the token bucket (rate, max_burst)', () => {
    const { m, alerts, logs } = monitor(cfg({ rate: 0.25, maxBurst: 1 }));
    m.onEvent(T0, ZERO_STATS);
    let total = stats(0, 0);
    for (let i = 1; i <= 4; i++) {
      total = stats(total.n_evts + 100, total.n_drops + 50);
      m.onEvent(T0 + BigInt(i) * 2n * S, total);
    }
    // A full bucket for the first check, then a token every four seconds (checks are two apart).
    expect(m.dropSeconds).toBe(4);
    expect(m.actionsTaken).toBe(2);
    expect(alerts).toHaveLength(2);
    expect(logs.some((l) => l === 'debug: Syscall event drop but token bucket depleted, skipping actions')).toBe(true);
  });

  it('simulate_drops adds one drop a second with threshold 0; ignore does nothing', () => {
    const { m, alerts, logs } = monitor(cfg({ simulateDrops: true, actions: ['ignore', 'alert'], rate: 10, maxBurst: 10 }));
    m.onEvent(T0, ZERO_STATS);
    m.onEvent(T0 + S + 1n, stats(10, 0));
    expect(logs).toContain('info: Simulating syscall event drop');
    expect(alerts[0]!.output).toBe('Falco internal: syscall event drop. 1 system calls dropped in last second.');
  });

  it('exit: critical log lines and false', () => {
    const { m, logs } = monitor(cfg({ actions: ['exit'] }));
    m.onEvent(T0, ZERO_STATS);
    expect(m.onEvent(T0 + 2n * S, stats(10, 10))).toBe(false);
    expect(logs).toEqual(['critical: Falco internal: syscall event drop. 10 system calls dropped in last second.', 'critical: Exiting.']);
  });
});

describe('daemon with capture counters', () => {
  it('stops with exit code 1 when the exit action runs', async () => {
    const loaded = loadConfig({ file: null, overrides: ['syscall_event_drops.actions[]=exit', 'stdout_output.enabled=false', 'log_stderr=false'] });
    const engine: CompiledEngine = {
      ruleset: { rules: [], macros: [], lists: [], requiredPluginVersions: [] } as unknown as CompiledEngine['ruleset'],
      hash: 'x',
      fromCache: false,
      evaluate: () => [],
      outputFields: () => ({}),
      formatOutput: () => '',
    };
    let counters = stats(0, 0);
    async function* batches(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 4; i++) {
        counters = stats(counters.n_evts + 100, counters.n_drops + 60);
        yield encodeBatch([{ type: 'openat', ts: T0 + BigInt(i) * S + 1n, proc: null }]);
      }
    }
    const set = {
      loaded,
      ruleset: engine.ruleset,
      enabledRuleIds: [],
      rulesFiles: [],
      watch: { files: [], dirs: [] },
    };
    const result = await runDaemon({
      initial: set,
      reload: () => set,
      compile: async () => engine,
      logger: new Logger({ stderr: false, level: 'info', iso8601: false }),
      events: batches(),
      captureStats: () => counters,
      engineName: 'modern_ebpf',
      enabledSources: ['syscall'],
      env: {},
      signals: new EventEmitter(),
      deliveryDeps: {},
    });
    expect(result.exitCode).toBe(1);
    expect(result.batches).toBeLessThan(4);
  });
});
