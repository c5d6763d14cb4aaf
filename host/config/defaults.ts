// Where Saker looks for its config file, and the configuration it runs with when there is none:
// the bundled `rules/` folder and alerts on stdout, otherwise Falco's shipped settings.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigMap } from './tree.js';

export const DEFAULT_CONFIG_PATH = '/etc/saker/saker.yaml';

/** The folder holding Saker's package.json, found from this file in host/ or dist/host/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'saker') return dir;
      } catch {
        // not ours; keep climbing
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the saker package root');
    dir = up;
  }
}

export function bundledRulesDir(): string {
  return join(packageRoot(), 'rules');
}

/** The embedded configuration, as an untyped document like a loaded file. */
export function embeddedDefaults(): ConfigMap {
  return {
    rules_files: [bundledRulesDir()],
    engine: { kind: 'modern_ebpf' },
    priority: 'debug',
    rule_matching: 'first',
    json_output: 'false',
    json_include_output_property: 'true',
    json_include_message_property: 'false',
    json_include_output_fields_property: 'true',
    json_include_tags_property: 'true',
    buffered_outputs: 'false',
    stdout_output: { enabled: 'true' },
    syslog_output: { enabled: 'false' },
    file_output: { enabled: 'false', keep_alive: 'false', filename: './events.txt' },
    log_stderr: 'true',
    log_syslog: 'false',
    log_level: 'info',
    output_timeout: '2000',
    watch_config_files: 'true',
    // Falco's shipped falco.yaml appends the extractors' suggested fields to every rule output.
    append_output: [{ suggested_output: 'true' }],
  };
}
