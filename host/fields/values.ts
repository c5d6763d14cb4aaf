// Parsing of constant right-hand values by field type, with libs' acceptance rules and messages
// (sinsp_filter_value_parser::string_to_rawval and sinsp_numparser): a value that libs cannot
// turn into the field's type makes the whole condition fail to compile.
import { existsSync, readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import type { FieldType } from './types.js';

export class ValueParseError extends Error {}

// sinsp_numparser reads with sscanf("%<int>%c"): optional leading blanks, an optional sign, digits,
// and nothing after them (a trailing character, even a blank, is rejected).
const SCANF_INTEGER = /^[ \t\n\v\f\r]*[+-]?[0-9]+$/;

/** Parses `text` as libs parses integers; throws libs' message when it is not one. */
export function parseLibsInteger(text: string): bigint {
  const visible = cString(text);
  if (!SCANF_INTEGER.test(visible)) throw new ValueParseError(`${visible} is not a valid number`);
  return BigInt(visible.trim());
}

/** The part of `text` a C string would see (libs passes values through c_str()). */
function cString(text: string): string {
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}

const NUMERIC_TYPES: ReadonlySet<FieldType> = new Set<FieldType>([
  'PT_INT8', 'PT_INT16', 'PT_INT32', 'PT_INT64', 'PT_UINT8', 'PT_UINT16', 'PT_UINT32', 'PT_UINT64',
  'PT_ERRNO', 'PT_FD', 'PT_PID', 'PT_UID', 'PT_GID', 'PT_SIGTYPE', 'PT_SYSCALLID', 'PT_L4PROTO',
  'PT_RELTIME', 'PT_ABSTIME', 'PT_FLAGS8', 'PT_FLAGS16', 'PT_FLAGS32', 'PT_MODE',
  'PT_ENUMFLAGS8', 'PT_ENUMFLAGS16', 'PT_ENUMFLAGS32',
  // libs still reads floating-point field values as integers ("thread.cpu = 1.0" does not compile)
  'PT_DOUBLE',
]);

export const STRING_TYPES: ReadonlySet<FieldType> = new Set<FieldType>(['PT_CHARBUF', 'PT_FSPATH', 'PT_FSRELPATH']);

/**
 * Checks that `value` is a valid constant for a field of `type`; throws ValueParseError with the
 * message libs gives otherwise.
 */
export function validateValue(type: FieldType, value: string): void {
  if (NUMERIC_TYPES.has(type)) {
    parseLibsInteger(value);
    return;
  }
  if (STRING_TYPES.has(type)) {
    // a string value ends at its first nul byte in libs, which would silently change the check
    if (value.includes('\0')) throw new ValueParseError('filter error: nul bytes are not allowed in string values');
    return;
  }
  const text = cString(value);
  switch (type) {
    case 'PT_BOOL':
      if (text !== 'true' && text !== 'false') throw new ValueParseError(`filter error: unrecognized boolean value ${text}`);
      return;
    case 'PT_PORT':
      if (text === '' || /^[0-9]+$/.test(text)) return;
      if (!isKnownService(text)) throw new ValueParseError(`unrecognized protocol ${text}`);
      return;
    case 'PT_IPV4ADDR':
      parseIpv4(text);
      return;
    case 'PT_IPV6ADDR':
      parseIpv6(text);
      return;
    case 'PT_IPADDR':
      if (text.includes('.')) parseIpv4(text);
      else parseIpv6(text);
      return;
    case 'PT_IPV4NET':
      parseIpv4Net(text);
      return;
    case 'PT_IPV6NET':
      parseIpv6Net(text);
      return;
    case 'PT_IPNET':
      if (text.includes('.')) parseIpv4Net(text);
      else parseIpv6Net(text);
      return;
    default:
      // byte buffers take the value as is; other kinds have no constant form to check
      return;
  }
}

function parseIpv4(text: string): void {
  if (!isIPv4(text)) throw new ValueParseError(`unrecognized IPv4 address ${text}`);
}

function parseIpv6(text: string): void {
  if (!isIPv6(text)) throw new ValueParseError(`unrecognized IPv6 address ${text}`);
}

function parseIpv4Net(text: string): void {
  const slash = text.indexOf('/');
  if (slash < 0) throw new ValueParseError(`unrecognized IP network ${text}`);
  const ip = text.slice(0, slash);
  const mask = text.slice(slash + 1);
  if (!isIPv4(ip)) throw new ValueParseError(`unrecognized IP address ${text}`);
  const bits = parseLibsInteger(mask) & 0xffffffffn;
  if (bits > 32n) throw new ValueParseError(`invalid netmask ${mask}`);
}

function parseIpv6Net(text: string): void {
  const slash = text.indexOf('/');
  const ip = slash < 0 ? text : text.slice(0, slash);
  const mask = slash < 0 ? '' : text.slice(slash + 1);
  if (slash < 0 || !isIPv6(ip) || !/^[0-9]+$/.test(mask) || Number(mask) > 128) {
    throw new ValueParseError(`unrecognized IPv6 network ${text}`);
  }
}

// libs resolves port names with getservbyname(), i.e. the system's services database.
const FALLBACK_SERVICES = [
  'ftp', 'ssh', 'telnet', 'smtp', 'domain', 'http', 'pop3', 'ntp', 'imap', 'snmp', 'ldap', 'https',
  'imaps', 'pop3s', 'mysql', 'postgresql', 'redis', 'kerberos', 'rsync', 'submission',
];
let services: ReadonlySet<string> | undefined;

function isKnownService(name: string): boolean {
  services ??= loadServices();
  return services.has(name);
}

function loadServices(): ReadonlySet<string> {
  const names = new Set(FALLBACK_SERVICES);
  if (existsSync('/etc/services')) {
    for (const line of readFileSync('/etc/services', 'utf8').split('\n')) {
      const words = line.replace(/#.*/, '').trim().split(/\s+/);
      if (words.length < 2 || words[0] === '') continue;
      names.add(words[0]!);
      for (const alias of words.slice(2)) names.add(alias);
    }
  }
  return names;
}
