// `engine.kind: replay` for Saker's own recordings: `engine.replay.capture_file` holding batches
// (ABI v1) back to back, as the capture module writes them. Each batch is validated before it is
// handed on; the source ends at the end of the file, and the daemon then drains and exits 0, as
// Falco does at the end of a capture file. Falco's .scap files are not readable yet.
import { open } from 'node:fs/promises';
import { BATCH_MAGIC, HEADER } from '../engine/batch-layout.js';
import { validateBatch } from '../engine/batch-validate.js';

export class ReplayFileError extends Error {}

export async function* batchFileSource(path: string): AsyncGenerator<Uint8Array> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (e) {
    throw new ReplayFileError(`engine.replay.capture_file: cannot open ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const head = Buffer.alloc(HEADER.size);
    let offset = 0;
    for (;;) {
      const { bytesRead } = await file.read(head, 0, HEADER.size, offset);
      if (bytesRead === 0) return;
      if (bytesRead < 12 || head.readUInt32LE(HEADER.magic) !== BATCH_MAGIC) {
        throw new ReplayFileError(
          offset === 0
            ? `engine.replay.capture_file: ${path} is not a Saker batch recording (.scap files are not supported yet)`
            : `engine.replay.capture_file: ${path}: truncated or corrupt batch at byte ${offset}`,
        );
      }
      const length = head.readUInt32LE(HEADER.totalLength);
      const batch = new Uint8Array(length);
      const got = (await file.read(batch, 0, length, offset)).bytesRead;
      if (got !== length) throw new ReplayFileError(`engine.replay.capture_file: ${path}: truncated batch at byte ${offset}`);
      try {
        validateBatch(batch);
      } catch (e) {
        throw new ReplayFileError(`engine.replay.capture_file: ${path}: bad batch at byte ${offset}: ${e instanceof Error ? e.message : String(e)}`);
      }
      offset += length;
      yield batch;
    }
  } finally {
    await file.close();
  }
}
