// The `capture` benchmark: loop slowdowns with the capture running the upstream stable rules'
// event types and open filter, as the daemon does, against no probe (interleaved rounds, minimum of
// each), and event rate, drops and the daemon's CPU per event with one, two and three flat-out
// openat loops (filter off: every open reaches JS, as in Falco).
import type { OpenFilter } from '../host/capture/open-prefilter.js';
import type { WasmEngine } from '../host/engine/engine.js';
import { engineFor, openFilterFor, removeLoop, ruleEventTypeIds, runLoop, stableRules, withProbe, type LoopKind } from './capture-probe.js';

export const emit = (metric: string, value: number, unit: string): void => {
  console.log(JSON.stringify({ metric, value: Math.round(value * 1000) / 1000, unit }));
};

const LOOPS: [LoopKind, string, number][] = [
  ['open', 'openat_read_close', 100_000],
  ['stat', 'stat', 200_000],
  ['dd', 'dd_bs1', 100_000],
  ['forkexec', 'fork_exec', 300],
];

interface Best {
  base: number;
  probed: number;
  /** The open loop only: probed without the open filter (every open and close reaches JS). */
  unfiltered: number;
  /** Opens the kernel dropped per iteration in the probed runs (the filter at work). */
  filteredPerIteration: number;
}

async function slowdowns(ids: number[], engine: WasmEngine, filter: OpenFilter | null, rounds: number): Promise<Map<LoopKind, Best>> {
  const best = new Map<LoopKind, Best>(LOOPS.map(([k]) => [k, { base: Infinity, probed: Infinity, unfiltered: Infinity, filteredPerIteration: 0 }]));
  for (let round = 0; round < rounds; round++) {
    for (const [kind, , n] of LOOPS) {
      const b = best.get(kind)!;
      b.base = Math.min(b.base, await runLoop(kind, n));
      // The loop runs in a child while this process consumes and evaluates, as the daemon would.
      b.probed = Math.min(
        b.probed,
        await withProbe(ids, engine, async (s) => {
          const ns = await runLoop(kind, n);
          b.filteredPerIteration = (s.probe.stats().filteredOpens ?? 0) / n;
          return ns;
        }, filter),
      );
      if (kind === 'open') b.unfiltered = Math.min(b.unfiltered, await withProbe(ids, engine, () => runLoop(kind, n)));
    }
  }
  return best;
}

export interface RateRun {
  loops: number;
  eventsPerS: number;
  drops: number;
  dropPercent: number;
  cpuMsPerMillion: number;
}

async function openLoopRate(ids: number[], engine: WasmEngine | undefined, loops: number, iterations: number): Promise<RateRun> {
  return withProbe(ids, engine, async (s) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: loops }, () => runLoop('open', iterations)));
    const secs = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 100)); // the last batch (flushMs 20) reaches JS
    const cpu = process.cpuUsage(cpu0);
    const st = s.probe.stats();
    const drops = st.dropsRingFull ?? 0;
    const events = s.events();
    if (events === 0) throw new Error(`no events reached JS with ${loops} open loop(s) running: is the probe capturing?`);
    return {
      loops,
      eventsPerS: events / secs,
      drops,
      dropPercent: (100 * drops) / Math.max(1, events + drops),
      cpuMsPerMillion: (cpu.user + cpu.system) / 1000 / (events / 1e6),
    };
  });
}

export async function benchCapture(): Promise<void> {
  try {
    await measureAll();
  } finally {
    removeLoop();
  }
}

async function measureAll(): Promise<void> {
  const rounds = Number(process.env.BENCH_CAPTURE_ROUNDS ?? 5);
  const rateSeconds = Number(process.env.BENCH_CAPTURE_RATE_S ?? 3);
  const ruleset = stableRules();
  const ids = ruleEventTypeIds(ruleset);
  const engine = await engineFor(ruleset);
  const filter = openFilterFor(ruleset);
  emit('capture_rule_event_types', ids.length, 'types');
  emit('capture_open_filter_paths', filter === null ? 0 : filter.prefixes.length + filter.exact.length, 'paths');

  const best = await slowdowns(ids, engine, filter, rounds);
  for (const [kind, name] of LOOPS) {
    const b = best.get(kind)!;
    emit(`capture_slowdown_${name}`, b.probed / b.base, 'ratio');
    emit(`capture_loop_ns_${name}_no_probe`, b.base, 'ns');
    emit(`capture_loop_ns_${name}_probed`, b.probed, 'ns');
    if (kind === 'open') {
      emit(`capture_slowdown_${name}_unfiltered`, b.unfiltered / b.base, 'ratio');
      emit(`capture_filtered_opens_per_iteration_${name}`, b.filteredPerIteration, 'opens');
    }
  }

  // Each loop runs about rateSeconds of its own CPU time.
  const iterations = Math.ceil((rateSeconds * 1e9) / best.get('open')!.unfiltered);
  const runs: RateRun[] = [];
  for (const loops of [1, 2, 3]) runs.push(await openLoopRate(ids, engine, loops, iterations));
  for (const r of runs) {
    emit(`capture_events_per_s_open_loops_${r.loops}`, r.eventsPerS, 'events/s');
    emit(`capture_drops_open_loops_${r.loops}`, r.drops, 'events');
  }
  const clean = runs.filter((r) => r.drops === 0);
  emit('capture_max_events_per_s_zero_drops', clean.length > 0 ? Math.max(...clean.map((r) => r.eventsPerS)) : 0, 'events/s');
  const two = runs.find((r) => r.loops === 2)!;
  emit('capture_drop_percent_two_open_loops', two.dropPercent, '%');
  emit('capture_daemon_cpu_ms_per_million_events', two.cpuMsPerMillion, 'ms');
  // The same two loops with batches only counted, not evaluated: the capture's own share.
  const bare = await openLoopRate(ids, undefined, 2, iterations);
  emit('capture_addon_cpu_ms_per_million_events', bare.cpuMsPerMillion, 'ms');
  emit('capture_drops_two_open_loops_no_engine', bare.drops, 'events');
}
