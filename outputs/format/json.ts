// JSON text exactly as nlohmann::json::dump() (no indent) writes it, which is what Falco's
// alerts are: objects with keys in byte order (std::map), strings escaped only where JSON
// requires, doubles in nlohmann's shortest form (`2.0`, `1e+20`, `0.0001`).
import type { OutputFieldValue } from '../alert.js';

/** A JSON value as Falco builds it; bigints are integers, non-integer numbers are doubles. */
export type JsonValue = OutputFieldValue | JsonValue[] | { [key: string]: JsonValue };

/** Byte-order comparison (std::string operator<) for UTF-8 keys. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A JSON string literal. JSON.stringify escapes the same set nlohmann does (", \, C0 controls). */
export function jsonString(s: string): string {
  return JSON.stringify(s);
}

/** nlohmann's number_float output: shortest round-trip digits, exponent outside [1e-4, 1e15]. */
export function jsonDouble(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const k = digits.length;
  const n = Number(exp) + 1; // position of the decimal point relative to the digits
  let body: string;
  if (k <= n && n <= 15) {
    body = `${digits}${'0'.repeat(n - k)}.0`;
  } else if (0 < n && n <= 15) {
    body = `${digits.slice(0, n)}.${digits.slice(n)}`;
  } else if (-4 < n && n <= 0) {
    body = `0.${'0'.repeat(-n)}${digits}`;
  } else {
    const e = n - 1;
    const abs = Math.abs(e);
    const expText = `${e < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
    body = k === 1 ? `${digits}e${expText}` : `${digits[0]}.${digits.slice(1)}e${expText}`;
  }
  return sign + body;
}

export function jsonNumber(x: number | bigint): string {
  if (typeof x === 'bigint') return x.toString();
  if (Number.isInteger(x)) return Object.is(x, -0) ? '0' : BigInt(x).toString();
  return jsonDouble(x);
}

export function jsonValue(v: JsonValue): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return jsonString(v);
    case 'number':
    case 'bigint':
      return jsonNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
  }
  if (Array.isArray(v)) return `[${v.map(jsonValue).join(',')}]`;
  return jsonObject(v);
}

/** An object with its keys in std::map order. */
export function jsonObject(o: { [key: string]: JsonValue }): string {
  const keys = Object.keys(o).sort(compareKeys);
  return `{${keys.map((k) => `${jsonString(k)}:${jsonValue(o[k]!)}`).join(',')}}`;
}
