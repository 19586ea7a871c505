import type { webApi } from '@slack/bolt';

/**
 * `event_type` of the message metadata on every alert we post, so we can find our own alerts again.
 * Docs: https://docs.slack.dev/messaging/message-metadata
 */
export const SLACK_ALERT_EVENT_TYPE = 'forcewatch_alert';

/**
 * Messages asked for per `conversations.history` page: Slack's default (maximum 999). Apps
 * distributed commercially outside the Marketplace get at most 15 and one call a minute since
 * 2025-05-29; internal apps get Tier 3 (50+ a minute).
 * Docs: https://docs.slack.dev/reference/methods/conversations.history
 */
export const SLACK_HISTORY_PAGE_LIMIT = 100;
/** Pages read at most before giving up the search (and posting): 500 messages at the default limit. */
export const SLACK_HISTORY_MAX_PAGES = 5;

/** The metadata an alert with `key` carries: Slack stores it with the message and returns it in history. */
export function alertMetadata(key: string): { event_type: string; event_payload: { key: string } } {
  return { event_type: SLACK_ALERT_EVENT_TYPE, event_payload: { key } };
}

/** Options of `findPostedAlert`. */
export interface FindPostedAlertOptions {
  channel: string;
  /** `Notification.key` to look for. */
  key: string;
  /** Our bot's id (`auth.test` → `bot_id`): only our own messages count. */
  botId: string;
  /** Read messages newer than this (ms since the epoch). */
  oldestMs: number;
  /** Default `SLACK_HISTORY_MAX_PAGES`. */
  maxPages?: number;
  /** Default `SLACK_HISTORY_PAGE_LIMIT`. */
  pageLimit?: number;
  /** Checked between pages. */
  signal?: AbortSignal;
}

/** What a history search found: our message's `ts`, or none and whether every message in range was read. */
export type PostedAlertSearch = { ts: string } | { ts: undefined; complete: boolean };

/**
 * Looks for a message of ours carrying `key` in the channel's history since `oldestMs`, following
 * `next_cursor` for at most `maxPages` pages. Metadata is returned only with `include_all_metadata`.
 * Throws whatever the WebClient throws (`missing_scope` without `channels:history`/`groups:history`,
 * a rate limit, a network error).
 * Docs: https://docs.slack.dev/reference/methods/conversations.history
 */
export async function findPostedAlert(client: webApi.WebClient, options: FindPostedAlertOptions): Promise<PostedAlertSearch> {
  const { channel, key, botId, signal } = options;
  const maxPages = options.maxPages ?? SLACK_HISTORY_MAX_PAGES;
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    signal?.throwIfAborted();
    const result = await client.conversations.history({
      channel,
      oldest: slackTs(options.oldestMs),
      limit: options.pageLimit ?? SLACK_HISTORY_PAGE_LIMIT,
      include_all_metadata: true,
      ...(cursor ? { cursor } : {}),
    });
    const ours = result.messages?.find((m) => m.bot_id === botId && carriesKey(m.metadata, key));
    if (ours?.ts) return { ts: ours.ts };
    cursor = result.response_metadata?.next_cursor || undefined;
    if (!result.has_more || !cursor) return { ts: undefined, complete: true };
  }
  return { ts: undefined, complete: false };
}

function carriesKey(metadata: { event_type?: string; event_payload?: unknown } | undefined, key: string): boolean {
  if (metadata?.event_type !== SLACK_ALERT_EVENT_TYPE) return false;
  return (metadata.event_payload as { key?: unknown } | undefined)?.key === key;
}

/** A Slack timestamp (`seconds.micros`) for `ms`. */
function slackTs(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(6);
}
