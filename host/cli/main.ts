// The `saker` command line: Falco's flags, dispatched to the commands that implement them.
import { SAKER_VERSION, ENGINE_VERSION } from '../version.js';

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--version')) {
    process.stdout.write(`Saker version: ${SAKER_VERSION}\nEngine:        ${ENGINE_VERSION}\n`);
    return 0;
  }
  process.stderr.write('saker: usage: saker [--version]\n');
  return 1;
}
