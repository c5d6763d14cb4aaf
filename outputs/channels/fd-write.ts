// Writes a whole buffer to a file descriptor from libuv's thread pool, so a blocked reader
// (a full pipe on stdout) stalls that thread, not the event loop.
import { write } from 'node:fs';

function writeOnce(fd: number, buf: Buffer, offset: number): Promise<number> {
  return new Promise((resolve, reject) => {
    write(fd, buf, offset, buf.length - offset, null, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

export async function writeAll(fd: number, buf: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buf.length) {
    try {
      offset += await writeOnce(fd, buf, offset);
    } catch (e) {
      // A non-blocking descriptor (stdout shared with Node's own stream) reports EAGAIN when full.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
