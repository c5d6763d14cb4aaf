// Engine/plugin version checks and priority names, with Falco's parsing rules.

/** A "x.y.z" version as libs' sinsp_version reads it (three dot-separated unsigned numbers). */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
}

/**
 * libs reads versions with sscanf("%u.%u.%u"): leading blanks before each number are skipped and
 * anything after the third number is ignored ("0.57.0-rc1" is 0.57.0).
 */
export function parseSemver(text: string): SemVer | undefined {
  const m = /^\s*\+?(\d+)\.\s*\+?(\d+)\.\s*\+?(\d+)/.exec(text);
  if (!m) return undefined;
  const parts = [m[1], m[2], m[3]].map(Number);
  if (parts.some((n) => n > 0xffffffff)) return undefined;
  return { major: parts[0]!, minor: parts[1]!, patch: parts[2]! };
}

export function formatSemver(v: SemVer): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

export function compareSemver(a: SemVer, b: SemVer): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** libs' compatible_with: same major version, and not older than the requirement. */
export function isCompatible(have: SemVer, required: SemVer): boolean {
  return have.major === required.major && compareSemver(have, required) >= 0;
}

/**
 * yaml-cpp's unsigned decoding of a scalar (a stream read with automatic base): decimal, 0x hex
 * or 0-prefixed octal, optional '+', nothing but blanks after the number, within `max`.
 */
export function parseUnsigned(text: string, max: number): number | undefined {
  const m = /^\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)[ \t\n\r\f\v]*$/.exec(text);
  if (!m) return undefined;
  const digits = m[1]!;
  const n = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : digits.length > 1 && digits[0] === '0' ? parseInt(digits, 8) : Number(digits);
  return n <= max ? n : undefined;
}

export function parseUint32(text: string): number | undefined {
  return parseUnsigned(text, 0xffffffff);
}

export function parseUint64(text: string): number | undefined {
  return parseUnsigned(text, Number.MAX_SAFE_INTEGER);
}

/** yaml-cpp's bool decoding: true/false, yes/no, on/off, y/n in lower, Title or UPPER case. */
export function parseYamlBool(text: string): boolean | undefined {
  const pairs: [string, boolean][] = [
    ['y', true], ['yes', true], ['true', true], ['on', true],
    ['n', false], ['no', false], ['false', false], ['off', false],
  ];
  for (const [word, value] of pairs) {
    const title = word[0]!.toUpperCase() + word.slice(1);
    if (text === word || text === title || text === word.toUpperCase()) return value;
  }
  return undefined;
}

export const PRIORITY_NAMES = [
  'Emergency',
  'Alert',
  'Critical',
  'Error',
  'Warning',
  'Notice',
  'Informational',
  'Debug',
] as const;
export type PriorityName = (typeof PRIORITY_NAMES)[number];

/** Case-insensitive priority lookup; "info" is accepted for Informational, as in Falco. */
export function parsePriority(text: string): PriorityName | undefined {
  const lower = text.toLowerCase();
  if (lower === 'info') return 'Informational';
  return PRIORITY_NAMES.find((p) => p.toLowerCase() === lower);
}

/** Priority as a number: 0 (Emergency) … 7 (Debug), Falco's ordering. */
export function priorityLevel(p: PriorityName): number {
  return PRIORITY_NAMES.indexOf(p);
}
