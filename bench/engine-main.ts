// Entry of the `engine` benchmark group (run by scripts/bench.mjs).
import { benchEngine } from './engine.js';

await benchEngine();
process.exit(0); // the compile worker may linger idle; the figures are out
