// IP address text <-> the 16-byte form of the batch ABI (network order; IPv4 in the first 4 bytes).
import { isIPv4, isIPv6 } from 'node:net';

export function parseIpv4(text: string): Uint8Array {
  if (!isIPv4(text)) throw new Error(`not an IPv4 address: '${text}'`);
  return Uint8Array.from(text.split('.').map((p) => Number(p)));
}

export function parseIpv6(text: string): Uint8Array {
  if (!isIPv6(text)) throw new Error(`not an IPv6 address: '${text}'`);
  let s = text;
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    // Embedded IPv4 tail (::ffff:1.2.3.4): rewrite it as two hex groups.
    const v4 = parseIpv4(last);
    const hi = ((v4[0]! << 8) | v4[1]!).toString(16);
    const lo = ((v4[2]! << 8) | v4[3]!).toString(16);
    s = `${s.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const words = (part: string): number[] => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const [head, rest] = s.split('::') as [string, string | undefined];
  const a = words(head);
  const b = rest === undefined ? [] : words(rest);
  const groups = [...a, ...new Array<number>(8 - a.length - b.length).fill(0), ...b];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** 16 bytes: IPv4 addresses occupy the first 4, the rest are zero. */
export function parseIp(text: string): Uint8Array {
  const out = new Uint8Array(16);
  out.set(isIPv4(text) ? parseIpv4(text) : parseIpv6(text));
  return out;
}

export function formatIpv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** Canonical RFC 5952 text (lower case, longest zero run compressed). */
export function formatIpv6(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[2 * i]! << 8) | b[2 * i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}
