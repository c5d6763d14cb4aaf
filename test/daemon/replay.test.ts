// engine.kind: replay on a Saker batch recording: every batch evaluated, Falco's alert lines out,
// exit 0 at the end of the file; a file that is not a recording fails with the key named.
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../host/cli/main.js';
import { HOST_SUGGESTED_OUTPUT, RECORDING_ALERTS_UTC, RECORDING_RULES as RULES, writeRecording } from './recording.js';

async function runReplay(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'saker-replay-'));
  const rules = join(dir, 'r.yaml');
  writeFileSync(rules, RULES);
  const outPath = join(dir, 'out.txt');
  const fd = openSync(outPath, 'w');
  const err: string[] = [];
  const code = await main(['-r', rules, '-o', 'engine.kind=replay', '-o', `engine.replay.capture_file=${file}`], {
    stdout: () => undefined,
    stderr: (t) => void err.push(t),
    defaultConfigPath: '/nonexistent',
    env: {},
    deliveryDeps: { stdoutFd: fd, utcOffsetSeconds: () => 0 },
  });
  closeSync(fd);
  return { code, stdout: readFileSync(outPath, 'utf8'), stderr: err.join('') };
}

describe('engine.kind replay', () => {
  it('evaluates every recorded batch and exits 0 at the end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-replay-'));
    const rec = join(dir, 'rec.sakb');
    writeRecording(rec);
    const r = await runReplay(rec);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(RECORDING_ALERTS_UTC);
    expect(r.stderr).toContain(`Opening 'syscall' source with the recording ${rec}`);
  }, 120_000);

  it('fails on a file that is not a recording, naming the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-replay-'));
    const scap = join(dir, 'trace.scap');
    writeFileSync(scap, Buffer.from('\n\r\r\n this is a pcapng-style header'));
    const r = await runReplay(scap);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Error: engine.replay.capture_file: ${scap} is not a Saker batch recording (.scap files are not supported yet)\n`);
    const missing = await runReplay(join(dir, 'nope.sakb'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error: engine.replay.capture_file: cannot open');
  }, 120_000);

  it('fails on a truncated recording', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-replay-'));
    const rec = join(dir, 'rec.sakb');
    writeRecording(rec);
    const bytes = readFileSync(rec);
    writeFileSync(rec, bytes.subarray(0, bytes.length - 10));
    const r = await runReplay(rec);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Error: engine\.replay\.capture_file: .*truncated batch at byte \d+/);
    // The complete first batch was still evaluated before the error.
    expect(r.stdout).toBe(`22:13:21.000000000: Critical shadow opened by cat${HOST_SUGGESTED_OUTPUT}\n`);
  }, 120_000);
});
