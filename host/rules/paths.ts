// Expands rules paths as Falco does for `rules_files` and `-r`: a file is read as is, a directory
// contributes its .yaml/.yml files (not recursing), sorted by path.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RulesSource } from './loader.js';

export interface RulesPathFailure {
  path: string;
  message: string;
}

export interface RulesPathsOutcome {
  sources: RulesSource[];
  failures: RulesPathFailure[];
}

/** Lists the rules files a path stands for, in load order. */
export function expandRulesPath(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(path, name))
    .filter((file) => statSync(file).isFile())
    .sort();
}

/** Reads every rules file the paths stand for; unreadable paths are reported, not thrown. */
export function readRulesPaths(paths: readonly string[]): RulesPathsOutcome {
  const sources: RulesSource[] = [];
  const failures: RulesPathFailure[] = [];
  for (const path of paths) {
    let files: string[];
    try {
      files = expandRulesPath(path);
    } catch (e) {
      failures.push({ path, message: `Could not read rules path ${path}: ${(e as Error).message}` });
      continue;
    }
    for (const file of files) {
      try {
        sources.push({ name: file, content: readFileSync(file, 'utf8') });
      } catch (e) {
        failures.push({ path: file, message: `Could not read rules file ${file}: ${(e as Error).message}` });
      }
    }
  }
  return { sources, failures };
}
