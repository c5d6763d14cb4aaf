#!/usr/bin/env node
// `npm run bench -- [group ...]`: runs benchmark groups and prints JSON lines
// {"metric","value","unit"}. Groups: engine, capture, daemon and outputs (bench/*-main.ts,
// documented in bench/README.md). No group = all of them. The TypeScript runs directly under
// node 24 (type transforms on, `.js` imports resolved to `.ts` by bench/ts-hooks.mjs).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const GROUPS = {
  engine: 'bench/engine-main.ts',
  capture: 'bench/capture-main.ts',
  daemon: 'bench/daemon-main.ts',
  outputs: 'bench/outputs-main.ts',
};

const asked = process.argv.slice(2);
const unknown = asked.filter((g) => !(g in GROUPS));
if (unknown.length > 0) {
  console.error(`unknown benchmark group(s): ${unknown.join(', ')}; known: ${Object.keys(GROUPS).join(', ')}`);
  process.exit(2);
}
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(`benchmarks need node >= 24 (type stripping); this is ${process.version}`);
  process.exit(2);
}

for (const group of asked.length > 0 ? asked : Object.keys(GROUPS)) {
  const entry = GROUPS[group];
  const r = spawnSync(process.execPath, ['--experimental-transform-types', '--no-warnings', '--import', './bench/ts-hooks.mjs', entry], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
