import { describe, expect, it } from 'vitest';
import { OptionsError, parseOptions, usage } from '../../host/cli/options.js';

describe('parseOptions (cxxopts rules, Falco 0.44 table)', () => {
  it('reads repeatable -r, -o and -V in order', () => {
    const o = parseOptions(['-r', 'a.yaml', '-rb.yaml', '-o', 'json_output=true', '--option=priority=error', '-V', 'x.yaml', '--validate', 'y.yaml']);
    expect(o.rulesFiles).toEqual(['a.yaml', 'b.yaml']);
    expect(o.configOverrides).toEqual(['json_output=true', 'priority=error']);
    expect(o.validateFiles).toEqual(['x.yaml', 'y.yaml']);
  });

  it('keeps commas inside one -o value (no vector delimiter)', () => {
    expect(parseOptions(['-o', 'a=1,2,3']).configOverrides).toEqual(['a=1,2,3']);
  });

  it('groups short flags and takes the rest of the group as a value', () => {
    const o = parseOptions(['-LUc/tmp/c.yaml']);
    expect(o.describeAllRules).toBe(true);
    expect(o.unbuffered).toBe(true);
    expect(o.configFile).toBe('/tmp/c.yaml');
  });

  it('--list takes its source only with =, like cxxopts implicit values', () => {
    expect(parseOptions(['--list'])).toMatchObject({ listFields: true, listSource: '' });
    expect(parseOptions(['--list=syscall'])).toMatchObject({ listFields: true, listSource: 'syscall' });
    const spaced = parseOptions(['--list', 'syscall']);
    expect(spaced).toMatchObject({ listFields: true, listSource: '' });
    expect(spaced.positional).toEqual(['syscall']);
  });

  it('accepts --flag=false for booleans and rejects junk', () => {
    expect(parseOptions(['--dry-run=false']).dryRun).toBe(false);
    expect(parseOptions(['--dry-run']).dryRun).toBe(true);
    expect(() => parseOptions(['--dry-run=maybe'])).toThrow('Argument \u2018maybe\u2019 failed to parse');
  });

  it('parses -M as an integer', () => {
    expect(parseOptions(['-M', '5']).durationSeconds).toBe(5);
    expect(() => parseOptions(['-M', 'soon'])).toThrow('Argument \u2018soon\u2019 failed to parse');
  });

  it('words unknown and incomplete options as cxxopts does', () => {
    expect(() => parseOptions(['--frobnicate'])).toThrow(new OptionsError('Option \u2018frobnicate\u2019 does not exist'));
    expect(() => parseOptions(['-Z'])).toThrow('Option \u2018Z\u2019 does not exist');
    expect(() => parseOptions(['-c'])).toThrow('Option \u2018c\u2019 is missing an argument');
    expect(() => parseOptions(['-l'])).toThrow('Option \u2018l\u2019 is missing an argument');
  });

  it('treats everything after -- as positional', () => {
    expect(parseOptions(['--', '-L']).describeAllRules).toBe(false);
  });

  it('lists every Falco 0.44 flag in the help page', () => {
    const text = usage();
    for (const flag of ['-c', '--dry-run', '-L', '-l', '--list', '-M', '-o, --option', '-P, --pidfile', '-r', '--support', '-U, --unbuffered', '-V, --validate', '--version', '-h, --help']) {
      expect(text).toContain(flag);
    }
  });
});
