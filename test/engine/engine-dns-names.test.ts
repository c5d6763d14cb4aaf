// fd.cip.name / fd.sip.name / fd.lip.name / fd.rip.name with libs' semantics
// (sinsp_filtercheck_fd.cpp, dns_manager.cpp): the field is the smallest cached name resolving to
// the endpoint's address and compares as a string; when it is missing, `=`/`in` ask whether the
// address is among the literal's addresses and `!=` is the negation, on a connected IP socket with
// a role only. The names a rule set compares with are the cache (host/engine/dns-cache.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch, type EventInput } from '../../host/engine/batch-encoder.js';
import { DnsCache, fixedResolver, type DnsResolver } from '../../host/engine/dns-cache.js';
import { encodeDnsTable } from '../../host/engine/dns-table.js';
import { compileEngine, generateSource, type WasmEngine } from '../../host/engine/engine.js';
import { oracleMatches } from '../oracle/oracle.js';
import { connect, openat, tree } from './engine/events.js';
import { rulesetFromYaml, rulesYaml } from './engine/support.js';

const { bash } = tree();

const TABLE = {
  'api.k8s': ['10.96.0.1'],
  'b.pool': ['1.2.3.4', '2001:db8::7'],
  'a.pool': ['1.2.3.4'],
  'self.local': ['10.0.0.5'],
};

const RULES = rulesYaml(
  {
    k8s: 'fd.sip.name = api.k8s',
    not_k8s: 'evt.type = connect and fd.sip.name != api.k8s',
    b_pool: 'fd.sip.name = b.pool',
    pools: 'fd.sip.name in (b.pool, a.pool)',
    client_self: 'fd.cip.name = self.local',
    remote_k8s: 'fd.rip.name = api.k8s',
    local_self: 'fd.lip.name = self.local',
    starts_a: 'fd.sip.name startswith a.',
    unresolved: 'fd.sip.name = nowhere.invalid',
    not_unresolved: 'evt.type = connect and fd.sip.name != nowhere.invalid',
    not_eq_k8s: 'evt.type = connect and not fd.sip.name = api.k8s',
  },
  'sip=%fd.sip.name cip=%fd.cip.name',
);

const ruleset = rulesetFromYaml(RULES);
const dnsMap = new Map(Object.entries(TABLE));
const names = (engine: WasmEngine, events: EventInput[]): string[][] => {
  const out: string[][] = events.map(() => []);
  for (const m of engine.evaluate(encodeBatch(events))) out[m.event]!.push(engine.ruleset.rules[m.rule]!.name);
  return out;
};
const oracleNames = (events: EventInput[], dns: ReadonlyMap<string, readonly string[]>): string[][] => {
  const out: string[][] = events.map(() => []);
  for (const m of oracleMatches(ruleset, events, { ruleMatching: 'all', dns })) out[m.event]!.push(ruleset.rules[m.rule]!.name);
  return out;
};

const toApi = connect(bash, '10.0.0.5', 41000, '10.96.0.1', 443);
const toPool = connect(bash, '10.0.0.5', 41000, '1.2.3.4', 3333);
const toPool6 = connect(bash, 'fe80::1', 41000, '2001:db8::7', 3333, true);
const elsewhere = connect(bash, '10.0.0.9', 41000, '8.8.8.8', 53);
const noRole: EventInput = { ...toApi, fd: { ...toApi.fd!, role: null } };
const accepted: EventInput = { ...toApi, type: 'accept', fd: { ...toApi.fd!, role: 'server' } };
const listening: EventInput = { type: 'listen', proc: bash, res: 0, args: { fd: 5 }, fd: { num: 5, type: 'ipv4_server', l4proto: 'tcp', role: 'server', server: { ip: '10.96.0.1', port: 443 } } };
const listeningElsewhere: EventInput = { ...listening, fd: { ...listening.fd!, server: { ip: '8.8.8.8', port: 53 } } };
const noServer: EventInput = { ...elsewhere, fd: { ...elsewhere.fd!, server: null } };
const file = openat(bash, '/etc/passwd');
const EVENTS = [toApi, toPool, toPool6, elsewhere, noRole, accepted, listening, listeningElsewhere, noServer, file];

