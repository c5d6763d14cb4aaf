// Measures asc compile time of the engine-as runtime (through the test harness entry, which links
// every runtime module) at -O0, -O1 and -O3. Prints JSON lines {"metric","value","unit"}.
// Usage: [LEVELS=-O1] node scripts/engine-as-compile-times.mjs [runs]  (one level per process = cold figure)
import { performance } from 'node:perf_hooks';

const runs = Number(process.argv[2] ?? 3);
const entry = 'test/engine/as/harness.ts';
const emit = (metric, value, unit) => console.log(JSON.stringify({ metric, value: Math.round(value * 10) / 10, unit }));

const t0 = performance.now();
const { default: asc } = await import('assemblyscript/asc');
emit('asc_load_ms', performance.now() - t0, 'ms');

for (const level of (process.env.LEVELS ?? '-O0,-O1,-O3').split(',')) {
  const times = [];
  let size = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = await asc.main([entry, '--outFile', 'out.wasm', level, '--runtime', 'stub', '--noAssert'], {
      writeFile: (name, contents) => {
        if (name.endsWith('.wasm')) size = contents.length;
      },
      stdout: { write: () => true },
      stderr: { write: (s) => process.stderr.write(s) },
    });
    if (result.error) throw result.error;
    times.push(performance.now() - start);
  }
  const name = level.slice(1);
  emit(`engine_as_compile_first_ms_${name}`, times[0], 'ms');
  emit(`engine_as_compile_min_ms_${name}`, Math.min(...times), 'ms');
  emit(`engine_as_wasm_bytes_${name}`, size, 'bytes');
}
