import { describe, expect, it } from 'vitest';
import {
  CONTAINER_INFO_DEPRECATION, deprecatedOutputFieldWarnings, expandContainerInfo, OutputTemplateError, parseOutputTemplate, type FieldToken,
} from '../../host/output/template.js';

const fieldTokens = (t: string) => parseOutputTemplate(t).tokens.filter((k): k is FieldToken => k.kind === 'field');

describe('parseOutputTemplate', () => {
  it('splits literal text and field references', () => {
    const t = parseOutputTemplate('File opened (file=%fd.name user=%user.name)');
    expect(t.requireAllValues).toBe(true);
    expect(t.tokens.map((k) => (k.kind === 'text' ? k.text : `<${k.name}>`))).toEqual([
      'File opened (file=', '<fd.name>', ' user=', '<user.name>', ')',
    ]);
  });

  it('reads arguments, widths and a leading *', () => {
    const t = parseOutputTemplate('*%proc.aname[2] %evt.arg.flags %20proc.name %thread.cgroup.cpu');
    expect(t.requireAllValues).toBe(false);
    const f = t.tokens.filter((k): k is FieldToken => k.kind === 'field');
    expect(f.map((k) => k.name)).toEqual(['proc.aname[2]', 'evt.arg.flags', 'proc.name', 'thread.cgroup.cpu']);
    expect(f[0]!.field.argument).toEqual({ kind: 'index', index: 2 });
    expect(f[2]!.width).toBe(20);
  });

  it('reads transformers and their types', () => {
    const [low, len] = fieldTokens('%tolower(toupper(proc.name)) %len(fd.name)');
    expect(low!.transformers).toEqual(['tolower', 'toupper']);
    expect(low!.raw).toBe('tolower(toupper(proc.name))');
    expect(low!.name).toBe('proc.name');
    expect(len!.type).toBe('PT_UINT64');
  });

  it('reads a field name greedily and leaves the rest as text', () => {
    const t = parseOutputTemplate('(%proc.name)');
    expect(t.tokens).toHaveLength(3);
    expect(t.tokens[2]).toEqual({ kind: 'text', text: ')' });
  });

  it('fails with libs messages', () => {
    const cases: Array<[string, string]> = [
      ['', 'empty formatting token'],
      ['value %', 'invalid formatting syntax: formatting cannot end with a %'],
      ['value %12', 'invalid formatting syntax: formatting cannot end with a number'],
      ['x=%proc.nme y', 'invalid formatting token proc.nme y'],
      ['%fd.dip:%fd.dport', 'invalid formatting token fd.dip:%fd.dport'],
      ['ip=%fd.ip end', 'fd.ip end is filter only and cannot be used as a display field'],
      ['%tolower(proc.name x', 'missing closing transformer parenthesis: e x'],
      ['%toupper(proc.pid)', "can't add field transformer: type 'INT64' is not supported by 'toupper' transformer applied on field 'proc.pid'"],
      ['%container.info', 'invalid formatting token container.info'],
    ];
    for (const [tmpl, msg] of cases) {
      expect(() => parseOutputTemplate(tmpl), tmpl).toThrow(new OutputTemplateError(msg));
    }
  });
});

describe('expandContainerInfo', () => {
  it('drops %container.info as Falco 0.44 does, flagging the deprecation', () => {
    expect(expandContainerInfo('shell (user=%user.name %container.info)')).toEqual({
      output: 'shell (user=%user.name )', deprecated: true,
    });
    expect(expandContainerInfo('x=%proc.name')).toEqual({ output: 'x=%proc.name', deprecated: false });
    expect(CONTAINER_INFO_DEPRECATION).toContain('%container.info is deprecated');
  });
});

describe('deprecatedOutputFieldWarnings', () => {
  it('flags evt.dir anywhere in the output text', () => {
    expect(deprecatedOutputFieldWarnings('dir=%evt.dir name=%proc.name')).toEqual([
      "usage of deprecated field 'evt.dir' has been detected in the rule output",
    ]);
    expect(deprecatedOutputFieldWarnings('name=%proc.name')).toEqual([]);
  });
});

describe('every displayable field', () => {
  it('parses as an output token', async () => {
    const { SYSCALL_FIELDS } = await import('../../host/fields/syscall_fields.js');
    for (const f of SYSCALL_FIELDS) {
      if (f.flags.includes('EPF_FILTER_ONLY') || f.flags.includes('EPF_ARG_REQUIRED')) continue;
      const [tok] = fieldTokens(`%${f.name}`);
      expect(tok!.field.def, f.name).toBe(f);
    }
  });
});
