// node:http, node:https and node:tls for Saker's HTTP users (the webserver, the Docker Engine API
// client, http_output). Taken through require(): an ES import of node:http builds the module's
// whole namespace, which loads Node's bundled undici (a 760 KB script and its code, kept for the
// daemon's life). https and tls are loaded on first use: they map about 4 MB more of node's code.
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';
import type * as Tls from 'node:tls';

const require = createRequire(import.meta.url);

export const http = require('node:http') as typeof Http;

export function https(): typeof Https {
  return require('node:https') as typeof Https;
}

export function tls(): typeof Tls {
  return require('node:tls') as typeof Tls;
}
