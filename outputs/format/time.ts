// Alert timestamps as libs and Falco print them. All arithmetic is on the nanosecond bigint so
// the nine fractional digits are exact.

const NS_PER_S = 1_000_000_000n;
const p2 = (n: number | bigint): string => String(n).padStart(2, '0');
const p9 = (n: bigint): string => String(n).padStart(9, '0');

/**
 * The local-time offset libs applies: the zone offset in force *now* (not at the event time),
 * in whole minutes, like libs' gmt2local(0).
 */
export function currentUtcOffsetSeconds(nowMs: number = Date.now()): number {
  return -Math.trunc(new Date(nowMs).getTimezoneOffset()) * 60;
}

/** `%evt.time`: `HH:MM:SS.nnnnnnnnn` in local time (libs ts_to_string without date). */
export function localClockTime(timeNs: bigint, utcOffsetSeconds: number): string {
  const sec = timeNs / NS_PER_S;
  const ns = timeNs % NS_PER_S;
  // C's `%` truncates toward zero; libs never sees negative times in practice.
  const s = Number((sec + BigInt(utcOffsetSeconds)) % 86400n);
  return `${p2(Math.trunc(s / 3600))}:${p2(Math.trunc((s % 3600) / 60))}:${p2(s % 60)}.${p9(ns)}`;
}

function utcDateTime(timeNs: bigint): string {
  const sec = timeNs / NS_PER_S;
  const d = new Date(Number(sec) * 1000);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/** `%evt.time.iso8601`: `2026-11-23T05:12:35.123456789+0000` (libs ts_to_iso_8601, always UTC). */
export function iso8601WithZone(timeNs: bigint): string {
  return `${utcDateTime(timeNs)}.${p9(timeNs % NS_PER_S)}+0000`;
}

/** The JSON `time` property: `2026-11-23T05:12:35.123456789Z`. */
export function iso8601Z(timeNs: bigint): string {
  return `${utcDateTime(timeNs)}.${p9(timeNs % NS_PER_S)}Z`;
}
