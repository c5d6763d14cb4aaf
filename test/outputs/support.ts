// Shared helpers for the outputs suites: alerts with fixed content and a channel that records.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert, PriorityName } from '../../outputs/alert.js';
import type { Channel } from '../../outputs/channel.js';

export const T0 = 1_700_000_000_123_456_789n; // 2023-11-14T22:13:20.123456789Z

export function makeAlert(n: number, priority: PriorityName = 'Warning', extra: Partial<Alert> = {}): Alert {
  return {
    timeNs: T0 + BigInt(n),
    rule: 'Test rule',
    priority,
    source: 'syscall',
    output: `alert number ${n}`,
    outputFields: { 'proc.pid': n },
    tags: ['test'],
    hostname: 'host-a',
    ...extra,
  };
}

export function tempDir(prefix = 'saker-outputs-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A channel that records what it was given and when; `behaviour` may throw or stall. */
export class RecordingChannel implements Channel {
  readonly delivered: { alert: Alert; at: number }[] = [];
  calls = 0;
  started = false;
  stopped = false;
  reopened = 0;

  constructor(
    readonly name: string,
    readonly maxBatch = 1,
    private readonly behaviour: (alerts: Alert[], call: number) => Promise<void> | void = () => undefined,
  ) {}

  async start(): Promise<void> {
    this.started = true;
  }

  async deliver(alerts: Alert[]): Promise<void> {
    this.calls++;
    await this.behaviour(alerts, this.calls);
    const at = performance.now();
    for (const alert of alerts) this.delivered.push({ alert, at });
  }

  async reopen(): Promise<void> {
    this.reopened++;
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` until it holds or `ms` pass. */
export async function waitFor(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
