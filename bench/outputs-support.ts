// Shared pieces of the `outputs` benchmark: the far-end processes, a delivery built from falco.yaml
// text through the committed outputs/ API, and waiting on a channel's delivered counter.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { parseConfigYaml } from '../host/config/tree.js';
import { createDelivery, readDeliveryConfig, type Delivery } from '../outputs/index.js';

export const emit = (metric: string, value: number, unit: string): void => {
  console.log(JSON.stringify({ metric, value: Math.round(value * 1000) / 1000, unit }));
};

export interface Peer {
  port: number;
  stop(): void;
}

/** Starts bench/outputs-peer.ts `kind` in its own node process and waits for its port. */
export function startPeer(kind: 'http' | 'smtp' | 'hang'): Promise<Peer> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--experimental-transform-types', '--no-warnings', '--import', join(import.meta.dirname, 'ts-hooks.mjs'), join(import.meta.dirname, 'outputs-peer.ts'), kind],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let text = '';
    child.once('exit', (code) => reject(new Error(`outputs-peer ${kind} exited with ${String(code)} before listening`)));
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /port (\d+)\n/.exec(text);
      if (m) {
        child.removeAllListeners('exit');
        resolve({
          port: Number(m[1]),
          stop: () => {
            child.stdin!.end();
            child.kill();
          },
        });
      }
    });
  });
}

/** A delivery for these falco.yaml output keys (stdout and syslog off unless the text turns them on). */
export async function deliveryFor(yaml: string): Promise<{ delivery: Delivery; logLines: () => number }> {
  let lines = 0;
  const config = readDeliveryConfig(parseConfigYaml(`stdout_output:\n  enabled: false\nsyslog_output:\n  enabled: false\n${yaml}`));
  // Log lines (retries, the output_timeout watchdog) are counted, not printed: stdout carries JSON only.
  const delivery = createDelivery(config, { log: () => void lines++ });
  await delivery.pipeline.start();
  if (delivery.pipeline.counters().length !== config.channels.length) throw new Error('an output channel failed to start');
  return { delivery, logLines: () => lines };
}

export function delivered(delivery: Delivery, channel: string): number {
  const c = delivery.pipeline.counters().find((x) => x.channel === channel);
  if (c === undefined) throw new Error(`no ${channel} channel`);
  return c.delivered;
}

/** Resolves once `channel` has delivered `count` alerts in all, checking on every event-loop turn. */
export function waitDelivered(delivery: Delivery, channel: string, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (delivered(delivery, channel) >= count) resolve();
      else if (performance.now() > deadline) reject(new Error(`${channel}: ${count} alerts not delivered within ${timeoutMs} ms`));
      else setImmediate(check);
    };
    check();
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
