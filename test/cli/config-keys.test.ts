// Step 1 of the daemon: every falco.yaml key the daemon reads, its default, the strict start-up
// check that names a bad key, unknown-key warnings, and Falco's shipped falco.yaml end to end.
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../host/cli/main.js';
import { parseDurationMs, readConfig, unknownConfigKeys } from '../../host/config/keys.js';
import { loadConfig } from '../../host/config/load.js';
import { parseConfigYaml } from '../../host/config/tree.js';
import { readDeliveryConfig } from '../../outputs/index.js';
import { sharedAvailable, sharedPath } from '../support/shared.js';

const GOOD = resolve(__dirname, 'fixtures', 'good_rules.yaml');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'saker-keys-'));

async function run(argv: string[], extra: Partial<CliIo> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    defaultConfigPath: join(tmpdir(), 'saker-no-such-config.yaml'),
    env: {},
    ...extra,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('defaults of the keys the daemon reads', () => {
  it("are Falco's built-in ones when the file is empty", () => {
    const c = readConfig(parseConfigYaml('{}'), 'f');
    expect(c.webserver).toEqual({
      enabled: false,
      listenAddress: '0.0.0.0',
      listenPort: 8765,
      healthzEndpoint: '/healthz',
      prometheusMetricsEnabled: false,
      sslEnabled: false,
      sslCertificate: '/etc/falco/falco.pem',
    });
    expect(c.metrics.enabled).toBe(false);
    expect(c.metrics.intervalMs).toBe(3_600_000);
    expect(c.syscallEventDrops).toEqual({ threshold: 0.1, actions: ['log', 'alert'], rate: 0.03333, maxBurst: 1, simulateDrops: false });
    expect(c.baseSyscalls).toEqual({ customSet: [], repair: false, all: false });
    expect(c.outputsQueueCapacity).toBe(0);
    expect(c.watchConfigFiles).toBe(true);
  });

  it('parses metrics.interval durations', () => {
    expect(parseDurationMs('1h')).toBe(3_600_000);
    expect(parseDurationMs('15m30s')).toBe(930_000);
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('1 hour')).toBeUndefined();
    expect(parseDurationMs('')).toBeUndefined();
  });
});