describe('DNS-name fields', () => {
  let engine: WasmEngine;
  let cache: DnsCache;
  beforeAll(async () => {
    cache = new DnsCache(fixedResolver(TABLE), { timer: false });
    engine = await compileEngine(ruleset, { ruleMatching: 'all', optimize: 'fast', dns: cache });
  }, 120_000);
  afterAll(() => cache.close());

  it('the module lists the names its rules compare with (operators =, != and in only)', () => {
    expect(engine.dnsNames).toEqual(['a.pool', 'api.k8s', 'b.pool', 'nowhere.invalid', 'self.local']);
    expect(cache.names().sort()).toEqual(['a.pool', 'api.k8s', 'b.pool', 'nowhere.invalid', 'self.local']);
  });

  it('compares the smallest name of the address as a string, else falls back to libs compare_domain', () => {
    const got = names(engine, EVENTS);
    // to the API server: its name; client 10.0.0.5 is self.local; rip is the server on a client socket
    expect(got[0]).toEqual(['k8s', 'client_self', 'remote_k8s', 'local_self', 'not_unresolved']);
    // 1.2.3.4 is a.pool (smaller than b.pool): `= b.pool` is false although b.pool resolves to it
    expect(got[1]).toEqual(['not_k8s', 'pools', 'client_self', 'local_self', 'starts_a', 'not_unresolved', 'not_eq_k8s']);
    // over IPv6 only b.pool has the address
    expect(got[2]).toEqual(['not_k8s', 'b_pool', 'pools', 'not_unresolved', 'not_eq_k8s']);
    // no name: `!=` holds through compare_domain, `=` does not
    expect(got[3]).toEqual(['not_k8s', 'not_unresolved', 'not_eq_k8s']);
    // no role: neither the name nor compare_domain; `not (=)` is still true
    expect(got[4]).toEqual(['not_eq_k8s']);
  });

  it('a server socket: lip/rip by role; a listening socket has a server name but no compare_domain', () => {
    const got = names(engine, EVENTS);
    // accepted on 10.96.0.1 from 10.0.0.5: local is the server side, remote the client
    expect(got[5]).toEqual(['k8s', 'client_self']);
    expect(got[6]).toEqual(['k8s']);
    expect(got[7]).toEqual([]);
  });

  it('a missing endpoint reads as the zero address; a file has no names', () => {
    const got = names(engine, EVENTS);
    expect(got[8]).toEqual(['not_k8s', 'not_unresolved', 'not_eq_k8s']);
    expect(got[9]).toEqual([]);
  });

  it('agrees with the oracle over the same table', () => {
    expect(names(engine, EVENTS)).toEqual(oracleNames(EVENTS, dnsMap));
  });

  it('output fields print the name or <NA>', () => {
    const batch = encodeBatch([toApi, elsewhere]);
    const ms = engine.evaluate(batch);
    const hit = ms.find((m) => m.event === 0)!;
    expect(engine.formatOutput(batch, hit)).toBe('sip=api.k8s cip=self.local');
    const other = ms.find((m) => m.event === 1)!;
    expect(engine.formatOutput(batch, other)).toBe('sip=<NA> cip=<NA>');
    expect(engine.outputFields(batch, other)).toEqual({ 'fd.sip.name': null, 'fd.cip.name': null });
  });
});

