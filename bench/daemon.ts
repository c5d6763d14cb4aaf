// The `daemon` benchmark: the real `saker` process (bin/saker.js over dist/, modern BPF capture)
// with the four upstream rules files and a watched rules.d, in two parts:
//  1. reloads: an action every 10 ms alerts through a base rule; five new rules are written into
//     rules.d (time to the new rule's first alert), each followed by a SIGHUP and the file's
//     removal; every numbered action must have its alert across those 15 reloads.
//  2. warm start and memory: three starts with the compile cache filled (time to the first alert
//     of an action repeated every 5 ms from before the spawn), then RSS under a moderate load
//     before and after 10 SIGHUP reloads.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { endChild, killAllChildren, NODE_ARGS, ROOT, SakerDaemon, sleep, startActions, waitFor } from './daemon-process.js';
import { ALERT_MARK, createWorkspace, openRule, OwnCacheEntries, removeWorkspace, type Workspace } from './daemon-setup.js';

export const emit = (metric: string, value: number, unit: string): void => {
  console.log(JSON.stringify({ metric, value: Math.round(value * 1000) / 1000, unit }));
};

const note = (text: string): void => void process.stderr.write(`[bench daemon] ${text}\n`);

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** The daemon lives at most this long (`-M`), should the benchmark die without stopping it. */
const MAX_DAEMON_S = 300;
const NEW_RULE_ROUNDS = Number(process.env.BENCH_DAEMON_WRITES ?? 5);
const SIGHUP_RELOADS = 10;
const STARTS = 3;

/** The benchmark's alerts of one daemon: first arrival per tag, and the numbered actions seen. */
class AlertLog {
  readonly firstAt = new Map<string, number>();
  readonly numbered = new Map<number, number>();
  dropNotices = 0;

  constructor(daemon: SakerDaemon, private readonly numberedPrefix: string) {
    const mark = `${ALERT_MARK} `;
    daemon.onLine((line, at) => {
      if (line.includes('Falco internal: syscall event drop')) this.dropNotices++;
      const i = line.indexOf(mark);
      if (i < 0) return;
      const m = /^\S+ (\S+) (\S+)/.exec(line.slice(i));
      if (!m) return;
      const [, tag, file] = m as unknown as [string, string, string];
      if (!this.firstAt.has(tag)) this.firstAt.set(tag, at);
      if (tag === 'gen' && file.startsWith(this.numberedPrefix)) {
        const n = Number(file.slice(this.numberedPrefix.length));
        this.numbered.set(n, (this.numbered.get(n) ?? 0) + 1);
      }
    });
  }

  /** Actions between the first and the last alerted one without an alert, and those alerted twice. */
  gaps(): { first: number; last: number; lost: number[]; doubled: number } {
    const seen = [...this.numbered.keys()];
    if (seen.length === 0) throw new Error('no alert of the numbered action at all');
    const first = Math.min(...seen);
    const last = Math.max(...seen);
    const lost: number[] = [];
    for (let i = first; i <= last; i++) if (!this.numbered.has(i)) lost.push(i);
    const doubled = [...this.numbered.values()].filter((c) => c > 1).length;
    return { first, last, lost, doubled };
  }
}

/**
 * Waits until every -O0 module compiled for the workspace since `sinceWall` has its optimised module
 * cached: the daemon's background compile is over and the next reload does not queue behind it.
 */
async function settleBackgroundCompiles(cache: OwnCacheEntries, sinceWall: number, daemon: SakerDaemon): Promise<void> {
  const pending = (): string[] => cache.fastModulesSince(sinceWall).filter((h) => !cache.hasOptimized(h));
  try {
    await waitFor('the background optimised compile', () => (pending().length === 0 ? true : undefined), 90_000, daemon.exited);
  } catch (e) {
    if (daemon.exited() !== undefined) throw e;
    note(`warning: ${e instanceof Error ? e.message : String(e)} (${pending().join(', ')}); going on`);
  }
}

/** Sends SIGHUP and waits for the reload it causes. */
async function sighupReload(daemon: SakerDaemon): Promise<void> {
  const before = daemon.reloadsApplied();
  process.kill(daemon.pid, 'SIGHUP');
  await daemon.awaitReloads(before + 1, 60_000);
}

