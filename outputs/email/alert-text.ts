// Text form of an output field value in the mail bodies: `<NA>` when the field was missing, as
// Falco prints it.
import type { OutputFieldValue } from '../alert.js';

export function fieldValueText(value: OutputFieldValue): string {
  if (value === null) return '<NA>';
  return String(value);
}
