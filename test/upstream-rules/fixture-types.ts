// The shape of an upstream rule's fixtures (fixtures/*.ts): events written as field settings on
// the base event of a type (event-builder.ts).
import type { FieldSetting } from './event-builder.js';

export interface RuleFixture {
  /** The event type of both events. */
  type: string;
  /** Settings that make the rule trigger. */
  hit: readonly FieldSetting[];
  /** Settings applied after `hit` that make the rule only just miss (its exception or a near value). */
  miss: readonly FieldSetting[];
}

/** A rule no event can trigger in Saker, and why (the test checks the reason against the condition). */
export interface UnmatchableRule {
  type: string;
  unmatchable: string;
  /** A check of the expanded condition that makes it so. */
  because: string;
}

export type UpstreamFixture = RuleFixture | UnmatchableRule;

export const isUnmatchable = (f: UpstreamFixture): f is UnmatchableRule => 'unmatchable' in f;
