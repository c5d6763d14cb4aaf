// Falco's alert line, text or JSON, byte for byte (falco_formats::format_event for rule alerts,
// falco_outputs::handle_msg for internal ones). The result carries no trailing newline; each
// channel adds its own framing as Falco's does.
import type { Alert } from '../alert.js';
import { compareKeys, jsonObject, jsonValue, type JsonValue } from './json.js';
import { currentUtcOffsetSeconds, iso8601WithZone, iso8601Z, localClockTime } from './time.js';

export interface AlertFormatOptions {
  /** `json_output` */
  jsonOutput: boolean;
  /** `json_include_output_property`: the full text line as `output`. */
  jsonIncludeOutputProperty: boolean;
  /** `json_include_tags_property`: the rule's tags, sorted and unique, as `tags`. */
  jsonIncludeTagsProperty: boolean;
  /** `json_include_message_property`: the rule output without time and priority, as `message`. */
  jsonIncludeMessageProperty: boolean;
  /** `json_include_output_fields_property`: the typed field values as `output_fields`. */
  jsonIncludeOutputFieldsProperty: boolean;
  /** `time_format_iso_8601`: the text prefix uses `%evt.time.iso8601` instead of `%evt.time`. */
  timeFormatIso8601: boolean;
  /** Offset used for local `HH:MM:SS`; libs takes the one in force now. */
  utcOffsetSeconds: () => number;
}

/** Falco 0.44's defaults for these keys. */
export const DEFAULT_ALERT_FORMAT: AlertFormatOptions = {
  jsonOutput: false,
  jsonIncludeOutputProperty: true,
  jsonIncludeTagsProperty: true,
  jsonIncludeMessageProperty: false,
  jsonIncludeOutputFieldsProperty: true,
  timeFormatIso8601: false,
  utcOffsetSeconds: () => currentUtcOffsetSeconds(),
};

export const INTERNAL_SOURCE = 'internal';

export class AlertFormatter {
  readonly options: AlertFormatOptions;

  constructor(options: Partial<AlertFormatOptions> = {}) {
    this.options = { ...DEFAULT_ALERT_FORMAT, ...options };
  }

  /** The line every channel delivers: JSON when `json_output`, else text. */
  format(alert: Alert): string {
    return this.options.jsonOutput ? this.json(alert) : this.text(alert);
  }

  /** `HH:MM:SS.nnnnnnnnn: Priority output` (or the ISO prefix). */
  text(alert: Alert): string {
    if (alert.source === INTERNAL_SOURCE) return this.internalText(alert);
    return `${this.prefix(alert)} ${alert.output}`;
  }

  json(alert: Alert): string {
    if (alert.source === INTERNAL_SOURCE) return this.internalJson(alert);
    const o = this.options;
    const event: { [key: string]: JsonValue } = {
      time: iso8601Z(alert.timeNs),
      rule: alert.rule,
      priority: alert.priority,
      source: alert.source,
      hostname: alert.hostname,
    };
    if (o.jsonIncludeOutputProperty) event.output = `${this.prefix(alert)} ${alert.output}`;
    if (o.jsonIncludeTagsProperty) event.tags = uniqueSorted(alert.tags);
    if (o.jsonIncludeMessageProperty) event.message = alert.output;
    if (o.jsonIncludeOutputFieldsProperty) event.output_fields = this.outputFields(alert);
    return jsonObject(event);
  }

  /** Typed fields as Falco reports them: the template's fields plus the time field of the prefix. */
  outputFields(alert: Alert): { [key: string]: JsonValue } {
    const fields: { [key: string]: JsonValue } = { ...alert.outputFields };
    // The prefix's time field is extracted in JSON as the raw timestamp, and overrides.
    fields[this.options.timeFormatIso8601 ? 'evt.time.iso8601' : 'evt.time'] = alert.timeNs;
    return fields;
  }

  private prefix(alert: Alert): string {
    const time = this.options.timeFormatIso8601
      ? iso8601WithZone(alert.timeNs)
      : localClockTime(alert.timeNs, this.options.utcOffsetSeconds());
    return `${time}: ${alert.priority}`;
  }

  // Internal alerts (drops, hot-reload failures, metrics) always use the local clock time and
  // list their fields as `key=<json value>` in key order.
  private internalText(alert: Alert): string {
    const time = localClockTime(alert.timeNs, this.options.utcOffsetSeconds());
    const fields = Object.keys(alert.outputFields)
      .sort(compareKeys)
      .map((k) => `${k}=${jsonValue(alert.outputFields[k]!)}`)
      .join(' ');
    return `${time}: ${alert.priority} ${alert.output} (${fields})`;
  }

  private internalJson(alert: Alert): string {
    return jsonObject({
      output: alert.output,
      priority: alert.priority,
      rule: alert.rule,
      time: iso8601Z(alert.timeNs),
      output_fields: { ...alert.outputFields },
      hostname: alert.hostname,
      source: INTERNAL_SOURCE,
    });
  }
}

function uniqueSorted(tags: readonly string[]): string[] {
  return [...new Set(tags)].sort(compareKeys);
}
