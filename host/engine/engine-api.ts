// The contract between the rule engine (host/engine/) and its users: the daemon, the tests, the
// oracle and the benchmarks. Types only; the implementation is host/engine/engine.ts.
import type { OutputFieldValue } from '../../outputs/alert.js';
import type { RuleSet } from '../rules/index.js';

export type RuleMatching = 'first' | 'all';

export interface EngineOptions {
  /** Falco's `rule_matching`: `first` stops at the first matching rule of an event (in rule id order). */
  ruleMatching: RuleMatching;
  /** Only these rule ids are evaluated (config selectors, priority filter); default: every enabled rule. */
  enabledRuleIds?: readonly number[];
  /** On-disk cache of compiled modules, keyed by content hash; default `<repo>/build/engine-cache`. */
  cacheDir?: string;
}

/** One (event, rule) pair: the event's index in its batch and the rule's id in the rule set. */
export interface Match {
  event: number;
  rule: number;
}

export interface CompiledEngine {
  readonly ruleset: RuleSet;
  /** Content hash of the generated module (the cache key). */
  readonly hash: string;
  /** True when the module came from the on-disk cache. */
  readonly fromCache: boolean;
  /** Evaluate one batch (batch ABI v1 bytes); throws BatchFormatError on a malformed batch. */
  evaluate(batch: Uint8Array): Match[];
  /**
   * The output fields of a matched rule for that event, typed, `null` when missing, keyed by the
   * field as written in the output template (e.g. `proc.aname[2]`). Must be called with the batch
   * the match came from.
   */
  outputFields(batch: Uint8Array, match: Match): Record<string, OutputFieldValue>;
  /** The rule's output string with its fields substituted (`<NA>` for missing), as Falco renders it. */
  formatOutput(batch: Uint8Array, match: Match): string;
}
