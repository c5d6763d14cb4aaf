// A small HTTP proxy in front of the SNS emulator that injects what fauxqs cannot: whole-request
// errors (throttling, 5xx) and refused entries inside a PublishBatch reply. Everything else is
// forwarded untouched.
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface InjectedError {
  status: number;
  code: string;
  message: string;
  type?: 'Sender' | 'Receiver';
}

export interface InjectedEntryFailure {
  code: string;
  message: string;
  senderFault: boolean;
}

export interface ProxyRules {
  /** Called for every request (numbered from 1); an error returned is sent instead of forwarding. */
  failRequest?: (n: number, action: string) => InjectedError | undefined;
  /** Called per PublishBatch entry with its message body; a failure returned refuses that entry. */
  failEntry?: (message: string) => InjectedEntryFailure | undefined;
}

export interface SnsProxy {
  endpoint: string;
  /** The Action of every request seen, in order. */
  actions: string[];
  /** Entries per PublishBatch request as the client sent them. */
  batchSizes: number[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function errorXml(e: InjectedError): string {
  return `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${e.type ?? 'Sender'}</Type>` +
    `<Code>${e.code}</Code><Message>${e.message}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>`;
}

const ENTRY_KEY = /^PublishBatchRequestEntries\.member\.(\d+)\.(.*)$/;

/** Removes refused entries from a PublishBatch form body; returns the new body and the refusals. */
function splitEntries(params: URLSearchParams, failEntry: ProxyRules['failEntry']): { forward: URLSearchParams; kept: number; refused: string[] } {
  const members = new Map<number, [string, string][]>();
  const other: [string, string][] = [];
  for (const [k, v] of params) {
    const m = ENTRY_KEY.exec(k);
    if (m === null) other.push([k, v]);
    else {
      const n = Number(m[1]);
      if (!members.has(n)) members.set(n, []);
      members.get(n)!.push([m[2]!, v]);
    }
  }
  const forward = new URLSearchParams(other);
  const refused: string[] = [];
  let next = 1;
  for (const n of [...members.keys()].sort((a, b) => a - b)) {
    const fields = members.get(n)!;
    const id = fields.find(([k]) => k === 'Id')?.[1] ?? '';
    const message = fields.find(([k]) => k === 'Message')?.[1] ?? '';
    const failure = failEntry?.(message);
    if (failure !== undefined) {
      refused.push(`<member><Id>${id}</Id><Code>${failure.code}</Code><Message>${failure.message}</Message><SenderFault>${failure.senderFault}</SenderFault></member>`);
      continue;
    }
    for (const [k, v] of fields) forward.append(`PublishBatchRequestEntries.member.${next}.${k}`, v);
    next++;
  }
  return { forward, kept: next - 1, refused };
}

export async function startSnsProxy(target: string, rules: ProxyRules): Promise<SnsProxy> {
  const targetUrl = new URL(target);
  const actions: string[] = [];
  const batchSizes: number[] = [];
  let count = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const params = new URLSearchParams(body);
      const action = params.get('Action') ?? '';
      actions.push(action);
      count++;
      const injected = rules.failRequest?.(count, action);
      if (injected !== undefined) {
        res.writeHead(injected.status, { 'content-type': 'text/xml' });
        res.end(errorXml(injected));
        return;
      }
      let forwardBody = body;
      let refused: string[] = [];
      if (action === 'PublishBatch') {
        const split = splitEntries(params, rules.failEntry);
        batchSizes.push(split.kept + split.refused.length);
        refused = split.refused;
        if (split.kept === 0) {
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end(`<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult><Successful></Successful>` +
            `<Failed>${refused.join('')}</Failed></PublishBatchResult><ResponseMetadata><RequestId>proxy</RequestId></ResponseMetadata></PublishBatchResponse>`);
          return;
        }
        forwardBody = split.forward.toString();
      }
      const headers = { ...req.headers, host: targetUrl.host, 'content-length': String(Buffer.byteLength(forwardBody)) };
      const upstream = request({ hostname: targetUrl.hostname, port: targetUrl.port, path: req.url, method: req.method, headers }, (up) => {
        void readBody(up).then((text) => {
          const out = refused.length === 0 ? text : text.replace('<Failed>', `<Failed>${refused.join('')}`);
          res.writeHead(up.statusCode ?? 502, { 'content-type': up.headers['content-type'] ?? 'text/xml' });
          res.end(out);
        });
      });
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(forwardBody);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    actions,
    batchSizes,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