describe('DNS cache', () => {
  it('re-resolves on libs schedule (10 s doubling to 320 s) and the engine picks up changes between batches', async () => {
    let now = 0;
    let answer = ['10.96.0.1'];
    const resolver: DnsResolver = async (n) => (n === 'api.k8s' ? answer : []);
    const cache = new DnsCache(resolver, { timer: false, now: () => now });
    const engine = await compileEngine(rulesetFromYaml(rulesYaml({ k8s: 'fd.sip.name = api.k8s' })), { ruleMatching: 'all', optimize: 'fast', dns: cache });
    const moved = connect(bash, '10.0.0.5', 41000, '10.96.0.2', 443);
    expect(names(engine, [toApi, moved])).toEqual([['k8s'], []]);
    answer = ['10.96.0.2'];
    // the pass at 5 s is not due: the interval doubles, nothing is resolved
    now = 5_000;
    await cache.refresh();
    expect(cache.intervalMs('api.k8s')).toBe(20_000);
    expect(names(engine, [toApi, moved])).toEqual([['k8s'], []]);
    now = 20_001;
    await cache.refresh();
    expect(names(engine, [toApi, moved])).toEqual([[], ['k8s']]);
    for (let t = 20_002; t < 20_010; t++) {
      now = t;
      await cache.refresh();
    }
    expect(cache.intervalMs('api.k8s')).toBe(320_000);
  }, 120_000);

  it('the switch to the optimised module writes the table into the new module', async () => {
    const cache = new DnsCache(fixedResolver(TABLE), { timer: false });
    // a fresh module cache, so that the engine starts on -O0 and switches
    const cacheDir = mkdtempSync(join(tmpdir(), 'saker-dns-tier-'));
    try {
      const engine = await compileEngine(rulesetFromYaml(rulesYaml({ k8s: 'fd.sip.name = api.k8s', tier: 'evt.type = connect' })), { ruleMatching: 'all', optimize: 'tiered', dns: cache, cacheDir });
      expect(engine.tier).toBe('O0');
      expect(names(engine, [toApi])).toEqual([['k8s', 'tier']]);
      expect(await engine.optimized).toBe(true);
      expect(engine.tier).toBe('opt');
      expect(names(engine, [toApi, elsewhere])).toEqual([['k8s', 'tier'], ['tier']]);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('without a cache, names are missing: = never holds, != holds on IP sockets', async () => {
    const engine = await compileEngine(ruleset, { ruleMatching: 'all', optimize: 'fast' });
    expect(names(engine, [toApi, file])).toEqual([['not_k8s', 'not_unresolved', 'not_eq_k8s'], []]);
  }, 120_000);

  it('names no live engine owns are dropped at the next pass', async () => {
    const cache = new DnsCache(fixedResolver(TABLE), { timer: false });
    let owner: object | undefined = {};
    await cache.retain(owner, ['api.k8s']);
    await cache.retain({ keep: true }, []);
    expect(cache.names()).toEqual(['api.k8s']);
    owner = undefined;
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined) return; // without --expose-gc the WeakRef cannot be forced to clear
    gc();
    await new Promise((r) => setTimeout(r, 0));
    await cache.refresh();
    expect(cache.names()).toEqual([]);
  });

  it('table: entries sorted by family, address and name; an address has its smallest name first', () => {
    const bytes = encodeDnsTable(new Map([['b', ['1.2.3.4', '::1', 'junk']], ['a', ['1.2.3.4', '1.2.3.4']], ['c', []]]));
    const dv = new DataView(bytes.buffer);
    expect(dv.getUint32(0, true)).toBe(3);
    const entry = (i: number): string => {
      const at = 8 + 32 * i;
      const name = Buffer.from(bytes.subarray(dv.getUint32(at + 4, true), dv.getUint32(at + 4, true) + dv.getUint32(at + 8, true))).toString();
      return `${dv.getUint32(at, true)}:${Buffer.from(bytes.subarray(at + 16, at + 32)).toString('hex')}:${name}`;
    };
    expect([0, 1, 2].map(entry)).toEqual([
      `0:01020304${'0'.repeat(24)}:a`,
      `0:01020304${'0'.repeat(24)}:b`,
      `1:${'0'.repeat(30)}01:b`,
    ]);
  });

  it('generated code: compare_domain only for !=, names from =, != and in', () => {
    const g = generateSource(rulesetFromYaml(rulesYaml({ a: 'fd.sip.name contains x or fd.rip.name intersects (y) or fd.lip.name != z' })), { ruleMatching: 'all' });
    expect(g.dnsNames).toEqual(['z']);
    expect(g.source).toContain('F.fdIpNameFallback(ev, F.EP_LOCAL)');
  });
});
