// Alerts for the email and SNS channel tests.
import type { Alert } from '../../../outputs/alert.js';

let sequence = 0;

export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  sequence++;
  return {
    timeNs: 1_700_000_000_123_456_789n + BigInt(sequence) * 1_000_000n,
    rule: 'Terminal shell in container',
    priority: 'Notice',
    source: 'syscall',
    output: `A shell was spawned in a container (user=root shell=bash seq=${sequence})`,
    outputFields: { 'user.name': 'root', 'proc.name': 'bash', 'proc.pid': 4242n, 'container.id': null },
    tags: ['container', 'shell', 'mitre_execution'],
    hostname: 'node-1',
    ...overrides,
  };
}
