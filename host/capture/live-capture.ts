// `engine.kind: modern_ebpf`: the capture addon on the running kernel. The probe is loaded and
// attached here, before the daemon's outputs start, so a host without BPF fails at start. The
// kernel's syscall set follows the rules (setEventTypes flips the map, no re-attach); stop()
// detaches, drains the rings and ends the batches after the last one.
import { existsSync } from 'node:fs';
import { ADDON_PATH, createCapture, loadCaptureAddon, type Capture, type CaptureOptions } from '../../native/capture.js';
import { setupContainerMetadata, type ContainerMetadataSetup } from '../container/container-metadata.js';
import { BatchQueue } from './batch-queue.js';
import { CaptureStartError, type EventSource } from './event-source.js';
import { eventTypeIdsFor } from './event-type-ids.js';
import { scapStatsOf } from './scap-stats.js';

export interface LiveCaptureOptions {
  types: { all: boolean; names: string[] };
  cpusPerRing?: number;
  ringBytes?: number;
  /** Also record the decoded stream to this capture file (`saker capture -w`). */
  captureFile?: string;
  /** Told about event types no capture program exists for. */
  warn?: (message: string) => void;
  /** A capture prepareLiveCapture() began loading with the same ring settings (used instead of a new one). */
  prepared?: PreparedCapture;
}

/** A probe being loaded in the background (see prepareLiveCapture). */
export interface PreparedCapture {
  /** Hands the capture over (openLiveCapture); discard() then leaves it to its new owner. */
  take(): Capture;
  /** Closes the probe unless it was taken. */
  discard(): Promise<void>;
}

/** The ring settings as capture options. */
function ringOptions(opts: { cpusPerRing?: number; ringBytes?: number }, eventTypes: number[]): CaptureOptions {
  const options: CaptureOptions = { eventTypes };
  if (opts.cpusPerRing !== undefined) options.cpusPerRing = opts.cpusPerRing;
  if (opts.ringBytes !== undefined) options.ringBytes = opts.ringBytes;
  return options;
}

/**
 * Starts loading the probe (BPF verification; nothing is attached yet) on a thread of the addon,
 * before the rules are loaded: the two overlap. Undefined when the probe cannot run here;
 * openLiveCapture then reports why, as without preparation.
 */
export function prepareLiveCapture(opts: { cpusPerRing?: number; ringBytes?: number }): PreparedCapture | undefined {
  if (bpfUnavailableReason() !== undefined) return undefined;
  try {
    const capture = createCapture(ringOptions(opts, []));
    capture.prepare();
    let taken = false;
    return {
      take: () => {
        taken = true;
        return capture;
      },
      discard: () => (taken ? Promise.resolve() : capture.stop()),
    };
  } catch {
    return undefined;
  }
}

/** Why the probe cannot be loaded on this host, checked before trying (clearer than libbpf's errno). */
export function bpfUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'the modern BPF probe needs Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'the modern BPF probe needs root (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN)';
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'the kernel exposes no BTF (/sys/kernel/btf/vmlinux is missing)';
  if (!existsSync(ADDON_PATH)) return `the capture addon is not built (${ADDON_PATH} is missing; run npm run build:native)`;
  return undefined;
}

export function openLiveCapture(opts: LiveCaptureOptions): EventSource {
  const reason = bpfUnavailableReason();
  if (reason !== undefined) throw new CaptureStartError(reason);
  const idsOf = (types: { all: boolean; names: string[] }): number[] => {
    const sel = eventTypeIdsFor(types);
    if (sel.uncapturable.length > 0) opts.warn?.(`Event types without a capture program, not captured: ${sel.uncapturable.join(', ')}`);
    return sel.ids;
  };
  const options = ringOptions(opts, idsOf(opts.types));
  if (opts.captureFile !== undefined) options.captureFile = opts.captureFile;
  const queue = new BatchQueue({ releaseAfterUse: true });
  let cap: Capture;
  // Container metadata arrives asynchronously from the runtime's API; batches never wait for it
  // (a container's fields read as missing until its lookup lands, as with Falco's plugin).
  let containers: ContainerMetadataSetup | undefined;
  try {
    if (opts.prepared !== undefined) {
      cap = opts.prepared.take();
      cap.setEventTypes(options.eventTypes!);
    } else {
      cap = createCapture(options);
    }
    containers = setupContainerMetadata(loadCaptureAddon(), opts.warn ? { warn: opts.warn } : {});
    const { service } = containers;
    service.watch();
    void service.preload();
    cap.start((b) => {
      service.observeBatch(b);
      queue.push(b);
    });
  } catch (e) {
    containers?.service.close();
    throw new CaptureStartError(e instanceof Error ? e.message : String(e));
  }
  let lastTypes = JSON.stringify(options.eventTypes);
  let stopping: Promise<void> | undefined;
  return {
    batches: queue,
    stats: () => scapStatsOf(cap.stats()),
    setOpenFilter: (filter) => {
      if (stopping || opts.captureFile !== undefined) return; // a recording keeps every open
      cap.setOpenFilter(filter);
    },
    setEventTypes: (types) => {
      const ids = idsOf(types);
      const key = JSON.stringify(ids);
      if (key === lastTypes || stopping) return;
      lastTypes = key;
      cap.setEventTypes(ids);
    },
    stop: () => {
      containers?.service.close();
      stopping ??= cap.stop().then(
        () => queue.end(),
        (e: unknown) => queue.fail(e),
      );
      return stopping;
    },
  };
}
