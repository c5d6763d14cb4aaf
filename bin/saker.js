#!/usr/bin/env node
// The `saker` command. The TypeScript sources are compiled to dist/ by `scripts/setup.sh`.
// The daemon first restarts itself in place with its memory settings (memory-tuning.ts), before
// anything else is loaded.
import { restartWithMemorySettings } from '../dist/host/cli/memory-tuning.js';

restartWithMemorySettings(process.argv.slice(2));
const { main } = await import('../dist/host/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    console.error(`saker: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
