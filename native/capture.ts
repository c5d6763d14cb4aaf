// Loads the capture addon (native/build/Release/saker_capture.node, built by `npm run build:native`)
// and gives it types. The addon writes batch ABI v1 (engine-as/BATCH_ABI.md).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ContainerInfoInput } from './container-info.js';

export interface CaptureOptions {
  /** Batch ABI event type ids to capture; the state types (exec, open, close, ...) are always added. */
  eventTypes?: number[];
  /** CPUs sharing one ring buffer (default 2). */
  cpusPerRing?: number;
  /** Bytes per ring buffer, a power of two (default 8 MiB). */
  ringBytes?: number;
  /** The kernel wakes the consumer only once this much data is pending (default 256 KiB). */
  wakeupBytes?: number;
  /** A batch is handed over when it holds this many events (default 4096) ... */
  batchEvents?: number;
  /** ... or when its first event is this old (default 20 ms). */
  flushMs?: number;
  /** Also record everything decoded into this capture file (format: native/capture_file.h). */
  captureFile?: string;
}

/** The in-kernel open prefilter (native/README.md): successful opens that no rule can need, and the
 * closes of the fds they returned, never reach the ring. */
export interface OpenFilter {
  /** Batch ABI event type ids (open, openat, openat2, creat) whose successful opens with read-only access (flags & O_ACCMODE == O_RDONLY) may be dropped. */
  dropRead: number[];
  /** Same, for opens with write access (O_WRONLY or O_RDWR, and creat). */
  dropWrite: number[];
  /** An open whose path starts with one of these (absolute, normalized) passes. */
  prefixes: string[];
  /** An open whose path equals one of these passes. */
  exact: string[];
}

export interface CaptureStats {
  running: boolean;
  kernelEvents?: number;
  dropsRingFull?: number;
  dropsRead?: number;
  records?: number;
  events?: number;
  batches?: number;
  threads?: number;
  /** Entries in the fd tables (refreshed once a second). */
  fds?: number;
  unknownRecords?: number;
  /** Opens the open prefilter dropped (not counted as events or drops). */
  filteredOpens?: number;
  /** Closes of the fds those opens returned, dropped too. */
  filteredCloses?: number;
  /** Dropped opens replayed into the fd table because a later event used their fd (no event). */
  lateOpens?: number;
  /** Threads read from /proc because their fork was not seen first. */
  procScans?: number;
}

export interface Capture {
  /** Starts loading the probe (BPF verification) on a thread of its own; start() waits for it (and throws its error). */
  prepare(): void;
  /** Loads and attaches the probe, then calls onBatch with each batch (external memory, not copied). */
  start(onBatch: (batch: Uint8Array) => void): void;
  setEventTypes(ids: number[]): void;
  /**
   * Sets the in-kernel open prefilter: before start() (also after prepare()) and while running;
   * null (the default) drops nothing. Throws for an id that is not an open-family type, or a key
   * that is not absolute or is longer than 255 bytes.
   */
  setOpenFilter(filter: OpenFilter | null): void;
  stats(): CaptureStats;
  /** Detaches, drains what the rings hold, delivers the last batch, then resolves. */
  stop(): Promise<void>;
}

interface AddonModule {
  Capture: new (options?: CaptureOptions) => Capture;
  /** Batch ABI version the addon writes. */
  abiVersion: number;
  /** container.id for a cgroup path or leaf name: 12 hex characters, or "host". */
  containerIdFromCgroup(path: string): string;
  /** Feeds a capture file through the same decode/state/batch code; rejects with the byte offset of a
   * truncated or corrupt part. */
  replayCapture(path: string, onBatch: (batch: Uint8Array) => void, options?: { batchEvents?: number }): Promise<void>;
  /** Container metadata for a container.id (null forgets it); see container-info.ts. */
  setContainerInfo(id: string, info: ContainerInfoInput | null): void;
  /** Entries in the addon's container table. */
  containerInfoCount(): number;
  /** malloc_trim(0): gives the C library's free pages back to the kernel; true when some were. */
  trimNativeHeap(): boolean;
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = resolve(dir, '..');
    if (up === dir) throw new Error('capture: cannot find the package root');
    dir = up;
  }
  return dir;
}

export const ADDON_PATH = join(repoRoot(), 'native', 'build', 'Release', 'saker_capture.node');

let cached: AddonModule | undefined;

/** The addon, or an Error saying why it cannot be used (not built, not loadable). */
export function loadCaptureAddon(): AddonModule {
  if (cached) return cached;
  if (!existsSync(ADDON_PATH)) throw new Error(`capture addon not built: ${ADDON_PATH} is missing (run npm run build:native)`);
  cached = createRequire(import.meta.url)(ADDON_PATH) as AddonModule;
  return cached;
}

/** Replays a capture file; resolves after the last batch was delivered. */
export function replayCapture(path: string, onBatch: (batch: Uint8Array) => void, options: { batchEvents?: number } = {}): Promise<void> {
  return loadCaptureAddon().replayCapture(path, onBatch, options);
}

/** malloc_trim(0) through the addon; false when the addon is not built or released nothing. */
export function trimNativeHeap(): boolean {
  try {
    return loadCaptureAddon().trimNativeHeap();
  } catch {
    return false;
  }
}

export function createCapture(options: CaptureOptions = {}): Capture {
  return new (loadCaptureAddon().Capture)(options);
}
