// IPv4/IPv6 equality and CIDR membership (engine-as/net.ts) on the batch ABI's 16-byte address form.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatIpv6, parseIp } from '../../host/engine/ip.js';
import { loadRuntime, type Runtime } from './runtime-instance.js';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime();
});

const ptr = (ip: string): number => rt.put(parseIp(ip))[0];
const in4 = (ip: string, net: string, prefix: number): boolean => rt.x.ip4InNet(ptr(ip), ptr(net), prefix) === 1;
const in6 = (ip: string, net: string, prefix: number): boolean => rt.x.ip6InNet(ptr(ip), ptr(net), prefix) === 1;

describe('IP equality', () => {
  it('compares IPv4 and IPv6 addresses', () => {
    expect(rt.x.ip4Eq(ptr('127.0.0.1'), ptr('127.0.0.1'))).toBe(1);
    expect(rt.x.ip4Eq(ptr('127.0.0.1'), ptr('127.0.0.2'))).toBe(0);
    expect(rt.x.ip6Eq(ptr('::1'), ptr('0:0:0:0:0:0:0:1'))).toBe(1);
    expect(rt.x.ip6Eq(ptr('::ffff:1.2.3.4'), ptr('::ffff:102:304'))).toBe(1);
    expect(rt.x.ip6Eq(ptr('fe80::1'), ptr('fe80::2'))).toBe(0);
    expect(rt.x.ip6Eq(ptr('2001:db8::1'), ptr('2001:db8:0:0:1::'))).toBe(0);
  });
});

describe('IPv4 CIDR', () => {
  it('handles prefix boundaries', () => {
    expect(in4('10.255.255.255', '10.0.0.0', 8)).toBe(true);
    expect(in4('11.0.0.0', '10.0.0.0', 8)).toBe(false);
    expect(in4('9.255.255.255', '10.0.0.0', 8)).toBe(false);
    expect(in4('192.168.1.1', '192.168.1.1', 32)).toBe(true);
    expect(in4('192.168.1.2', '192.168.1.1', 32)).toBe(false);
    expect(in4('1.2.3.4', '200.0.0.0', 0)).toBe(true);
    expect(in4('172.31.255.255', '172.16.0.0', 12)).toBe(true);
    expect(in4('172.32.0.0', '172.16.0.0', 12)).toBe(false);
    expect(in4('10.9.9.9', '10.1.2.3', 8)).toBe(true); // host bits of the network are ignored
    expect(in4('128.0.0.0', '0.0.0.0', 1)).toBe(false);
    expect(in4('127.255.255.255', '0.0.0.0', 1)).toBe(true);
    expect(in4('192.168.0.1', '192.168.0.0', 31)).toBe(true);
    expect(in4('192.168.0.2', '192.168.0.0', 31)).toBe(false);
  });

  it('agrees with a bigint reference', () => {
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join('.'));
    const num = (ip: string): number => ip.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
    fc.assert(
      fc.property(v4, v4, fc.integer({ min: 0, max: 32 }), (a, n, prefix) => {
        const shift = 32 - prefix;
        const same = prefix === 0 || Math.floor(num(a) / 2 ** shift) === Math.floor(num(n) / 2 ** shift);
        return in4(a, n, prefix) === same;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('IPv6 CIDR', () => {
  it('handles prefix boundaries, including the 64-bit halves', () => {
    expect(in6('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db8::', 32)).toBe(true);
    expect(in6('2001:db9::', '2001:db8::', 32)).toBe(false);
    expect(in6('::1', '::1', 128)).toBe(true);
    expect(in6('::2', '::1', 128)).toBe(false);
    expect(in6('ffff::', '::', 0)).toBe(true);
    expect(in6('fe80::1234', 'fe80::', 64)).toBe(true);
    expect(in6('fe80:0:0:1::', 'fe80::', 64)).toBe(false);
    expect(in6('fe80::8000:0:0:0', 'fe80::', 65)).toBe(false);
    expect(in6('fe80::7fff:0:0:0', 'fe80::', 65)).toBe(true);
    expect(in6('fd00::1', 'fc00::', 7)).toBe(true);
    expect(in6('fe00::1', 'fc00::', 7)).toBe(false);
    expect(in6('::ffff:10.1.2.3', '::ffff:10.0.0.0', 104)).toBe(true);
    expect(in6('::ffff:11.1.2.3', '::ffff:10.0.0.0', 104)).toBe(false);
  });

  it('agrees with a bigint reference', () => {
    const v6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => formatIpv6(Uint8Array.from(g.flatMap((x) => [x >> 8, x & 0xff]))));
    const big = (ip: string): bigint => parseIp(ip).reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
    fc.assert(
      fc.property(v6, v6, fc.integer({ min: 0, max: 128 }), (a, n, prefix) => {
        const shift = BigInt(128 - prefix);
        return in6(a, n, prefix) === (big(a) >> shift === big(n) >> shift);
      }),
      { numRuns: 2000 },
    );
  });
});
