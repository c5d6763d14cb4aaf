// native/event_ids.h must give every event type the id host/engine/event-types.ts gives it.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { EVENT_TYPES } from '../../host/engine/event-types.js';

const header = readFileSync(new URL('../../native/event_ids.h', import.meta.url), 'utf8');

describe('native/event_ids.h', () => {
  test('SAKER_EVT_* ids equal the batch ABI ids', () => {
    const defs = new Map<string, number>();
    for (const m of header.matchAll(/^#define SAKER_EVT_(\w+) (\d+)$/gm)) defs.set(m[1]!, Number(m[2]));
    expect(defs.size).toBe(EVENT_TYPES.length);
    for (const t of EVENT_TYPES) expect(defs.get(t.name.toUpperCase()), t.name).toBe(t.id);
  });

  test('SAKER_EVENT_LIST names every type once, with its id', () => {
    const list = [...header.matchAll(/X\((\d+), (\w+)\)/g)].map((m) => [Number(m[1]), m[2]]);
    expect(list).toEqual(EVENT_TYPES.map((t) => [t.id, t.name]));
  });

  test('internal record types stay out of the ABI id range', () => {
    const fork = Number(/#define SAKER_REC_FORK (\d+)/.exec(header)![1]);
    expect(fork).toBeGreaterThan(EVENT_TYPES.length);
  });
});
