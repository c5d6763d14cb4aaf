// `engine.kind: replay` on a capture file (`saker capture -w`): the addon feeds the recorded
// records through the same decode, state and batch code as the live capture. The file's first
// bytes decide: a capture file goes here, a Saker batch recording to daemon/replay-source.ts.
import { closeSync, openSync, readSync } from 'node:fs';
import { replayCapture } from '../../native/capture.js';
import { batchEventCount } from '../daemon/alerts.js';
import { ZERO_STATS } from '../daemon/event-drops.js';
import { BatchQueue } from './batch-queue.js';
import type { EventSource } from './event-source.js';

const CAPTURE_FILE_MAGIC = Buffer.from('SAKRCAP\0', 'latin1');

/** True when the file starts with the capture file magic (false when unreadable or shorter). */
export function isCaptureFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(CAPTURE_FILE_MAGIC.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(CAPTURE_FILE_MAGIC);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export class CaptureReplayError extends Error {}

/** Replays a capture file; the batches end after its last event, or fail with the offending offset. */
export function openCaptureReplay(path: string): EventSource {
  const queue = new BatchQueue({ releaseAfterUse: true });
  let events = 0;
  void replayCapture(path, (b) => queue.push(b)).then(
    () => queue.end(),
    (e: unknown) => queue.fail(new CaptureReplayError(`engine.replay.capture_file: ${path}: ${e instanceof Error ? e.message : String(e)}`)),
  );
  return {
    batches: {
      async *[Symbol.asyncIterator]() {
        for await (const b of queue) {
          events += batchEventCount(b);
          yield b;
        }
      },
    },
    // A file has no drops; its event count is what was replayed so far.
    stats: () => ({ ...ZERO_STATS, n_evts: events }),
    setEventTypes: () => undefined,
    setOpenFilter: () => undefined, // a file holds what was recorded
    // A signal ends the replay where it is; what the addon still produces is dropped.
    stop: () => {
      queue.end();
      return Promise.resolve();
    },
  };
}
