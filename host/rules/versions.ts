// Engine/plugin version checks and priority names, with Falco's parsing rules.

/** A "x.y.z" version as libs' sinsp_version reads it (three dot-separated unsigned numbers). */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
}

export function parseSemver(text: string): SemVer | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
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

/** yaml-cpp's uint32 decoding of a scalar: decimal digits (with optional +), within range. */
export function parseUint32(text: string): number | undefined {
  if (!/^\+?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 0xffffffff ? n : undefined;
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
