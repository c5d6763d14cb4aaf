// append_output through the CLI and daemon with the real engine: the appended text (extra_output
// and the container plugin's suggested fields) shows in text alerts, and its fields in JSON
// output_fields, as with Falco's shipped `append_output: [{suggested_output: true}]`.
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../host/cli/main.js';
import { encodeBatch, type ProcessInput } from '../../host/engine/batch-encoder.js';

const RULES = `
- rule: Read shadow
  desc: d
  condition: evt.type = openat and fd.name = /etc/shadow
  output: "Shadow read by %proc.name"
  priority: WARNING
  tags: [filesystem]
`;

const cat: ProcessInput = { pid: 4243, ppid: 1, name: 'cat', exe: '/bin/cat', args: [], uid: 0, userName: 'root', containerId: 'host' };
const T1 = 1_700_000_001_000_000_000n; // 2023-11-14T22:13:21Z
const batch = encodeBatch([
  { type: 'openat', ts: T1, num: 1, proc: cat, res: 3, args: { dirfd: -100, name: '/etc/shadow', flags: 1, mode: 0 }, fd: { num: 3, type: 'file', name: '/etc/shadow', nameraw: '/etc/shadow' } },
]);

async function* oneBatch(): AsyncIterable<Uint8Array> {
  yield batch;
}

/** Runs saker on the one batch with the given config lines; returns stdout. */
async function run(configExtra: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'saker-append-'));
  const rulesFile = join(dir, 'rules.yaml');
  writeFileSync(rulesFile, RULES);
  const cfg = join(dir, 'saker.yaml');
  writeFileSync(cfg, `rules_files: [${rulesFile}]\nstdout_output: {enabled: true}\nlog_stderr: false\npriority: debug\n${configExtra}`);
  const stdoutPath = join(dir, 'stdout.txt');
  const fd = openSync(stdoutPath, 'w');
  const code = await main(['-c', cfg, '-U'], {
    stdout: () => undefined,
    stderr: () => undefined,
    defaultConfigPath: '/nonexistent',
    env: { FALCO_HOSTNAME: 'saker-host' },
    events: oneBatch(),
    deliveryDeps: { stdoutFd: fd, utcOffsetSeconds: () => 0 },
  }).finally(() => closeSync(fd));
  expect(code).toBe(0);
  return readFileSync(stdoutPath, 'utf8');
}

// The host's container.name is the metadata layer's business (Falco's plugin says `host`), so
// these tests pin the appended names and order, not that one value.
const SUGGESTED =
  'container_id=host container_name=NAME container_image_repository=<NA> container_image_tag=<NA> k8s_pod_name=<NA> k8s_ns_name=<NA>';
const anyName = (text: string): string => text.replace(/container_name=(host|<NA>)/, 'container_name=NAME');

describe('append_output in alerts', () => {
  it('text alerts carry extra_output then the suggested fields, in config order', async () => {
    const out = await run('append_output:\n  - match: {tags: [filesystem]}\n    extra_output: "uid=%user.uid"\n  - suggested_output: true\n');
    expect(anyName(out)).toBe(`22:13:21.000000000: Warning Shadow read by cat uid=0 ${SUGGESTED}\n`);
  }, 120_000);

  it('a non-matching entry leaves the output alone', async () => {
    const out = await run('append_output:\n  - match: {rule: Other}\n    extra_output: "never"\n');
    expect(out).toBe('22:13:21.000000000: Warning Shadow read by cat\n');
  }, 120_000);

  it('JSON output_fields hold the appended fields', async () => {
    const out = await run('json_output: true\nappend_output:\n  - suggested_output: true\n');
    const alert = JSON.parse(out) as { output: string; output_fields: Record<string, unknown> };
    expect(anyName(alert.output)).toBe(`22:13:21.000000000: Warning Shadow read by cat ${SUGGESTED}`);
    expect(['host', null]).toContain(alert.output_fields['container.name']);
    expect({ ...alert.output_fields, 'container.name': 'host' }).toEqual({
      'container.id': 'host',
      'container.image.repository': null,
      'container.image.tag': null,
      'container.name': 'host',
      'evt.time': 1700000001000000000,
      'k8s.ns.name': null,
      'k8s.pod.name': null,
      'proc.name': 'cat',
    });
  }, 120_000);

  it('extra_fields go to JSON output_fields only: a field name keeps its typed value, a format is rendered', async () => {
    const out = await run(
      'json_output: true\nappend_output:\n  - match: {source: syscall}\n    extra_fields:\n      - user.uid\n      - who: "%user.name on %fd.name"\n      - fixed: "static text"\n',
    );
    const alert = JSON.parse(out) as { output: string; output_fields: Record<string, unknown> };
    expect(alert.output).toBe('22:13:21.000000000: Warning Shadow read by cat');
    expect(alert.output_fields).toEqual({
      'evt.time': 1700000001000000000,
      fixed: 'static text',
      'proc.name': 'cat',
      'user.uid': 0,
      who: 'root on /etc/shadow',
    });
  }, 120_000);

  it('text alerts ignore extra_fields', async () => {
    const out = await run('append_output:\n  - extra_fields: [user.uid]\n');
    expect(out).toBe('22:13:21.000000000: Warning Shadow read by cat\n');
  }, 120_000);
});
