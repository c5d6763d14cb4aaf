import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledRulesDir } from '../../host/config/defaults.js';
import { readConfig, validateConfigFile } from '../../host/config/keys.js';
import { applyOverride, ConfigReadError, loadConfig } from '../../host/config/load.js';
import { applyRuleSelection, matchesWildcard } from '../../host/config/rule-selection.js';
import { toBool, toInteger } from '../../host/config/scalars.js';
import { expandEnv, parseConfigYaml, setAt } from '../../host/config/tree.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'saker-config-'));
}

describe('scalar typing (yaml-cpp conversions Falco reads config with)', () => {
  it('reads booleans in yaml-cpp spellings only', () => {
    for (const t of ['true', 'True', 'TRUE', 'yes', 'Y', 'on', 'ON']) expect(toBool(t)).toBe(true);
    for (const f of ['false', 'no', 'n', 'off', 'Off']) expect(toBool(f)).toBe(false);
    for (const bad of ['tRUE', '1', '0', 'maybe', '']) expect(toBool(bad)).toBeUndefined();
  });

  it('reads integers with hex and octal prefixes and rejects trailing text', () => {
    expect(toInteger('42')).toBe(42);
    expect(toInteger('0x10')).toBe(16);
    expect(toInteger('0o17')).toBe(15);
    expect(toInteger('-3', { unsigned: true })).toBeUndefined();
    expect(toInteger('12ms')).toBeUndefined();
  });
});

describe('config document', () => {
  it('keeps scalars untyped and plain null words as null', () => {
    expect(parseConfigYaml('a: true\nb: ~\nc: "null"\nd:\n')).toEqual({ a: 'true', b: null, c: 'null', d: null });
  });

  it('expands ${VAR}, drops unset ones and unescapes $${x}', () => {
    const env = { HOME: '/root', EMPTY: '' };
    expect(expandEnv('${HOME}/x', env)).toBe('/root/x');
    expect(expandEnv('a${NOPE}b', env)).toBe('ab');
    expect(expandEnv('$${HOME}', env)).toBe('${HOME}');
    expect(expandEnv('${HOME', env)).toBe('${HOME');
  });

  it('sets dotted keys, list indexes and appends with []', () => {
    let t = parseConfigYaml('rules_files: [a]\nfile_output: {enabled: false}');
    t = setAt(t, 'rules_files[]', 'b');
    t = setAt(t, 'rules_files[0]', 'z');
    t = setAt(t, 'file_output.filename', '/tmp/x');
    t = setAt(t, 'new.deep.key', 'v');
    expect(t).toEqual({ rules_files: ['z', 'b'], file_output: { enabled: 'false', filename: '/tmp/x' }, new: { deep: { key: 'v' } } });
  });

  it('rejects malformed -o options with Falco messages', () => {
    expect(() => applyOverride({}, 'json_output')).toThrow(
      'Error parsing config option "json_output". Must be of the form key=val or key.subkey=val',
    );
    expect(() => applyOverride({}, 'a[x]=1')).toThrow(`Config error at key "a[x]": Parsing error: expected a numeric index, found 'x'`);
    expect(() => applyOverride({}, '.a=1')).toThrow('Config error at key ".a": Parsing error: unexpected character at pos 0');
  });

  it('parses {...} override values as YAML objects', () => {
    expect(applyOverride({}, 'webserver={enabled: true, listen_port: 9000}')).toEqual({ webserver: { enabled: 'true', listen_port: '9000' } });
  });
});

describe('typed config', () => {
  it('falls back to the default when a value does not convert, and validation says why', () => {
    const tree = parseConfigYaml('json_output: maybe\n');
    expect(readConfig(tree, 'f.yaml').jsonOutput).toBe(false);
    expect(validateConfigFile(tree)).toBe("failed for <root>[json_output]: Value type not permitted by 'type' constraint.");
    expect(validateConfigFile(parseConfigYaml('stdout_output: {enabled: 2}'))).toBe(
      "failed for <root>[stdout_output][enabled]: Value type not permitted by 'type' constraint.",
    );
    expect(validateConfigFile(parseConfigYaml('json_output: yes\n'))).toBe('ok');
  });

  it('checks priority, rule_matching and engine.kind with Falco messages', () => {
    expect(readConfig(parseConfigYaml('priority: Info'), 'f').priority).toBe('informational');
    expect(() => readConfig(parseConfigYaml('priority: loud'), 'f')).toThrow(
      'Unknown priority "loud"--must be one of emergency, alert, critical, error, warning, notice, informational, debug',
    );
    expect(() => readConfig(parseConfigYaml('rule_matching: some'), 'f')).toThrow(
      'Unknown rule matching strategy "some"--must be one of first, all',
    );
    expect(() => readConfig(parseConfigYaml('engine: {kind: magic}'), 'c.yaml')).toThrow(
      "Error reading config file (c.yaml): engine.kind 'magic' is not a valid kind.",
    );
    expect(() => readConfig(parseConfigYaml('rules_file: [a]\nrules_files: [b]'), 'c.yaml')).toThrow(
      "Error reading config file (c.yaml): both 'rules_files' and 'rules_file' keys set",
    );
  });

  it('reads rules selectors', () => {
    const c = readConfig(parseConfigYaml('rules:\n  - disable: {rule: "*"}\n  - enable: {tag: network}\n'), 'f');
    expect(c.rules).toEqual([
      { op: 'disable', rule: '*', tag: '' },
      { op: 'enable', rule: '', tag: 'network' },
    ]);
    expect(() => readConfig(parseConfigYaml('rules:\n  - enable: {}\n'), 'f')).toThrow("invalid 'rules' entry #0");
  });
});

