// Loading a generation in a child process gives the same set as on the main thread, replays the
// log lines through the daemon's logger, rejects with Falco's full error text, and leaves no
// process behind.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Logger } from '../../host/cli/logger.js';
import { loadRuleSet } from '../../host/daemon/rule-set.js';
import { loadRuleSetOffThread } from '../../host/reload/load-off-thread.js';

const GOOD = resolve(__dirname, '..', 'cli', 'fixtures', 'good_rules.yaml');

function logger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: new Logger({ stderr: true, level: 'debug', iso8601: false }, (t) => void lines.push(t.replace(/^[^:]+:\d\d:\d\d \d{4}: /, ''))), lines };
}

/** This process's children that run the loader. */
function loaderChildren(): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('load-worker')) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describe('loading rules off the main thread', () => {
  it('loads in a child process that is gone once it answered', async () => {
    const { logger: l } = logger();
    const pending = loadRuleSetOffThread({ configFile: null, overrides: [], rulesPaths: [GOOD], env: {} }, l);
    const seen = new Set<number>();
    const poll = setInterval(() => loaderChildren().forEach((p) => seen.add(p)), 5);
    try {
      await pending;
    } finally {
      clearInterval(poll);
    }
    expect(seen.size).toBe(1);
    const deadline = Date.now() + 5000;
    while (loaderChildren().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(loaderChildren()).toEqual([]);
  });

  it('gives the same generation as a main-thread load', async () => {
    const a = logger();
    const b = logger();
    const req = { configFile: null, overrides: [], rulesPaths: [GOOD], env: {} };
    const off = await loadRuleSetOffThread(req, a.logger);
    const on = loadRuleSet({ ...req, logger: b.logger });
    expect(JSON.stringify(off.ruleset)).toBe(JSON.stringify(on.ruleset));
    expect(off.enabledRuleIds).toEqual(on.enabledRuleIds);
    expect(off.watch).toEqual(on.watch);
    expect(a.lines).toEqual(b.lines);
    expect(a.lines).toContain('Loading rules from:\n');
  });

  it("rejects with the loader's full error text", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-lot-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, '- rule: Broken\n  desc: d\n  condition: evt.type = = openat\n  output: x\n  priority: ERROR\n');
    const { logger: l } = logger();
    await expect(loadRuleSetOffThread({ configFile: null, overrides: [], rulesPaths: [bad], env: {} }, l)).rejects.toThrow(
      new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: Invalid\\n[^]*rule 'Broken'`),
    );
  });
});
