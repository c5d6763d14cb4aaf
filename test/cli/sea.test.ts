// `npm run package`: the single executable runs with no Node, no npm and an empty PATH, from any
// folder: `--version`, and `-V` on a rules file (which loads the bundled config and rules code).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_VERSION, SAKER_VERSION } from '../../host/version.js';
import { RECORDING_ALERTS_UTC, RECORDING_RULES, writeRecording } from '../daemon/recording.js';

const ROOT = resolve(__dirname, '..', '..');
const EXE = join(ROOT, 'build', 'sea', 'saker');

describe('single executable (Node SEA)', () => {
  it('builds, then runs --version, -V, a replay through the engine and a hot reload from a temp dir with an empty PATH', async () => {
    // npm puts node_modules/.bin (Node 24) first on PATH; do the same without npm.
    execFileSync(join(ROOT, 'node_modules', '.bin', 'node'), [join(ROOT, 'packaging', 'build-sea.mjs')], {
      cwd: ROOT,
      stdio: 'pipe',
      env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` },
    });
    expect(existsSync(EXE)).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'saker-sea-'));
    copyFileSync(join(ROOT, 'test', 'cli', 'fixtures', 'good_rules.yaml'), join(dir, 'good_rules.yaml'));
    copyFileSync(join(ROOT, 'test', 'cli', 'fixtures', 'bad_rules.yaml'), join(dir, 'bad_rules.yaml'));
    const env = { PATH: '', HOME: dir, SAKER_HOME: join(dir, 'home') };
    const run = (args: string[]) => spawnSync(EXE, args, { cwd: dir, env, encoding: 'utf8' });

    const version = run(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout).toContain(`Saker version: ${SAKER_VERSION}\n`);
    expect(version.stdout).toContain(`Engine:        ${ENGINE_VERSION}\n`);
    // Unpacked once, where SAKER_HOME says.
    expect(readdirSync(join(dir, 'home')).filter((n) => n.startsWith('app-'))).toHaveLength(1);

    const ok = run(['-V', 'good_rules.yaml']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe('good_rules.yaml: Ok\n');
    const bad = run(['-V', 'bad_rules.yaml']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('bad_rules.yaml: Invalid');
    // The bundled rules load with no config file at all.
    const dry = run(['--dry-run']);
    expect(dry.stderr).not.toContain('Error');
    expect(dry.status).toBe(0);

    // The rule engine works inside the executable: asc compiles in its worker thread from the
    // unpacked runtime, and a recording replays to Falco's alert lines (TZ=UTC for the clock).
    writeFileSync(join(dir, 'shadow.yaml'), RECORDING_RULES);
    writeRecording(join(dir, 'rec.sakb'));
    const replay = spawnSync(EXE, ['-r', 'shadow.yaml', '-o', 'engine.kind=replay', '-o', 'engine.replay.capture_file=rec.sakb'], {
      cwd: dir,
      env: { ...env, TZ: 'UTC' },
      encoding: 'utf8',
    });
    expect(replay.stderr).not.toContain('Error');
    expect(replay.status).toBe(0);
    expect(replay.stdout).toBe(RECORDING_ALERTS_UTC);

    // The daemon runs restarted in place with its memory settings, and a hot reload loads the
    // rules in a child process that runs the executable's own entry (SAKER_CHILD_ENTRY).
    const daemon = spawn(EXE, ['-r', 'shadow.yaml', '-o', 'engine.kind=nodriver', '-M', '60'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    daemon.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise((r) => daemon.once('exit', r));
    const until = async (what: string): Promise<void> => {
      const deadline = Date.now() + 30_000;
      while (!log.includes(what) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(log, `waiting for "${what}"`).toContain(what);
    };
    try {
      await until("Opening 'syscall' source with no driver");
      expect(readFileSync(`/proc/${daemon.pid}/environ`, 'utf8')).toContain('SAKER_MEMORY_TUNED=');
      daemon.kill('SIGHUP');
      await until('Reload applied');
      expect(log).not.toContain('Error');
    } finally {
      daemon.kill('SIGTERM');
      await exited;
    }
  }, 300_000);
});
