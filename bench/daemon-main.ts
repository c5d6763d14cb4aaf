// Entry of the `daemon` benchmark group (run by scripts/bench.mjs): the real `saker` with the four
// upstream rules files. Needs root, BPF, the built addon and ../shared; about 3 minutes.
import { benchDaemon } from './daemon.js';

await benchDaemon();
process.exit(0);
