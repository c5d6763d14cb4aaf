// What the `capture` benchmark drives: the capture addon (loaded directly, typed here for the
// little the bench uses), the syscall loops of native/bench/loop.c (compiled into a temporary
// directory), and the upstream stable rules (their event types for the kernel's syscall map, and
// a compiled engine that evaluates every batch, as the daemon does).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { batchEventCount } from '../host/daemon/alerts.js';
import { planOpenFilter, type OpenFilter } from '../host/capture/open-prefilter.js';
import { compileEngine, type WasmEngine } from '../host/engine/engine.js';
import { eventTypeByName, EVENT_TYPES } from '../host/engine/event-types.js';
import { defaultLanguage, loadRules, type RuleSet } from '../host/rules/index.js';

const REPO = resolve(import.meta.dirname, '..');
const SHARED = process.env.SAKER_SHARED_DIR ?? resolve(REPO, '..', 'shared');
/** The built addon; SAKER_CAPTURE_ADDON points the bench at another build (A/B of two builds). */
export const ADDON = process.env.SAKER_CAPTURE_ADDON ?? join(REPO, 'native', 'build', 'Release', 'saker_capture.node');

export interface ProbeStats {
  kernelEvents?: number;
  filteredOpens?: number;
  filteredCloses?: number;
  dropsRingFull?: number;
  dropsRead?: number;
  events?: number;
}

interface ProbeHandle {
  start(onBatch: (batch: Uint8Array) => void): void;
  /** Absent in builds from before the open prefilter (SAKER_CAPTURE_ADDON A/B runs). */
  setOpenFilter?(filter: OpenFilter | null): void;
  stats(): ProbeStats;
  stop(): Promise<void>;
}

type ProbeClass = new (options: { eventTypes: number[] }) => ProbeHandle;

export function loadProbeClass(): ProbeClass {
  if (!existsSync(ADDON)) throw new Error(`${ADDON} is missing: run npm run build:native first`);
  return (createRequire(import.meta.url)(ADDON) as { Capture: ProbeClass }).Capture;
}

export function stableRules(): RuleSet {
  const path = join(SHARED, 'falco-rules', 'falco_rules.yaml');
  const out = loadRules([{ name: 'falco_rules.yaml', content: readFileSync(path, 'utf8') }], { language: defaultLanguage });
  if (out.ruleset === undefined) throw new Error(`${path} does not load`);
  return out.ruleset;
}

/** Batch ABI ids of the event types the enabled rules name (all types if one rule names none). */
export function ruleEventTypeIds(ruleset: RuleSet): number[] {
  const rules = ruleset.rules.filter((r) => r.enabled);
  if (rules.some((r) => r.eventTypes.all)) return EVENT_TYPES.map((t) => t.id).filter((id) => id > 0);
  const ids = new Set<number>();
  for (const name of rules.flatMap((r) => r.eventTypes.names)) {
    const t = eventTypeByName(name);
    if (t) ids.add(t.id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** The opens the enabled rules can never see, as the daemon hands them to the kernel. */
export function openFilterFor(ruleset: RuleSet): OpenFilter | null {
  return planOpenFilter(ruleset.rules.filter((r) => r.enabled)).filter;
}

/** The engine for the rules, optimised module built before it is returned (no compile running during the runs). */
export function engineFor(ruleset: RuleSet): Promise<WasmEngine> {
  return compileEngine(ruleset, { ruleMatching: 'first', optimize: 'optimized' });
}

export interface Session {
  probe: ProbeHandle;
  events(): number;
}

/**
 * Runs `fn` while the probe captures `ids` (with the kernel's open filter, if given); every batch is
 * counted and, given an engine, evaluated.
 */
export async function withProbe<T>(ids: number[], engine: WasmEngine | undefined, fn: (s: Session) => Promise<T>, filter: OpenFilter | null = null): Promise<T> {
  const Probe = loadProbeClass();
  const probe = new Probe({ eventTypes: ids });
  if (filter !== null) probe.setOpenFilter?.(filter);
  let events = 0;
  probe.start((batch) => {
    events += batchEventCount(batch);
    engine?.evaluate(batch);
  });
  try {
    return await fn({ probe, events: () => events });
  } finally {
    await probe.stop();
  }
}

export type LoopKind = 'open' | 'stat' | 'dd' | 'forkexec';

let loopBinary: string | undefined;
/** native/bench/loop.c, built once per run: prints the loop's CPU time per iteration (ns). */
export function loopPath(): string {
  if (loopBinary === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'saker-bench-capture-'));
    loopBinary = join(dir, 'loop');
    execFileSync('cc', ['-O2', join(REPO, 'native', 'bench', 'loop.c'), '-o', loopBinary]);
  }
  return loopBinary;
}

/** Removes the temporary directory of the loop binary. */
export function removeLoop(): void {
  if (loopBinary !== undefined) rmSync(dirname(loopBinary), { recursive: true, force: true });
  loopBinary = undefined;
}

export function runLoop(kind: LoopKind, n: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn(loopPath(), [kind, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    p.stdout.on('data', (d: Buffer) => (text += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolvePromise(Number(text)) : reject(new Error(`loop ${kind} exited with ${String(code)}`))));
  });
}
