// evt.args of a real event: capture `cat /etc/shadow` on the kernel and render the openat's
// parameters through the compiled engine, as Falco would print them in an alert.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { eventTypeId } from '../../host/engine/event-types.js';
import { engineFor } from '../engine/engine/support.js';
import { bpfAvailable, captureDuring } from './support.js';

const YAML = `
- rule: shadow_read
  desc: d
  condition: evt.type = openat and fd.name = /etc/shadow and proc.name = cat
  output: "%evt.args"
  priority: WARNING
- rule: packet_socket
  desc: d
  condition: evt.type = socket and evt.arg.domain contains AF_PACKET and proc.name startswith python
  output: "%evt.args"
  priority: WARNING
`;

describe.skipIf(!bpfAvailable)('evt.args on the real kernel', () => {
  test('cat /etc/shadow: the openat exit parameters with the fd resolved', async () => {
    const engine = await engineFor(YAML);
    const c = await captureDuring({ eventTypes: [eventTypeId('openat')] }, () => {
      execFileSync('cat', ['/etc/shadow'], { stdio: 'ignore' });
    });
    const lines: string[] = [];
    for (const raw of c.raw) {
      for (const m of engine.evaluate(raw)) lines.push(String(engine.outputFields(raw, m)['evt.args']));
    }
    expect(lines.length, `evt.args lines: ${JSON.stringify(lines)}`).toBe(1);
    const line = lines[0]!;
    const m = /^fd=(\d+)\(<f>\/etc\/shadow\) dirfd=-100\(AT_FDCWD\) name=\/etc\/shadow flags=(\d+)\((O_[A-Z_|]+)\) mode=0 dev=([0-9A-F]+) ino=(\d+)$/.exec(line);
    expect(m, line).not.toBeNull();
    const [, , flags, names, , ino] = m!;
    // read-only: PPM_O_RDONLY is bit 0, and the names follow libs' table order
    expect(Number(flags) & 3).toBe(1);
    expect(names!.split('|')).toContain('O_RDONLY');
    expect(BigInt(ino!)).toBe(statSync('/etc/shadow', { bigint: true }).ino);
  });

  test('a packet socket (the upstream rule prints it as socket_info)', async () => {
    const engine = await engineFor(YAML);
    const c = await captureDuring({ eventTypes: [eventTypeId('socket')] }, () => {
      execFileSync('python3', ['-c', 'import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))'], { stdio: 'ignore' });
    });
    const lines: string[] = [];
    for (const raw of c.raw) {
      for (const m of engine.evaluate(raw)) lines.push(String(engine.outputFields(raw, m)['evt.args']));
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fd=\d+\(<o>\) domain=17\(AF_PACKET\) type=3 proto=768 flags=\d+$/);
  });
});
