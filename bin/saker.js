#!/usr/bin/env node
// The `saker` command. The TypeScript sources are compiled to dist/ by `scripts/setup.sh`.
import { main } from '../dist/host/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    console.error(`saker: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
