import { createHash } from 'node:crypto';
import type { ForceOrderKind } from '../binance/types.js';
import { addDecimal, compareDecimal, sumDecimals } from '../decimal.js';
import type { Alert, AlertGroupSummary, AlertNotification } from '../sinks/Sink.js';

/** Default: more than this many alerts ready at once go out as one grouped notification. */
export const DEFAULT_GROUP_THRESHOLD = 5;
/** The most orders one group carries; a bigger cascade goes out as several groups, oldest first. */
export const MAX_GROUP_SIZE = 500;

/** The summary of a group: counts, exact total notional, symbols by order count, time span. */
export function summarizeAlerts(alerts: readonly Alert[]): AlertGroupSummary {
  const byKind: Record<ForceOrderKind, number> = { LIQUIDATION: 0, ADL: 0, SETTLEMENT: 0 };
  const bySymbol = new Map<string, { symbol: string; count: number; notionalUsd: string }>();
  let firstTime = Number.POSITIVE_INFINITY;
  let lastTime = Number.NEGATIVE_INFINITY;
  for (const { order } of alerts) {
    byKind[order.kind] += 1;
    const entry = bySymbol.get(order.symbol) ?? { symbol: order.symbol, count: 0, notionalUsd: '0' };
    entry.count += 1;
    entry.notionalUsd = addDecimal(entry.notionalUsd, order.notionalUsd);
    bySymbol.set(order.symbol, entry);
    firstTime = Math.min(firstTime, order.updateTime);
    lastTime = Math.max(lastTime, order.updateTime);
  }
  const symbols = [...bySymbol.values()].sort(
    (a, b) => b.count - a.count || compareDecimal(b.notionalUsd, a.notionalUsd) || a.symbol.localeCompare(b.symbol),
  );
  return {
    count: alerts.length,
    totalNotionalUsd: sumDecimals(alerts.map((a) => a.order.notionalUsd)),
    byKind,
    symbols,
    firstTime,
    lastTime,
  };
}

/**
 * The next notification for a sink from its pending alerts (oldest first): a single alert, or one
 * group of up to `MAX_GROUP_SIZE` when more than `threshold` are ready.
 */
export function nextNotification(pending: readonly Alert[], threshold: number): AlertNotification | undefined {
  const [first] = pending;
  if (!first) return undefined;
  if (pending.length <= threshold) return { type: 'single', key: first.id, alert: first };
  const alerts = pending.slice(0, MAX_GROUP_SIZE);
  return { type: 'group', key: groupKey(alerts), alerts, summary: summarizeAlerts(alerts) };
}

/**
 * A short key determined by the alert ids alone, so a retried group carries the same key: 22
 * characters, within Discord's 25-character nonce limit.
 * https://discord.com/developers/docs/resources/message#create-message-jsonform-params
 */
export function groupKey(alerts: readonly Alert[]): string {
  const digest = createHash('sha256');
  for (const alert of alerts) digest.update(`${alert.id}\n`);
  return `g-${digest.digest('base64url').slice(0, 20)}`;
}

/** The alert ids a notification carries. */
export function notificationIds(notification: AlertNotification): string[] {
  return notification.type === 'single' ? [notification.alert.id] : notification.alerts.map((a) => a.id);
}
