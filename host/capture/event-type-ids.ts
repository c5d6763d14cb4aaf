// The kernel's syscall map is keyed by batch ABI event type ids: the event type names a rule set
// needs (interestingEventTypes) become ids here. Names the ABI does not carry cannot be captured
// and are returned apart, so the caller can say so; `all` asks for every type the ABI has.
import { EVENT_TYPES, eventTypeByName } from '../engine/event-types.js';

export interface EventTypeSelection {
  ids: number[];
  /** Names no capture program exists for. */
  uncapturable: string[];
}

export function eventTypeIdsFor(types: { all: boolean; names: readonly string[] }): EventTypeSelection {
  if (types.all) return { ids: EVENT_TYPES.map((t) => t.id), uncapturable: [] };
  const ids = new Set<number>();
  const uncapturable: string[] = [];
  for (const name of types.names) {
    const t = eventTypeByName(name);
    if (t) ids.add(t.id);
    else uncapturable.push(name);
  }
  return { ids: [...ids].sort((a, b) => a - b), uncapturable };
}
