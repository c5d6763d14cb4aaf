// getopt((args...), "optstring")[c] (libs' multivalue transformer): getopt(3) scanning of the list
// items; with a selector the last value of that option (missing when absent), without one the
// list of options, arguments, `?` for unknown options and "" for a missing argument.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CompiledEngine } from '../../host/engine/engine-api.js';
import { openat, tree } from './engine/events.js';
import { engineFor, matchNames, rulesYaml } from './engine/support.js';

const { cat } = tree();

const CASES: Record<string, string> = {
  sel_next_item: 'getopt(("-t", fd.name), "nt:")[t] = /etc/passwd',
  sel_attached: 'getopt(("-nt/etc/passwd", fd.name), "nt:")[t] = /etc/passwd',
  sel_flag: 'getopt(("-n", fd.name), "nt:")[n] = n',
  sel_absent_exists: 'getopt(("-n", fd.name), "nt:")[t] exists',
  sel_absent_ne: 'getopt(("-n", fd.name), "nt:")[t] != x',
  sel_stops_at_operand: 'getopt((fd.name, "-t", "x"), "nt:")[t] exists',
  sel_stops_at_dashdash: 'getopt(("--", "-t", fd.name), "nt:")[t] exists',
  sel_skips_long: 'getopt(("--exec", "-t", fd.name), "nt:")[t] = /etc/passwd',
  sel_last_wins: 'getopt(("-t", "a", "-t", fd.name), "t:")[t] = /etc/passwd',
  sel_missing_arg_empty: 'getopt(("-n", "-t"), "nt:")[t] = ""',
  sel_colon_lead: 'getopt(("-t", fd.name), ":t:")[t] = /etc/passwd',
  sel_arg_consumed: 'getopt(("-t", "-n"), "nt:")[n] exists',
  list_has_unknown: 'getopt(("-nx", "-t", fd.name), "nt:") intersects ("?")',
  list_has_option: 'getopt(("-nx", "-t", fd.name), "nt:") intersects (t)',
  list_has_value: 'getopt(("-nx", "-t", fd.name), "nt:") intersects (/etc/passwd)',
  list_value_is_not_option: 'getopt(("-n", fd.name), "nt:") intersects (/etc/passwd)',
  list_missing_arg: 'getopt(("-t", "-n"), "nt:") intersects (n)',
  list_missing_arg_empty: 'getopt(("-n", "-t"), "nt:") intersects ("")',
  list_in_every: 'getopt(("-n", "-t", fd.name), "nt:") in (n, t, /etc/passwd)',
  list_in_not_every: 'getopt(("-n", "-t", fd.name), "nt:") in (t, /etc/passwd)',
  list_exists: 'getopt((fd.name, "-n"), "nt:") exists',
  sel_len: 'len(getopt(("-t", fd.name), "nt:")[t]) = 11',
};

describe('getopt transformer', () => {
  let engine: CompiledEngine;
  beforeAll(async () => {
    engine = await engineFor(rulesYaml(CASES), 'all', true);
  });

  it('scans the items like getopt(3), as libs does', () => {
    const got = new Set(matchNames(engine, [openat(cat, '/etc/passwd')])[0]);
    const want = new Set([
      'sel_next_item', 'sel_attached', 'sel_flag', 'sel_skips_long', 'sel_last_wins', 'sel_missing_arg_empty',
      'sel_colon_lead', 'list_has_unknown', 'list_has_option', 'list_has_value', 'list_missing_arg_empty', 'list_in_every',
      'list_exists', 'sel_len',
    ]);
    expect([...got].sort()).toEqual([...want].sort());
  });

  it('reads the list items per event', () => {
    const got = matchNames(engine, [openat(cat, '/tmp/x')])[0]!;
    expect(got).not.toContain('sel_next_item');
    expect(got).not.toContain('list_in_every');
    expect(got).toContain('sel_attached');
  });
});
