// `saker -L` and `saker -l RULE` on the embedded default configuration (no config file, no -r):
// they render Saker's own ruleset, every rule, in text and JSON.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../host/cli/main.js';
import { loadDefaultRules } from './default-rules.js';

async function saker(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    defaultConfigPath: join(tmpdir(), 'saker-no-such-config.yaml'),
    env: {},
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const RULES = loadDefaultRules().ruleset!.rules;

describe('saker -L / -l on the default ruleset', () => {
  it('-L lists every default rule with its description', async () => {
    const r = await saker(['-L']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/warning|error/i);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`${'Rule'.padEnd(50)} Description`);
    const listed = lines.filter((l) => /^Saker /.test(l)).map((l) => l.slice(0, 50).trimEnd());
    expect(listed).toEqual(RULES.map((r) => r.name));
    // the description starts on the rule's line
    const first = RULES[0]!;
    expect(r.stdout).toContain(`${first.name.padEnd(50)} ${first.description.split(' ').slice(0, 3).join(' ')}`);
  });

  it('-L with json_output gives every rule, macro and list with details', async () => {
    const r = await saker(['-L', '-o', 'json_output=true']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      rules: { info: { name: string; tags: string[]; enabled: boolean }; details: { events: string[]; lists: string[] } }[];
      macros: { info: { name: string } }[];
      lists: { info: { name: string } }[];
    };
    expect(doc.rules.map((x) => x.info.name)).toEqual(RULES.map((x) => x.name));
    for (const rule of doc.rules) {
      expect(rule.info.enabled).toBe(true);
      expect(rule.details.events.length).toBeGreaterThan(0);
    }
    expect(doc.macros.map((m) => m.info.name)).toContain('saker_spawned_process');
    expect(doc.lists.map((l) => l.info.name)).toContain('saker_single_program_images');
  });

  it.each(RULES.map((r) => r.name))('-l %s describes that rule only', async (name) => {
    const r = await saker(['-l', name]);
    expect(r.code).toBe(0);
    const listed = r.stdout.split('\n').filter((l) => /^Saker /.test(l));
    expect(listed).toHaveLength(1);
    expect(listed[0]!.startsWith(name.padEnd(50))).toBe(true);
  });

  it('-l of a rule that is not in the default set fails as Falco does', async () => {
    const r = await saker(['-l', 'Saker No Such Rule']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Rule "Saker No Such Rule" is not loaded');
  });
});
