// Per-channel counters in Prometheus text exposition format, for the webserver's /metrics.
import { DROP_REASONS, falcoOutputName, type ChannelCounters } from './channel-worker.js';

const label = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: (c: ChannelCounters) => [labels: string, value: number][];
}

const FAMILIES: Family[] = [
  { name: 'saker_output_delivered_total', help: 'Alerts delivered by the output channel.', type: 'counter', samples: (c) => [['', c.delivered]] },
  {
    name: 'saker_output_dropped_total',
    help: 'Alerts the output channel dropped, by reason.',
    type: 'counter',
    samples: (c) => DROP_REASONS.map((r) => [`,reason="${r}"`, c.dropped[r]]),
  },
  { name: 'saker_output_filtered_total', help: "Alerts below the channel's min_priority.", type: 'counter', samples: (c) => [['', c.filtered]] },
  { name: 'saker_output_retries_total', help: 'Failed delivery attempts that were retried.', type: 'counter', samples: (c) => [['', c.retries]] },
  { name: 'saker_output_queued', help: 'Alerts waiting in the channel queue.', type: 'gauge', samples: (c) => [['', c.queued]] },
  { name: 'saker_output_in_flight', help: 'Alerts handed to the channel and not settled yet.', type: 'gauge', samples: (c) => [['', c.inFlight]] },
];

/** One block per metric family; channels labelled with Falco's output names (`file`, `http`, …). */
export function outputMetricsText(counters: readonly ChannelCounters[]): string {
  let out = '';
  for (const f of FAMILIES) {
    out += `# HELP ${f.name} ${f.help}\n# TYPE ${f.name} ${f.type}\n`;
    for (const c of counters) {
      const channel = `channel="${label(falcoOutputName(c.channel))}"`;
      for (const [extra, value] of f.samples(c)) out += `${f.name}{${channel}${extra}} ${value}\n`;
    }
  }
  return out;
}
