import type { AutoCloseType, ForceOrder } from '../binance/types.js';

/** One force order to announce; `id` is `orderKey(order)` and never changes. */
export interface Alert {
  id: string;
  order: ForceOrder;
}

/** What a grouped alert says before it lists orders: enough to act on without reading them all. */
export interface AlertGroupSummary {
  count: number;
  /** Exact decimal string, sum of every order's `notionalUsd`. */
  totalNotionalUsd: string;
  byKind: Record<AutoCloseType, number>;
  /** Symbols with their order counts, most orders first. */
  symbols: { symbol: string; count: number; notionalUsd: string }[];
  firstTime: number;
  lastTime: number;
}

/**
 * What a sink is handed: one alert, or a group when a cascade made more than the threshold ready at
 * once. `key` is deterministic in the alerts it carries, so a retried delivery can be recognised by
 * platforms that take an idempotency key (Discord's nonce).
 */
export type Notification =
  | { type: 'single'; key: string; alert: Alert }
  | { type: 'group'; key: string; alerts: Alert[]; summary: AlertGroupSummary };

/** How the pipeline hands a notification to a sink. */
export interface DeliverOptions {
  /** Aborted when forcewatch stops and the grace period ran out. */
  signal?: AbortSignal;
  /**
   * Set when an earlier attempt at this same `key` may have reached the platform: one a previous
   * process started and never recorded (a crash), or one in this process that failed without a clear
   * "no" (a timeout). `since` is when the first such attempt began (ms). A sink that can look its own
   * messages up by key should, and resolve without posting when the message is there; a sink that
   * cannot (or whose platform deduplicates by key itself) ignores it and posts.
   */
  maybeDelivered?: { since: number };
}

/** The port every destination implements: Slack, Discord, the console. Platform-free by design. */
export interface Sink {
  /** Stable name used in delivery records and metrics (`slack`, `discord`, `console`). */
  readonly name: string;
  /** Resolves once the platform has the message; throws `SinkError` (or anything) otherwise. */
  deliver(notification: Notification, options?: DeliverOptions): Promise<void>;
}
