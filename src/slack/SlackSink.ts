import { webApi } from '@slack/bolt';
import Bottleneck from 'bottleneck';
import { compareDecimal } from '../decimal.js';
import { errorCode, errorMessage } from '../errorCode.js';
import type { Logger } from '../ops/logger.js';
import type { DeliverOptions, Notification, Sink } from '../sinks/Sink.js';
import { SinkError } from '../sinks/Sink.js';
import { MINUTE_MS } from '../time.js';
import { renderAlert } from './blockKit.js';

/**
 * Slack allows about one message a second per channel, with short bursts.
 * Docs: https://api.slack.com/methods/chat.postMessage#rate_limiting
 */
const SLACK_MESSAGE_INTERVAL_MS = 1_000;

/**
 * How far before an earlier attempt's start the history search begins: Slack stamps `ts` with its own
 * clock, ours may be behind or ahead of it.
 */
const SLACK_HISTORY_MARGIN_MS = 5 * MINUTE_MS;

/** Options of `SlackSink`. */
export interface SlackSinkOptions {
  /** A WebClient made by `createSlackWebClient` (rejects rate-limited calls, has a timeout). */
  client: webApi.WebClient;
  /** Channel id alerts go to. */
  channel: string;
  logger: Logger;
  /** Mention markup for large alerts; none when unset. */
  mention?: string;
  /** Decimal USD: mention only at or above this notional (single order or group total); default 0. */
  mentionNotionalUsd?: string;
  /** Spacing between messages to the channel; default `SLACK_MESSAGE_INTERVAL_MS`. */
  minIntervalMs?: number;
  /** History searched before an earlier attempt's start; default `SLACK_HISTORY_MARGIN_MS`. */
  historyMarginMs?: number;
  /** History pages read at most when checking for an earlier post; default `SLACK_HISTORY_MAX_PAGES`. */
  historyMaxPages?: number;
}

/**
 * Posts alerts to one Slack channel with Block Kit, one message a second, errors as `SinkError`. Each
 * alert carries its key in message metadata; when an earlier attempt may have landed
 * (`maybeDelivered`), the channel's history is searched for it first and a found alert is not posted
 * again. A failed search never stops the alert: it is posted (at-least-once) with a warning.
 */
export class SlackSink implements Sink {
  readonly name = 'slack';
  private readonly limiter: Bottleneck;
  private identity: Promise<BotIdentity> | undefined;
  /**
   * Keys this sink tried and failed, by what Slack's answer proves: `refused` when every failure was
   * Slack saying no (nothing posted), `uncertain` once one may have posted (timeout, 5xx, dropped).
   * After only refusals the history was already searched (or there was nothing to find), so a retry
   * skips the search. Entries leave on success.
   */
  private readonly failed = new Map<string, 'refused' | 'uncertain'>();

  constructor(private readonly options: SlackSinkOptions) {
    // Bottleneck's `minTime` is the job it is made for: launch this channel's posts in order, one per
    // interval (Slack's per-channel limit), and `stop()` drops the queued ones.
    this.limiter = new Bottleneck({ maxConcurrent: 1, minTime: options.minIntervalMs ?? SLACK_MESSAGE_INTERVAL_MS });
  }

