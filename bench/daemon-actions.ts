// A child process of the `daemon` benchmark: the actions the daemon's rules see.
//   numbered <intervalMs> <prefix>...  every interval, for each prefix, creates, closes and removes
//                                      `<prefix><i>` (i = 0, 1, 2, ...): one alert per action and prefix
//   load <intervalMs> <burst>          every interval, opens, reads and closes /etc/hostname `burst`
//                                      times (events the rules evaluate, no alert)
// It ends on SIGTERM, or by itself when the benchmark that started it is gone.
import { closeSync, openSync, readSync, unlinkSync } from 'node:fs';

const [mode, intervalArg, ...rest] = process.argv.slice(2);
const intervalMs = Number(intervalArg);
const parent = process.ppid;

function numbered(prefixes: string[]): () => void {
  let i = 0;
  return () => {
    for (const p of prefixes) {
      const file = `${p}${i}`;
      closeSync(openSync(file, 'w'));
      unlinkSync(file);
    }
    i++;
  };
}

function load(burst: number): () => void {
  const buf = Buffer.alloc(64);
  return () => {
    for (let k = 0; k < burst; k++) {
      const fd = openSync('/etc/hostname', 'r');
      readSync(fd, buf, 0, buf.length, 0);
      closeSync(fd);
    }
  };
}

const act = mode === 'numbered' && rest.length > 0 ? numbered(rest) : mode === 'load' ? load(Number(rest[0] ?? 1)) : undefined;
if (act === undefined || !(intervalMs > 0)) {
  process.stderr.write('usage: daemon-actions.ts numbered <intervalMs> <prefix>... | load <intervalMs> <burst>\n');
  process.exit(2);
}
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {
  if (process.ppid !== parent) process.exit(0); // orphaned: the benchmark died
  act();
}, intervalMs);
