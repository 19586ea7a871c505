/**
 * Which notifications call people, the same rule on every platform: never an operational notice (it
 * is about the bot), a risk alert by its level, a force order or group at or above the mention
 * threshold: the account's own (`NotificationAccount.mentionNotionalUsd`) when it has one, else the
 * sink's (ALERT_MENTION_NOTIONAL_USD).
 */

import { compareDecimal } from '../decimal.js';
import type { Notification } from '../sinks/Sink.js';
import { riskAlertMentions } from './riskAlertText.js';

/**
 * True when `notification` should mention the platform's role or group. `sinkMentionNotionalUsd` is
 * the sink's threshold (decimal USD); undefined: every force order mentions (unless the account sets one).
 */
export function mentionIsDue(notification: Notification, sinkMentionNotionalUsd: string | undefined): boolean {
  // A risk alert calls people by its level (REDUCE_ONLY, FORCE_LIQUIDATION), whatever the notional threshold.
  if (notification.type === 'risk') return riskAlertMentions(notification.alert.risk);
  const notional =
    notification.type === 'single'
      ? notification.alert.order.notionalUsd
      : notification.type === 'group'
        ? notification.summary.totalNotionalUsd
        : undefined;
  // Anything else (an operational notice) is about the bot, not the account's money: nobody is called.
  if (notional === undefined) return false;
  const threshold = notification.account?.mentionNotionalUsd ?? sinkMentionNotionalUsd;
  return threshold === undefined || compareDecimal(notional, threshold) >= 0;
}