  async deliver(notification: Notification, options: DeliverOptions = {}): Promise<void> {
    const { key } = notification;
    const before = this.failed.get(key);
    if (options.maybeDelivered && before !== 'refused' && (await this.alreadyPosted(key, options.maybeDelivered.since, options.signal))) {
      this.failed.delete(key);
      return;
    }
    const message = renderAlert(notification, { mention: this.mentionFor(notification) });
    const { client, channel, logger } = this.options;
    try {
      const result = await this.limiter.schedule(() => {
        // The alert may have waited in the queue; do not post one the pipeline gave up on.
        options.signal?.throwIfAborted();
        return client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          metadata: alertMetadata(notification.key),
          unfurl_links: false,
          unfurl_media: false,
        });
      });
      this.failed.delete(key);
      logger.info('slack alert posted', { key, channel, ts: result.ts });
    } catch (error) {
      this.failed.set(key, before !== 'uncertain' && slackSaidNo(error) ? 'refused' : 'uncertain');
      if (options.signal?.aborted && error === options.signal.reason) throw error;
      throw toSinkError(error);
    }
  }

  /**
   * True when a message of ours with `key` is in the channel since `since` minus the margin. False
   * when it is not, or when history cannot be read: then the alert is posted, since a duplicate is
   * better than a missed liquidation.
   */
  private async alreadyPosted(key: string, since: number, signal: AbortSignal | undefined): Promise<boolean> {
    const { client, channel, logger, historyMarginMs = SLACK_HISTORY_MARGIN_MS, historyMaxPages } = this.options;
    try {
      const { botId } = await this.ownIdentity();
      const search = await findPostedAlert(client, {
        channel,
        key,
        botId,
        oldestMs: since - historyMarginMs,
        maxPages: historyMaxPages,
        signal,
      });
      if (search.ts !== undefined) {
        logger.info('slack alert was already posted by an earlier attempt; not posting it again', { key, channel, ts: search.ts });
        return true;
      }
      if (!search.complete) {
        logger.warn('slack history is too long to search to the start of the earlier attempt; posting, so a duplicate is possible', {
          key,
          channel,
        });
      }
      return false;
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw error;
      logger.warn(
        `could not read the channel's history to check for an earlier post (${historyHint(error)}); posting, so a duplicate is possible`,
        {
          key,
          channel,
          error,
        },
      );
      return false;
    }
  }

  /**
   * Warns when the token cannot read the alert channel's history, so the operator learns it at
   * start-up rather than from a duplicate after a crash. Never throws: alerts work without it.
   */
  async checkHistoryAccess(): Promise<void> {
    const { channel, logger } = this.options;
    const needed = historyScope(channel);
    const { scopes } = await this.ownIdentity().catch(() => ({ scopes: undefined }));
    if (scopes && !scopes.includes(needed)) {
      logger.warn(
        `the Slack bot token lacks ${needed}: after a crash an alert may be posted twice; add the scope (see slack-app-manifest.yml) and reinstall the app`,
        {
          channel,
        },
      );
    }
  }

  /** Our bot's id and the token's scopes, asked of `auth.test` once (again after a failure). */
  private ownIdentity(): Promise<BotIdentity> {
    if (this.identity !== undefined) return this.identity;
    const asked = this.options.client.auth.test().then((result): BotIdentity => {
      if (!result.bot_id) throw new Error('auth.test returned no bot_id: SLACK_BOT_TOKEN must be a bot token (xoxb-)');
      return { botId: result.bot_id, scopes: result.response_metadata?.scopes };
    });
    asked.catch(() => {
      if (this.identity === asked) this.identity = undefined;
    });
    this.identity = asked;
    return asked;
  }

  /** Stops taking new messages and drops queued ones (they are still in the pipeline's outbox). */
  async stop(): Promise<void> {
    await this.limiter.stop({ dropWaitingJobs: true });
  }

  private mentionFor(notification: Notification): string | undefined {
    const { mention, mentionNotionalUsd = '0' } = this.options;
    if (!mention) return undefined;
    const notional = notification.type === 'single' ? notification.alert.order.notionalUsd : notification.summary.totalNotionalUsd;
    return compareDecimal(notional, mentionNotionalUsd) >= 0 ? mention : undefined;
  }
}

/** Who we are at Slack: `bot_id` marks our messages; `scopes` come from the `X-OAuth-Scopes` header. */
interface BotIdentity {
  botId: string;
  scopes: string[] | undefined;
}

/**
 * The scope `conversations.history` needs for the alert channel: private channels (`G…`) need
 * `groups:history`, public ones `channels:history`.
 * Docs: https://docs.slack.dev/reference/methods/conversations.history
 */
function historyScope(channel: string): string {
  return channel.startsWith('G') ? 'groups:history' : 'channels:history';
}

// The resend check: every alert carries its key in message metadata, so a restarted bot can find it.

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
const SLACK_HISTORY_PAGE_LIMIT = 100;
/** Pages read at most before giving up the search (and posting): 500 messages at the default limit. */
const SLACK_HISTORY_MAX_PAGES = 5;

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

// Error mapping: what a WebClient failure means for the pipeline's retry.

/**
 * Platform errors a retry cannot fix, with what the operator must change.
 * Docs: https://api.slack.com/methods/chat.postMessage#errors
 */
