import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../outputs/alert.js';
import {
  AlertFormatter, currentUtcOffsetSeconds, iso8601WithZone, iso8601Z, jsonDouble, jsonObject, localClockTime,
} from '../../outputs/format/index.js';
import { T0 } from './support.js';

const KOLKATA = 19800; // +05:30, no daylight saving

const alert: Alert = {
  timeNs: T0,
  rule: 'Read sensitive file untrusted',
  priority: 'Warning',
  source: 'syscall',
  output: 'Sensitive file opened for reading (file=/etc/shadow user=<NA> count=3)',
  outputFields: {
    'fd.name': '/etc/shadow',
    'user.name': null,
    'proc.pid': 42,
    'evt.arg.flags': 'O_RDONLY',
    'proc.aname[2]': 'bash',
    'fd.num': 3n,
    'evt.is_open_read': true,
    'proc.cpu': 0.25,
  },
  tags: ['filesystem', 'T1555', 'container', 'filesystem'],
  hostname: 'host-a',
};

const fields =
  '{"evt.arg.flags":"O_RDONLY","evt.is_open_read":true,"evt.time":1700000000123456789,"fd.name":"/etc/shadow","fd.num":3,' +
  '"proc.aname[2]":"bash","proc.cpu":0.25,"proc.pid":42,"user.name":null}';

describe('alert time stamps', () => {
  it('prints local HH:MM:SS.nnnnnnnnn with the offset libs uses', () => {
    expect(localClockTime(T0, 0)).toBe('22:13:20.123456789');
    expect(localClockTime(T0, KOLKATA)).toBe('03:43:20.123456789');
    expect(localClockTime(T0, -8 * 3600)).toBe('14:13:20.123456789');
    expect(localClockTime(1_700_000_000_000_000_007n, 0)).toBe('22:13:20.000000007');
  });

  it('prints the ISO forms: %evt.time.iso8601 with +0000 and the JSON time with Z', () => {
    expect(iso8601WithZone(T0)).toBe('2023-11-14T22:13:20.123456789+0000');
    expect(iso8601Z(T0)).toBe('2023-11-14T22:13:20.123456789Z');
    expect(iso8601Z(5n)).toBe('1970-01-01T00:00:00.000000005Z');
  });

  describe('with TZ set', () => {
    const saved = process.env.TZ;
    beforeAll(() => {
      process.env.TZ = 'Asia/Kolkata';
    });
    afterAll(() => {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    });

    it('takes the offset from the process time zone', () => {
      expect(currentUtcOffsetSeconds()).toBe(KOLKATA);
      expect(new AlertFormatter().text(alert)).toBe(
        '03:43:20.123456789: Warning Sensitive file opened for reading (file=/etc/shadow user=<NA> count=3)',
      );
    });
  });
});

describe('text alerts', () => {
  const fmt = new AlertFormatter({ utcOffsetSeconds: () => KOLKATA });

  it('is time, priority word and output', () => {
    expect(fmt.format(alert)).toBe('03:43:20.123456789: Warning Sensitive file opened for reading (file=/etc/shadow user=<NA> count=3)');
    expect(fmt.format({ ...alert, priority: 'Informational' })).toMatch(/^03:43:20\.123456789: Informational Sensitive/);
    expect(fmt.format({ ...alert, priority: 'Emergency' })).toMatch(/^03:43:20\.123456789: Emergency Sensitive/);
  });

  it('uses the UTC ISO prefix with time_format_iso_8601', () => {
    const iso = new AlertFormatter({ timeFormatIso8601: true, utcOffsetSeconds: () => KOLKATA });
    expect(iso.format(alert)).toBe(
      '2023-11-14T22:13:20.123456789+0000: Warning Sensitive file opened for reading (file=/etc/shadow user=<NA> count=3)',
    );
  });
});