async function measureReloads(ws: Workspace, cache: OwnCacheEntries): Promise<void> {
  const spawnWall = Date.now();
  const daemon = new SakerDaemon(ws.config, MAX_DAEMON_S);
  const alerts = new AlertLog(daemon, ws.genPrefix);
  const actions = startActions(['numbered', '10', ws.genPrefix, ws.newPrefix]);
  try {
    await waitFor('the first alert of the numbered action (cold start)', () => alerts.firstAt.get('gen'), 180_000, daemon.exited);
    note(`first daemon up (cold compile) in ${Math.round(alerts.firstAt.get('gen')! - daemon.spawnedAt)} ms`);
    await settleBackgroundCompiles(cache, spawnWall, daemon);

    const latencies: number[] = [];
    const phases: string[] = [];
    for (let k = 1; k <= NEW_RULE_ROUNDS; k++) {
      const file = join(ws.rulesD, `10-new-${k}.yaml`);
      const before = daemon.reloadsApplied();
      const wall = Date.now();
      const t0 = performance.now();
      writeFileSync(file, openRule(`Saker bench new rule ${k}`, `new-${k}`, ws.newPrefix));
      const at = await waitFor(`the first alert of new rule ${k}`, () => alerts.firstAt.get(`new-${k}`), 120_000, daemon.exited);
      latencies.push(at - t0);
      await daemon.awaitReloads(before + 1, 30_000);
      const since = (text: string): number => Math.round((daemon.stderrLineAt(text, t0) ?? Number.NaN) - t0);
      phases.push(`${since('Reloading configuration and rules')} / ${since('Reload applied')} / ${Math.round(at - t0)}`);
      // The new set's optimised compile runs in the background; the next reload would queue behind it.
      await settleBackgroundCompiles(cache, wall - 1000, daemon);
      await sighupReload(daemon);
      const beforeRemove = daemon.reloadsApplied();
      rmSync(file);
      await daemon.awaitReloads(beforeRemove + 1, 60_000);
    }
    note(`new rules, ms from the write (reload starts / reload applied / first alert): ${phases.join('; ')}`);
    emit('daemon_first_alert_after_rules_write_ms', median(latencies), 'ms');
    emit('daemon_first_alert_after_rules_write_ms_max', Math.max(...latencies), 'ms');

    await endChild(actions, 2000);
    await sleep(1000); // the last actions' alerts come through
    const g = alerts.gaps();
    const reloads = daemon.reloadsApplied();
    if (g.lost.length > 0) note(`actions without an alert: ${g.lost.slice(0, 50).join(', ')}${g.lost.length > 50 ? ', ...' : ''}`);
    if (alerts.dropNotices > 0) note(`the daemon reported kernel drops ${alerts.dropNotices} time(s): lost actions may be capture drops, not reloads`);
    emit('daemon_events_lost_during_reload', g.lost.length, 'events');
    emit('daemon_events_checked_during_reload', g.last - g.first + 1, 'events');
    emit('daemon_events_doubled_during_reload', g.doubled, 'events');
    emit('daemon_reloads_during_check', reloads, 'reloads');
    const code = await daemon.stop();
    if (code !== 0) throw new Error(`the first daemon exited with ${code} on SIGTERM`);
  } finally {
    await endChild(actions, 2000);
    await daemon.stop();
  }
}

type Memory = ReturnType<SakerDaemon['memory']>;

/** Memory samples every `everyMs`; the median of each figure. */
async function memoryMedian(daemon: SakerDaemon, samples: number, everyMs: number): Promise<Memory> {
  const xs: Memory[] = [];
  for (let i = 0; i < samples; i++) {
    if (i > 0) await sleep(everyMs);
    xs.push(daemon.memory());
  }
  return { rss: median(xs.map((x) => x.rss)), anon: median(xs.map((x) => x.anon)), file: median(xs.map((x) => x.file)) };
}

/** Log lines of a start, in order: ms from the spawn to their arrival. */
const START_MARKS = {
  rulesLoaded: 'Loaded event sources: ',
  engineReady: "Opening 'syscall' source with modern BPF probe.",
  probeAttached: "One ring buffer every '",
} as const;
type StartTimes = Record<keyof typeof START_MARKS | 'firstAlert', number>;

/** One warm start: ms from the spawn to each start mark and to the first alert of the startup action. */
async function warmStart(ws: Workspace, cache: OwnCacheEntries, run: number): Promise<{ daemon: SakerDaemon; times: StartTimes }> {
  // The action runs every 5 ms from before the spawn on: the first alert is the first evaluated event.
  const actions = startActions(['numbered', '5', `${ws.startPrefix}${run}-`]);
  await sleep(300);
  const wall = Date.now();
  const daemon = new SakerDaemon(ws.config, MAX_DAEMON_S);
  const alerts = new AlertLog(daemon, ws.genPrefix);
  try {
    const at = await waitFor('the first alert of the startup action (warm start)', () => alerts.firstAt.get('start'), 60_000, daemon.exited);
    const mark = (text: string): number => (daemon.stderrLineAt(text) ?? at) - daemon.spawnedAt;
    const missed = cache.fastModulesSince(wall);
    if (missed.length > 0) note(`warning: warm start ${run} compiled ${missed.join(', ')}: the cache was not warm for it`);
    return {
      daemon,
      times: {
        rulesLoaded: mark(START_MARKS.rulesLoaded),
        engineReady: mark(START_MARKS.engineReady),
        probeAttached: mark(START_MARKS.probeAttached),
        firstAlert: at - daemon.spawnedAt,
      },
    };
  } catch (e) {
    await daemon.stop();
    throw e;
  } finally {
    await endChild(actions, 2000);
  }
}

