// GET a JSON document from an HTTP server on a unix socket (the Docker Engine API), with a timeout.
import { http } from '../node-http.js';

export interface JsonResponse {
  status: number;
  body: unknown;
}

export function getJsonOverUnixSocket(socketPath: string, path: string, timeoutMs: number): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path, method: 'GET', headers: { host: 'localhost', accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = null;
        if (text.length > 0) {
          try {
            body = JSON.parse(text);
          } catch {
            reject(new Error(`${socketPath} ${path}: answer is not JSON (HTTP ${res.statusCode ?? 0})`));
            return;
          }
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${socketPath} ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export interface JsonStream {
  close(): void;
}

/** GET a stream of JSON documents (one per line, as the Docker /events endpoint sends them). `onEnd`
 * runs once, when the stream ends, fails or answers with an HTTP error (not after close()). */
export function streamJsonOverUnixSocket(
  socketPath: string,
  path: string,
  onObject: (value: unknown) => void,
  onEnd: (error: Error | null) => void,
): JsonStream {
  let closed = false;
  let ended = false;
  const finish = (error: Error | null): void => {
    if (closed || ended) return;
    ended = true;
    onEnd(error);
  };
  const req = http.request({ socketPath, path, method: 'GET', headers: { host: 'localhost', accept: 'application/json' } }, (res) => {
    if (res.statusCode !== 200) {
      res.resume();
      finish(new Error(`${socketPath} ${path}: HTTP ${res.statusCode ?? 0}`));
      return;
    }
    let pending = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line === '') continue;
        try {
          onObject(JSON.parse(line));
        } catch {
          // A line that is not JSON is skipped; the stream goes on.
        }
      }
    });
    res.on('error', (e) => finish(e));
    res.on('end', () => finish(null));
  });
  req.on('error', (e) => finish(e));
  req.end();
  return {
    close(): void {
      closed = true;
      req.destroy();
    },
  };
}
