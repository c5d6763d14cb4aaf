// `--support`: Falco's support bundle as one JSON object (system info, versions, command line,
// the main config file's text, and each loaded rules file's content), with Saker's values.
import { readFileSync } from 'node:fs';
import { hostname, machine, release, type, version } from 'node:os';
import type { LoadedConfig } from '../../config/load.js';
import { versionsInfo, versionsJson } from '../version-info.js';

export interface SupportInput {
  argv: readonly string[];
  loadedConfig: LoadedConfig;
  /** The rules files actually loaded, in load order. */
  rulesFiles: readonly string[];
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export function supportJson(input: SupportInput): Record<string, unknown> {
  const info = versionsInfo();
  return {
    cmdline: ['saker', ...input.argv].join(' '),
    config: input.loadedConfig.mainText,
    engine_info: versionsJson(info),
    rules_files: input.rulesFiles.map((name) => ({ name, variants: [{ content: readOrEmpty(name) }] })),
    system_info: {
      machine: machine(),
      nodename: hostname(),
      release: release(),
      sysname: type(),
      version: version(),
    },
    version: info.sakerVersion,
  };
}
