// append_output applied by the rule compiler: text appended to matching rules' output (before it is
// validated), extra fields attached for JSON only, suggested fields rendered as Falco renders them.
import { describe, expect, it } from 'vitest';
import { readAppendOutput } from '../../host/config/append-output.js';
import { resolveAppendOutput, suggestedOutputFormats, type AppendOutputEntry } from '../../host/rules/append-output.js';
import { load, onlyError } from './helpers.js';

const RULES = `
- rule: Shadow
  desc: d
  condition: evt.type = openat and fd.name = /etc/shadow
  output: "shadow opened by %proc.name"
  priority: WARNING
  tags: [filesystem, mitre_credential_access]
- rule: Exec
  desc: d
  condition: evt.type = execve
  output: "exec %proc.name"
  priority: NOTICE
  tags: [process]
`;

const entry = (e: Partial<Omit<AppendOutputEntry, 'match'>> & { match?: Partial<AppendOutputEntry['match']> }): AppendOutputEntry => ({
  extraOutput: '',
  extraFields: [],
  suggestedOutput: false,
  ...e,
  match: { rule: '', source: '', tags: [], ...e.match },
});

const outputs = (entries: AppendOutputEntry[]): Record<string, string> => {
  const l = load(RULES, { appendOutput: resolveAppendOutput(entries, ['syscall']) });
  return Object.fromEntries(l.ruleset!.rules.map((r) => [r.name, r.output]));
};

describe('append_output in the rule compiler', () => {
  it('the container plugin suggests six fields, rendered name_with_underscores=%name', () => {
    expect(suggestedOutputFormats('syscall')).toEqual([
      'container_id=%container.id',
      'container_name=%container.name',
      'container_image_repository=%container.image.repository',
      'container_image_tag=%container.image.tag',
      'k8s_pod_name=%k8s.pod.name',
      'k8s_ns_name=%k8s.ns.name',
    ]);
    expect(suggestedOutputFormats('k8s_audit')).toEqual([]);
  });

  it('suggested_output with no match appends every suggested field to every rule, one space apart', () => {
    const out = outputs([entry({ suggestedOutput: true })]);
    const suffix =
      ' container_id=%container.id container_name=%container.name container_image_repository=%container.image.repository' +
      ' container_image_tag=%container.image.tag k8s_pod_name=%k8s.pod.name k8s_ns_name=%k8s.ns.name';
    expect(out['Shadow']).toBe(`shadow opened by %proc.name${suffix}`);
    expect(out['Exec']).toBe(`exec %proc.name${suffix}`);
  });

  it('match by rule, source and tags (all tags required); entries apply in order', () => {
    const out = outputs([
      entry({ extraOutput: 'on CPU %evt.cpu', match: { source: 'syscall' } }),
      entry({ extraOutput: 'cred', match: { tags: ['filesystem', 'mitre_credential_access'] } }),
      entry({ extraOutput: 'never', match: { tags: ['filesystem', 'process'] } }),
      entry({ extraOutput: 'exec-only', match: { rule: 'Exec' } }),
      entry({ extraOutput: 'other source', match: { source: 'k8s_audit' } }),
    ]);
    expect(out['Shadow']).toBe('shadow opened by %proc.name on CPU %evt.cpu cred');
    expect(out['Exec']).toBe('exec %proc.name on CPU %evt.cpu exec-only');
  });

  it('extra_fields are attached to the rule, not its output; a later entry with the same name wins', () => {
    const l = load(RULES, {
      appendOutput: resolveAppendOutput(
        [
          entry({ extraFields: [{ name: 'home', format: '/home/x' }, { name: 'evt.hostname', format: '%evt.hostname' }] }),
          entry({ extraFields: [{ name: 'home', format: '%user.homedir' }], match: { rule: 'Exec' } }),
        ],
        ['syscall'],
      ),
    });
    const [shadow, exec] = l.ruleset!.rules;
    expect(shadow!.output).toBe('shadow opened by %proc.name');
    expect(shadow!.extraOutputFields).toEqual({ home: '/home/x', 'evt.hostname': '%evt.hostname' });
    expect(exec!.extraOutputFields).toEqual({ home: '%user.homedir', 'evt.hostname': '%evt.hostname' });
  });

  it('appended text is validated with the output: an unknown field is LOAD_ERR_COMPILE_OUTPUT', () => {
    const l = load(RULES, { appendOutput: resolveAppendOutput([entry({ extraOutput: '%nope.field' })], ['syscall']) });
    expect(onlyError(l).code).toBe('LOAD_ERR_COMPILE_OUTPUT');
    const f = load(RULES, { appendOutput: resolveAppendOutput([entry({ extraFields: [{ name: 'x', format: '%nope.field' }] })], ['syscall']) });
    expect(onlyError(f).code).toBe('LOAD_ERR_COMPILE_OUTPUT');
  });
});

describe('append_output config key', () => {
  it("reads Falco's documented example and the shipped suggested_output entry", () => {
    const parsed = readAppendOutput([
      { match: { source: 'syscall' }, extra_output: 'on CPU %evt.cpu', extra_fields: [{ home_directory: '${HOME}' }, 'evt.hostname'] },
      { suggested_output: 'true' },
      { match: { tags: ['b', 'a', 'b'], rule: 'R' } },
    ]);
    expect(parsed).toEqual([
      {
        match: { rule: '', source: 'syscall', tags: [] },
        extraOutput: 'on CPU %evt.cpu',
        extraFields: [
          { name: 'home_directory', format: '${HOME}' },
          { name: 'evt.hostname', format: '%evt.hostname' },
        ],
        suggestedOutput: false,
      },
      { match: { rule: '', source: '', tags: [] }, extraOutput: '', extraFields: [], suggestedOutput: true },
      { match: { rule: 'R', source: '', tags: ['a', 'b'] }, extraOutput: '', extraFields: [], suggestedOutput: false },
    ]);
  });

  it('rejects malformed entries with a reason', () => {
    expect(readAppendOutput(['text'])).toBe('entry #0 must be a map');
    expect(readAppendOutput([{ suggested_output: 'maybe' }])).toBe("entry #0: 'suggested_output' must be a boolean");
    expect(readAppendOutput([{ extra_fields: [['a']] }])).toMatch(/^entry #0: 'extra_fields' entries/);
  });
});
