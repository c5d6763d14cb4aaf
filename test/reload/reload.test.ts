// Hot reload on a temp rules.d: create, modify, break, delete, rename in and out, folder replaced,
// SIGHUP-style requests, and a soak of rapid edits that must never lose the watch.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Logger } from '../../host/cli/logger.js';
import { loadConfiguredRules } from '../../host/cli/rules-stage.js';
import { loadConfig } from '../../host/config/load.js';
import { ConfigWatcher } from '../../host/reload/watcher.js';
import { HOT_RESTART_FAILURE_RULE, HotReloader, type LoadedSet, type ReloadOutcome } from '../../host/reload/reloader.js';
import type { Alert } from '../../outputs/alert.js';
import type { RuleSet } from '../../host/rules/index.js';

const rule = (name: string, cond = 'evt.type = open'): string =>
  `- rule: ${name}\n  desc: d\n  condition: ${cond}\n  output: "${name} %proc.name"\n  priority: WARNING\n`;

interface Harness {
  dir: string;
  rulesD: string;
  reloader: HotReloader<RuleSet, string[]>;
  active: string[][];
  alerts: Alert[];
  outcomes: ReloadOutcome[];
  logs: string[];
}

let open: HotReloader<RuleSet, string[]>[] = [];
afterEach(() => {
  for (const r of open) r.close();
  open = [];
});

function harness(opts: { debounceMs?: number } = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'saker-reload-'));
  const rulesD = join(dir, 'rules.d');
  mkdirSync(rulesD);
  writeFileSync(join(rulesD, '00-base.yaml'), rule('Base rule'));
  const cfg = join(dir, 'saker.yaml');
  writeFileSync(cfg, `rules_files: [${rulesD}]\n`);
  const logger = new Logger({ stderr: false, level: 'info', iso8601: false });
  const h: Harness = { dir, rulesD, active: [], alerts: [], outcomes: [], logs: [], reloader: undefined as never };
  const load = (): LoadedSet<RuleSet> => {
    const loaded = loadConfig({ file: cfg, overrides: [] });
    const rules = loadConfiguredRules({ config: loaded.config, rulesPaths: [], logger });
    return { ruleset: rules.loaded, watch: { files: [cfg, ...loaded.config.rulesFiles], dirs: [rulesD] } };
  };
  h.reloader = new HotReloader<RuleSet, string[]>({
    load,
    // Stands in for the engine: "compiles" to the rule names, asynchronously like asc in a worker.
    compile: async (rs) => {
      await new Promise((r) => setTimeout(r, 5));
      return rs.rules.map((r) => r.name);
    },
    swap: (engine) => void h.active.push(engine),
    publish: (a) => void h.alerts.push(a),
    log: (_level, m) => void h.logs.push(m),
    hostname: 'test-host',
    debounceMs: opts.debounceMs ?? 100,
    recheckMs: 100,
  });
  h.reloader.onOutcome((o) => h.outcomes.push(o));
  h.reloader.watch(load().watch);
  open.push(h.reloader);
  return h;
}

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const last = (h: Harness): string[] | undefined => h.active[h.active.length - 1];

