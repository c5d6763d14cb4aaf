// Falco's embedded webserver: `webserver.k8s_healthz_endpoint` (default /healthz) answers
// `{"status": "ok"}`, /versions the `--version` JSON, and /metrics the Prometheus text when
// `webserver.prometheus_metrics_enabled`. `ssl_enabled` serves HTTPS with `ssl_certificate`, one
// PEM file holding the key and the certificate, as Falco's.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebserverConfig } from '../config/keys.js';
import { http, https } from '../node-http.js';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus.js';

export const HEALTHZ_BODY = '{"status": "ok"}';

export interface WebserverHandlers {
  /** The `--version` JSON text. */
  versionsJson: () => string;
  /** The Prometheus text (only asked when prometheus_metrics_enabled). */
  metricsText: () => string;
}

export class Webserver {
  private server: Server | undefined;

  constructor(
    private readonly config: WebserverConfig,
    private readonly handlers: WebserverHandlers,
  ) {}

  /** The bound port (useful with listen_port 0). */
  get port(): number {
    const a = this.server?.address();
    return a && typeof a === 'object' ? (a as AddressInfo).port : 0;
  }

  async start(): Promise<void> {
    const handle = (req: IncomingMessage, res: ServerResponse): void => this.handle(req, res);
    let server: Server;
    if (this.config.sslEnabled) {
      let pem: string;
      try {
        pem = readFileSync(this.config.sslCertificate, 'utf8');
      } catch {
        throw new Error(`Could not create embedded webserver: cannot read ssl_certificate ${this.config.sslCertificate}`);
      }
      server = https().createServer({ key: pem, cert: pem }, handle) as unknown as Server;
    } else {
      server = http.createServer(handle);
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new Error(`Could not create embedded webserver: ${e.message}`)));
      server.listen(this.config.listenPort, this.config.listenAddress, () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string): void => {
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'Method Not Allowed');
    try {
      if (path === this.config.healthzEndpoint) return send(200, 'application/json', HEALTHZ_BODY);
      if (path === '/versions') return send(200, 'application/json', this.handlers.versionsJson());
      if (path === '/metrics' && this.config.prometheusMetricsEnabled) return send(200, PROMETHEUS_CONTENT_TYPE, this.handlers.metricsText());
    } catch (e) {
      return send(500, 'text/plain', e instanceof Error ? e.message : String(e));
    }
    send(404, 'text/plain', 'Not Found');
  }
}
