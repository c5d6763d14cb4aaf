// Alerts per second one channel delivers when its queue never runs dry: a feeder keeps the queue
// topped up, and the delivered counter is read over a window after a warm-up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert } from '../outputs/index.js';
import { delivered, deliveryFor, sleep, startPeer } from './outputs-support.js';

/** An alert shaped like an upstream stable one (Read sensitive file untrusted), ~10 output fields. */
export function sampleAlert(): Alert {
  const fields = {
    'evt.time': 1_700_000_001_000_000_000n,
    'evt.type': 'openat',
    'user.name': 'root',
    'user.uid': 0,
    'user.loginuid': -1,
    'proc.cmdline': 'cat /etc/shadow',
    'proc.pid': 4243,
    'proc.cwd': '/root/',
    'proc.pname': 'bash',
    'proc.exepath': '/usr/bin/cat',
    'fd.name': '/etc/shadow',
    'container.id': 'host',
    'container.name': null,
  };
  return {
    timeNs: 1_700_000_001_000_000_000n,
    rule: 'Read sensitive file untrusted',
    priority: 'Warning',
    source: 'syscall',
    output:
      'Sensitive file opened for reading by non-trusted program | file=/etc/shadow gparent=sshd ggparent=systemd evt_type=openat user=root user_uid=0 user_loginuid=-1 process=cat proc_exepath=/usr/bin/cat parent=bash command=cat /etc/shadow terminal=34816 container_id=host container_name=<NA>',
    outputFields: fields,
    tags: ['T1555', 'container', 'filesystem', 'host', 'maturity_stable', 'mitre_credential_access'],
    hostname: 'bench-host',
  };
}

const FEED_TARGET = 8_000; // queued alerts the feeder keeps waiting (below the default capacity, 10000)

async function alertsPerSecond(yaml: string, channel: string, measureMs: number): Promise<number> {
  const { delivery } = await deliveryFor(yaml);
  const alert = sampleAlert();
  const feed = (): void => {
    const c = delivery.pipeline.counters().find((x) => x.channel === channel)!;
    for (let i = c.queued; i < FEED_TARGET; i++) delivery.pipeline.publish(alert);
  };
  feed();
  const feeder = setInterval(feed, 5);
  await sleep(Math.min(1000, measureMs / 3)); // warm-up: connections, JIT
  const d0 = delivered(delivery, channel);
  const t0 = performance.now();
  await sleep(measureMs);
  const d1 = delivered(delivery, channel);
  const secs = (performance.now() - t0) / 1000;
  clearInterval(feeder);
  const counters = delivery.pipeline.counters().find((x) => x.channel === channel)!;
  if (counters.dropped.queue_full > 0 || counters.dropped.permanent_failure > 0) {
    throw new Error(`${channel}: alerts dropped during the measurement: ${JSON.stringify(counters.dropped)}`);
  }
  await delivery.pipeline.drain(200); // what is still queued is counted as shutdown drops; irrelevant here
  return (d1 - d0) / secs;
}

export interface ThroughputFigures {
  fileAlertsPerS: number;
  fileKeepAliveAlertsPerS: number;
  httpAlertsPerS: number;
}

export async function benchThroughput(measureMs: number): Promise<ThroughputFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'saker-bench-outputs-'));
  try {
    const file = join(dir, 'events.txt');
    const fileYaml = (keepAlive: boolean): string => `file_output:\n  enabled: true\n  keep_alive: ${keepAlive}\n  filename: ${file}\n`;
    const fileAlertsPerS = await alertsPerSecond(fileYaml(false), 'file_output', measureMs);
    rmSync(file);
    const fileKeepAliveAlertsPerS = await alertsPerSecond(fileYaml(true), 'file_output', measureMs);
    const peer = await startPeer('http');
    let httpAlertsPerS: number;
    try {
      httpAlertsPerS = await alertsPerSecond(`http_output:\n  enabled: true\n  url: http://127.0.0.1:${peer.port}/\n`, 'http_output', measureMs);
    } finally {
      peer.stop();
    }
    return { fileAlertsPerS, fileKeepAliveAlertsPerS, httpAlertsPerS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
