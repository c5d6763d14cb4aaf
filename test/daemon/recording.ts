// A small Saker batch recording (two batches back to back, as the capture module records them)
// and the rule that alerts on it: shared by the replay tests and the single-executable test.
import { writeFileSync } from 'node:fs';
import { encodeBatch, type ProcessInput } from '../../host/engine/batch-encoder.js';

export const RECORDING_RULES =
  '- rule: Shadow\n  desc: d\n  condition: evt.type = openat and fd.name = /etc/shadow\n  output: "shadow opened by %proc.name"\n  priority: CRITICAL\n';

const cat: ProcessInput = { pid: 5, name: 'cat', exe: '/bin/cat', args: [], containerId: 'host' };
const open = (name: string, ts: bigint) => ({ type: 'openat', ts, proc: cat, res: 3, args: { dirfd: -100, name, flags: 1, mode: 0 }, fd: { num: 3, type: 'file' as const, name } });

/** What the embedded defaults' `append_output: [{suggested_output: true}]` adds for a host process. */
export const HOST_SUGGESTED_OUTPUT =
  ' container_id=host container_name=<NA> container_image_repository=<NA> container_image_tag=<NA> k8s_pod_name=<NA> k8s_ns_name=<NA>';

/** The alerts of RECORDING_RULES on the recording, in UTC, with the embedded default config. */
export const RECORDING_ALERTS_UTC =
  `22:13:21.000000000: Critical shadow opened by cat${HOST_SUGGESTED_OUTPUT}\n` +
  `22:13:22.000000000: Critical shadow opened by cat${HOST_SUGGESTED_OUTPUT}\n`;

export function writeRecording(path: string): void {
  const a = encodeBatch([open('/etc/shadow', 1_700_000_001_000_000_000n), open('/etc/hosts', 1_700_000_001_500_000_000n)]);
  const b = encodeBatch([open('/etc/shadow', 1_700_000_002_000_000_000n)], { batchSeq: 1 });
  writeFileSync(path, Buffer.concat([a, b]));
}
