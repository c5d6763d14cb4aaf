// The far ends of the `outputs` benchmark, each in its own process so that it does not share the
// measured process's event loop (as a real receiver would not):
//   http   a node:http listener that reads each POST and answers 200
//   smtp   a healthy SMTP server (smtp-server, no auth, no TLS) that accepts and discards mail
//   hang   a TCP listener that accepts connections and never says a word (a wedged mail relay)
// Prints `port <n>` once listening on 127.0.0.1; exits when its stdin closes.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

const kind = process.argv[2];

function listening(server: net.Server): void {
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`);
  });
}

if (kind === 'http') {
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-length': '0' });
      res.end();
    });
  });
  listening(server);
} else if (kind === 'smtp') {
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`port ${(server.server.address() as AddressInfo).port}\n`);
  });
} else if (kind === 'hang') {
  const held: net.Socket[] = [];
  const server = net.createServer((socket) => {
    held.push(socket); // keep it open, read nothing, answer nothing
    socket.on('error', () => undefined);
  });
  listening(server);
} else {
  process.stderr.write(`usage: outputs-peer.ts http|smtp|hang (got ${String(kind)})\n`);
  process.exit(2);
}

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
