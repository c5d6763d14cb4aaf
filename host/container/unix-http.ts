// GET a JSON document from an HTTP server on a unix socket (the Docker Engine API), with a timeout.
import { request } from 'node:http';

export interface JsonResponse {
  status: number;
  body: unknown;
}

export function getJsonOverUnixSocket(socketPath: string, path: string, timeoutMs: number): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', headers: { host: 'localhost', accept: 'application/json' } }, (res) => {
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
