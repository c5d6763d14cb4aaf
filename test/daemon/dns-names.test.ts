// The daemon resolves the names rules compare fd.*ip.name with through the system resolver
// (getaddrinfo, here /etc/hosts: no network), as Falco does: a replayed connect to 127.0.0.1
// alerts on `fd.sip.name = localhost` and prints the name; one elsewhere does not.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../host/cli/main.js';
import { encodeBatch, type EventInput, type ProcessInput } from '../../host/engine/batch-encoder.js';
import { HOST_SUGGESTED_OUTPUT } from './recording.js';

const RULES =
  '- rule: To localhost\n  desc: d\n  condition: evt.type = connect and fd.sip.name = localhost\n  output: "to %fd.sip.name from %proc.name"\n  priority: WARNING\n';

const curl: ProcessInput = { pid: 7, name: 'curl', exe: '/usr/bin/curl', args: [], containerId: 'host' };
const connect = (server: string, ts: bigint): EventInput => ({
  type: 'connect', ts, proc: curl, res: 0, args: { fd: 4 },
  fd: { num: 4, type: 'ipv4', l4proto: 'tcp', role: 'client', connected: true, name: `10.0.0.2:40000->${server}:80`, client: { ip: '10.0.0.2', port: 40000 }, server: { ip: server, port: 80 } },
});

describe('daemon: DNS-name fields', () => {
  it('resolves the rules\' names with the system resolver', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-dns-'));
    try {
      const rules = join(dir, 'r.yaml');
      writeFileSync(rules, RULES);
      const rec = join(dir, 'rec.sakb');
      writeFileSync(rec, encodeBatch([connect('127.0.0.1', 1_700_000_001_000_000_000n), connect('10.9.9.9', 1_700_000_002_000_000_000n)]));
      const outPath = join(dir, 'out.txt');
      const fd = openSync(outPath, 'w');
      const code = await main(['-r', rules, '-o', 'engine.kind=replay', '-o', `engine.replay.capture_file=${rec}`], {
        stdout: () => undefined,
        stderr: () => undefined,
        defaultConfigPath: '/nonexistent',
        env: {},
        deliveryDeps: { stdoutFd: fd, utcOffsetSeconds: () => 0 },
      });
      closeSync(fd);
      expect(code).toBe(0);
      expect(readFileSync(outPath, 'utf8')).toBe(`22:13:21.000000000: Warning to localhost from curl${HOST_SUGGESTED_OUTPUT}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
