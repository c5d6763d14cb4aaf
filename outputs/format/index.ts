export { AlertFormatter, DEFAULT_ALERT_FORMAT, INTERNAL_SOURCE, type AlertFormatOptions } from './alert-format.js';
export { compareKeys, jsonDouble, jsonNumber, jsonObject, jsonString, jsonValue, type JsonValue } from './json.js';
export { currentUtcOffsetSeconds, iso8601WithZone, iso8601Z, localClockTime } from './time.js';
