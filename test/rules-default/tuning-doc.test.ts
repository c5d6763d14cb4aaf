// docs/tuning.md's examples: every YAML block is extracted, loaded on top of the default ruleset
// (rules files) or through the config loader (falco.yaml blocks), and its effect checked with the
// compiled engine. A new block in the doc fails the suite until it gets a check here.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../host/cli/main.js';
import { bundledRulesDir } from '../../host/config/defaults.js';
import { loadConfig } from '../../host/config/load.js';
import { applyRuleSelection } from '../../host/config/rule-selection.js';
import { encodeBatch, type EventInput } from '../../host/engine/batch-encoder.js';
import { compileEngine } from '../../host/engine/engine.js';
import type { CompiledEngine } from '../../host/engine/engine-api.js';
import type { RuleSet } from '../../host/rules/index.js';
import { CASES } from './cases.js';
import { loadDefaultRules, problems } from './default-rules.js';
import { container, containerProc, exec, hostProc, read, write } from './events.js';

const DOC = resolve(__dirname, '../../docs/tuning.md');

interface DocBlock {
  /** The label on the block's first line: `rules.d/<file>.yaml` or `falco.yaml: <what>`. */
  label: string;
  yaml: string;
}

function docBlocks(): DocBlock[] {
  const text = readFileSync(DOC, 'utf8');
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => {
    const yaml = m[1]!;
    const first = yaml.split('\n')[0]!;
    if (!first.startsWith('# ')) throw new Error(`docs/tuning.md: a yaml block without a label line: ${first}`);
    return { label: first.slice(2).trim(), yaml };
  });
}

function block(label: string): string {
  const b = docBlocks().find((x) => x.label === label);
  if (b === undefined) throw new Error(`docs/tuning.md has no block labelled ${label}`);
  return b.yaml;
}

function rulesetWith(label: string): RuleSet {
  const out = loadDefaultRules([{ name: label, content: block(label) }]);
  expect(problems(out)).toEqual([]);
  return out.ruleset!;
}

const engines = new Map<string, Promise<CompiledEngine>>();
function engineWith(label: string | null, enabledRuleIds?: number[]): Promise<CompiledEngine> {
  const key = `${label}\n${enabledRuleIds?.join(',')}`;
  let e = engines.get(key);
  if (e === undefined) {
    const ruleset = label === null ? loadDefaultRules().ruleset! : rulesetWith(label);
    e = compileEngine(ruleset, { ruleMatching: 'all', optimize: 'fast', enabledRuleIds });
    engines.set(key, e);
  }
  return e;
}

function fires(engine: CompiledEngine, ev: EventInput, rule: string): boolean {
  return engine.evaluate(encodeBatch([ev])).some((m) => engine.ruleset.rules[m.rule]!.name === rule);
}

