// What detection hands to delivery: one alert, already matched and with its output fields
// extracted. Formatting (Falco's text and JSON) and every channel work from this shape only.
import type { PriorityName } from '../host/rules/index.js';

export type { PriorityName };

/** A typed output field value; `null` when the field could not be extracted (Falco prints `<NA>`). */
export type OutputFieldValue = string | number | bigint | boolean | null;

export interface Alert {
  /** Event time, nanoseconds since the Unix epoch. */
  timeNs: bigint;
  rule: string;
  priority: PriorityName;
  /** Event source: `syscall` for kernel events, `internal` for Falco-style internal alerts. */
  source: string;
  /** The rule's output template with every `%field` already substituted. */
  output: string;
  /** Field name as written in the template (e.g. `proc.aname[2]`) → typed value. */
  outputFields: Record<string, OutputFieldValue>;
  tags: string[];
  hostname: string;
}
