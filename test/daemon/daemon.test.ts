// End to end through the CLI and the daemon with the real Wasm engine: a config and rules file,
// encoded event batches in, Falco's exact text and JSON alert lines out on stdout and in the file
// output; rule_matching, priority and selectors; SIGHUP reload between batches; drain on SIGTERM.
import { EventEmitter } from 'node:events';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../host/cli/main.js';
import { encodeBatch, type EventInput, type ProcessInput } from '../../host/engine/batch-encoder.js';

const RULES = `
- rule: Read shadow
  desc: reading the shadow file
  condition: evt.type in (open, openat) and fd.name = /etc/shadow
  output: "Shadow read (user=%user.name proc=%proc.name parent=%proc.pname file=%fd.name sip=%fd.sip)"
  priority: WARNING
  tags: [mitre_credential_access, filesystem]
- rule: Cat opens
  desc: cat opens anything
  condition: evt.type = openat and proc.name = cat
  output: "cat opened %fd.name"
  priority: NOTICE
  tags: [process]
- rule: Debug noise
  desc: every openat
  condition: evt.type = openat
  output: "noise %fd.name"
  priority: DEBUG
`;

const bash: ProcessInput = { pid: 4242, ppid: 1, name: 'bash', exe: '/bin/bash', args: [], uid: 1000, userName: 'alice', containerId: 'host' };
const cat: ProcessInput = { pid: 4243, ppid: 4242, name: 'cat', exe: '/bin/cat', args: ['/etc/shadow'], parent: bash, uid: 0, userName: 'root', containerId: 'host' };

function openat(proc: ProcessInput, name: string, ts: bigint): EventInput {
  return { type: 'openat', ts, num: 1, proc, res: 3, args: { dirfd: -100, name, flags: 1, mode: 0 }, fd: { num: 3, type: 'file', name, nameraw: name } };
}

const T1 = 1_700_000_001_000_000_000n; // 2023-11-14T22:13:21Z
const T2 = 1_700_000_002_123_456_789n;

/** A batch source the test feeds; the daemon pulls from it. */
class Feed implements AsyncIterable<Uint8Array> {
  private queue: Uint8Array[] = [];
  private waiting: ((r: IteratorResult<Uint8Array>) => void) | undefined;
  private ended = false;
  push(b: Uint8Array): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value: b, done: false });
    } else this.queue.push(b);
  }
  end(): void {
    this.ended = true;
    this.waiting?.({ value: undefined, done: true });
  }
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: () => {
        const b = this.queue.shift();
        if (b) return Promise.resolve({ value: b, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((r) => (this.waiting = r));
      },
    };
  }
}

async function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Run {
  stdout: () => string;
  file: () => string;
  logs: () => string;
  feed: Feed;
  signals: EventEmitter;
  done: Promise<number>;
  dir: string;
}

function start(configExtra: string, rules = RULES): Run {
  const dir = mkdtempSync(join(tmpdir(), 'saker-daemon-'));
  const rulesFile = join(dir, 'rules.yaml');
  writeFileSync(rulesFile, rules);
  const events = join(dir, 'events.txt');
  const cfg = join(dir, 'saker.yaml');
  writeFileSync(
    cfg,
    `rules_files: [${rulesFile}]
stdout_output: {enabled: true}
syslog_output: {enabled: false}
file_output: {enabled: true, filename: ${events}}
log_stderr: true
${configExtra}`,
  );
  const stdoutPath = join(dir, 'stdout.txt');
  const fd = openSync(stdoutPath, 'w');
  const feed = new Feed();
  const signals = new EventEmitter();
  const err: string[] = [];
  // -U: stdout unbuffered, so the test can watch lines arrive (buffered lines come at drain).
  const done = main(['-c', cfg, '-U'], {
    stdout: () => undefined,
    stderr: (t) => void err.push(t),
    defaultConfigPath: '/nonexistent',
    env: { FALCO_HOSTNAME: 'saker-host' },
    signals,
    events: feed,
    deliveryDeps: { stdoutFd: fd, utcOffsetSeconds: () => 0 },
  }).finally(() => closeSync(fd));
  const read = (p: string): string => (existsSync(p) ? readFileSync(p, 'utf8') : '');
  return { stdout: () => read(stdoutPath), file: () => read(events), logs: () => err.join(''), feed, signals, done, dir };
}

const SHADOW_TEXT = '22:13:21.000000000: Warning Shadow read (user=root proc=cat parent=bash file=/etc/shadow sip=<NA>)';

