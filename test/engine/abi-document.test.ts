// engine-as/BATCH_ABI.md must stay in step with the code and cover every field the upstream rules use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderEventTypeTable } from '../../host/engine/abi-codegen.js';
import { CONTAINER, EVENT, HEADER, MOUNT, PROCESS } from '../../host/engine/batch-layout.js';
import { eventTypeByName } from '../../host/engine/event-types.js';
import { readSharedJson, sharedAvailable, UPSTREAM_RULES_FILES } from '../support/shared.js';
import { REPO_ROOT } from './as-harness.js';

const doc = readFileSync(join(REPO_ROOT, 'engine-as', 'BATCH_ABI.md'), 'utf8');

describe('BATCH_ABI.md', () => {
  it('contains the event type table generated from event-types.ts', () => {
    expect(doc).toContain(renderEventTypeTable());
  });

  it('states the record sizes of batch-layout.ts', () => {
    expect(doc).toContain(`## Header (${HEADER.size} bytes, at offset 0)`);
    expect(doc).toContain(`## Event record (${EVENT.size} bytes)`);
    expect(doc).toContain(`## Process record (${PROCESS.size} bytes)`);
    expect(doc).toContain(`## Container record (${CONTAINER.size} bytes) and mount record (${MOUNT.size} bytes)`);
  });
});

interface AnalysisField {
  field: string;
  base: string;
}
interface Analysis {
  fields: AnalysisField[];
  evt_type_values: Record<string, number> | string[];
}

describe.skipIf(!sharedAvailable)('BATCH_ABI.md against the upstream rules', () => {
  const analysis = readSharedJson<Record<string, Analysis>>('reference', 'upstream-rules-analysis.json');

  it('maps every field the upstream rules use', () => {
    const bases = new Set(UPSTREAM_RULES_FILES.flatMap((f) => analysis[f]!.fields.map((x) => x.base)));
    expect(bases.size).toBeGreaterThan(80);
    const missing = [...bases].filter((b) => !doc.includes(`| \`${b}\` |`));
    expect(missing).toEqual([]);
  });

  it('has an event type id for every evt.type value the upstream rules use', () => {
    const names = new Set(UPSTREAM_RULES_FILES.flatMap((f) => {
      const v = analysis[f]!.evt_type_values;
      return Array.isArray(v) ? v : Object.keys(v);
    }));
    expect(names.size).toBe(41);
    const missing = [...names].filter((n) => !eventTypeByName(n)?.usedByUpstreamRules);
    expect(missing).toEqual([]);
  });
});
