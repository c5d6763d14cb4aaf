// The commands of host/cli/main.ts, run in-process with captured stdout/stderr.
import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../host/cli/main.js';
import { bundledRulesDir } from '../../host/config/defaults.js';

const SUGGESTED_FIELDS = ['container.id', 'container.name', 'container.image.repository', 'container.image.tag', 'k8s.pod.name', 'k8s.ns.name'];
import { sharedAvailable, sharedPath, UPSTREAM_RULES_FILES } from '../support/shared.js';

const FIX = resolve(__dirname, 'fixtures');
const GOOD = join(FIX, 'good_rules.yaml');
const BAD = join(FIX, 'bad_rules.yaml');
const WARN = join(FIX, 'warn_rules.yaml');
const USES_GOOD = join(FIX, 'uses_good.yaml');
const FOLDER = join(FIX, 'rules.d');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function io(extra: Partial<CliIo> = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    defaultConfigPath: join(tmpdir(), 'saker-no-such-config.yaml'),
    env: {},
    ...extra,
  };
}

async function run(argv: string[], extra: Partial<CliIo> = {}): Promise<Run> {
  const cap = io(extra);
  const code = await main(argv, cap);
  return { code, stdout: cap.out.join(''), stderr: cap.err.join('') };
}

function tmpConfig(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'saker-cli-'));
  const file = join(dir, 'falco.yaml');
  writeFileSync(file, text);
  return file;
}

/** Log lines without their timestamp prefix. */
function logLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.replace(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, ''));
}

