// The addon's counters as libs' scap_stats, which the drop monitor and /metrics read. The ring
// being full is libs' buffer drop; a record the kernel could not fill (unreadable user memory) is
// counted as a page-fault drop, libs' name for the same failure.
import type { CaptureStats } from '../../native/capture.js';
import { ZERO_STATS, type ScapStats } from '../daemon/event-drops.js';

export function scapStatsOf(s: CaptureStats): ScapStats {
  const full = s.dropsRingFull ?? 0;
  const read = s.dropsRead ?? 0;
  return { ...ZERO_STATS, n_evts: s.kernelEvents ?? 0, n_drops: full + read, n_drops_buffer: full, n_drops_pf: read };
}
