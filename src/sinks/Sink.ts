/**
 * The Sink port: what the pipeline hands a destination (an alert, a group or an operational notice),
 * how a sink reports a failure (`SinkError`, retryable or not, and why), and the scoped signal a
 * sink's client should get.
 */

import type { ForceOrder, ForceOrderKind } from '../binance/types.js';
import type { RiskLevel } from '../stream/events.js';

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
  /** Orders of each kind; settlement closes are counted apart from liquidations. */
  byKind: Record<ForceOrderKind, number>;
  /** Symbols with their order counts, most orders first. */
  symbols: { symbol: string; count: number; notionalUsd: string }[];
  firstTime: number;
  lastTime: number;
}

/**
 * What the pipeline delivers from the outbox: one alert, or a group when a cascade made more than the
 * threshold ready at once. `key` is deterministic in the alerts it carries, so a retried delivery can
 * be recognised by platforms that take an idempotency key (Discord's nonce).
 */
export type AlertNotification =
  | { type: 'single'; key: string; alert: Alert }
  | { type: 'group'; key: string; alerts: Alert[]; summary: AlertGroupSummary };

/** The account's figures a risk alert shows; USD amounts and uniMMR are decimal strings as Binance sent them. */
export interface RiskFigures {
  uniMmr: string;
  /** Account equity in USD (after collateral rates). */
  equity: string;
  /** Account equity in USD without collateral rates. */
  actualEquity: string;
  /** Maintenance margin in USD. */
  maintenanceMargin: string;
}

/**
 * What a risk alert says: the stream's `riskLevelChange` (`level`), the account back to NORMAL after
 * one (`normal`), or uniMMR fallen below `RISK_WARN_UNIMMR` (`warning`). `time` is Binance's (the
 * event's `E`, the account's `updateTime`), ms.
 */
export type RiskEvent =
  | ({ kind: 'level'; level: RiskLevel; time: number } & RiskFigures)
  | ({ kind: 'normal'; previousLevel: RiskLevel; time: number } & RiskFigures)
  | ({ kind: 'warning'; threshold: string; time: number } & RiskFigures);

/**
 * One risk alert to announce; `id` never changes (`risk:<eventTime>:<level>` for a level change), so a
 * repeated event is recognised and a retried delivery carries the same key.
 */
export interface RiskAlert {
  id: string;
  risk: RiskEvent;
}

/**
 * A message about the bot itself (the exchange refuses the key, a sink cannot deliver, it works
 * again), not about force orders: plain text, never a mention, never in the outbox.
 */
export interface OperationalNotice {
  /** `warning`: something is wrong and what to do; `recovered`: it works again. */
  severity: 'warning' | 'recovered';
  /** One line, e.g. "forcewatch is blind: Binance refuses the API key". */
  title: string;
  /** What happened and what to do, a few short lines of plain text. */
  text: string;
}

/**
 * What a sink is handed: an alert notification, a risk alert, a daily digest, or an operational notice. A notice's `key` is
 * deterministic in its incident and severity, so a retried notice can be recognised the same way.
 */
export type Notification = (
  | AlertNotification
  | RiskNotification
  | DigestNotification
  | { type: 'notice'; key: string; notice: OperationalNotice }
) & {
  /** The account it is about, stamped by the account's routing (src/app); every platform shows its name. */
  account?: NotificationAccount;
};

/** The account a notification is about, as its routing stamps it on. */
export interface NotificationAccount {
  /** `AccountConfig.name`, shown in the notification's header. */
  name: string;
  /** The account's mention threshold (USD); undefined: the sink's own (ALERT_MENTION_NOTIONAL_USD). */
  mentionNotionalUsd?: string;
}

/**
 * The daily digest of one account (DIGEST_AT): its force orders of the 24 hours ending at `to`, and
 * the lowest uniMMR seen in them. `key` is `digest:<day>`, so it is posted once a day however often it
 * is retried.
 */
export interface DigestNotification {
  type: 'digest';
  key: string;
  digest: DailyDigest;
}

/** What a daily digest says; USD amounts are exact decimal strings. */
export interface DailyDigest {
  /** The UTC date the digest is for (`YYYY-MM-DD`, the day its window ends). */
  day: string;
  /** The window, ms: `to - 24h` to `to` (the DIGEST_AT of `day`). */
  from: number;
  to: number;
  /** Force orders in the window; 0 is said too (a quiet day is news to a risk desk). */
  count: number;
  /** Sum of the orders' `notionalUsd` (orders without a USD notional left out). */
  totalNotionalUsd: string;
  byKind: Record<ForceOrderKind, number>;
  /** Most notional first. */
  symbols: { symbol: string; count: number; notionalUsd: string }[];
  /** The largest order by USD notional; undefined on a quiet day. */
  largest?: ForceOrder;
  /** The lowest uniMMR the bot saw in the window (stream events and account reads), and when; undefined: none seen. */
  lowestUniMmr?: { value: string; time: number };
}

/**
 * A risk alert as its own notification, never grouped with force orders (a cascade group could hide
 * the warning); `key` is the alert's id.
 */
export interface RiskNotification {
  type: 'risk';
  key: string;
  alert: RiskAlert;
}

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

/**
 * Why a delivery failed, as the `reason` label of `forcewatch_delivery_failures_total` says it: the
 * platform refused our credentials or permissions, rate-limited us, refused the request, failed on
 * its side, or could not be reached; `other` for anything a sink did not classify (a store write).
 */
export type DeliveryFailureReason = 'auth' | 'rate_limited' | 'client_error' | 'server_error' | 'network' | 'other';

/** A delivery failure that says whether trying again can help and, if the platform said, when. */
export class SinkError extends Error {
  override readonly name = 'SinkError';
  /** False for failures a retry cannot fix (bad token, unknown channel, missing permission). */
  readonly retryable: boolean;
  /** The platform's own `Retry-After`, in ms, when it gave one. */
  readonly retryAfterMs: number | undefined;
  /** What kind of failure it was, when the sink classified it. */
  readonly reason: DeliveryFailureReason | undefined;

  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number; reason?: DeliveryFailureReason; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.reason = options.reason;
  }
}

/** The reason label of a failed delivery: the sink's own classification, else `other`. */
export function deliveryFailureReason(error: unknown): DeliveryFailureReason {
  return (isSinkError(error) && error.reason) || 'other';
}

/** True when `error` is a `SinkError` (works across module copies, unlike `instanceof` alone). */
export function isSinkError(error: unknown): error is SinkError {
  return error instanceof Error && error.name === 'SinkError' && 'retryable' in error;
}

/**
 * Runs `task` with a signal that aborts when `parent` does but belongs to this task alone, and is
 * unhooked from `parent` when the task settles. Some clients (discord.js's REST) add an `abort`
 * listener per request and never remove it: handed the pipeline's long-lived stop signal directly,
 * they would pile up two listeners per alert for the bot's whole life.
 */
export async function withScopedSignal<T>(
  parent: AbortSignal | undefined,
  task: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (!parent) return task(undefined);
  const scope = new AbortController();
  const forward = () => scope.abort(parent.reason);
  if (parent.aborted) forward();
  else parent.addEventListener('abort', forward, { once: true });
  try {
    return await task(scope.signal);
  } finally {
    parent.removeEventListener('abort', forward);
  }
}
