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

const WIDTH: Partial<Record<FieldType, [bits: number, signed: boolean]>> = {
  PT_INT8: [8, true], PT_INT16: [16, true], PT_INT32: [32, true],
  PT_UINT8: [8, false], PT_FLAGS8: [8, false], PT_ENUMFLAGS8: [8, false], PT_L4PROTO: [8, false], PT_SIGTYPE: [8, false],
  PT_UINT16: [16, false], PT_FLAGS16: [16, false], PT_ENUMFLAGS16: [16, false], PT_PORT: [16, false], PT_SYSCALLID: [16, false],
  PT_UINT32: [32, false], PT_FLAGS32: [32, false], PT_ENUMFLAGS32: [32, false], PT_MODE: [32, false], PT_UID: [32, false],
  PT_GID: [32, false], PT_BOOL: [32, false],
};

/**
 * The constant as libs stores it in the field's own type: it parses into a value of that width,
 * so `proc.tty = 4294967296` compares 0 (uint32) and `int8 = 200` compares -56.
 */
export function fitToFieldType(type: FieldType, v: bigint): bigint {
  const w = WIDTH[type];
  if (w === undefined) return v;
  return w[1] ? BigInt.asIntN(w[0], v) : BigInt.asUintN(w[0], v);
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
