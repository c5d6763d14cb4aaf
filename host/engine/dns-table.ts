// The DNS table in the layout engine-as/dns.ts reads (BATCH_ABI.md "DNS table"): one entry per
// (name, address), sorted by (family, address bytes, name bytes), so that the first entry of an
// address carries the smallest name resolving to it (libs' dns_manager name_of: std::string order,
// i.e. bytes).
import { parseIpLiteral } from './compiler/literals.js';

export const DNS_ENTRY_SIZE = 32;
const HEADER_SIZE = 8;

interface Entry {
  v6: boolean;
  ip: Uint8Array; // 16 bytes
  name: Buffer;
}

function compareEntries(a: Entry, b: Entry): number {
  if (a.v6 !== b.v6) return a.v6 ? 1 : -1;
  return Buffer.compare(a.ip, b.ip) || Buffer.compare(a.name, b.name);
}

/** Encodes name -> addresses (IPv4/IPv6 text; anything else is skipped) as a DNS table. */
export function encodeDnsTable(resolved: ReadonlyMap<string, readonly string[]>): Uint8Array {
  const entries: Entry[] = [];
  const seen = new Set<string>();
  for (const [name, addrs] of resolved) {
    const nameBytes = Buffer.from(name, 'utf8');
    for (const text of addrs) {
      let parsed;
      try {
        parsed = parseIpLiteral(text);
      } catch {
        continue;
      }
      const ip = new Uint8Array(16);
      ip.set(parsed.bytes);
      const key = `${parsed.v6 ? 6 : 4}:${Buffer.from(ip).toString('hex')}:${nameBytes.toString('hex')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      entries.push({ v6: parsed.v6, ip, name: nameBytes });
    }
  }
  entries.sort(compareEntries);
  const names = new Map<string, number>(); // name -> offset in the table
  let size = HEADER_SIZE + entries.length * DNS_ENTRY_SIZE;
  for (const e of entries) {
    const k = e.name.toString('latin1');
    if (!names.has(k)) {
      names.set(k, size);
      size += e.name.length;
    }
  }
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, entries.length, true);
  entries.forEach((e, i) => {
    const at = HEADER_SIZE + i * DNS_ENTRY_SIZE;
    const off = names.get(e.name.toString('latin1'))!;
    dv.setUint32(at, e.v6 ? 1 : 0, true);
    dv.setUint32(at + 4, off, true);
    dv.setUint32(at + 8, e.name.length, true);
    out.set(e.ip, at + 16);
    out.set(e.name, off);
  });
  return out;
}
