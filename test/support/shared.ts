// Access to ../shared (upstream Falco rules, libs conformance corpora, reference tables).
// Under CI=true a missing ../shared is a failure; elsewhere the suites that need it skip and say why.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED_DIR = process.env.SAKER_SHARED_DIR ?? resolve(repoRoot, '..', 'shared');

export const sharedAvailable = existsSync(join(SHARED_DIR, 'conformance'));

if (!sharedAvailable) {
  if (process.env.CI === 'true') {
    throw new Error(`CI=true but ${SHARED_DIR} is missing: the conformance and upstream suites cannot run`);
  }
  process.stderr.write(`[skip] ${SHARED_DIR} not found: suites that read ../shared are skipped\n`);
}

export function sharedPath(...parts: string[]): string {
  return join(SHARED_DIR, ...parts);
}

export function readSharedJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(sharedPath(...parts), 'utf8')) as T;
}

/** The upstream rules files, in the order Falco users load them. */
export const UPSTREAM_RULES_FILES = [
  'falco_rules.yaml',
  'falco-incubating_rules.yaml',
  'falco-sandbox_rules.yaml',
  'falco-deprecated_rules.yaml',
];
