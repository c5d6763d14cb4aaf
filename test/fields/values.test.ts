import { describe, expect, it } from 'vitest';
import { parseLibsInteger, validateValue } from '../../host/fields/values.js';

describe('libs value parsing', () => {
  it('reads integers like sscanf', () => {
    expect(parseLibsInteger('42')).toBe(42n);
    expect(parseLibsInteger(' -7')).toBe(-7n);
    expect(parseLibsInteger('+3')).toBe(3n);
    for (const bad of ['', '1.0', '0x10', '1 ', 'abc', '12a']) {
      expect(() => parseLibsInteger(bad), bad).toThrow(`${bad} is not a valid number`);
    }
  });

  it('checks numbers, doubles and booleans', () => {
    expect(() => validateValue('PT_UINT64', '1')).not.toThrow();
    expect(() => validateValue('PT_DOUBLE', '1.0')).toThrow('1.0 is not a valid number');
    expect(() => validateValue('PT_BOOL', 'true')).not.toThrow();
    expect(() => validateValue('PT_BOOL', 'yes')).toThrow('filter error: unrecognized boolean value yes');
  });

  it('checks addresses and networks', () => {
    expect(() => validateValue('PT_IPADDR', '127.0.0.1')).not.toThrow();
    expect(() => validateValue('PT_IPADDR', '::1')).not.toThrow();
    expect(() => validateValue('PT_IPADDR', '127')).toThrow('unrecognized IPv6 address 127');
    expect(() => validateValue('PT_IPADDR', '300.0.0.1')).toThrow('unrecognized IPv4 address 300.0.0.1');
    expect(() => validateValue('PT_IPNET', '10.0.0.0/8')).not.toThrow();
    expect(() => validateValue('PT_IPNET', '10.0.0.0')).toThrow('unrecognized IP network 10.0.0.0');
    expect(() => validateValue('PT_IPNET', '10.0.0.0/33')).toThrow('invalid netmask 33');
    expect(() => validateValue('PT_IPNET', 'fe80::/10')).not.toThrow();
  });

  it('checks ports by number or service name', () => {
    expect(() => validateValue('PT_PORT', '443')).not.toThrow();
    expect(() => validateValue('PT_PORT', 'ssh')).not.toThrow();
    expect(() => validateValue('PT_PORT', 'no-such-service-x')).toThrow('unrecognized protocol no-such-service-x');
  });

  it('refuses nul bytes in strings but not in byte buffers', () => {
    expect(() => validateValue('PT_CHARBUF', 'a\0')).toThrow();
    expect(() => validateValue('PT_BYTEBUF', 'a\0')).not.toThrow();
    expect(() => validateValue('PT_CHARBUF', 'anything')).not.toThrow();
  });
});
