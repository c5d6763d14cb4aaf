import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProgramChannel } from '../../outputs/channels/index.js';
import { AlertFormatter } from '../../outputs/format/index.js';
import { OutputPipeline, type LogLevel } from '../../outputs/pipeline/index.js';
import { makeAlert, sleep, tempDir, waitFor } from './support.js';

const format = (a: Parameters<AlertFormatter['format']>[0]): string => new AlertFormatter({ utcOffsetSeconds: () => 0 }).format(a);
const read = (path: string): string[] => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : []);

describe('program_output', () => {
  it('without keep_alive runs the program once per alert through the shell and waits for it', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const pids = join(dir, 'pids');
    const ch = new ProgramChannel({ program: `echo $$ >> ${pids}; cat >> ${out}`, format });
    await ch.start();
    for (let i = 1; i <= 3; i++) await ch.deliver([makeAlert(i)]);
    // deliver resolved only after each process exited, so the file is complete now
    expect(read(out)).toEqual([1, 2, 3].map((i) => `22:13:20.12345679${i - 1}: Warning alert number ${i}`));
    expect(new Set(read(pids)).size).toBe(3);
    await ch.stop();
  });

  it('with keep_alive one process reads every alert', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const pids = join(dir, 'pids');
    const ch = new ProgramChannel({ program: `echo $$ >> ${pids}; cat >> ${out}`, format, keepAlive: true });
    await ch.start();
    await ch.deliver([makeAlert(1), makeAlert(2)]);
    await ch.deliver([makeAlert(3)]);
    await ch.stop(); // closes stdin and waits for the program to exit
    expect(read(out)).toHaveLength(3);
    expect(read(pids)).toHaveLength(1);
  });

  it('with keep_alive starts the program again when it died', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const logs: string[] = [];
    // reads one line, then exits
    const ch = new ProgramChannel({
      program: `head -n 1 >> ${out}`,
      format,
      keepAlive: true,
      log: (_l: LogLevel, m: string) => void logs.push(m),
    });
    const p = new OutputPipeline([{ channel: ch, settings: { backoff: { initialMs: 5, maxMs: 20 } } }], { log: () => undefined });
    await p.start();
    p.publish(makeAlert(1));
    await waitFor(() => read(out).length === 1);
    await sleep(100); // let it exit
    p.publish(makeAlert(2));
    await waitFor(() => read(out).length === 2);
    await p.drain(2000);
    expect(read(out)).toEqual(['22:13:20.123456790: Warning alert number 1', '22:13:20.123456791: Warning alert number 2']);
    expect(ch.restartCount).toBe(1);
    expect(logs).toEqual([`program output: "head -n 1 >> ${out}" exited (code 0), restarting it`]);
  });

  it('reopen (SIGUSR1) closes the program and starts a new one', async () => {
    const dir = tempDir();
    const pids = join(dir, 'pids');
    const ch = new ProgramChannel({ program: `echo $$ >> ${pids}; cat > /dev/null`, format, keepAlive: true });
    await ch.start();
    await ch.deliver([makeAlert(1)]);
    await ch.reopen();
    await ch.deliver([makeAlert(2)]);
    await ch.stop();
    expect(read(pids)).toHaveLength(2);
  });
});
