// The cgroup → container.id rule the addon applies to every process (native/state.cc).
import { describe, expect, test } from 'vitest';
import { loadCaptureAddon } from '../../native/capture.js';
import { addonAvailable } from './support.js';

const ID = '3f1b2c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b';

describe.skipIf(!addonAvailable)('container.id from the cgroup path', () => {
  const cases: [string, string][] = [
    [`/docker/${ID}`, ID.slice(0, 12)], // cgroupfs driver
    [`/system.slice/docker-${ID}.scope`, ID.slice(0, 12)], // systemd driver
    [`/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-${ID}.scope`, ID.slice(0, 12)],
    [`/kubepods/besteffort/pod1234/${ID}`, ID.slice(0, 12)],
    [`/kubepods.slice/kubepods-pod1.slice/crio-${ID}.scope`, ID.slice(0, 12)],
    [`/machine.slice/libpod-${ID}.scope`, ID.slice(0, 12)],
    [`/machine.slice/libpod-conmon-${ID}.scope`, 'host'], // podman's monitor runs on the host
    ['/process_api/a1cb3183467c406f223cc389a3a78af6', 'host'], // this VM's sandbox cgroup
    ['/user.slice/user-0.slice/session-1.scope', 'host'],
    ['/', 'host'],
    ['', 'host'],
    [`/docker/${ID.slice(0, 63)}`, 'host'], // not a full id
    [`/docker/${ID.slice(0, 63)}g`, 'host'], // not hex
    [`docker-${ID}.scope`, ID.slice(0, 12)], // a bare leaf, as the kernel side sends it
  ];
  test.each(cases)('%s → %s', (path, want) => {
    expect(loadCaptureAddon().containerIdFromCgroup(path)).toBe(want);
  });
});
