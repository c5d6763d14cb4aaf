// libs' event-code corpus (../shared/conformance/ppm_codes_cases.json): the evt.type values a
// condition can match.
import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../host/condition/parser.js';
import { inferEventTypes, isAllEvents, isNoEvents, sortedNames, type EventTypeSet } from '../../host/compile/evttypes.js';
import { SYSCALL_EVENT_TYPES } from '../../host/events/event_types.js';
import { readSharedJson, sharedAvailable } from '../support/shared.js';

interface PpmCase {
  test: string;
  filter: string;
  expected_set_expr: 'openat_only' | 'not_openat' | 'openat_close_only' | 'not_openat_close' | 'no_events' | 'all_events';
}

function describeSet(set: EventTypeSet): string {
  if (isAllEvents(set)) return 'all_events';
  if (isNoEvents(set)) return 'no_events';
  const names = sortedNames(set);
  if (names.join() === 'openat') return 'openat_only';
  if (names.join() === 'close,openat') return 'openat_close_only';
  const missing = [...SYSCALL_EVENT_TYPES].filter((n) => !set.names.has(n)).sort();
  if (missing.join() === 'openat') return 'not_openat';
  if (missing.join() === 'close,openat') return 'not_openat_close';
  return `other: ${names.slice(0, 10).join(',')}`;
}

describe.skipIf(!sharedAvailable)('libs event-code corpus', () => {
  const cases = sharedAvailable ? readSharedJson<PpmCase[]>('conformance', 'ppm_codes_cases.json') : [];

  it('has all 87 cases', () => {
    expect(cases.length).toBe(87);
  });

  for (const [i, c] of cases.entries()) {
    it(`${i} ${c.filter} -> ${c.expected_set_expr}`, () => {
      expect(describeSet(inferEventTypes(parseCondition(c.filter)))).toBe(c.expected_set_expr);
    });
  }
});
