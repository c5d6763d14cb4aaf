// Whether a real container can run here: root, the BPF capture, a Docker engine that answers and
// the locally imported test image (scripts/setup.sh makes it). Under CI=true it must.
import { spawnSync } from 'node:child_process';
import { bpfUnavailable } from '../native/support.js';

export const TEST_IMAGE = 'saker-test/busybox:1';

function dockerUnavailableReason(): string | null {
  if (bpfUnavailable !== null) return bpfUnavailable;
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 15000 });
  if (info.error) return `the docker CLI cannot run (${info.error.message})`;
  if (info.status !== 0) return `dockerd does not answer (${info.stderr.trim().split('\n').pop() ?? ''}); scripts/setup.sh starts it`;
  const img = spawnSync('docker', ['image', 'inspect', TEST_IMAGE], { encoding: 'utf8', timeout: 15000 });
  if (img.status !== 0) return `image ${TEST_IMAGE} is missing; scripts/setup.sh imports it`;
  return null;
}

export const dockerUnavailable = dockerUnavailableReason();
export const dockerAvailable = dockerUnavailable === null;

if (dockerUnavailable !== null) {
  if (process.env.CI === 'true') throw new Error(`CI=true but the container tests cannot run: ${dockerUnavailable}`);
  process.stderr.write(`[skip] real container tests: ${dockerUnavailable}\n`);
}