async function measureStartsAndMemory(ws: Workspace, cache: OwnCacheEntries): Promise<void> {
  const starts: StartTimes[] = [];
  let last: SakerDaemon | undefined;
  for (let run = 0; run < STARTS; run++) {
    const s = await warmStart(ws, cache, run);
    starts.push(s.times);
    if (run < STARTS - 1) {
      const code = await s.daemon.stop();
      if (code !== 0) throw new Error(`a warm-start daemon exited with ${code} on SIGTERM`);
    } else last = s.daemon;
  }
  const of = (k: keyof StartTimes): number[] => starts.map((t) => t[k]);
  note(`warm starts, ms from the spawn (rules loaded / engine ready / probe attached / first alert): ${starts.map((t) => [t.rulesLoaded, t.engineReady, t.probeAttached, t.firstAlert].map(Math.round).join(' / ')).join('; ')}`);
  emit('daemon_startup_to_first_event_ms_warm', median(of('firstAlert')), 'ms');
  emit('daemon_startup_to_first_event_ms_warm_max', Math.max(...of('firstAlert')), 'ms');
  emit('daemon_startup_rules_loaded_ms_warm', median(of('rulesLoaded')), 'ms');
  emit('daemon_startup_engine_ready_ms_warm', median(of('engineReady')), 'ms');
  emit('daemon_startup_to_probe_attached_ms_warm', median(of('probeAttached')), 'ms');

  const daemon = last!;
  // Moderate load: 5000 open+read+close per second that no rule alerts on, and the numbered action
  // (100 alerts per second).
  const load = startActions(['load', '10', '50']);
  const actions = startActions(['numbered', '10', ws.genPrefix]);
  try {
    await sleep(8000); // warm-up
    const cpu0 = daemon.cpuMs();
    const wall0 = performance.now();
    const steady = await memoryMedian(daemon, 7, 500);
    const cpuPercent = (100 * (daemon.cpuMs() - cpu0)) / (performance.now() - wall0);
    let peak = steady.rss;
    let afterHalf: Memory | undefined;
    for (let i = 1; i <= SIGHUP_RELOADS; i++) {
      await sighupReload(daemon);
      peak = Math.max(peak, daemon.memory().rss);
      if (i === SIGHUP_RELOADS / 2) {
        await sleep(5000);
        afterHalf = await memoryMedian(daemon, 5, 500);
      }
    }
    await sleep(5000); // the previous engines and rule sets become garbage; the collector runs on its own
    const after = await memoryMedian(daemon, 7, 500);
    emit('daemon_cpu_percent_steady', cpuPercent, '%');
    emit('daemon_rss_mb_steady', steady.rss, 'MB');
    emit('daemon_rss_anon_mb_steady', steady.anon, 'MB');
    emit('daemon_rss_file_mb_steady', steady.file, 'MB');
    emit('daemon_rss_mb_peak_during_reloads', peak, 'MB');
    emit(`daemon_rss_mb_after_${SIGHUP_RELOADS / 2}_reloads`, afterHalf!.rss, 'MB');
    emit(`daemon_rss_mb_after_${SIGHUP_RELOADS}_reloads`, after.rss, 'MB');
    emit('daemon_rss_after_reloads_ratio', after.rss / steady.rss, 'ratio');
    emit(`daemon_rss_reloads_${SIGHUP_RELOADS / 2 + 1}_to_${SIGHUP_RELOADS}_ratio`, after.rss / afterHalf!.rss, 'ratio');
    const code = await daemon.stop();
    if (code !== 0) throw new Error(`the memory daemon exited with ${code} on SIGTERM`);
  } finally {
    await endChild(load, 2000);
    await endChild(actions, 2000);
    await daemon.stop();
  }
}

export async function benchDaemon(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the daemon benchmark needs root (BPF capture)');
  if (NODE_ARGS.length > 0) note(`the daemon runs with node flags: ${NODE_ARGS.join(' ')}`);
  // bin/saker.js runs dist/: bring it up to date (tsc still emits when other files have type errors).
  spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
  const sinceWall = Date.now() - 1000;
  const ws = createWorkspace();
  const cache = new OwnCacheEntries(ws, sinceWall);
  const cleanup = (): void => {
    killAllChildren();
    removeWorkspace(ws);
  };
  const onSignal = (): void => {
    cleanup();
    cache.removeAll();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', killAllChildren);
  try {
    await measureReloads(ws, cache);
    await measureStartsAndMemory(ws, cache);
  } finally {
    cleanup();
    await sleep(200); // killed children are gone before their cache entries are removed
    cache.removeAll();
  }
}
