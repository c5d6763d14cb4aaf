import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('saker --version', () => {
  it('prints the engine version the rules files gate on', () => {
    const out = execFileSync(process.execPath, ['bin/saker.js', '--version'], { encoding: 'utf8' });
    expect(out).toContain('Engine:        0.62.0');
  });
});
