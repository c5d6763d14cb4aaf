// Small text forms of alert parts used by the mail bodies: the event time in ISO 8601 with
// nanoseconds (the form of Falco's JSON `time`) and an output field value (`<NA>` when missing).
import type { OutputFieldValue } from '../alert.js';

export function isoTime(timeNs: bigint): string {
  const ms = timeNs / 1_000_000n;
  const nanos = timeNs % 1_000_000_000n;
  const base = new Date(Number(ms)).toISOString(); // 2024-01-02T03:04:05.678Z
  return `${base.slice(0, 19)}.${(nanos < 0n ? -nanos : nanos).toString().padStart(9, '0')}Z`;
}

export function fieldValueText(value: OutputFieldValue): string {
  if (value === null) return '<NA>';
  return String(value);
}