/** The check for each labelled block: the example's effect, seen through the engine. */
const CHECKS: Record<string, () => Promise<void>> = {
  'falco.yaml: load the defaults, then your changes': async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'saker-tuning-')), 'falco.yaml');
    writeFileSync(file, block('falco.yaml: load the defaults, then your changes'));
    const loaded = loadConfig({ file, overrides: [], env: {} });
    expect(loaded.tree).toMatchObject({ rules_files: ['/usr/share/saker/rules', '/etc/saker/rules.d'] });
    expect(loaded.unknownKeys).toEqual([]);
  },

  'rules.d/disable.yaml': async () => {
    const rule = 'Saker User Management Binary Run';
    const before = await engineWith(null);
    const after = await engineWith('rules.d/disable.yaml');
    expect(fires(before, CASES[rule]!.trigger, rule)).toBe(true);
    expect(fires(after, CASES[rule]!.trigger, rule)).toBe(false);
    // the other rules are untouched
    expect(fires(after, CASES['Saker Reverse Shell']!.trigger, 'Saker Reverse Shell')).toBe(true);
  },

  'falco.yaml: rule selection': async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'saker-tuning-')), 'falco.yaml');
    writeFileSync(file, block('falco.yaml: rule selection'));
    const { config } = loadConfig({ file, overrides: [], env: {} });
    const ruleset = loadDefaultRules().ruleset!;
    const enabled = applyRuleSelection(ruleset.rules, config.rules);
    const off = ['Saker Credential Search', 'Saker Crypto Miner Launched', 'Saker Connection to Mining Pool Port'];
    expect(ruleset.rules.filter((r) => !enabled.has(r.name)).map((r) => r.name).sort()).toEqual([...off].sort());
    const engine = await engineWith(null, ruleset.rules.filter((r) => enabled.has(r.name)).map((r) => r.id));
    for (const rule of off) expect(fires(engine, CASES[rule]!.trigger, rule)).toBe(false);
    expect(fires(engine, CASES['Saker Sensitive File Read']!.trigger, 'Saker Sensitive File Read')).toBe(true);
  },

  'rules.d/append-list.yaml': async () => {
    const rule = 'Saker Unexpected Program in Single-App Container';
    const mine = container({ id: 'dddddddddddd', image: 'registry.example.com/platform/redis:7', imageRepository: 'registry.example.com/platform/redis' });
    const curl = exec(containerProc('curl', { args: ['http://203.0.113.9/x'] }, mine));
    expect(fires(await engineWith(null), curl, rule)).toBe(false);
    const after = await engineWith('rules.d/append-list.yaml');
    expect(fires(after, curl, rule)).toBe(true);
    expect(fires(after, exec(containerProc('redis-server', {}, mine)), rule)).toBe(false);
    // the items Saker ships are still there
    expect(fires(after, CASES[rule]!.trigger, rule)).toBe(true);
  },

  'rules.d/append-readers.yaml': async () => {
    const rule = 'Saker Sensitive File Read';
    const restic = read(hostProc('restic', { args: ['backup', '/etc'] }), '/etc/shadow');
    expect(fires(await engineWith(null), restic, rule)).toBe(true);
    const after = await engineWith('rules.d/append-readers.yaml');
    expect(fires(after, restic, rule)).toBe(false);
    expect(fires(after, CASES[rule]!.trigger, rule)).toBe(true);
  },

  'rules.d/exception.yaml': async () => {
    const rule = 'Saker Write Below Etc';
    const teeMotd = write(hostProc('tee', { args: ['/etc/motd'] }), '/etc/motd');
    const teePasswd = write(hostProc('tee', { args: ['-a', '/etc/passwd'] }), '/etc/passwd');
    const ansible = write(hostProc('python3', { args: ['/tmp/ansible_x/AnsiballZ_template.py'] }), '/etc/nginx/conf.d/site.conf');
    const before = await engineWith(null);
    for (const ev of [teeMotd, teePasswd, ansible]) expect(fires(before, ev, rule)).toBe(true);
    const after = await engineWith('rules.d/exception.yaml');
    expect(fires(after, teeMotd, rule)).toBe(false);
    expect(fires(after, ansible, rule)).toBe(false);
    // both fields must match: tee elsewhere below /etc still alerts
    expect(fires(after, teePasswd, rule)).toBe(true);
  },

  'rules.d/append-macro.yaml': async () => {
    const rule = 'Saker Credential Search';
    const search = exec(hostProc('grep', { args: ['-r', 'vault-token', '/home'] }));
    expect(fires(await engineWith(null), search, rule)).toBe(false);
    const after = await engineWith('rules.d/append-macro.yaml');
    expect(fires(after, search, rule)).toBe(true);
    expect(fires(after, CASES[rule]!.trigger, rule)).toBe(true);
  },
};

describe('docs/tuning.md examples', () => {
  it('has a check for every yaml block, and a block for every check', () => {
    expect(docBlocks().map((b) => b.label).sort()).toEqual(Object.keys(CHECKS).sort());
  });

  it("lists every default rule with its priority and the allow lists its condition uses", () => {
    const text = readFileSync(DOC, 'utf8');
    const section = text.slice(text.indexOf('## The rules and their allow lists'));
    const rows = section.split('\n').filter((l) => l.startsWith('| Saker '));
    const expected = loadDefaultRules().ruleset!.rules.map((r) => {
      const lists = [...new Set([...r.originalCondition.matchAll(/\b(saker_\w*allowed\w*)\b/g)].map((m) => `\`${m[1]}\``))];
      return `| ${r.name} | ${r.priority} | ${lists.join(', ')} |`;
    });
    expect(rows).toEqual(expected);
  });

  it.each(Object.keys(CHECKS))('%s', async (label) => {
    await CHECKS[label]!();
  }, 240_000);

  it('checks the defaults and a rules.d folder together with --dry-run, as the doc tells', async () => {
    expect(readFileSync(DOC, 'utf8')).toContain('saker --dry-run -r /usr/share/saker/rules -r /etc/saker/rules.d');
    const dryRun = async (dir: string): Promise<{ code: number; text: string }> => {
      const out: string[] = [];
      const cli: CliIo = { stdout: (t) => void out.push(t), stderr: (t) => void out.push(t), defaultConfigPath: join(dir, 'none.yaml'), env: {} };
      const code = await main(['--dry-run', '-r', bundledRulesDir(), '-r', dir], cli);
      return { code, text: out.join('') };
    };
    const dir = mkdtempSync(join(tmpdir(), 'saker-tuning-'));
    const files = docBlocks().filter((x) => x.label.startsWith('rules.d/'));
    for (const b of files) writeFileSync(join(dir, b.label.slice('rules.d/'.length)), b.yaml);
    const good = await dryRun(dir);
    expect(good.code).toBe(0);
    for (const b of files) expect(good.text).toContain(`${join(dir, b.label.slice('rules.d/'.length))} | schema validation: ok`);
    expect(good.text).not.toMatch(/warning|error/i);
    // and it does report a mistake: a list name that the defaults do not have
    writeFileSync(join(dir, 'zz-typo.yaml'), '- list: saker_no_such_list\n  items: [x]\n  override:\n    items: append\n');
    const bad = await dryRun(dir);
    expect(bad.code).not.toBe(0);
    expect(bad.text).toContain('saker_no_such_list');
  });
});