describe('rule selection', () => {
  it("matches wildcards the way Falco's matcher does, first occurrence only", () => {
    expect(matchesWildcard('*', 'anything')).toBe(true);
    expect(matchesWildcard('Write*Etc', 'Write below Etc')).toBe(true);
    expect(matchesWildcard('*shell*', 'Terminal shell in container')).toBe(true);
    expect(matchesWildcard('*.yaml', 'a.yaml')).toBe(true);
    expect(matchesWildcard('*.yaml', 'a.yaml.yaml')).toBe(false);
    expect(matchesWildcard('abc', 'abcd')).toBe(false);
  });

  it('applies selectors in order over the rules own enabled flags', () => {
    const rules = [
      { name: 'A net', tags: ['network'], enabled: true },
      { name: 'B file', tags: ['filesystem'], enabled: true },
      { name: 'C off', tags: ['network'], enabled: false },
    ];
    expect([...applyRuleSelection(rules, [])]).toEqual(['A net', 'B file']);
    const sel = applyRuleSelection(rules, [
      { op: 'disable', rule: '*', tag: '' },
      { op: 'enable', rule: '', tag: 'network' },
    ]);
    expect([...sel].sort()).toEqual(['A net', 'C off']);
  });
});

describe('loadConfig', () => {
  it('uses the embedded defaults: bundled rules folder, stdout output on', () => {
    const loaded = loadConfig({ file: null, overrides: [] });
    expect(loaded.mainFile).toBeNull();
    expect(loaded.config.rulesFiles).toEqual([bundledRulesDir()]);
    expect(loaded.config.stdoutOutput).toBe(true);
    expect(loaded.config.logStderr).toBe(true);
  });

  it('reads a falco.yaml-style file, expands env, applies -o with typing', () => {
    const dir = tmp();
    const rules = join(dir, 'r.yaml');
    writeFileSync(rules, '- list: x\n  items: []\n');
    const cfg = join(dir, 'falco.yaml');
    writeFileSync(cfg, `rules_files:\n  - \${RULES_DIR}/r.yaml\n  - ${dir}/missing.yaml\njson_output: false\npriority: warning\n`);
    const loaded = loadConfig({ file: cfg, overrides: ['json_output=yes', 'rules_files[]=' + dir], env: { RULES_DIR: dir } });
    expect(loaded.config.jsonOutput).toBe(true);
    expect(loaded.config.priority).toBe('warning');
    // Missing paths are dropped like Falco does; the appended folder stays.
    expect(loaded.config.rulesFiles).toEqual([rules, dir]);
    expect(loaded.files).toEqual([{ path: cfg, validation: 'ok' }]);
  });

  it('accepts the legacy rules_file key', () => {
    const dir = tmp();
    const cfg = join(dir, 'c.yaml');
    writeFileSync(cfg, `rules_file: ${dir}\n`);
    const loaded = loadConfig({ file: cfg, overrides: [] });
    expect(loaded.config.rulesFiles).toEqual([dir]);
    expect(loaded.config.usedLegacyRulesFileKey).toBe(true);
  });

  it('merges config_files folders in name order', () => {
    const dir = tmp();
    const inc = join(dir, 'config.d');
    mkdirSync(inc);
    writeFileSync(join(inc, '10-a.yaml'), 'json_output: true\npriority: error\n');
    writeFileSync(join(inc, '20-b.yaml'), 'priority: critical\n');
    const cfg = join(dir, 'c.yaml');
    writeFileSync(cfg, `config_files:\n  - ${inc}\n  - ${dir}/nope\npriority: debug\n`);
    const loaded = loadConfig({ file: cfg, overrides: [] });
    expect(loaded.config.jsonOutput).toBe(true);
    expect(loaded.config.priority).toBe('critical');
    expect(loaded.files.map((f) => f.path)).toEqual([cfg, join(inc, '10-a.yaml'), join(inc, '20-b.yaml')]);
  });

  it('reports an unparsable file as a read error', () => {
    const dir = tmp();
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'a: [1, 2\n');
    expect(() => loadConfig({ file: cfg, overrides: [] })).toThrow(ConfigReadError);
  });
});
