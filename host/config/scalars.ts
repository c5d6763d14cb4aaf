// yaml-cpp's scalar conversions, which decide how Falco reads a config value: `-o x=yes` is a
// true boolean, `-o x=0x10` is 16, and a value that does not convert falls back to the default.
import type { ConfigNode } from './tree.js';

const BOOL_WORDS: ReadonlyArray<readonly [string, string]> = [
  ['y', 'n'],
  ['yes', 'no'],
  ['true', 'false'],
  ['on', 'off'],
];

/** yaml-cpp accepts `true`, `True` and `TRUE`, but not `tRUE`. */
function isFlexibleCase(text: string): boolean {
  if (text === '') return true;
  const rest = text.slice(1);
  const restLower = rest === rest.toLowerCase();
  const restUpper = rest === rest.toUpperCase();
  const first = text[0]!;
  if (first === first.toUpperCase()) return restLower || restUpper;
  return restLower;
}

export function toBool(node: ConfigNode | undefined): boolean | undefined {
  if (typeof node !== 'string' || !isFlexibleCase(node)) return undefined;
  const lower = node.toLowerCase();
  for (const [yes, no] of BOOL_WORDS) {
    if (lower === yes) return true;
    if (lower === no) return false;
  }
  return undefined;
}

/** Integers as yaml-cpp reads them: decimal, `0x` hex or `0o` octal, nothing trailing. */
export function toInteger(node: ConfigNode | undefined, opts: { unsigned?: boolean; min?: number; max?: number } = {}): number | undefined {
  if (typeof node !== 'string') return undefined;
  const m = /^([+-]?)(0x[0-9a-fA-F]+|0o[0-7]+|\d+)$/.exec(node);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  if (sign < 0 && opts.unsigned) return undefined;
  const digits = m[2]!;
  let value: number;
  if (digits.startsWith('0x')) value = Number.parseInt(digits.slice(2), 16);
  else if (digits.startsWith('0o')) value = Number.parseInt(digits.slice(2), 8);
  else value = Number.parseInt(digits, 10);
  value *= sign;
  if (opts.min !== undefined && value < opts.min) return undefined;
  if (opts.max !== undefined && value > opts.max) return undefined;
  return value;
}

export function toDouble(node: ConfigNode | undefined): number | undefined {
  if (typeof node !== 'string') return undefined;
  if (/^[+-]?\.(inf|Inf|INF)$/.test(node)) return node.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(node)) return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(node)) return undefined;
  return Number.parseFloat(node);
}

export function toText(node: ConfigNode | undefined): string | undefined {
  return typeof node === 'string' ? node : undefined;
}

/** A list of strings: a sequence of scalars, or one scalar taken as a one-item list. */
export function toStringList(node: ConfigNode | undefined): string[] | undefined {
  if (node === undefined || node === null) return undefined;
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) {
    const out: string[] = [];
    for (const item of node) {
      if (typeof item !== 'string') return undefined;
      out.push(item);
    }
    return out;
  }
  return undefined;
}
