// What the daemon reads events from: batches (batch ABI v1) as an async iterable, the capture's
// counters, the kernel's syscall set, and a stop that drains (the batches end once everything the
// capture still held has been delivered).
import type { ScapStats } from '../daemon/event-drops.js';
import type { OpenFilter } from './open-prefilter.js';

export interface EventSource {
  batches: AsyncIterable<Uint8Array>;
  stats(): ScapStats;
  /** The event types the running rules need (at start and after each applied reload). */
  setEventTypes(types: { all: boolean; names: string[] }): void;
  /** The opens the running rules can never see, which the kernel may drop (null: none). */
  setOpenFilter(filter: OpenFilter | null): void;
  /** Stops producing; resolves when the last batch was queued (the iterable then ends). */
  stop(): Promise<void>;
}

/** The capture cannot run here (no BPF, not root, addon missing, probe refused). */
export class CaptureStartError extends Error {}