describe('start-up checks', () => {
  const fails = (overrides: string[]): string => {
    try {
      loadConfig({ file: null, overrides });
    } catch (e) {
      return (e as Error).message;
    }
    return 'loaded';
  };

  it('fails on a value that does not convert, naming the key', () => {
    expect(fails(['json_output=maybe'])).toBe(
      "Error reading config file (<embedded defaults>): invalid value 'maybe' for key 'json_output': expected a boolean (true/false)",
    );
    expect(fails(['webserver.listen_port=70000'])).toContain("for key 'webserver.listen_port': expected a port number between 0 and 65535");
    expect(fails(['metrics.interval=soon'])).toContain("invalid value 'soon' for key 'metrics.interval'");
    expect(fails(['output_timeout=-1'])).toContain("for key 'output_timeout': expected an unsigned integer");
    expect(fails(['log_level=chatty'])).toContain("for key 'log_level': expected one of emergency,");
    expect(fails(['syscall_event_drops.threshold=2'])).toContain('syscall event drops threshold must be a double in the range [0, 1]');
    expect(fails(['syscall_event_drops.actions[]=panic'])).toContain("syscall_event_drops.actions: unknown action 'panic'");
    expect(fails(['engine.kind=replay'])).toContain("engine.kind is 'replay' but no engine.replay.capture_file specified.");
    expect(fails(['json_output=yes', 'webserver.listen_port=0'])).toBe('loaded');
  });

  it('lists unknown keys, top level and inside known blocks', () => {
    const tree = parseConfigYaml('json_outptu: true\nwebserver: {enabled: true, lisen_port: 1}\nplugins: [{name: x, anything: 1}]\n');
    expect(unknownConfigKeys(tree)).toEqual(['json_outptu', 'webserver.lisen_port']);
  });

  it('warns about unknown keys in the log and still starts', async () => {
    const dir = tmp();
    const cfg = join(dir, 'c.yaml');
    writeFileSync(cfg, 'log_stderr: true\nstdout_output: {enabled: true, colour: red}\n');
    const r = await run(['-c', cfg, '-r', GOOD, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/: Unknown config key 'stdout_output.colour' ignored\n/);
  });

  it('fails the CLI with the key named', async () => {
    const r = await run(['-r', GOOD, '-o', 'webserver.enabled=maybe', '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Error: Error reading config file (<embedded defaults>): invalid value 'maybe' for key 'webserver.enabled'");
  });
});

describe('config_files merge strategies', () => {
  it('append extends lists, override replaces, add-only keeps what is there', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.yaml'), `rules_files: [${dir}/x.yaml]\npriority: error\n`);
    writeFileSync(join(dir, 'o.yaml'), `rules_files: [${dir}/y.yaml]\n`);
    writeFileSync(join(dir, 'n.yaml'), `priority: critical\njson_output: true\n`);
    for (const n of ['w.yaml', 'x.yaml', 'y.yaml']) writeFileSync(join(dir, n), '- list: l\n  items: []\n');
    const cfg = join(dir, 'main.yaml');
    const main = (strategy: string, file: string): void =>
      writeFileSync(cfg, `rules_files: [${dir}/w.yaml]\npriority: warning\nconfig_files:\n  - path: ${dir}/${file}\n    strategy: ${strategy}\n`);
    main('append', 'a.yaml');
    let c = loadConfig({ file: cfg, overrides: [] }).config;
    expect(c.rulesFiles).toEqual([`${dir}/w.yaml`, `${dir}/x.yaml`]);
    expect(c.priority).toBe('error');
    main('override', 'o.yaml');
    expect(loadConfig({ file: cfg, overrides: [] }).config.rulesFiles).toEqual([`${dir}/y.yaml`]);
    main('add-only', 'n.yaml');
    c = loadConfig({ file: cfg, overrides: [] }).config;
    expect(c.priority).toBe('warning');
    expect(c.jsonOutput).toBe(true);
    main('sideways', 'n.yaml');
    expect(() => loadConfig({ file: cfg, overrides: [] })).toThrow("unknown 'config_files' strategy 'sideways'");
  });
});

/** A config with every key the issue lists set to a non-default value. */
function everyKeyConfig(dir: string): string {
  const rulesD = join(dir, 'rules.d');
  mkdirSync(rulesD, { recursive: true });
  writeFileSync(join(rulesD, 'a.yaml'), readFileSync(GOOD, 'utf8'));
  const inc = join(dir, 'config.d');
  mkdirSync(inc, { recursive: true });
  writeFileSync(join(inc, 'extra.yaml'), 'json_include_tags_property: false\n');
  const cfg = join(dir, 'every.yaml');
  writeFileSync(
    cfg,
    `config_files:
  - path: ${inc}
    strategy: override
watch_config_files: false
rules_files:
  - \${SAKER_TEST_DIR}/rules.d
rules:
  - disable: {rule: "*"}
  - enable: {tag: filesystem}
priority: warning
rule_matching: all
json_output: true
json_include_output_property: false
json_include_message_property: true
json_include_output_fields_property: false
json_include_tags_property: true
time_format_iso_8601: true
buffered_outputs: true
outputs_queue: {capacity: 500}
stdout_output: {enabled: true}
file_output: {enabled: true, keep_alive: true, filename: ${dir}/events.txt}
syslog_output: {enabled: false}
program_output: {enabled: true, keep_alive: false, program: "cat > /dev/null"}
http_output: {enabled: true, url: "http://127.0.0.1:9/alerts", user_agent: "saker-test", insecure: true, echo: false, compress_uploads: true, keep_alive: true, max_consecutive_timeouts: 3}
email_output: {enabled: false}
sns_output: {enabled: false}
webserver:
  enabled: true
  threadiness: 2
  listen_address: 127.0.0.1
  listen_port: 0
  k8s_healthz_endpoint: /health
  prometheus_metrics_enabled: true
  ssl_enabled: false
  ssl_certificate: ${dir}/cert.pem
metrics: {enabled: true, interval: 15m, output_rule: false, output_file: ${dir}/metrics.jsonl}
syscall_event_drops: {threshold: 0.5, actions: [log, alert, ignore], rate: 1, max_burst: 4, simulate_drops: false}
base_syscalls: {custom_set: [clone, execve], repair: true, all: false}
engine: {kind: replay, replay: {capture_file: ${dir}/trace.scap}}
log_level: notice
log_stderr: true
log_syslog: false
output_timeout: 1500
`,
  );
  return cfg;
}

describe('a config with every key set', () => {
  it('reads every key, and the output layer gets its blocks', () => {
    const dir = tmp();
    const loaded = loadConfig({ file: everyKeyConfig(dir), overrides: [], env: { SAKER_TEST_DIR: dir } });
    const c = loaded.config;
    expect(loaded.unknownKeys).toEqual([]);
    expect(loaded.files.every((f) => f.validation === 'ok')).toBe(true);
    expect(c.rulesFiles).toEqual([join(dir, 'rules.d')]);
    expect(c.rules).toHaveLength(2);
    expect(c.priority).toBe('warning');
    expect(c.ruleMatching).toBe('all');
    expect(c.jsonIncludeTagsProperty).toBe(false);
    expect(c.timeFormatIso8601).toBe(true);
    expect(c.webserver).toMatchObject({ enabled: true, listenAddress: '127.0.0.1', listenPort: 0, healthzEndpoint: '/health', prometheusMetricsEnabled: true });
    expect(c.metrics).toMatchObject({ enabled: true, intervalMs: 900_000, outputRule: false, outputFile: `${dir}/metrics.jsonl` });
    expect(c.syscallEventDrops).toEqual({ threshold: 0.5, actions: ['log', 'alert', 'ignore'], rate: 1, maxBurst: 4, simulateDrops: false });
    expect(c.baseSyscalls).toEqual({ customSet: ['clone', 'execve'], repair: true, all: false });
    expect(c.engineKind).toBe('replay');
    expect(c.replayCaptureFile).toBe(`${dir}/trace.scap`);
    expect(c.watchConfigFiles).toBe(false);
    expect(c.logLevel).toBe('notice');
    expect(c.outputsQueueCapacity).toBe(500);

    const delivery = readDeliveryConfig(loaded.tree, {});
    expect(delivery.channels.map((ch) => ch.kind)).toEqual(['stdout_output', 'file_output', 'program_output', 'http_output']);
    expect(delivery.channels.every((ch) => ch.settings.queueCapacity === 500)).toBe(true);
    expect(delivery.format).toEqual({
      jsonOutput: true,
      jsonIncludeOutputProperty: false,
      jsonIncludeTagsProperty: false,
      jsonIncludeMessageProperty: true,
      jsonIncludeOutputFieldsProperty: false,
      timeFormatIso8601: true,
    });
    expect(delivery.bufferedOutputs).toBe(true);
    expect(delivery.outputTimeoutMs).toBe(1500);
  });

  it('starts the CLI (--dry-run)', async () => {
    const dir = tmp();
    const r = await run(['-c', everyKeyConfig(dir), '--dry-run'], { env: { SAKER_TEST_DIR: dir } });
    expect(r.stderr).not.toContain('Error');
    expect(r.code).toBe(0);
  });

  it('runs for real (webserver up, metrics snapshots on) and stops on SIGTERM with exit 0', async () => {
    const dir = tmp();
    const signals = new EventEmitter();
    const err: string[] = [];
    // The recording named by engine.replay.capture_file does not exist; run without a source.
    const done = main(['-c', everyKeyConfig(dir), '-o', 'metrics.interval=200ms', '-o', 'log_level=info', '-o', 'engine.kind=nodriver'], {
      stdout: () => undefined,
      stderr: (t) => void err.push(t),
      defaultConfigPath: '/nonexistent',
      env: { SAKER_TEST_DIR: dir },
      signals,
    });
    const end = Date.now() + 10_000;
    while (!existsSync(join(dir, 'metrics.jsonl')) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const port = /listening on 127\.0\.0\.1:(\d+)/.exec(err.join(''))?.[1];
    expect(await (await fetch(`http://127.0.0.1:${port}/health`)).text()).toBe('{"status": "ok"}');
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8')).toMatch(/^\{"output_fields":\{/);
  }, 30_000);
});

describe.skipIf(!sharedAvailable)("Falco 0.44.1's shipped falco.yaml, only file paths changed", () => {
  /** The shipped file with its /etc/falco paths pointed into a temp dir, nothing else touched. */
  function shippedWithPaths(): { cfg: string; dir: string } {
    const dir = tmp();
    const rulesD = join(dir, 'rules.d');
    mkdirSync(rulesD);
    writeFileSync(join(rulesD, 'good.yaml'), readFileSync(GOOD, 'utf8'));
    mkdirSync(join(dir, 'config.d'));
    const text = readFileSync(sharedPath('falco-config', 'falco.yaml'), 'utf8').replaceAll('/etc/falco/', `${dir}/`);
    const cfg = join(dir, 'falco.yaml');
    writeFileSync(cfg, text);
    return { cfg, dir };
  }

  it('loads with no unknown key and --dry-run exits 0', async () => {
    const { cfg, dir } = shippedWithPaths();
    const loaded = loadConfig({ file: cfg, overrides: [] });
    expect(loaded.unknownKeys).toEqual([]);
    expect(loaded.config.rulesFiles).toEqual([join(dir, 'rules.d')]);
    expect(loaded.config.webserver.enabled).toBe(true);
    const r = await run(['-c', cfg, '--dry-run']);
    expect(r.stderr).not.toContain('Error');
    expect(r.code).toBe(0);
  });

  it('runs for real and stops on SIGTERM with exit 0', async () => {
    const { cfg } = shippedWithPaths();
    const signals = new EventEmitter();
    const err: string[] = [];
    // The webserver port is the only thing moved, on the command line, so parallel tests never clash.
    const done = main(['-c', cfg, '-o', 'webserver.listen_port=0', '-o', 'webserver.listen_address=127.0.0.1'], {
      stdout: () => undefined,
      stderr: (t) => void err.push(t),
      defaultConfigPath: '/nonexistent',
      env: {},
      signals,
    });
    await new Promise((r) => setTimeout(r, 1500));
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
    expect(err.join('')).toContain('Loading rules from:');
  }, 30_000);
});