describe('option and config errors', () => {
  it('rejects an unknown flag like Falco, exit 1', async () => {
    const r = await run(['--frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: Option \u2018frobnicate\u2019 does not exist\n');
    expect(r.stdout).toBe('');
  });

  it('fails when -c names a missing file', async () => {
    const r = await run(['-c', '/nonexistent/saker.yaml', '--version']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: Could not find configuration file at /nonexistent/saker.yaml\n');
  });

  it('reports bad config values with Falco messages', async () => {
    const r = await run(['-o', 'priority=loud', '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: Unknown priority "loud"--must be one of emergency, alert, critical, error, warning, notice, informational, debug\n');
    const r2 = await run(['-o', 'json_output', '--version']);
    expect(r2.stderr).toContain('Error: Error parsing config option "json_output". Must be of the form key=val or key.subkey=val');
  });

  it('says plainly which Falco flags Saker cannot serve yet', async () => {
    const r = await run(['--list-events']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: --list-events is not supported by Saker yet\n');
  });

  it('checks event source selection', async () => {
    expect((await run(['--enable-source', 'k8s_audit', '--dry-run'])).stderr).toContain('Error: Attempted enabling an unknown event source: k8s_audit');
    expect((await run(['--disable-source', 'syscall', '--dry-run'])).stderr).toContain('Error: Must enable at least one event source');
    expect((await run(['--enable-source', 'syscall', '--disable-source', 'syscall'])).stderr).toContain(
      'Error: You can not mix --enable-source and --disable-source',
    );
  });
});

describe('--help and --version', () => {
  it('prints the help page on stdout', async () => {
    const r = await run(['-h']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage:\n  saker [OPTION...]');
    expect(r.stdout).toContain('-V, --validate <rules_file>');
  });

  it("prints Falco's version layout with Saker's values", async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Saker version: \d+\.\d+\.\d+$/);
    expect(lines).toContain('Engine:        0.62.0');
    expect(lines).toContain('Driver:');
    expect(lines.some((l) => l.startsWith('  Schema version: '))).toBe(true);
  });

  it('prints versions as JSON with json_output', async () => {
    const r = await run(['--version', '-o', 'json_output=true']);
    const v = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(v.engine_version).toBe('62');
    expect(v.plugin_versions).toEqual({ container: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    expect(v.engine_version_semver).toBe('0.62.0');
    expect(Object.keys(v)).toEqual([...Object.keys(v)].sort());
  });

  it('logs the system page size with --page-size', async () => {
    const r = await run(['--page-size']);
    expect(r.code).toBe(0);
    expect(logLines(r.stderr).at(-1)).toMatch(/^Your system page size is: \d+ bytes$/);
  });

  it('logs the version line and the config source first, on stderr', async () => {
    const r = await run(['--version']);
    const logs = logLines(r.stderr);
    expect(logs[0]).toMatch(/^Saker version: \S+ \(\S+\)$/);
    expect(logs[1]).toContain('embedded default configuration');
  });
});

describe('-V validate', () => {
  it('prints "<file>: Ok" for a valid file and exits 0', async () => {
    const r = await run(['-V', GOOD]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${GOOD}: Ok\n`);
    const logs = logLines(r.stderr);
    expect(logs).toContain('Validating rules file(s):');
    expect(logs).toContain(`   ${GOOD} | schema validation: ok`);
  });

  it('prints the full result for an invalid file, exits 1 with the summary as the error', async () => {
    const r = await run(['-V', BAD]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${BAD}: Invalid\n1 Errors:\n`);
    expect(r.stdout).toContain('LOAD_ERR_COMPILE_CONDITION (Error compiling condition): filter_check called with nonexistent field proc.nmae');
    expect(r.stderr).toContain(`Error: ${BAD}: Invalid\n`);
  });

  it('prints "Ok, with warnings" and logs the warnings', async () => {
    const r = await run(['-V', WARN]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${WARN}: Ok, with warnings\n`);
    expect(r.stderr).toContain('LOAD_UNUSED_LIST (Unused list)');
  });

  it('validates the files in order into one rule set and goes on after a failure', async () => {
    expect((await run(['-V', USES_GOOD])).code).toBe(1);
    const both = await run(['-V', GOOD, '-V', USES_GOOD]);
    expect(both.code).toBe(0);
    expect(both.stdout).toBe(`${GOOD}: Ok\n${USES_GOOD}: Ok\n`);
    // Every file is reported; the broken rule stays in the shared rule set, so (as in Falco) the
    // next file fails to compile too.
    const mixed = await run(['-V', BAD, '-V', GOOD]);
    expect(mixed.code).toBe(1);
    expect(mixed.stdout.startsWith(`${BAD}: Invalid\n`)).toBe(true);
    expect(mixed.stdout).toContain(`\n${GOOD}: Invalid\n`);
  });

  it('prints one JSON document with json_output', async () => {
    const r = await run(['-V', GOOD, '-V', WARN, '-V', BAD, '-o', 'json_output=true']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      falco_load_results: { name: string; successful: boolean; errors: { code: string }[]; warnings: { code: string }[] }[];
    };
    expect(doc.falco_load_results.map((x) => [x.name, x.successful])).toEqual([
      [GOOD, true],
      [WARN, true],
      [BAD, false],
    ]);
    expect(doc.falco_load_results[2]!.errors[0]!.code).toBe('LOAD_ERR_COMPILE_CONDITION');
    expect(doc.falco_load_results[1]!.warnings.map((w) => w.code)).toEqual(['LOAD_UNUSED_LIST']);
  });

  it('logs a failed schema validation for a file that is not a list of items', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-cli-'));
    const mapFile = join(dir, 'map.yaml');
    writeFileSync(mapFile, 'rules_files: [a]\n');
    const scalarItem = join(dir, 'item.yaml');
    writeFileSync(scalarItem, '- list: l\n  items: []\n- just text\n');
    const r = await run(['-V', mapFile, '-V', scalarItem]);
    expect(r.code).toBe(1);
    const logs = logLines(r.stderr);
    expect(logs).toContain(`   ${mapFile} | schema validation: failed for <root>: Value type not permitted by 'type' constraint.`);
    expect(logs).toContain(`   ${scalarItem} | schema validation: failed for <root>[1]: Value type not permitted by 'type' constraint.`);
  });

  it('fails on an unreadable file with Falco message', async () => {
    const r = await run(['-V', '/nonexistent/rules.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: Could not open file /nonexistent/rules.yaml for reading\n');
  });

  it('adds the description after the summary with -L', async () => {
    const r = await run(['-V', GOOD, '-L']);
    expect(r.stdout.startsWith(`${GOOD}: Ok\n\nRule`)).toBe(true);
    const j = await run(['-V', GOOD, '-L', '-o', 'json_output=true']);
    const doc = JSON.parse(j.stdout) as { falco_describe_results: { rules: unknown[] } };
    expect(doc.falco_describe_results.rules).toHaveLength(2);
  });
});

describe('-L and -l', () => {
  it("lists the rules in Falco's two-column text form", async () => {
    const r = await run(['-r', GOOD, '-L']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`${'Rule'.padEnd(50)} Description`);
    expect(lines[1]).toBe(`${'----'.padEnd(50)} -----------`);
    expect(lines[2]).toBe(
      `${'CLI Test Shell Spawned'.padEnd(50)} A shell was started by some process; used by the CLI tests `,
    );
    expect(lines[3]).toBe(`${' '.repeat(51)}to check rule listing. `);
    expect(lines[4]).toBe('');
    expect(lines[5]).toBe(`${'CLI Test Etc Opened'.padEnd(50)} A file below /etc was opened. `);
  });

  it('prints rules, macros and lists as JSON with json_output', async () => {
    const r = await run(['-r', GOOD, '-L', '-o', 'json_output=true']);
    const doc = JSON.parse(r.stdout) as {
      rules: { info: Record<string, unknown>; details: Record<string, unknown> }[];
      macros: { info: { name: string }; details: { used: boolean } }[];
      lists: { info: { name: string; items: string[] } }[];
      required_engine_version: string;
      required_plugin_versions: unknown[];
    };
    expect(doc.rules.map((x) => x.info.name)).toEqual(['CLI Test Shell Spawned', 'CLI Test Etc Opened']);
    const first = doc.rules[0]!;
    expect(first.info).toMatchObject({ priority: 'Notice', source: 'syscall', enabled: true, tags: ['shell', 'test'] });
    expect(first.details).toMatchObject({
      macros: ['cli_test_spawned'],
      lists: ['cli_test_shells'],
      // The embedded defaults append the container plugin's suggested fields, as Falco's falco.yaml does.
      output_fields: ['user.name', 'proc.cmdline', ...SUGGESTED_FIELDS],
    });
    expect(first.details.events).toEqual(['asyncevent', 'execve', 'execveat']);
    expect(doc.macros).toEqual([expect.objectContaining({ info: expect.objectContaining({ name: 'cli_test_spawned' }) })]);
    expect(doc.lists[0]!.info).toEqual({ items: ['bash', 'sh', 'zsh'], name: 'cli_test_shells' });
    expect(doc.required_plugin_versions).toEqual([]);
  });

  it('lists every event type for a rule whose condition does not restrict them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-cli-'));
    const file = join(dir, 'any.yaml');
    writeFileSync(file, '- rule: Any Event\n  desc: d\n  condition: proc.name = x\n  output: o %proc.name %proc.name\n  priority: INFO\n');
    const r = await run(['-r', file, '-l', 'Any Event', '-o', 'json_output=true']);
    const details = (JSON.parse(r.stdout) as { rules: { details: { events: string[]; output_fields: string[] } }[] }).rules[0]!.details;
    expect(details.events).toEqual(expect.arrayContaining(['asyncevent', 'execve', 'open', 'connect']));
    expect(details.output_fields).toEqual(['proc.name', 'proc.name', ...SUGGESTED_FIELDS]);
  });

  it('describes one rule with -l, text and JSON', async () => {
    const r = await run(['-r', GOOD, '-l', 'CLI Test Etc Opened']);
    expect(r.stdout).toBe(
      `${'Rule'.padEnd(50)} Description\n${'----'.padEnd(50)} -----------\n${'CLI Test Etc Opened'.padEnd(50)} A file below /etc was opened. \n\n`,
    );
    const j = await run(['-r', GOOD, '-l', 'CLI Test Etc Opened', '-o', 'json_output=true']);
    const doc = JSON.parse(j.stdout) as { rules: { info: { name: string } }[]; macros?: unknown };
    expect(doc.rules.map((x) => x.info.name)).toEqual(['CLI Test Etc Opened']);
    expect(doc.macros).toBeUndefined();
  });

  it('lets -l win over -L, as Falco does', async () => {
    const r = await run(['-r', GOOD, '-L', '-l', 'CLI Test Etc Opened']);
    expect(r.stdout).not.toContain('CLI Test Shell Spawned');
    expect(r.stdout).toContain('CLI Test Etc Opened');
  });

  it('fails for a rule that is not loaded', async () => {
    const r = await run(['-r', GOOD, '-l', 'No Such Rule']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Runtime error: Rule "No Such Rule" is not loaded. Exiting.');
  });
});

describe('rules files from -r and from the config', () => {
  it('reads .yaml and .yml files of a folder in name order and ignores other files', async () => {
    const r = await run(['-r', FOLDER, '-L']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('CLI Test From Folder One');
    expect(r.stdout.indexOf('Folder One')).toBeLessThan(r.stdout.indexOf('Folder Two'));
    const logs = logLines(r.stderr);
    expect(logs.filter((l) => l.startsWith('   '))).toEqual([
      `   ${join(FOLDER, '10-first.yaml')} | schema validation: ok`,
      `   ${join(FOLDER, '20-second.yml')} | schema validation: ok`,
    ]);
  });

  it('loads rules_files from a config file: a file and a folder, in order', async () => {
    const cfg = tmpConfig(`rules_files:\n  - ${GOOD}\n  - ${FOLDER}\njson_output: true\nlog_stderr: true\n`);
    const r = await run(['-c', cfg, '-L']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { rules: { info: { name: string } }[] };
    expect(doc.rules.map((x) => x.info.name)).toEqual([
      'CLI Test Shell Spawned',
      'CLI Test Etc Opened',
      'CLI Test From Folder One',
      'CLI Test From Folder Two',
    ]);
    const logs = logLines(r.stderr);
    expect(logs).toContain('Saker initialized with configuration files:');
    expect(logs).toContain(`   ${cfg} | schema validation: ok`);
  });

  it('-r replaces the configured rules_files; -o rules_files[]= appends to them', async () => {
    const cfg = tmpConfig(`rules_files: [${GOOD}]\n`);
    const replaced = await run(['-c', cfg, '-r', FOLDER, '-L']);
    expect(replaced.stdout).not.toContain('CLI Test Shell Spawned');
    const appended = await run(['-c', cfg, '-o', `rules_files[]=${FOLDER}`, '-L']);
    expect(appended.stdout).toContain('CLI Test Shell Spawned');
    expect(appended.stdout).toContain('CLI Test From Folder Two');
  });

  it('runs on the bundled rules folder by default', async () => {
    const r = await run(['--dry-run']);
    expect(r.code).toBe(0);
    expect(logLines(r.stderr)).toContain(`   ${join(bundledRulesDir(), 'saker_rules.yaml')} | schema validation: ok`);
  });

  it("follows Falco's built-in default of no log lines when the file omits log_stderr", async () => {
    const cfg = tmpConfig(`rules_files: [${GOOD}]\n`);
    const r = await run(['-c', cfg, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('fails without any rules file', async () => {
    const cfg = tmpConfig('rules_files: []\n');
    const r = await run(['-c', cfg, '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: You must specify at least one rules file/directory via -r or a rules_file entry in falco.yaml\n');
  });

  it('fails on an invalid rules file with its full result as the error', async () => {
    const r = await run(['-r', GOOD, '-r', BAD, '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Error: ${BAD}: Invalid\n1 Errors:\n`);
    expect(r.stdout).toBe('');
  });

  it('fails on a missing -r file', async () => {
    const r = await run(['-r', '/nonexistent/x.yaml', '--dry-run']);
    expect(r.stderr).toContain('Error: Could not open file /nonexistent/x.yaml for reading');
  });

  it('logs the rules selectors of the config in order', async () => {
    const cfg = tmpConfig(`log_stderr: true\nrules_files: [${FOLDER}]\nrules:\n  - disable:\n      rule: "*"\n  - enable:\n      tag: network\n`);
    const r = await run(['-c', cfg, '--dry-run']);
    expect(r.code).toBe(0);
    const logs = logLines(r.stderr);
    const i = logs.indexOf('Disabling rules with name: *');
    expect(i).toBeGreaterThan(0);
    expect(logs[i + 1]).toBe('Enabling rules with tag: network');
  });
});

describe('--list', () => {
  it("lists fields by class in libs' format", async () => {
    const r = await run(['--list']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('-------------------------------\nField Class:                  evt (All event types)\n')).toBe(true);
    expect(r.stdout).toContain('\nEvent Sources:                syscall \n');
    expect(r.stdout).toMatch(/\nproc\.name {21}\S/);
    // Deprecated and print-only fields are left out.
    expect(r.stdout).not.toMatch(/\nevt\.latency /);
    expect(r.stdout).not.toMatch(/\nevt\.outputtime /);
  });

  it('prints names only with -N and types with -v', async () => {
    const names = (await run(['--list=syscall', '-N'])).stdout.split('\n').filter((l) => l !== '');
    expect(names).toContain('proc.name');
    expect(names.every((n) => /^[a-z][\w.]*$/.test(n))).toBe(true);
    expect((await run(['--list', '-v'])).stdout).toMatch(/\nproc\.name +\(Type: CHARBUF\) /);
  });

  it('rejects an unknown source', async () => {
    const r = await run(['--list=k8s_audit']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: Value for --list must be a valid source type\n');
  });
});

describe('--support', () => {
  it("prints Falco's support JSON with the config text and the rules files", async () => {
    const cfg = tmpConfig(`rules_files: [${GOOD}]\n`);
    const r = await run(['-c', cfg, '--support']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown> & {
      engine_info: Record<string, unknown>;
      rules_files: { name: string; variants: { content: string }[] }[];
      system_info: Record<string, string>;
    };
    expect(Object.keys(doc)).toEqual(['cmdline', 'config', 'engine_info', 'rules_files', 'system_info', 'version']);
    expect(doc.cmdline).toBe(`saker -c ${cfg} --support`);
    expect(doc.config).toBe(`rules_files: [${GOOD}]\n`);
    expect(doc.engine_info.engine_version_semver).toBe('0.62.0');
    expect(doc.rules_files).toEqual([{ name: GOOD, variants: [{ content: expect.stringContaining('CLI Test Etc Opened') }] }]);
    expect(Object.keys(doc.system_info)).toEqual(['machine', 'nodename', 'release', 'sysname', 'version']);
  });
});

describe('running without a command', () => {
  async function untilLogged(cap: { err: string[] }, text: string): Promise<void> {
    for (let i = 0; i < 200 && !cap.err.join('').includes(text); i++) await new Promise((r) => setTimeout(r, 10));
  }

  it('with engine.kind nodriver opens no source, stays up, and exits 0 on SIGINT', async () => {
    const signals = new EventEmitter();
    const cap = io({ signals });
    const done = main(['-o', 'engine.kind=nodriver'], cap);
    await untilLogged(cap, "Opening 'syscall' source with no driver");
    const logs = logLines(cap.err.join(''));
    expect(logs.some((l) => l.includes('modern BPF'))).toBe(false);
    expect(logs).toContain("Enabled event source 'syscall' will be opened with no driver, no event will be produced");
    signals.emit('SIGINT');
    expect(await done).toBe(0);
    expect(logLines(cap.err.join('')).at(-1)).toBe('SIGINT received, exiting...');
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('reloads on SIGHUP without restarting, and stops on SIGTERM', async () => {
    const signals = new EventEmitter();
    const cap = io({ signals });
    const done = main(['-o', 'engine.kind=nodriver'], cap);
    await untilLogged(cap, 'Opening');
    signals.emit('SIGHUP');
    await untilLogged(cap, 'Reload applied: new rules are active');
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
    const logs = logLines(cap.err.join(''));
    expect(logs).toContain('SIGHUP received, reloading...');
    expect(logs.filter((l) => l.startsWith('Saker version:'))).toHaveLength(1);
    expect(logs.filter((l) => l === 'Loading rules from:')).toHaveLength(2);
    expect(signals.listenerCount('SIGHUP')).toBe(0);
  });

  it('stops after -M seconds', async () => {
    const started = Date.now();
    expect((await run(['-M', '1'])).code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('--dry-run loads everything and exits 0 without opening a source', async () => {
    const r = await run(['--dry-run', '-r', GOOD]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('Opening');
  });
});

describe('logging settings', () => {
  it('prints no log lines with log_stderr=false', async () => {
    const r = await run(['-o', 'log_stderr=false', '-V', GOOD]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${GOOD}: Ok\n`);
  });

  it('uses ISO 8601 UTC stamps with time_format_iso_8601', async () => {
    const r = await run(['-o', 'time_format_iso_8601=true', '--version']);
    expect(r.stderr.split('\n')[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000: Saker version: /);
  });

  it('hides info lines with log_level=warning', async () => {
    const r = await run(['-o', 'log_level=warning', '-V', WARN]);
    expect(r.stderr).not.toContain('Validating rules file(s)');
    expect(r.stderr).toContain('LOAD_UNUSED_LIST');
  });
});

describe.skipIf(!sharedAvailable)('upstream Falco rules', () => {
  const files = UPSTREAM_RULES_FILES.map((f) => sharedPath('falco-rules', f));

  it('validate together with -V, exit 0', async () => {
    const r = await run(files.flatMap((f) => ['-V', f]));
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.replace(/: Ok(, with warnings)?$/, ''))).toEqual(files);
  });

  it('load with -r and describe as JSON', async () => {
    const r = await run([...files.flatMap((f) => ['-r', f]), '-L', '-o', 'json_output=true']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { rules: { info: { name: string; source: string } }[]; required_plugin_versions: { name: string }[] };
    expect(doc.rules.length).toBeGreaterThan(50);
    expect(doc.rules.every((x) => x.info.source === 'syscall')).toBe(true);
    expect(doc.required_plugin_versions.map((p) => p.name)).toContain('container');
  });
});

describe.skipIf(!sharedAvailable)("Falco's shipped falco.yaml", () => {
  const falcoYaml = sharedPath('falco-config', 'falco.yaml');

  it('is accepted as is and validates clean', async () => {
    const r = await run(['-c', falcoYaml, '-r', GOOD, '--dry-run']);
    expect(r.code).toBe(0);
    expect(logLines(r.stderr)).toContain(`   ${falcoYaml} | schema validation: ok`);
  });

  it('drops its missing /etc/falco rules paths, as Falco does, and then has no rules file', async () => {
    const r = await run(['-c', falcoYaml, '--dry-run', '-o', 'config_files=']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: You must specify at least one rules file/directory via -r or a rules_file entry in falco.yaml');
  });
});

describe('log_syslog', () => {
  it('sends log lines to syslog with their severity when log_syslog is set, whatever log_stderr says', async () => {
    const sent: [number, string][] = [];
    let closed = false;
    const syslog = { sink: (sev: number, msg: string) => void sent.push([sev, msg]), close: async () => void (closed = true) };
    const r = await run(['-o', 'log_syslog=true', '-o', 'log_stderr=false', '-V', GOOD], { syslog });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(sent).toContainEqual([6, `   ${GOOD} | schema validation: ok`]);
    expect(sent.some(([, m]) => m.startsWith('Saker version: '))).toBe(true);
    expect(closed).toBe(true);
    const quiet: [number, string][] = [];
    await run(['-o', 'log_syslog=false', '-V', GOOD], { syslog: { sink: (s, m) => void quiet.push([s, m]), close: async () => undefined } });
    expect(quiet).toEqual([]);
  });
});
