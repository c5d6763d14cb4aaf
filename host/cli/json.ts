// JSON as Falco prints it with nlohmann::json::dump(): compact, object keys in sorted order.
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function dumpJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}
