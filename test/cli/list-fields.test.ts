import { describe, expect, it } from 'vitest';
import { listFields } from '../../host/cli/commands/list-fields.js';
import { FieldRegistry, type FieldDef } from '../../host/fields/index.js';

const defs: FieldDef[] = [
  { name: 'proc.name', group: 'thread', type: 'PT_CHARBUF', flags: [], description: 'Name of the process.' },
  { name: 'proc.aname', group: 'thread', type: 'PT_CHARBUF', flags: ['EPF_ARG_ALLOWED'], arg: 'index', description: 'Ancestor name.' },
  { name: 'proc.old', group: 'thread', type: 'PT_CHARBUF', flags: ['EPF_DEPRECATED'], description: 'Gone.' },
  { name: 'proc.table', group: 'thread', type: 'PT_UINT64', flags: ['EPF_TABLE_ONLY'], description: 'Table only.' },
  { name: 'proc.print', group: 'thread', type: 'PT_CHARBUF', flags: ['EPF_PRINT_ONLY'], description: 'Print only.' },
  {
    name: 'proc.a_field_name_longer_than_thirty',
    group: 'thread',
    type: 'PT_UINT32',
    flags: ['EPF_NO_RHS', 'EPF_ARG_REQUIRED', 'EPF_FILTER_ONLY'],
    arg: 'key',
    description: 'word '.repeat(25).trim(),
  },
  { name: 'evt.gone', group: 'gen_event', type: 'PT_UINT64', flags: ['EPF_DEPRECATED'], description: 'Deprecated only.' },
];
const registry = new FieldRegistry(defs);

describe('--list output', () => {
  it("formats a class like libs' as_string", () => {
    const out = listFields({ source: '', verbose: false, namesOnly: false, markdown: false, registry });
    const lines = out.split('\n');
    // A class whose fields are all deprecated prints as an empty line.
    expect(lines[0]).toBe('');
    expect(lines[1]).toBe('-------------------------------');
    expect(lines[2]).toBe(`${'Field Class:'.padEnd(30)}process`);
    expect(lines[3]!.startsWith('Description:'.padEnd(30))).toBe(true);
    expect(lines[4]).toBe(`${'Event Sources:'.padEnd(30)}syscall `);
    expect(lines[5]).toBe('');
    expect(lines[6]).toBe(`${'proc.name'.padEnd(30)}Name of the process. `);
    expect(lines[7]).toBe(`${'proc.aname'.padEnd(30)}(ARG_ALLOWED) Ancestor name. `);
    // Long names get their own line; tags are sorted; descriptions wrap at 120 columns.
    expect(lines[8]).toBe('proc.a_field_name_longer_than_thirty');
    expect(lines[9]).toBe(`${' '.repeat(30)}(ARG_REQUIRED,EPF_NO_RHS,FILTER_ONLY) ${'word '.repeat(10)}`);
    expect(lines[9]!.length).toBeLessThanOrEqual(120);
    expect(lines[10]).toBe(`${' '.repeat(30)}${'word '.repeat(15)}`);
    expect(out).not.toContain('proc.old');
    expect(out).not.toContain('proc.table');
    expect(out).not.toContain('proc.print');
  });

  it('adds the type with verbose and prints only names with -N', () => {
    expect(listFields({ source: '', verbose: true, namesOnly: false, markdown: false, registry })).toContain(
      `${'proc.name'.padEnd(30)}(Type: CHARBUF) Name of the process. \n`,
    );
    expect(listFields({ source: '', verbose: false, namesOnly: true, markdown: false, registry })).toBe(
      'proc.name\nproc.aname\nproc.a_field_name_longer_than_thirty\n',
    );
  });

  it('prints Markdown tables', () => {
    const md = listFields({ source: '', verbose: false, namesOnly: false, markdown: true, registry });
    expect(md).toContain('## Field Class: process\n\n');
    expect(md).toContain('Name | Type | Description\n:----|:-----|:-----------\n`proc.name` | CHARBUF | Name of the process.\n');
  });
});
