// The text and JSON forms of load results, as `falco -V` prints them.
import { describe, expect, it } from 'vitest';
import { LoadContext } from '../../host/rules/context.js';
import {
  formatResultSummary,
  formatResultText,
  formatResultsJson,
  formatValidationReport,
} from '../../host/rules/report.js';
import { load, ruleYaml } from './helpers.js';

const padding = '# comment\n'.repeat(83);

describe('text report', () => {
  it('prints a warning with its locations and a caret snippet', () => {
    const l = load([{ name: '/etc/falco/k8s_audit_rules.yaml', content: `${padding}- macro: secret\n  condition: ka.target.resource=secrets\n` }]);
    expect(formatResultText(l.results[0]!, l.contents)).toBe(
      '/etc/falco/k8s_audit_rules.yaml: Ok, with warnings\n' +
        '1 Warnings:\n' +
        'In rules content: (/etc/falco/k8s_audit_rules.yaml:0:0)\n' +
        "    macro 'secret': (/etc/falco/k8s_audit_rules.yaml:83:2)\n" +
        '------\n' +
        '- macro: secret\n' +
        '  ^\n' +
        '------\n' +
        'LOAD_UNUSED_MACRO (Unused macro): Macro not referred to by any other rule/macro\n',
    );
  });

  it('prints an error', () => {
    const l = load('- rule: r\n  desc: d\n');
    expect(formatResultText(l.results[0]!, l.contents)).toBe(
      'rules.yaml: Invalid\n' +
        '1 Errors:\n' +
        'In rules content: (rules.yaml:0:0)\n' +
        "    rule 'r': (rules.yaml:0:2)\n" +
        '------\n' +
        '- rule: r\n' +
        '  ^\n' +
        '------\n' +
        "LOAD_ERR_YAML_VALIDATE (Error validating internal structure of YAML file): Item has no mapping for key 'condition'\n",
    );
  });

  it('prints just the status for a clean file', () => {
    const l = load(ruleYaml('r'));
    expect(formatResultText(l.results[0]!, l.contents)).toBe('rules.yaml: Ok');
  });

  it('summarises codes on one line', () => {
    const l = load(`- macro: m\n  condition: evt.type = open\n- list: x\n  items: [a]\n`);
    expect(formatResultSummary(l.results[0]!)).toBe(
      'rules.yaml: Ok, with warnings\n 2 warnings: [LOAD_UNUSED_MACRO (Unused macro) LOAD_UNUSED_LIST (Unused list)]',
    );
    const bad = load('- rule: r\n');
    expect(formatResultSummary(bad.results[0]!)).toBe(
      'rules.yaml: Invalid\n 1 errors: [LOAD_ERR_YAML_VALIDATE (Error validating internal structure of YAML file)]',
    );
  });

  it('labels deprecated-field warnings with the field', () => {
    const l = load(ruleYaml('r', 'evt.type = open and evt.dir = <'));
    expect(formatResultText(l.results[0]!, l.contents)).toContain(
      "LOAD_DEPRECATED_ITEM (Used deprecated item: field 'evt.dir'): due to the drop of enter events",
    );
  });

  it('shortens long snippet lines around the position', () => {
    const long = 'x'.repeat(200);
    const l = load(`- list: ${long}\n  items: [a]\n`);
    const snippet = l.results[0]!.warnings[0]!.context.snippet(l.contents);
    expect(snippet).toBe(`- list: ${'x'.repeat(72)}...\n  ^\n`);
  });

  it('explains missing contents', () => {
    expect(LoadContext.root('gone.yaml').snippet(new Map())).toBe('<No context for file + gone.yaml>\n');
  });
});

describe('validation summary (falco -V)', () => {
  it('prints full results for clean and failed files and only a line for files with warnings', () => {
    const l = load([
      { name: 'a.yaml', content: ruleYaml('a') },
      { name: 'b.yaml', content: '- list: unused\n  items: [x]\n' },
    ]);
    const report = formatValidationReport(l.results, l.contents);
    expect(report.summary).toBe('a.yaml: Ok\nb.yaml: Ok, with warnings');
    expect(report.warningLogs).toHaveLength(1);
    expect(report.warningLogs[0]).toMatch(/^b\.yaml: Ok, with warnings\n1 Warnings:\n/);
    expect(report.successful).toBe(true);
  });

  it('adds a hint when a failed file looks like a configuration file', () => {
    const l = load([{ name: 'falco.yaml', content: 'rules_files:\n  - /etc/falco/rules.yaml\n' }]);
    const report = formatValidationReport(l.results, l.contents);
    expect(report.successful).toBe(false);
    expect(report.summary.endsWith(
      '\nHint: --validate expects a rules file, that is a YAML list of rule, macro, and list items. If this is a Falco configuration file, validate it and its configured rules with `falco -c falco.yaml --dry-run` instead.',
    )).toBe(true);
  });
});

describe('JSON report', () => {
  it('has nlohmann-ordered keys, the short string as error codedesc, and snippets', () => {
    const l = load([{ name: 'default_custom_rules.yaml', content: '- rule: r\n' }]);
    const json = formatResultsJson(l.results, l.contents);
    expect(json.startsWith(
      '{"falco_load_results":[{"errors":[{"code":"LOAD_ERR_YAML_VALIDATE","codedesc":"Error validating internal structure of YAML file","context":{"locations":[{"item_name":"","item_type":"rules content","position":{"column":0,"line":0,"name":"default_custom_rules.yaml","offset":0}},',
    )).toBe(true);
    const parsed = JSON.parse(json) as { falco_load_results: { name: string; successful: boolean; errors: { message: string; context: { snippet: string } }[]; warnings: unknown[] }[] };
    const r = parsed.falco_load_results[0]!;
    expect([r.name, r.successful, r.errors[0]!.message, r.errors[0]!.context.snippet, r.warnings]).toEqual([
      'default_custom_rules.yaml', false, "Item has no mapping for key 'enabled'", '- rule: r\n  ^\n', [],
    ]);
  });

  it('uses the long description for warnings', () => {
    const l = load('- list: x\n  items: [a]\n');
    const parsed = JSON.parse(formatResultsJson(l.results, l.contents)) as { falco_load_results: { warnings: { code: string; codedesc: string }[] }[] };
    expect(parsed.falco_load_results[0]!.warnings[0]).toMatchObject({
      code: 'LOAD_UNUSED_LIST',
      codedesc: 'A list is defined in the rules content but is not used by any other list, macro, or rule.',
    });
  });
});
