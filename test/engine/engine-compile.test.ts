// Compiling rule sets: the four upstream files compile to Wasm, the on-disk cache serves an unchanged
// set, compiler failures (asc errors, a compiler that exits) surface as errors, malformed batches
// are rejected.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../host/engine/batch-encoder.js';
import { BatchFormatError } from '../../host/engine/batch-validate.js';
import { compileEngine, compileInWorker, EngineCompileError, generateSource } from '../../host/engine/engine.js';
import { defaultLanguage, loadRules } from '../../host/rules/index.js';
import { sharedAvailable, sharedPath, UPSTREAM_RULES_FILES } from '../support/shared.js';
import { execve, openat, tree } from './engine/events.js';
import { syntheticMix } from './engine/mix.js';
import { engineFor, rulesetFromYaml, rulesYaml } from './engine/support.js';

const tmp = mkdtempSync(join(tmpdir(), 'saker-engine-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('engine cache', () => {
  it('compiles once, then serves the same module from the cache directory', async () => {
    const yaml = rulesYaml({ cache_probe: `proc.name = "cache-${process.pid}-${Date.now()}"` });
    const ruleset = rulesetFromYaml(yaml);
    const cacheDir = join(tmp, 'cache');
    const first = await compileEngine(ruleset, { ruleMatching: 'all', cacheDir, optimize: 'fast' });
    expect(first.fromCache).toBe(false);
    expect(first.tier).toBe('O0');
    expect(readdirSync(cacheDir)).toEqual([`${first.hash}.O0.wasm`]);
    const second = await compileEngine(ruleset, { ruleMatching: 'all', cacheDir, optimize: 'fast' });
    expect(second.fromCache).toBe(true);
    expect(second.hash).toBe(first.hash);
    // a different matching mode is a different module
    const third = generateSource(ruleset, { ruleMatching: 'first' });
    expect(third.source).not.toBe(generateSource(ruleset, { ruleMatching: 'all' }).source);
    const { bash } = tree();
    const ev = execve({ ...bash, name: `cache-${process.pid}` });
    expect(second.evaluate(encodeBatch([ev]))).toEqual(first.evaluate(encodeBatch([ev])));
  });
});

describe('compile failures', () => {
  it('an asc error becomes an EngineCompileError with asc\'s message', async () => {
    const err = await compileInWorker('export function broken(): i32 { return undefinedThing; }').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineCompileError);
    expect((err as Error).message).toMatch(/rule engine compile failed \(asc\)/);
    expect((err as Error).message).toMatch(/undefinedThing/);
  });

  it('a compiler that exits the worker becomes an EngineCompileError, and the process lives on', async () => {
    const err = await compileInWorker('', [], new URL('./engine/exiting-worker.ts', import.meta.url)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineCompileError);
    expect((err as Error).message).toMatch(/exited with code 3/);
  });
});

describe('batches', () => {
  it('rejects a malformed batch with BatchFormatError', async () => {
    const engine = await engineFor(rulesYaml({ any_bash: 'proc.name = bash' }));
    const batch = encodeBatch([openat(tree().bash, '/etc/passwd')]);
    const bad = batch.slice();
    bad[0] = 0; // magic
    expect(() => engine.evaluate(bad)).toThrow(BatchFormatError);
    const truncated = batch.slice(0, 100);
    expect(() => engine.evaluate(truncated)).toThrow(BatchFormatError);
    expect(engine.evaluate(batch).map((m) => m.rule)).toEqual([0]);
  });

  it('evaluates an empty batch and a large one', async () => {
    const engine = await engineFor(rulesYaml({ any_bash: 'proc.name = bash' }));
    expect(engine.evaluate(encodeBatch([]))).toEqual([]);
    const events = syntheticMix(20_000);
    const matches = engine.evaluate(encodeBatch(events));
    const expected = events.flatMap((e, i) => (e.proc?.name === 'bash' ? [i] : []));
    expect(matches.map((m) => m.event)).toEqual(expected);
  });
});

describe.skipIf(!sharedAvailable)('upstream rules files', () => {
  it('the four upstream files compile to one module that evaluates a realistic mix', { timeout: 120_000 }, async () => {
    const sources = UPSTREAM_RULES_FILES.map((f) => ({ name: f, content: readFileSync(sharedPath('falco-rules', f), 'utf8') }));
    const out = loadRules(sources, { language: defaultLanguage });
    expect(out.ruleset).toBeDefined();
    const ruleset = out.ruleset!;
    const generated = generateSource(ruleset, { ruleMatching: 'all' });
    // every enabled upstream rule compiles to real code (no construct was dropped)
    expect(generated.notes).toEqual([]);
    const engine = await compileEngine(ruleset, { ruleMatching: 'all' });
    const batch = encodeBatch(syntheticMix(4096));
    const before = engine.tier;
    const matches = engine.evaluate(batch);
    for (const m of matches) expect(ruleset.rules[m.rule]!.enabled).toBe(true);
    // tiered: the optimised build replaces the first one between batches and evaluates identically
    await engine.optimized;
    expect(engine.tier).toBe('opt');
    if (before === 'O0') expect(engine.evaluate(batch)).toEqual(matches);
    const again = await compileEngine(ruleset, { ruleMatching: 'all' });
    expect(again.fromCache && again.tier === 'opt').toBe(true);
    // a known trigger: reading a sensitive file from an untrusted program
    const { bash } = tree();
    const names = engine.evaluate(encodeBatch([openat({ ...bash, name: 'evil', args: [] }, '/etc/shadow')])).map((m) => ruleset.rules[m.rule]!.name);
    expect(names).toContain('Read sensitive file untrusted');
  });
});
