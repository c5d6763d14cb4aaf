// Hot reload while events flow: a generator sends a triggering event every 10 ms while files are
// added, edited, broken and deleted in a watched rules.d. Every event before, during and after
// each reload gets its alert from the base rule (none lost, none doubled); new rules start
// alerting, a broken file raises the internal alert and leaves the previous rules active.
import { EventEmitter } from 'node:events';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../host/cli/main.js';
import { encodeBatch, type ProcessInput } from '../../host/engine/batch-encoder.js';

const rule = (name: string, output: string, extra = ''): string =>
  `- rule: ${name}\n  desc: d\n  condition: evt.type = openat and fd.name startswith /tmp/gen/${extra}\n  output: "${output} %fd.name"\n  priority: WARNING\n`;

const proc: ProcessInput = { pid: 7, name: 'gen', exe: '/usr/bin/gen', args: [], containerId: 'host' };

async function until(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('hot reload under a steady event stream', () => {
  it('loses no event across add, edit, break and delete in rules.d', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-hot-'));
    const rulesD = join(dir, 'rules.d');
    mkdirSync(rulesD);
    writeFileSync(join(rulesD, '00-base.yaml'), rule('Base', 'base'));
    const out = join(dir, 'alerts.txt');
    const cfg = join(dir, 'saker.yaml');
    writeFileSync(
      cfg,
      `rules_files: [${rulesD}]\nrule_matching: all\nstdout_output: {enabled: true}\nsyslog_output: {enabled: false}\nlog_stderr: true\n`,
    );
    const fd = openSync(out, 'w');
    const signals = new EventEmitter();
    const logs: string[] = [];

    // The generator: one event every 10 ms, numbered.
    let sent = 0;
    let stopped = false;
    let wakeReader: (() => void) | undefined;
    const queue: Uint8Array[] = [];
    const gen = setInterval(() => {
      if (stopped) return;
      const i = sent++;
      queue.push(encodeBatch([{ type: 'openat', ts: 1_700_000_000_000_000_000n + BigInt(i) * 10_000_000n, proc, res: 3, args: { dirfd: -100, name: `/tmp/gen/${i}`, flags: 1, mode: 0 }, fd: { num: 3, type: 'file', name: `/tmp/gen/${i}` } }]));
      wakeReader?.();
    }, 10);
    const events: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          for (;;) {
            const b = queue.shift();
            if (b) return { value: b, done: false };
            if (stopped) return { value: undefined, done: true };
            await new Promise<void>((r) => (wakeReader = r));
          }
        },
      }),
    };

    const done = main(['-c', cfg, '-U'], {
      stdout: () => undefined,
      stderr: (t) => void logs.push(t),
      defaultConfigPath: '/nonexistent',
      env: {},
      signals,
      events,
      deliveryDeps: { stdoutFd: fd, utcOffsetSeconds: () => 0 },
    });
    const text = (): string => (existsSync(out) ? readFileSync(out, 'utf8') : '');
    const applied = (): number => logs.join('').split('Reload applied').length - 1;

    try {
      await until('base alerts flowing', () => text().includes('base /tmp/gen/5'));
      writeFileSync(join(rulesD, '10-new.yaml'), rule('New', 'new'));
      await until('new rule alerting', () => text().includes(' new /tmp/gen/'));
      writeFileSync(join(rulesD, '10-new.yaml'), rule('New', 'edited'));
      await until('edited rule alerting', () => text().includes(' edited /tmp/gen/'));
      writeFileSync(join(rulesD, '20-broken.yaml'), '- rule: Broken\n  desc: d\n  condition: evt.type = = openat\n  output: x\n  priority: ERROR\n');
      await until('broken file rejected', () => text().includes('Falco internal: hot restart failure'));
      const beforeDelete = applied();
      rmSync(join(rulesD, '20-broken.yaml'));
      rmSync(join(rulesD, '10-new.yaml'));
      await until('delete applied', () => applied() > beforeDelete);
      const mark = sent;
      await until('events after the last reload', () => text().includes(`base /tmp/gen/${mark + 20}\n`));
    } finally {
      stopped = true;
      clearInterval(gen);
      wakeReader?.();
    }
    expect(await done).toBe(0);
    closeSync(fd);

    const lines = text().split('\n');
    const baseSeen = new Map<number, number>();
    for (const l of lines) {
      const m = / Warning base \/tmp\/gen\/(\d+)$/.exec(l);
      if (m) baseSeen.set(Number(m[1]), (baseSeen.get(Number(m[1])) ?? 0) + 1);
    }
    // Every generated event has exactly one base alert.
    const missing = [...Array(sent).keys()].filter((i) => baseSeen.get(i) !== 1);
    expect(missing).toEqual([]);
    expect(sent).toBeGreaterThan(100);
    // The edited rule replaced the new one; after the delete neither alerts.
    const lastNew = Math.max(...lines.map((l) => / (?:new|edited) \/tmp\/gen\/(\d+)$/.exec(l)).filter((m) => m !== null).map((m) => Number(m![1])));
    expect(lastNew).toBeLessThan(sent - 20);
    // The broken file never became active: no alert for it, and the edited rule kept alerting after it.
    expect(text()).not.toMatch(/: Error x /);
  }, 240_000);
});
