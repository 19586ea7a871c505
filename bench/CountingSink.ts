import type { Notification, Sink } from '../src/sinks/Sink.js';

/**
 * A sink that accepts everything at once and counts alert ids, so the benchmark can prove exactly-once
 * delivery: it keeps when each id first arrived and every id that arrived again.
 */
export class CountingSink implements Sink {
  readonly name: string;
  /** Alert id -> wall-clock ms (`Date.now()`) of its first delivery. */
  readonly firstSeenAt = new Map<string, number>();
  /** Ids delivered more than once, once per extra delivery. */
  readonly duplicates: string[] = [];
  /** Notifications accepted. */
  notifications = 0;
  /** Wall-clock ms of the last accepted notification. */
  lastAt = 0;
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(name = 'bench') {
    this.name = name;
  }

  /** Resolves once `count` distinct ids have been delivered. */
  untilDistinct(count: number): Promise<void> {
    if (this.firstSeenAt.size >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async deliver(notification: Notification): Promise<void> {
    const now = Date.now();
    this.notifications += 1;
    this.lastAt = now;
    // About the bot, the account's risk or its day, not a force order: not counted.
    if (notification.type === 'notice' || notification.type === 'risk' || notification.type === 'digest') return;
    const alerts = notification.type === 'single' ? [notification.alert] : notification.alerts;
    for (const { id } of alerts) {
      if (this.firstSeenAt.has(id)) this.duplicates.push(id);
      else this.firstSeenAt.set(id, now);
    }
    const distinct = this.firstSeenAt.size;
    this.waiters = this.waiters.filter((w) => {
      if (w.count > distinct) return true;
      w.resolve();
      return false;
    });
  }

  /** Exactly-once violations against the ids that should have arrived: missing, duplicated, unexpected. */
  violations(expected: Iterable<string>): string[] {
    const want = new Set(expected);
    const missing = [...want].filter((id) => !this.firstSeenAt.has(id));
    const unexpected = [...this.firstSeenAt.keys()].filter((id) => !want.has(id));
    const problems: string[] = [];
    if (missing.length > 0) problems.push(`${missing.length} alerts never delivered (e.g. ${missing.slice(0, 3).join(', ')})`);
    if (this.duplicates.length > 0) {
      problems.push(`${this.duplicates.length} duplicate deliveries (e.g. ${this.duplicates.slice(0, 3).join(', ')})`);
    }
    if (unexpected.length > 0) problems.push(`${unexpected.length} alerts nobody placed (e.g. ${unexpected.slice(0, 3).join(', ')})`);
    return problems;
  }
}
