// Capture overhead and throughput on the real kernel (root). Prints JSON lines {"metric","value","unit"}.
//   node native/bench/capture-bench.mjs        (after npm run build:native)
// Slowdown: a loop's per-iteration cost (its thread CPU time, plus its children's for fork+exec, so
// other load on the machine does not count) with the capture running the upstream rules' event types, over the
// same loop with no probe; interleaved rounds, minimum of each. Throughput: events delivered to JS
// per second and drops while an openat loop runs flat out.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'build', 'bench');
mkdirSync(out, { recursive: true });
execFileSync('cc', ['-O2', join(here, 'loop.c'), '-o', join(out, 'loop')]);
const loop = join(out, 'loop');
const { Capture } = createRequire(import.meta.url)(join(here, '..', 'build', 'Release', 'saker_capture.node'));

// Ids 1..41 are the event types the upstream rules name (engine-as/BATCH_ABI.md).
const RULE_TYPES = Array.from({ length: 41 }, (_, i) => i + 1);
const emit = (metric, value, unit) => console.log(JSON.stringify({ metric, value: Number(value.toFixed(3)), unit }));

const run = (what, n) => Number(execFileSync(loop, [what, String(n)]).toString());
const runAsync = (what, n) =>
  new Promise((resolve) => {
    const p = spawn(loop, [what, String(n)], { stdio: ['ignore', 'pipe', 'ignore'] });
    let s = '';
    p.stdout.on('data', (d) => (s += d));
    p.on('exit', () => resolve(Number(s)));
  });

async function withCapture(fn, opts = {}) {
  const cap = new Capture({ eventTypes: RULE_TYPES, ...opts });
  let events = 0;
  cap.start((b) => { events += new DataView(b.buffer, b.byteOffset).getUint32(20, true); });
  try {
    return await fn(cap, () => events);
  } finally {
    await cap.stop();
  }
}

const only = process.env.BENCH_ONLY; // e.g. open: run one loop, skip throughput
const loops = [['open', 'openat_read_close', 100000], ['stat', 'stat', 200000], ['dd', 'dd_bs1', 100000], ['forkexec', 'fork_exec', 300]]
  .filter(([what]) => !only || what === only);
const best = {};
for (let round = 0; round < 5; round++) {
  for (const [what, , n] of loops) {
    const base = run(what, n);
    // The loop runs in a child while this process consumes (as the daemon would).
    const probed = await withCapture(() => runAsync(what, n));
    const b = (best[what] ??= { base: Infinity, probed: Infinity });
    b.base = Math.min(b.base, base);
    b.probed = Math.min(b.probed, probed);
  }
}
for (const [what, name] of loops) {
  emit(`capture.slowdown.${name}`, best[what].probed / best[what].base, 'ratio');
  emit(`capture.loop_ns.${name}.none`, best[what].base, 'ns');
  emit(`capture.loop_ns.${name}.probed`, best[what].probed, 'ns');
}

// Throughput: one flat-out open loop, then two at once (both cores).
for (const loops of only ? [] : [1, 2]) {
  await withCapture(async (cap, delivered) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: loops }, () => runAsync('open', 300000)));
    await new Promise((r) => setTimeout(r, 50));
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const st = cap.stats();
    emit(`capture.open_loops_${loops}.events_per_s`, delivered() / secs, 'events/s');
    emit(`capture.open_loops_${loops}.drops`, st.dropsRingFull ?? 0, 'events');
    emit(`capture.open_loops_${loops}.daemon_cpu_ms_per_million_events`, (cpu.user + cpu.system) / 1000 / (delivered() / 1e6), 'ms');
  });
}
