// The DNS cache behind fd.cip.name / fd.sip.name / fd.lip.name / fd.rip.name, after libs'
// sinsp_dns_manager: the names rules compare those fields with are resolved (getaddrinfo,
// AF_UNSPEC) and re-resolved by a background timer every 10 s, each name's interval doubling up to
// 320 s while it is not due. Engines own names (WeakRef: an engine that is gone releases its
// names at the next pass, as Falco's reload drops libs' cache with its inspector); each engine
// writes the resolutions into its Wasm memory (dns-table.ts) when `version` moves.
//
// Differences from libs, on purpose: libs adds a name the first time a comparison reaches it
// (resolving synchronously on the event thread); here a rule set's names are resolved when its
// engine loads and never block evaluation (a name matches nothing until resolved). libs drops a
// name unused for an hour and adds it back at the next comparison; here a name stays while an
// engine owns it.
import { lookup } from 'node:dns/promises';

/** Resolves a name to IPv4/IPv6 address texts; no address (or a rejection) = does not resolve. */
export type DnsResolver = (name: string) => Promise<readonly string[]>;

/** getaddrinfo through Node's dns.lookup (family 0 = AF_UNSPEC), as libs' dns_info::refresh. */
export const systemResolver: DnsResolver = async (name) => {
  try {
    return (await lookup(name, { all: true, family: 0 })).map((a) => a.address);
  } catch {
    return [];
  }
};

/** A fixed table (tests); a name it lacks does not resolve. */
export function fixedResolver(table: Readonly<Record<string, readonly string[]>>): DnsResolver {
  return async (name) => (Object.hasOwn(table, name) ? table[name]! : []);
}

export interface DnsCacheOptions {
  /** libs m_base_refresh_timeout: the refresh pass period and a name's first interval (10 s). */
  baseRefreshMs?: number;
  /** libs m_max_refresh_timeout (320 s). */
  maxRefreshMs?: number;
  /** Clock in ms (tests). */
  now?: () => number;
  /** false: no timer; tests call refresh() themselves. */
  timer?: boolean;
}

interface Entry {
  addrs: readonly string[];
  refreshMs: number;
  lastResolveMs: number;
  /** The first resolution. */
  ready: Promise<void>;
}

export class DnsCache {
  /** Moves whenever a resolution changes some name's addresses. */
  version = 0;
  private readonly entries = new Map<string, Entry>();
  private readonly owners = new Set<WeakRef<object>>();
  private readonly wanted = new WeakMap<object, readonly string[]>();
  /** Lookups run one at a time: a slow DNS server then holds one libuv thread, not the pool. */
  private queue: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly now: () => number;

  constructor(private readonly resolver: DnsResolver, private readonly options: DnsCacheOptions = {}) {
    this.baseMs = options.baseRefreshMs ?? 10_000;
    this.maxMs = options.maxRefreshMs ?? 320_000;
    this.now = options.now ?? Date.now;
  }

  /** The owner (an engine) needs these names; resolves once each has had its first resolution. */
  retain(owner: object, names: readonly string[]): Promise<void> {
    if (names.length === 0) return Promise.resolve();
    this.owners.add(new WeakRef(owner));
    this.wanted.set(owner, names);
    const now = this.now();
    const ready: Promise<void>[] = [];
    for (const name of names) {
      let e = this.entries.get(name);
      if (e === undefined) {
        e = { addrs: [], refreshMs: this.baseMs, lastResolveMs: now, ready: Promise.resolve() };
        this.entries.set(name, e);
        e.ready = this.resolve(name);
      }
      ready.push(e.ready);
    }
    if (this.timer === undefined && this.options.timer !== false) {
      this.timer = setInterval(() => void this.refresh(), this.baseMs);
      this.timer.unref(); // never keeps the process alive
    }
    return Promise.all(ready).then(() => undefined);
  }

  /** The addresses of each name (empty while unresolved or when it does not resolve). */
  resolved(names: readonly string[]): Map<string, readonly string[]> {
    return new Map(names.map((n) => [n, this.entries.get(n)?.addrs ?? []]));
  }

  /** Names cached now. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * One pass of libs' refresh thread: names no live owner needs are dropped; a name whose
   * interval has passed is resolved again, the others' intervals double up to the maximum.
   */
  refresh(): Promise<void> {
    const wanted = new Set<string>();
    for (const ref of this.owners) {
      const owner = ref.deref();
      if (owner === undefined) this.owners.delete(ref);
      else for (const n of this.wanted.get(owner) ?? []) wanted.add(n);
    }
    for (const name of [...this.entries.keys()]) if (!wanted.has(name)) this.entries.delete(name);
    if (this.entries.size === 0) this.close();
    const now = this.now();
    const due: Promise<void>[] = [];
    for (const [name, e] of this.entries) {
      if (now > e.lastResolveMs + e.refreshMs) {
        e.lastResolveMs = now;
        due.push(this.resolve(name));
      } else if (e.refreshMs < this.maxMs) {
        e.refreshMs *= 2;
      }
    }
    return Promise.all(due).then(() => undefined);
  }

  /** The refresh interval of a name now (tests). */
  intervalMs(name: string): number | undefined {
    return this.entries.get(name)?.refreshMs;
  }

  /** Stops the timer (a later retain starts it again). */
  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private resolve(name: string): Promise<void> {
    const run = async (): Promise<void> => {
      let addrs: readonly string[];
      try {
        addrs = await this.resolver(name);
      } catch {
        addrs = [];
      }
      const e = this.entries.get(name);
      if (e === undefined) return;
      const next = [...new Set(addrs)].sort();
      if (next.join() !== [...e.addrs].join()) {
        e.addrs = next;
        this.version++;
      }
    };
    const job = this.queue.then(run);
    this.queue = job;
    return job;
  }
}

let system: DnsCache | undefined;

/** The daemon's cache, resolving through the system resolver (created on first use). */
export function systemDnsCache(): DnsCache {
  system ??= new DnsCache(systemResolver);
  return system;
}
