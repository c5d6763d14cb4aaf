#!/usr/bin/env node
// The `saker` command. The TypeScript sources are compiled to dist/ by `scripts/setup.sh`.
// The daemon first restarts itself in place with its memory settings (memory-tuning.ts), before
// anything else is loaded.
import module from 'node:module';
import { restartWithMemorySettings } from '../dist/host/cli/memory-tuning.js';

restartWithMemorySettings(process.argv.slice(2));
// V8's code for Saker's modules is kept on disk (keyed by their contents; NODE_COMPILE_CACHE
// picks the folder): loading them takes about 40 ms less at each start.
module.enableCompileCache?.();
const { main } = await import('../dist/host/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    console.error(`saker: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
