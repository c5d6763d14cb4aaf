// The event types each generation needs, handed to the capture's syscall map at start and on
// every applied reload; base_syscalls.custom_set adds and `!name` removes; all when unrestricted.
import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Logger } from '../../host/cli/logger.js';
import { main } from '../../host/cli/main.js';
import { interestingEventTypes, loadRuleSet } from '../../host/daemon/rule-set.js';

const logger = new Logger({ stderr: false, level: 'info', iso8601: false });
const rule = (name: string, cond: string, priority = 'WARNING'): string => `- rule: ${name}\n  desc: d\n  condition: ${cond}\n  output: x\n  priority: ${priority}\n`;

function rulesFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'saker-et-'));
  const f = join(dir, 'r.yaml');
  writeFileSync(f, text);
  return f;
}

describe('event types for the syscall map', () => {
  const file = rulesFile(rule('A', 'evt.type = openat') + rule('B', 'evt.type in (connect, execve)') + rule('Low', 'evt.type = chmod', 'DEBUG'));

  it('is the union of the enabled rules above the minimum priority', () => {
    const set = loadRuleSet({ configFile: null, overrides: ['priority=info'], rulesPaths: [file], env: {}, logger });
    expect(interestingEventTypes(set)).toEqual({ all: false, names: ['connect', 'execve', 'openat'] });
  });

  it('adds and removes base_syscalls.custom_set entries; all wins', () => {
    const set = loadRuleSet({ configFile: null, overrides: ['priority=info', 'base_syscalls.custom_set[]=clone', 'base_syscalls.custom_set[]=!connect'], rulesPaths: [file], env: {}, logger });
    expect(interestingEventTypes(set)).toEqual({ all: false, names: ['clone', 'execve', 'openat'] });
    const all = loadRuleSet({ configFile: null, overrides: ['base_syscalls.all=true'], rulesPaths: [file], env: {}, logger });
    expect(interestingEventTypes(all).all).toBe(true);
    const unrestricted = loadRuleSet({ configFile: null, overrides: [], rulesPaths: [rulesFile(rule('U', 'proc.name = x'))], env: {}, logger });
    expect(interestingEventTypes(unrestricted).all).toBe(true);
  });

  it('is handed to the capture at start and after a reload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-et-'));
    const rules = join(dir, 'r.yaml');
    writeFileSync(rules, rule('A', 'evt.type = openat'));
    const seen: string[][] = [];
    const signals = new EventEmitter();
    const done = main(['-r', rules, '-o', 'engine.kind=nodriver', '-o', 'watch_config_files=false'], {
      stdout: () => undefined,
      stderr: () => undefined,
      defaultConfigPath: '/nonexistent',
      env: {},
      signals,
      applyEventTypes: (t) => void seen.push(t.names),
    });
    const wait = async (n: number): Promise<void> => {
      for (let i = 0; i < 500 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 20));
    };
    await wait(1);
    writeFileSync(rules, rule('A', 'evt.type = openat') + rule('B', 'evt.type = unlinkat'));
    signals.emit('SIGHUP');
    await wait(2);
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
    expect(seen).toEqual([['openat'], ['openat', 'unlinkat']]);
  }, 30_000);
});