describe('JSON alerts', () => {
  const base = { jsonOutput: true, utcOffsetSeconds: () => KOLKATA };

  it('has Falco keys in byte order, typed fields, null for missing, the prefix time field and sorted unique tags', () => {
    expect(new AlertFormatter(base).format(alert)).toBe(
      '{"hostname":"host-a",' +
        '"output":"03:43:20.123456789: Warning Sensitive file opened for reading (file=/etc/shadow user=<NA> count=3)",' +
        `"output_fields":${fields},` +
        '"priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall",' +
        '"tags":["T1555","container","filesystem"],"time":"2023-11-14T22:13:20.123456789Z"}',
    );
  });

  it('follows the json_include_* switches', () => {
    const minimal = new AlertFormatter({
      ...base,
      jsonIncludeOutputProperty: false,
      jsonIncludeTagsProperty: false,
      jsonIncludeOutputFieldsProperty: false,
    });
    expect(minimal.format(alert)).toBe(
      '{"hostname":"host-a","priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall","time":"2023-11-14T22:13:20.123456789Z"}',
    );
    const withMessage = new AlertFormatter({ ...base, jsonIncludeMessageProperty: true, jsonIncludeOutputFieldsProperty: false });
    expect(withMessage.format(alert)).toBe(
      '{"hostname":"host-a",' +
        '"message":"Sensitive file opened for reading (file=/etc/shadow user=<NA> count=3)",' +
        '"output":"03:43:20.123456789: Warning Sensitive file opened for reading (file=/etc/shadow user=<NA> count=3)",' +
        '"priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall",' +
        '"tags":["T1555","container","filesystem"],"time":"2023-11-14T22:13:20.123456789Z"}',
    );
  });

  it('names the time field evt.time.iso8601 and uses the ISO text inside output with time_format_iso_8601', () => {
    const line = new AlertFormatter({ ...base, timeFormatIso8601: true }).format(alert);
    const parsed = JSON.parse(line) as { output: string; output_fields: Record<string, unknown> };
    expect(parsed.output).toBe('2023-11-14T22:13:20.123456789+0000: Warning Sensitive file opened for reading (file=/etc/shadow user=<NA> count=3)');
    expect(Object.keys(parsed.output_fields)).toContain('evt.time.iso8601');
    expect(Object.keys(parsed.output_fields)).not.toContain('evt.time');
    expect(line).toContain('"evt.time.iso8601":1700000000123456789');
  });

  it('escapes strings as nlohmann does and keeps non-ASCII as UTF-8', () => {
    const odd = { ...alert, output: 'a"b\\c\nd\te\u0001f/é', outputFields: {}, tags: [] };
    const line = new AlertFormatter({ ...base, jsonIncludeOutputProperty: false, jsonIncludeMessageProperty: true }).format(odd);
    expect(line).toContain('"message":"a\\"b\\\\c\\nd\\te\\u0001f/é"');
    expect(line).toContain('"tags":[]');
    expect(line).toContain('"output_fields":{"evt.time":1700000000123456789}');
  });
});

describe('nlohmann number forms', () => {
  it('prints doubles the way nlohmann::json::dump does', () => {
    expect(jsonDouble(2)).toBe('2.0');
    expect(jsonDouble(0)).toBe('0.0');
    expect(jsonDouble(-1.5)).toBe('-1.5');
    expect(jsonDouble(123.456)).toBe('123.456');
    expect(jsonDouble(1e14)).toBe('100000000000000.0');
    expect(jsonDouble(1e15)).toBe('1e+15');
    expect(jsonDouble(1e20)).toBe('1e+20');
    expect(jsonDouble(1.25e20)).toBe('1.25e+20');
    expect(jsonDouble(0.0001)).toBe('0.0001');
    expect(jsonDouble(0.00001)).toBe('1e-05');
    expect(jsonDouble(1.5e-7)).toBe('1.5e-07');
    expect(jsonDouble(1.7976931348623157e308)).toBe('1.7976931348623157e+308');
    expect(jsonDouble(Number.NaN)).toBe('null');
  });

  it('prints integers and bigints exactly', () => {
    expect(jsonObject({ a: 18446744073709551615n, b: -2, c: 0.5 })).toBe('{"a":18446744073709551615,"b":-2,"c":0.5}');
  });
});

describe('internal alerts', () => {
  const internal: Alert = {
    timeNs: T0,
    rule: 'Falco internal: syscall event drop',
    priority: 'Critical',
    source: 'internal',
    output: 'Falco internal: syscall event drop. 120 system calls dropped in last second.',
    outputFields: { n_drops: 120, ebpf_enabled: '1', 'n_drops_buffer_total': 120n },
    tags: [],
    hostname: 'host-a',
  };

  it('text lists the fields as key=json in key order after the message, with the local clock even in ISO mode', () => {
    const expected =
      '03:43:20.123456789: Critical Falco internal: syscall event drop. 120 system calls dropped in last second. ' +
      '(ebpf_enabled="1" n_drops=120 n_drops_buffer_total=120)';
    expect(new AlertFormatter({ utcOffsetSeconds: () => KOLKATA }).format(internal)).toBe(expected);
    expect(new AlertFormatter({ utcOffsetSeconds: () => KOLKATA, timeFormatIso8601: true }).format(internal)).toBe(expected);
  });

  it('JSON always has output and output_fields, no tags, source internal', () => {
    const line = new AlertFormatter({ jsonOutput: true, jsonIncludeOutputProperty: false, jsonIncludeTagsProperty: false }).format(internal);
    expect(line).toBe(
      '{"hostname":"host-a","output":"Falco internal: syscall event drop. 120 system calls dropped in last second.",' +
        '"output_fields":{"ebpf_enabled":"1","n_drops":120,"n_drops_buffer_total":120},' +
        '"priority":"Critical","rule":"Falco internal: syscall event drop","source":"internal","time":"2023-11-14T22:13:20.123456789Z"}',
    );
  });
});
