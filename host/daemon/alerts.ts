// Matches of one batch -> the alerts delivery takes: the event's time from the batch, the rule's
// name, priority, source and tags, the output with its fields substituted and the typed fields.
import type { CompiledEngine, Match } from '../engine/engine-api.js';
import { EVENT, HEADER, TABLE_COUNT, TABLE_OFFSET, TABLE_RECORD_SIZE } from '../engine/batch-layout.js';
import type { Alert } from '../../outputs/alert.js';

/** The `ts` of event `index` of a batch (ns since the epoch). */
export function eventTimeNs(batch: Uint8Array, index: number): bigint {
  const dv = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  const table = dv.getUint32(HEADER.events + TABLE_OFFSET, true);
  const recordSize = dv.getUint32(HEADER.events + TABLE_RECORD_SIZE, true);
  return dv.getBigUint64(table + index * recordSize + EVENT.ts, true);
}

export function batchEventCount(batch: Uint8Array): number {
  return new DataView(batch.buffer, batch.byteOffset, batch.byteLength).getUint32(HEADER.events + TABLE_COUNT, true);
}

/** The `ts` of the last event of a batch; undefined for a batch without events. */
export function lastEventTimeNs(batch: Uint8Array): bigint | undefined {
  const count = batchEventCount(batch);
  return count === 0 ? undefined : eventTimeNs(batch, count - 1);
}

export function alertFor(engine: CompiledEngine, batch: Uint8Array, match: Match, hostname: string): Alert {
  const rule = engine.ruleset.rules[match.rule];
  if (rule === undefined) throw new Error(`match for rule ${match.rule}, which is not in the rule set`);
  return {
    timeNs: eventTimeNs(batch, match.event),
    rule: rule.name,
    priority: rule.priority,
    source: rule.source,
    output: engine.formatOutput(batch, match),
    outputFields: engine.outputFields(batch, match),
    tags: rule.tags,
    hostname,
  };
}
