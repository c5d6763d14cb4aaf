// Shared by the native suites: whether the real kernel probe can run here, and a helper that
// captures while an action runs and returns every batch decoded (each one validated first).
import { existsSync } from 'node:fs';
import { ADDON_PATH, createCapture, replayCapture, type CaptureOptions, type CaptureStats } from '../../native/capture.js';
import { readBatch, type DecodedBatch, type DecodedEvent, type DecodedProcess } from '../../host/engine/batch-reader.js';

function unavailableReason(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root';
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'the kernel has no BTF (/sys/kernel/btf/vmlinux)';
  if (!existsSync(ADDON_PATH)) return `the addon is not built (${ADDON_PATH}); run npm run build:native`;
  return null;
}

/** The addon alone (no kernel needed): built here? */
export const addonAvailable = existsSync(ADDON_PATH);

export const bpfUnavailable = unavailableReason();
export const bpfAvailable = bpfUnavailable === null;

if (bpfUnavailable !== null) {
  if (process.env.CI === 'true') throw new Error(`CI=true but the BPF capture tests cannot run: ${bpfUnavailable}`);
  process.stderr.write(`[skip] native capture tests: ${bpfUnavailable}\n`);
}

export interface Captured {
  batches: DecodedBatch[];
  raw: Uint8Array[];
  stats: CaptureStats;
}

/** Starts a capture, runs the action, waits `settleMs` for stragglers, stops (draining), decodes. */
export async function captureDuring(
  options: CaptureOptions,
  action: () => Promise<void> | void,
  settleMs = 100,
): Promise<Captured> {
  const cap = createCapture({ flushMs: 10, ...options });
  const raw: Uint8Array[] = [];
  cap.start((b) => raw.push(b));
  try {
    await action();
    if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
  } finally {
    await cap.stop();
  }
  return { batches: raw.map((b) => readBatch(b)), raw, stats: cap.stats() };
}

export interface Found {
  event: DecodedEvent;
  proc: DecodedProcess;
  batch: DecodedBatch;
}

/** Every event of the given type whose process matches. */
export function findEvents(c: Captured, type: string, match: (f: Found) => boolean): Found[] {
  const out: Found[] = [];
  for (const batch of c.batches) {
    for (const event of batch.events) {
      if (event.type !== type || event.proc === null) continue;
      const f = { event, proc: batch.processes[event.proc]!, batch };
      if (match(f)) out.push(f);
    }
  }
  return out;
}

/** Names up the parent chain: [parent, grandparent, ...]. */
export function ancestors(batch: DecodedBatch, proc: DecodedProcess): DecodedProcess[] {
  const out: DecodedProcess[] = [];
  let p = proc.parent;
  while (p !== null && out.length < 64) {
    const rec = batch.processes[p]!;
    out.push(rec);
    p = rec.parent;
  }
  return out;
}

/** True when the event's process descends from this test process (other suites may run at once). */
export function isMine(f: Found): boolean {
  return ancestors(f.batch, f.proc).some((p) => p.pid === process.pid);
}

/**
 * Events with their process, its ancestors and its container record spelled out, so batch
 * boundaries do not matter: a capture and its replay must give equal lists.
 */
export function canonicalEvents(batches: DecodedBatch[]): unknown[] {
  const out: unknown[] = [];
  for (const b of batches) {
    for (const e of b.events) {
      const chain: unknown[] = [];
      let p = e.proc;
      while (p !== null && chain.length < 64) {
        const rec = b.processes[p]!;
        const sessionLeader = rec.sessionLeader === null ? null : b.processes[rec.sessionLeader]!.pid;
        const container = rec.container === null ? null : b.containers[rec.container]!;
        chain.push({ ...rec, parent: undefined, sessionLeader, container });
        p = rec.parent;
      }
      out.push({ ...e, proc: chain });
    }
  }
  return out;
}

/** Every batch a capture file replays to, `batchEvents` events at most per batch. */
export async function replayAll(path: string, batchEvents = 4096): Promise<Uint8Array[]> {
  const raw: Uint8Array[] = [];
  await replayCapture(path, (b) => raw.push(b), { batchEvents });
  return raw;
}