describe('saker end to end: encoded events in, Falco alert lines out', () => {
  it('text alerts with rule_matching first and the priority filter', async () => {
    const r = start('priority: notice\nrule_matching: first\n');
    r.feed.push(encodeBatch([openat(cat, '/etc/shadow', T1), openat(bash, '/tmp/x', T1)]));
    r.feed.push(encodeBatch([openat(cat, '/etc/hosts', T2)]));
    await until('two alerts in the file', () => r.file().split('\n').length >= 3);
    r.signals.emit('SIGTERM');
    expect(await r.done).toBe(0);
    // first: the shadow read stops at its first rule; the debug rule is below `priority: notice`.
    const expected = `${SHADOW_TEXT}\n22:13:22.123456789: Notice cat opened /etc/hosts\n`;
    expect(r.stdout()).toBe(expected);
    expect(r.file()).toBe(expected);
  }, 120_000);

  it('rule_matching all reports every matching rule, in rule order', async () => {
    const r = start('priority: debug\nrule_matching: all\n');
    r.feed.push(encodeBatch([openat(cat, '/etc/shadow', T1)]));
    await until('three alerts', () => r.stdout().split('\n').length >= 4);
    r.signals.emit('SIGINT');
    expect(await r.done).toBe(0);
    expect(r.stdout()).toBe(
      `${SHADOW_TEXT}\n22:13:21.000000000: Notice cat opened /etc/shadow\n22:13:21.000000000: Debug noise /etc/shadow\n`,
    );
  }, 120_000);

  it("JSON alerts in Falco's shape: typed output_fields with null, sorted tags, hostname", async () => {
    const r = start('json_output: true\njson_include_message_property: true\nrules:\n  - disable: {tag: process}\npriority: notice\n');
    r.feed.push(encodeBatch([openat(cat, '/etc/shadow', T1), openat(cat, '/etc/hosts', T2)]));
    await until('one alert', () => r.stdout().length > 0);
    await new Promise((res) => setTimeout(res, 200));
    r.signals.emit('SIGTERM');
    expect(await r.done).toBe(0);
    const line =
      '{"hostname":"saker-host","message":"Shadow read (user=root proc=cat parent=bash file=/etc/shadow sip=<NA>)",' +
      `"output":"${SHADOW_TEXT}",` +
      '"output_fields":{"evt.time":1700000001000000000,"fd.name":"/etc/shadow","fd.sip":null,"proc.name":"cat","proc.pname":"bash","user.name":"root"},' +
      '"priority":"Warning","rule":"Read shadow","source":"syscall","tags":["filesystem","mitre_credential_access"],"time":"2023-11-14T22:13:21.000000000Z"}';
    // The `Cat opens` rule is disabled by its tag; the shadow read is the only alert.
    expect(r.stdout()).toBe(`${line}\n`);
    expect(r.file()).toBe(`${line}\n`);
  }, 120_000);

  it('SIGHUP reload applies between batches; a broken file keeps the old rules and raises the internal alert', async () => {
    const r = start('priority: notice\nrule_matching: first\nwatch_config_files: false\n');
    const rulesFile = join(r.dir, 'rules.yaml');
    r.feed.push(encodeBatch([openat(cat, '/etc/hosts', T1)]));
    await until('first alert', () => r.stdout().includes('cat opened /etc/hosts'));
    writeFileSync(rulesFile, RULES.replace('output: "cat opened %fd.name"', 'output: "cat v2 opened %fd.name"'));
    r.signals.emit('SIGHUP');
    await until('reload applied', () => r.logs().includes('Reload applied'));
    r.feed.push(encodeBatch([openat(cat, '/etc/hosts', T2)]));
    await until('v2 alert', () => r.stdout().includes('cat v2 opened /etc/hosts'));
    writeFileSync(rulesFile, `${RULES}\n- rule: Broken\n  desc: d\n  condition: evt.type = = openat\n  output: x\n  priority: ERROR\n`);
    r.signals.emit('SIGHUP');
    await until('reload rejected', () => r.logs().includes('Reload rejected'));
    r.feed.push(encodeBatch([openat(cat, '/etc/passwd', T2)]));
    await until('old rules still active', () => r.stdout().includes('cat v2 opened /etc/passwd'));
    r.signals.emit('SIGTERM');
    expect(await r.done).toBe(0);
    // The error is Falco's full multi-line load result: file, position, rule.
    const out = r.stdout();
    const internal = out.slice(out.indexOf('Falco internal: hot restart failure') - 29);
    expect(internal).toMatch(/^\d\d:\d\d:\d\d\.\d{9}: Critical Falco internal: hot restart failure: \S*rules\.yaml: Invalid\n/);
    expect(internal).toContain("rule 'Broken'");
    expect(internal).toMatch(/rules\.yaml:\d+:\d+/);
  }, 120_000);

  it('exits 0 when the event source ends, after delivering everything', async () => {
    const r = start('priority: notice\n');
    r.feed.push(encodeBatch([openat(cat, '/etc/shadow', T1)]));
    r.feed.end();
    expect(await r.done).toBe(0);
    expect(r.file()).toBe(`${SHADOW_TEXT}\n`);
  }, 120_000);

  it('SIGUSR1 reopens the file output (log rotation)', async () => {
    const r = start('priority: notice\n');
    r.feed.push(encodeBatch([openat(cat, '/etc/shadow', T1)]));
    await until('first alert', () => r.file().length > 0);
    renameSync(join(r.dir, 'events.txt'), join(r.dir, 'events.txt.1'));
    r.signals.emit('SIGUSR1');
    await until('reopen logged', () => r.logs().includes('SIGUSR1 received, reopening outputs...'));
    await new Promise((res) => setTimeout(res, 100));
    r.feed.push(encodeBatch([openat(cat, '/etc/hosts', T2)]));
    await until('alert in the new file', () => r.file().length > 0);
    r.signals.emit('SIGTERM');
    expect(await r.done).toBe(0);
    expect(readFileSync(join(r.dir, 'events.txt.1'), 'utf8')).toBe(`${SHADOW_TEXT}\n`);
    expect(r.file()).toBe('22:13:22.123456789: Notice cat opened /etc/hosts\n');
  }, 120_000);

  it('serves /healthz and /metrics with rule match counters while running', async () => {
    const r = start('priority: notice\nrule_matching: all\nwebserver: {enabled: true, listen_address: 127.0.0.1, listen_port: 0, prometheus_metrics_enabled: true}\n');
    r.feed.push(encodeBatch([openat(cat, '/etc/shadow', T1), openat(cat, '/etc/hosts', T2)]));
    await until('alerts', () => r.stdout().split('\n').length >= 4);
    const port = /listening on 127\.0\.0\.1:(\d+)/.exec(r.logs())?.[1];
    expect(port).toBeDefined();
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).text()).toBe('{"status": "ok"}');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('falcosecurity_falco_rules_matches_total 3\n');
    expect(metrics).toContain('falcosecurity_falco_rules_matches_total{priority="5",rule_name="Cat opens",source="syscall",tags="process"} 2\n');
    expect(metrics).toContain('falcosecurity_falco_rules_matches_total{priority="4",rule_name="Read shadow",source="syscall",tags="filesystem, mitre_credential_access"} 1\n');
    expect(metrics).toContain('saker_output_delivered_total{channel="stdout"} 3\n');
    r.signals.emit('SIGTERM');
    expect(await r.done).toBe(0);
  }, 120_000);

  it('applies output changes from a reloaded config at a batch boundary (text -> JSON), capture going on', async () => {
    const r = start('priority: notice\nwatch_config_files: false\n');
    r.feed.push(encodeBatch([openat(cat, '/etc/shadow', T1)]));
    await until('text alert', () => r.stdout().includes(SHADOW_TEXT));
    const cfg = join(r.dir, 'saker.yaml');
    writeFileSync(cfg, `${readFileSync(cfg, 'utf8')}json_output: true\n`);
    r.signals.emit('SIGHUP');
    await until('reload applied', () => r.logs().includes('Reload applied'));
    r.feed.push(encodeBatch([openat(cat, '/etc/shadow', T2)]));
    await until('json alert', () => r.file().includes('{"hostname":"saker-host"'));
    r.signals.emit('SIGTERM');
    expect(await r.done).toBe(0);
    const lines = r.file().trim().split('\n');
    expect(lines[0]).toBe(SHADOW_TEXT);
    expect(JSON.parse(lines[1]!)).toMatchObject({ rule: 'Read shadow', priority: 'Warning', time: '2023-11-14T22:13:22.123456789Z' });
    expect(r.logs()).toContain('Output settings changed: new outputs are active, the previous ones are draining');
  }, 120_000);
});