describe('hot reload of a rules.d folder', () => {
  it('applies a created file', async () => {
    const h = harness();
    writeFileSync(join(h.rulesD, '10-new.yaml'), rule('New rule'));
    await until('reload with the new rule', () => last(h)?.includes('New rule') === true);
    expect(last(h)).toEqual(['Base rule', 'New rule']);
  });

  it('applies a modified file', async () => {
    const h = harness();
    writeFileSync(join(h.rulesD, '00-base.yaml'), rule('Base rule v2'));
    await until('modified rule', () => last(h)?.includes('Base rule v2') === true);
  });

  it('rejects a broken file: running set stays, error logged and raised as the internal alert', async () => {
    const h = harness();
    writeFileSync(join(h.rulesD, '20-broken.yaml'), rule('Broken rule', 'evt.type = = open'));
    await until('rejection', () => h.outcomes.length > 0);
    expect(h.active).toEqual([]);
    expect(h.reloader.rejected).toBe(1);
    const alert = h.alerts[0]!;
    expect(alert.rule).toBe(HOT_RESTART_FAILURE_RULE);
    expect(alert.rule).toBe('Falco internal: hot restart failure');
    expect(alert.priority).toBe('Critical');
    expect(alert.source).toBe('internal');
    expect(alert.outputFields).toEqual({});
    expect(alert.output.startsWith('Falco internal: hot restart failure: ')).toBe(true);
    // The error names the file, the position and the rule.
    expect(alert.output).toContain('20-broken.yaml');
    expect(alert.output).toMatch(/line \d+|:\d+:\d+/);
    expect(alert.output).toContain('Broken rule');
    expect(h.logs.some((l) => l.startsWith('Reload rejected, the running rules stay active: ') && l.includes('20-broken.yaml'))).toBe(true);
    // Fixing it applies.
    writeFileSync(join(h.rulesD, '20-broken.yaml'), rule('Fixed rule'));
    await until('fixed', () => last(h)?.includes('Fixed rule') === true);
  });

  it('applies a deleted file', async () => {
    const h = harness();
    writeFileSync(join(h.rulesD, '10-x.yaml'), rule('X rule'));
    await until('x', () => last(h)?.includes('X rule') === true);
    rmSync(join(h.rulesD, '10-x.yaml'));
    await until('x gone', () => last(h)?.includes('X rule') === false);
  });

  it('applies a file renamed into the folder and one renamed out of it', async () => {
    const h = harness();
    const outside = join(h.dir, 'staging.yaml');
    writeFileSync(outside, rule('Moved in'));
    renameSync(outside, join(h.rulesD, '30-moved.yaml'));
    await until('moved in', () => last(h)?.includes('Moved in') === true);
    renameSync(join(h.rulesD, '30-moved.yaml'), join(h.dir, 'parked.yaml'));
    await until('moved out', () => last(h)?.includes('Moved in') === false);
  });

  it('follows an editor-style atomic replace (write temp, rename over)', async () => {
    const h = harness();
    const tmp = join(h.rulesD, '.00-base.yaml.swp');
    writeFileSync(tmp, rule('Replaced'));
    renameSync(tmp, join(h.rulesD, '00-base.yaml'));
    await until('replaced', () => last(h)?.includes('Replaced') === true);
  });

  it('keeps watching when the folder itself is renamed away and re-created', async () => {
    const h = harness();
    const armsBefore = h.reloader.watcherArms;
    renameSync(h.rulesD, join(h.dir, 'rules.d.old'));
    mkdirSync(h.rulesD);
    writeFileSync(join(h.rulesD, '00-base.yaml'), rule('Recreated'));
    await until('recreated folder applied', () => last(h)?.includes('Recreated') === true);
    expect(h.reloader.watcherArms).toBeGreaterThan(armsBefore);
    writeFileSync(join(h.rulesD, '40-after.yaml'), rule('After re-arm'));
    await until('edit after re-arm', () => last(h)?.includes('After re-arm') === true);
  });

  it('reloads on request (SIGHUP) with nothing changed', async () => {
    const h = harness();
    h.reloader.request('SIGHUP');
    await until('sighup reload', () => h.active.length === 1);
    expect(h.outcomes[0]).toEqual({ ok: true, reason: 'SIGHUP' });
  });

  it('debounces a burst into few reloads and never overlaps them', async () => {
    const h = harness({ debounceMs: 150 });
    for (let i = 0; i < 10; i++) writeFileSync(join(h.rulesD, `5${i}.yaml`), rule(`Burst ${i}`));
    await until('burst applied', () => last(h)?.includes('Burst 9') === true);
    await h.reloader.idle();
    expect(h.active.length).toBeLessThanOrEqual(2);
  });

  it('soak: 50 rapid edits, the last state wins and the watch is never lost', async () => {
    const h = harness({ debounceMs: 50 });
    const file = join(h.rulesD, '60-soak.yaml');
    for (let i = 0; i < 50; i++) {
      const kind = i % 5;
      if (kind === 0) writeFileSync(file, rule(`Soak ${i}`));
      else if (kind === 1) rmSync(file, { force: true });
      else if (kind === 2) {
        const t = join(h.dir, `t${i}.yaml`);
        writeFileSync(t, rule(`Soak ${i}`));
        renameSync(t, file);
      } else if (kind === 3) writeFileSync(file, rule(`Soak ${i}`, 'evt.type = = broken'));
      else writeFileSync(file, rule(`Soak ${i}`));
      await new Promise((r) => setTimeout(r, 3 + (i % 7) * 4));
    }
    await until('last soak state', () => last(h)?.includes('Soak 49') === true, 10_000);
    await h.reloader.idle();
    writeFileSync(join(h.rulesD, '70-final.yaml'), rule('Final check'));
    await until('edit after soak', () => last(h)?.includes('Final check') === true);
    expect(h.reloader.applied).toBeGreaterThan(1);
  }, 30_000);

  it('watches the config file: a change there reloads too', async () => {
    const h = harness();
    const other = join(h.dir, 'other.d');
    mkdirSync(other);
    writeFileSync(join(other, 'o.yaml'), rule('From other folder'));
    writeFileSync(join(h.dir, 'saker.yaml'), `rules_files: [${h.rulesD}, ${other}]\n`);
    await until('config change', () => last(h)?.includes('From other folder') === true);
  });
});

describe('ConfigWatcher', () => {
  it('names the folder itself when the watched folder is deleted (not <folder>/<its own name>)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-watch-'));
    const rulesD = join(dir, 'rules.d');
    mkdirSync(rulesD);
    writeFileSync(join(rulesD, '00-base.yaml'), rule('Base'));
    const seen: string[] = [];
    const w = new ConfigWatcher({ onChange: (p) => void seen.push(p), recheckMs: 50 });
    try {
      w.update({ files: [], dirs: [rulesD] });
      writeFileSync(join(rulesD, '10-new.yaml'), rule('New'));
      await until('the new file reported', () => seen.includes(join(rulesD, '10-new.yaml')));
      rmSync(rulesD, { recursive: true });
      await until('the folder reported', () => seen.includes(rulesD));
      expect(seen).not.toContain(join(rulesD, 'rules.d'));
    } finally {
      w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
