// http_output: one POST per alert with the formatted line as the body, which is what
// falcosidekick and event-generator read: `Content-Type: application/json` when json_output is
// on, `text/plain` otherwise, `User-Agent` from the config. Falco's keys as libcurl applies them:
// - insecure: no peer or host verification;
// - ca_cert, else ca_bundle (a PEM file), else ca_path (a directory of PEM certificates);
// - mtls: client_cert and client_key;
// - compress_uploads: libcurl's TRANSFER_ENCODING, i.e. the request asks for a compressed
//   response (`TE: gzip`); the body itself is sent as is;
// - keep_alive: TCP keepalive probes on the (always reused) connection.
// Unlike Falco, the status code counts: 2xx delivered; 408, 429 and 5xx retried; other codes are
// permanent failures.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type * as HttpTypes from 'node:http';
import type * as HttpsTypes from 'node:https';
import { join } from 'node:path';
import { http, https, tls } from '../../host/node-http.js';
import type { Alert } from '../alert.js';
import { DeliveryError, type Channel } from '../channel.js';

export interface HttpChannelOptions {
  url: string;
  format: (alert: Alert) => string;
  /** Content type follows `json_output`. */
  jsonOutput: boolean;
  userAgent?: string;
  insecure?: boolean;
  caCert?: string;
  caBundle?: string;
  caPath?: string;
  mtls?: boolean;
  clientCert?: string;
  clientKey?: string;
  compressUploads?: boolean;
  keepAlive?: boolean;
  /** `http_output.echo`: print the server's answers. */
  echo?: boolean;
  echoTo?: (text: string) => void;
  /** A request with no answer after this long is abandoned and retried. Default 10 s. */
  timeoutMs?: number;
}

/** Falco accepts the URL wrapped in single or double quotes and unescapes it. */
export function unquoteUrl(url: string): string {
  if (url.length >= 2 && ((url[0] === '"' && url.at(-1) === '"') || (url[0] === "'" && url.at(-1) === "'"))) {
    return url.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return url;
}

/** PEM certificates from a CA directory: every regular file that holds one. */
function readCaDirectory(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    try {
      if (!statSync(p).isFile()) continue;
      const text = readFileSync(p, 'utf8');
      if (text.includes('-----BEGIN CERTIFICATE-----')) out.push(text);
    } catch {
      // unreadable entries are skipped, as OpenSSL's hashed-directory lookup would
    }
  }
  return out;
}

export class HttpChannel implements Channel {
  readonly name = 'http_output';
  readonly maxBatch = 1;
  private url!: URL;
  private agent!: HttpTypes.Agent;
  private tls: Pick<HttpsTypes.AgentOptions, 'rejectUnauthorized' | 'checkServerIdentity' | 'ca' | 'cert' | 'key'> = {};

  constructor(private readonly options: HttpChannelOptions) {}

  async start(): Promise<void> {
    const o = this.options;
    this.url = new URL(unquoteUrl(o.url));
    if (this.url.protocol === 'https:') {
      this.tls = { rejectUnauthorized: !o.insecure };
      if (o.insecure) this.tls.checkServerIdentity = () => undefined;
      if (o.caCert) this.tls.ca = readFileSync(o.caCert, 'utf8');
      else if (o.caBundle) this.tls.ca = readFileSync(o.caBundle, 'utf8');
      else if (o.caPath && statSync(o.caPath, { throwIfNoEntry: false })?.isDirectory()) {
        this.tls.ca = [...tls().rootCertificates, ...readCaDirectory(o.caPath)];
      }
      if (o.mtls) {
        if (o.clientCert) this.tls.cert = readFileSync(o.clientCert, 'utf8');
        if (o.clientKey) this.tls.key = readFileSync(o.clientKey, 'utf8');
      }
      this.agent = new (https().Agent)({ keepAlive: true, ...this.tls });
    } else if (this.url.protocol === 'http:') {
      this.agent = new http.Agent({ keepAlive: true });
    } else {
      throw new Error(`unsupported URL scheme ${this.url.protocol}`);
    }
  }

  async deliver(alerts: Alert[]): Promise<void> {
    for (const a of alerts) await this.post(this.options.format(a));
  }

  async stop(): Promise<void> {
    this.agent?.destroy();
  }

  private post(body: string): Promise<void> {
    const o = this.options;
    const payload = Buffer.from(body, 'utf8');
    const headers: HttpTypes.OutgoingHttpHeaders = {
      'Content-Type': o.jsonOutput ? 'application/json' : 'text/plain',
      'Content-Length': payload.length,
      'User-Agent': o.userAgent ?? 'falcosecurity/falco',
      Accept: '*/*',
    };
    if (o.compressUploads) headers.TE = 'gzip';
    const lib = this.url.protocol === 'https:' ? https() : http;
    return new Promise<void>((resolve, reject) => {
      const req = lib.request(
        this.url,
        { method: 'POST', headers, agent: this.agent, ...this.tls },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => {
            if (o.echo) chunks.push(c);
          });
          res.on('error', (e) => reject(new DeliveryError(`http: ${e.message}`, { permanent: false, cause: e })));
          res.on('end', () => {
            if (o.echo && chunks.length > 0) (o.echoTo ?? ((t) => process.stdout.write(t)))(Buffer.concat(chunks).toString('utf8'));
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve();
            const transient = status === 408 || status === 429 || status >= 500;
            reject(new DeliveryError(`http: ${o.url} answered ${status} ${res.statusMessage ?? ''}`.trimEnd(), { permanent: !transient }));
          });
        },
      );
      if (o.keepAlive) req.on('socket', (s) => s.setKeepAlive(true));
      req.setTimeout(o.timeoutMs ?? 10_000, () => {
        req.destroy(new Error(`no answer within ${o.timeoutMs ?? 10_000} ms`));
      });
      req.on('error', (e) => reject(new DeliveryError(`http: ${e.message}`, { permanent: false, cause: e })));
      req.end(payload);
    });
  }
}
