// engine-as/abi_generated.ts must be exactly what host/engine/abi-codegen.ts renders from the TS tables.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ABI_GENERATED_PATH, renderAbiModule } from '../../host/engine/abi-codegen.js';
import { EVENT_TYPES } from '../../host/engine/event-types.js';
import { REPO_ROOT } from './as-harness.js';

describe('generated AssemblyScript ABI module', () => {
  it('matches the TypeScript layout and event type tables', () => {
    const path = join(REPO_ROOT, ABI_GENERATED_PATH);
    const expected = renderAbiModule();
    if (process.env.UPDATE_GENERATED === '1') writeFileSync(path, expected);
    expect(readFileSync(path, 'utf8')).toBe(expected);
  });

  it('declares every event type id exactly once', () => {
    const text = renderAbiModule();
    for (const t of EVENT_TYPES) {
      expect(text).toContain(`export const EVT_TYPE_${t.name.toUpperCase()}: u16 = ${t.id};`);
    }
  });
});
