// One digest window: exact counts per rule for every alert gathered, and the first few alerts in
// full. Memory stays bounded however many alerts a window sees.
import type { Alert, PriorityName } from '../alert.js';
import { priorityLevel } from '../../host/rules/index.js';

export interface RuleCount {
  rule: string;
  count: number;
  /** The most severe priority seen for the rule in this window. */
  priority: PriorityName;
}

export class DigestWindow {
  private readonly counts = new Map<string, RuleCount>();
  readonly listed: Alert[] = [];
  total = 0;
  firstNs = 0n;
  lastNs = 0n;
  hostname = '';

  constructor(private readonly maxListed: number) {}

  add(alert: Alert): void {
    if (this.total === 0 || alert.timeNs < this.firstNs) this.firstNs = alert.timeNs;
    if (this.total === 0 || alert.timeNs > this.lastNs) this.lastNs = alert.timeNs;
    if (this.hostname === '') this.hostname = alert.hostname;
    this.total++;
    const entry = this.counts.get(alert.rule);
    if (entry === undefined) {
      this.counts.set(alert.rule, { rule: alert.rule, count: 1, priority: alert.priority });
    } else {
      entry.count++;
      if (priorityLevel(alert.priority) < priorityLevel(entry.priority)) entry.priority = alert.priority;
    }
    if (this.listed.length < this.maxListed) this.listed.push(alert);
  }

  /** Takes in another window's alerts (a digest that could not be sent joins the next one). */
  merge(other: DigestWindow): void {
    if (other.total === 0) return;
    if (this.total === 0 || other.firstNs < this.firstNs) this.firstNs = other.firstNs;
    if (this.total === 0 || other.lastNs > this.lastNs) this.lastNs = other.lastNs;
    if (this.hostname === '') this.hostname = other.hostname;
    this.total += other.total;
    for (const c of other.counts.values()) {
      const entry = this.counts.get(c.rule);
      if (entry === undefined) this.counts.set(c.rule, { ...c });
      else {
        entry.count += c.count;
        if (priorityLevel(c.priority) < priorityLevel(entry.priority)) entry.priority = c.priority;
      }
    }
    // Older alerts first: the failed window's alerts happened before this one's.
    const merged = [...other.listed, ...this.listed].slice(0, this.maxListed);
    this.listed.splice(0, this.listed.length, ...merged);
  }

  /** Rules by count (highest first), then by name. */
  ruleCounts(): RuleCount[] {
    return [...this.counts.values()].sort((a, b) => b.count - a.count || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  }

  maxPriority(): PriorityName {
    let best: PriorityName = 'Debug';
    for (const c of this.counts.values()) if (priorityLevel(c.priority) < priorityLevel(best)) best = c.priority;
    return best;
  }
}