const FATAL: Record<string, string> = {
  invalid_auth: 'SLACK_BOT_TOKEN is not valid: copy the Bot User OAuth Token (xoxb-) from the app page',
  not_authed: 'no token was sent: set SLACK_BOT_TOKEN',
  account_inactive: 'the bot token belongs to a deleted user or workspace: reinstall the app',
  token_revoked: 'the bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN',
  token_expired: 'the bot token expired: reinstall the app and update SLACK_BOT_TOKEN',
  no_permission: 'the bot lacks permission for this channel: check the app scopes',
  missing_scope: 'the bot token lacks the chat:write scope: add it and reinstall the app',
  channel_not_found: 'SLACK_ALERT_CHANNEL does not exist or the bot cannot see it: use the channel id (C…)',
  not_in_channel: 'the bot is not a member of SLACK_ALERT_CHANNEL: /invite the app into the channel',
  is_archived: 'SLACK_ALERT_CHANNEL is archived: unarchive it or choose another channel',
  restricted_action: 'the workspace does not let the bot post in SLACK_ALERT_CHANNEL',
  msg_too_long: 'the message was too long for Slack (a rendering bug: please report it)',
  msg_blocks_too_long: 'the blocks were too long for Slack (a rendering bug: please report it)',
  invalid_blocks: 'Slack rejected the blocks (a rendering bug: please report it)',
  invalid_blocks_format: 'Slack rejected the blocks (a rendering bug: please report it)',
  no_text: 'the message had no text (a rendering bug: please report it)',
};

/** Maps whatever the Slack WebClient threw to a `SinkError` that says whether a retry can help. */
function toSinkError(error: unknown): SinkError {
  switch (errorCode(error)) {
    case webApi.ErrorCode.RateLimitedError: {
      const seconds = (error as webApi.WebAPIRateLimitedError).retryAfter;
      return new SinkError(`Slack rate limit: retry after ${seconds}s`, { retryable: true, retryAfterMs: seconds * 1000, cause: error });
    }
    case webApi.ErrorCode.PlatformError: {
      const code = (error as webApi.WebAPIPlatformError).data.error;
      const fix = FATAL[code];
      return fix
        ? new SinkError(`Slack refused the alert (${code}): ${fix}`, { retryable: false, cause: error })
        : new SinkError(`Slack refused the alert (${code})`, { retryable: true, cause: error });
    }
    case webApi.ErrorCode.HTTPError: {
      const status = (error as webApi.WebAPIHTTPError).statusCode;
      // Slack's Web API answers 200 for everything but rate limits and outages; another 4xx means
      // something between us and Slack (SLACK_API_URL, a proxy) is misconfigured.
      const retryable = status >= 500 || status === 408;
      const hint = retryable ? 'Slack is having trouble' : 'check SLACK_API_URL and any proxy';
      return new SinkError(`Slack answered HTTP ${status}: ${hint}`, { retryable, cause: error });
    }
    case webApi.ErrorCode.RequestError:
      return new SinkError(`could not reach Slack: ${(error as Partial<webApi.WebAPIRequestError>).original?.message ?? 'network error'}`, {
        retryable: true,
        cause: error,
      });
    default:
      return new SinkError(`Slack delivery failed: ${errorMessage(error)}`, {
        retryable: true,
        cause: error,
      });
  }
}

/**
 * True when Slack answered and posted nothing: `ok: false` (200 with an error) or a 429. A 5xx, a
 * timeout or a dropped connection may come after the message was stored.
 * Docs: https://docs.slack.dev/apis/web-api/ (responses) and https://docs.slack.dev/apis/web-api/rate-limits
 */
function slackSaidNo(error: unknown): boolean {
  const code = errorCode(error);
  return code === webApi.ErrorCode.PlatformError || code === webApi.ErrorCode.RateLimitedError;
}

/** What to do about a failed history read, for the warning. */
function historyHint(error: unknown): string {
  const code = (error as { data?: { error?: unknown } } | undefined)?.data?.error;
  if (code === 'missing_scope')
    return 'missing_scope: add channels:history (public channel) or groups:history (private) to the app, see slack-app-manifest.yml, and reinstall';
  if (code === 'not_in_channel') return 'not_in_channel: /invite the app into SLACK_ALERT_CHANNEL';
  if (errorCode(error) === webApi.ErrorCode.RateLimitedError) return 'Slack rate-limited the history read';
  return errorMessage(error);
}
