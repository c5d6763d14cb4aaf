// One compile in a fresh process (no asc loaded, no compile worker yet) into the given cache
// directory: prints {"ms": <time until the engine is ready>}. Used by engine.ts for cold figures.
import { compileEngine } from '../host/engine/engine.js';
import { loadUpstream } from './upstream.js';

const [set, cacheDir] = process.argv.slice(2) as ['stable' | 'all', string];
const ruleset = loadUpstream(set);
const t0 = performance.now();
const engine = await compileEngine(ruleset, { ruleMatching: 'first', cacheDir });
const ms = performance.now() - t0;
if (engine.fromCache) throw new Error('cold compile hit the cache');
console.log(JSON.stringify({ ms }));
// let the background optimised build finish before exiting (its worker does not keep the process alive)
const keepAlive = setInterval(() => undefined, 1000);
await engine.optimized;
clearInterval(keepAlive);
process.exit(0);
