// Condition values are byte strings in libs: a `\xHH` escape can put any byte in them, including
// bytes that are not valid UTF-8 (`fd.name contains "\xff"`). The AST keeps values as JavaScript
// strings, so such bytes need a reversible spelling: each byte that is not part of a valid UTF-8
// sequence is stored as the lone low surrogate U+DC80..U+DCFF (byte 0x80..0xFF), the same trick
// as Python's "surrogateescape". Valid UTF-8 never decodes to a lone surrogate, and condition text
// read from YAML is encoded to UTF-8 before lexing, so the mapping is one-to-one.

/** Added to a raw byte (0x80..0xFF) to give the code unit that stands for it. */
const RAW_BYTE_BASE = 0xdc00;

/** A lone low surrogate standing for a raw byte (not the second half of a surrogate pair). */
const RAW_BYTE_UNIT = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** Length of the valid UTF-8 sequence starting at b[i] (Unicode table 3-7), or 0 if there is none. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const x = b[i + k];
    return x !== undefined && x >= lo && x <= hi;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c >= 0xe1 && c <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** The value string for the bytes of a condition value; invalid UTF-8 bytes become raw-byte code units. */
export function valueFromBytes(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    // Some byte is not valid UTF-8: decode run by run below.
  }
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const n = utf8SequenceLength(bytes, i);
    if (n > 0) {
      out += strictDecoder.decode(bytes.subarray(i, i + n));
      i += n;
    } else {
      out += String.fromCharCode(RAW_BYTE_BASE + bytes[i]!);
      i++;
    }
  }
  return out;
}

/** The bytes libs compares for a value string: UTF-8, with raw-byte code units turned back into their byte. */
export function valueToBytes(value: string): Uint8Array {
  if (!hasRawBytes(value)) return Buffer.from(value, 'utf8');
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const byte = rawByteAt(value, i);
    if (byte === undefined) continue;
    parts.push(Buffer.from(value.slice(start, i), 'utf8'), Uint8Array.of(byte));
    start = i + 1;
  }
  parts.push(Buffer.from(value.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** True if `value` holds bytes that are not valid UTF-8 (written `\xHH` in the condition). */
export function hasRawBytes(value: string): boolean {
  return RAW_BYTE_UNIT.test(value);
}

/** The raw byte the code unit at `i` stands for, or undefined if it is ordinary text. */
export function rawByteAt(value: string, i: number): number | undefined {
  const c = value.charCodeAt(i);
  if (c < 0xdc80 || c > 0xdcff) return undefined;
  const prev = i > 0 ? value.charCodeAt(i - 1) : 0;
  return prev >= 0xd800 && prev <= 0xdbff ? undefined : c - RAW_BYTE_BASE;
}
