import type { APIAllowedMentions } from 'discord.js';
import { compareDecimal } from '../decimal.js';
import type { Notification } from '../sinks/Sink.js';

/** What an alert message mentions: its `content` (if any) and the `allowed_mentions` that bound it. */
export interface AlertMentions {
  content: string | undefined;
  allowedMentions: APIAllowedMentions;
}

/** Settings of `alertMentions`. */
export interface AlertMentionPolicy {
  /** Role to ping; none = never ping. */
  roleId: string | undefined;
  /** Ping only when the alert's USD notional is at least this decimal; absent = every alert. */
  minNotionalUsd: string | undefined;
}

/** The USD notional an alert is about: the order's, or the group's total. */
function notionalOf(notification: Notification): string {
  return notification.type === 'single' ? notification.alert.order.notionalUsd : notification.summary.totalNotionalUsd;
}

/**
 * Mentions nothing by default (`parse: []`: Discord would otherwise parse @everyone and every role in
 * the content); at or above the threshold, pings exactly the configured role and nothing else.
 * Docs: https://discord.com/developers/docs/resources/message#allowed-mentions-object
 */
export function alertMentions(notification: Notification, policy: AlertMentionPolicy): AlertMentions {
  const { roleId, minNotionalUsd } = policy;
  const due = roleId !== undefined && (minNotionalUsd === undefined || compareDecimal(notionalOf(notification), minNotionalUsd) >= 0);
  if (!due) return { content: undefined, allowedMentions: { parse: [] } };
  return { content: `<@&${roleId}>`, allowedMentions: { parse: [], roles: [roleId] } };
}
