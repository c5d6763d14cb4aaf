// packaging/saker.service: the settings the issue asks for, and systemd's own check of the file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const UNIT = resolve(__dirname, '..', '..', 'packaging', 'saker.service');

function settings(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

describe('systemd unit', () => {
  const text = readFileSync(UNIT, 'utf8');
  const s = settings(text);

  it('runs saker simply, restarts on failure, reloads with SIGHUP', () => {
    expect(s.get('Type')).toEqual(['simple']);
    expect(s.get('Restart')).toEqual(['on-failure']);
    expect(s.get('ExecStart')![0]).toMatch(/^\/usr\/local\/bin\/saker -c \/etc\/saker\/saker\.yaml/);
    expect(s.get('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
    expect(s.get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('keeps what BPF capture needs while hardening the rest', () => {
    const caps = s.get('CapabilityBoundingSet')![0]!.split(' ');
    for (const c of ['CAP_BPF', 'CAP_PERFMON', 'CAP_SYS_ADMIN', 'CAP_SYS_PTRACE', 'CAP_SYS_RESOURCE', 'CAP_DAC_READ_SEARCH']) expect(caps).toContain(c);
    expect(s.get('LimitMEMLOCK')).toEqual(['infinity']);
    expect(s.get('ProtectSystem')).toEqual(['strict']);
    // Settings that would stop BPF or the JIT must stay off.
    for (const k of ['ProtectKernelTunables', 'PrivateDevices', 'MemoryDenyWriteExecute', 'SystemCallFilter', 'ProtectProc', 'PrivateNetwork']) {
      expect(s.has(k)).toBe(false);
    }
  });

  it('passes systemd-analyze verify', () => {
    const probe = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
    expect(probe.error, 'systemd-analyze is needed for this check').toBeUndefined();
    // The installed binary does not exist here; point ExecStart at one that does.
    const dir = mkdtempSync(join(tmpdir(), 'saker-unit-'));
    const unit = join(dir, 'saker.service');
    writeFileSync(unit, text.replace(/^ExecStart=\/usr\/local\/bin\/saker/m, 'ExecStart=/bin/true'));
    const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    expect(r.stderr.split('\n').filter((l) => l.includes('saker.service'))).toEqual([]);
    expect(r.status).toBe(0);
  });
});
