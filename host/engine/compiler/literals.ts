// Constant right-hand values parsed per field type as libs parses them: integers are decimal only
// (sscanf %d style, via parseLibsInteger), booleans are true/false, ports may be service names,
// addresses and networks are IPv4 dotted quads or IPv6 text.
import { existsSync, readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { parseLibsInteger } from '../../fields/values.js';
import type { FieldType } from '../../fields/types.js';
import { parseIpv4, parseIpv6 } from '../ip.js';

export class LiteralError extends Error {}

let services: Map<string, number> | undefined;

function servicePort(name: string): number | undefined {
  if (services === undefined) {
    services = new Map();
    if (existsSync('/etc/services')) {
      for (const line of readFileSync('/etc/services', 'utf8').split('\n')) {
        const words = line.replace(/#.*/, '').trim().split(/\s+/);
        const m = /^(\d+)\//.exec(words[1] ?? '');
        if (m === null) continue;
        for (const w of [words[0]!, ...words.slice(2)]) if (!services.has(w)) services.set(w, Number(m[1]));
      }
    }
  }
  return services.get(name);
}

/** The value as the 64-bit integer the field compares with. */
export function parseNumberLiteral(type: FieldType, text: string): bigint {
  if (type === 'PT_BOOL') {
    if (text === 'true') return 1n;
    if (text === 'false') return 0n;
    throw new LiteralError(`filter error: unrecognized boolean value ${text}`);
  }
  if (type === 'PT_PORT' && !/^\s*[+-]?\d+$/.test(text)) {
    const port = servicePort(text);
    if (port === undefined) throw new LiteralError(`unrecognized protocol ${text}`);
    return BigInt(port);
  }
  try {
    return parseLibsInteger(text);
  } catch (e) {
    throw new LiteralError((e as Error).message);
  }
}

export interface IpLiteral {
  bytes: Uint8Array;
  v6: boolean;
}

export function parseIpLiteral(text: string): IpLiteral {
  try {
    return isIPv4(text) ? { bytes: parseIpv4(text), v6: false } : { bytes: parseIpv6(text), v6: true };
  } catch {
    throw new LiteralError(`unrecognized IP address ${text}`);
  }
}

export interface NetLiteral extends IpLiteral {
  prefix: number;
}

/** `a.b.c.d/n` or `v6/n`; a bare address is a full-length network. */
export function parseNetLiteral(text: string): NetLiteral {
  const slash = text.indexOf('/');
  const addr = parseIpLiteral(slash < 0 ? text : text.slice(0, slash));
  const max = addr.v6 ? 128 : 32;
  const prefix = slash < 0 ? max : Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new LiteralError(`invalid netmask ${text.slice(slash + 1)}`);
  return { ...addr, prefix };
}
