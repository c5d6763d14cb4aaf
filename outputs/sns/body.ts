// The SNS message body: the alert as Falco's JSON object or as Falco's one-line text form.
// Local forms until outputs/format lands; then this file defers to it.
import type { Alert, OutputFieldValue } from '../alert.js';
import { isoTime } from '../email/alert-text.js';

function jsonValue(value: OutputFieldValue): string {
  // bigint keeps its exact digits as a JSON number, as Falco prints 64-bit fields.
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

/** Falco's JSON output object; keys in Falco's (alphabetical) order. */
export function alertJson(alert: Alert): string {
  const fields = Object.entries(alert.outputFields).map(([k, v]) => `${JSON.stringify(k)}:${jsonValue(v)}`).join(',');
  return (
    `{"hostname":${JSON.stringify(alert.hostname)},"output":${JSON.stringify(alert.output)},` +
    `"output_fields":{${fields}},"priority":${JSON.stringify(alert.priority)},"rule":${JSON.stringify(alert.rule)},` +
    `"source":${JSON.stringify(alert.source)},"tags":${JSON.stringify(alert.tags)},"time":${JSON.stringify(isoTime(alert.timeNs))}}`
  );
}

/** Falco's text line: `<time>: <Priority> <output>`. */
export function alertText(alert: Alert): string {
  return `${isoTime(alert.timeNs)}: ${alert.priority} ${alert.output}`;
}
