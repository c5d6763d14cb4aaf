// Retry delays: exponential growth from `initialMs`, capped at `maxMs`, with "equal jitter"
// (half fixed, half random) so retries of many channels do not line up.

export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { initialMs: 200, maxMs: 30_000 };

/** Delay before retry number `attempt` (1 = first retry). */
export function backoffDelay(attempt: number, s: BackoffSettings, random: () => number = Math.random): number {
  const exp = Math.min(s.maxMs, s.initialMs * 2 ** Math.min(attempt - 1, 30));
  return exp / 2 + random() * (exp / 2);
}
