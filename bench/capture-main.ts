// Entry of the `capture` benchmark group (run by scripts/bench.mjs). Needs root, BPF and the
// built addon (npm run build:native).
import { benchCapture } from './capture.js';

await benchCapture();
process.exit(0); // the compile worker may linger idle; the figures are out
