import { webApi } from '@slack/bolt';
import { errorCode, errorMessage } from '../errorCode.js';
import { mentionIsDue } from '../format/mentionRule.js';
import type { Logger } from '../ops/logger.js';
import { SerialQueue } from '../SerialQueue.js';
import type { DeliverOptions, Notification, Sink } from '../sinks/Sink.js';
import { SinkError } from '../sinks/Sink.js';
import { MINUTE_MS, systemClock } from '../time.js';
import { renderAlert } from './blockKit.js';
import { renderDigest } from './digestBlocks.js';

/**
 * Slack allows one message a second per channel; it allows short bursts too, but names no size and
 * guarantees nothing for them, so the sink never bursts.
 * Docs: https://docs.slack.dev/reference/methods/chat.postMessage (rate limiting), https://api.slack.com/docs/rate-limits
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
  /** Decimal USD: mention only at or above this notional (single order or group total); default 0. An account's own threshold wins. */
  mentionNotionalUsd?: string;
  /** Spacing between the answer to one message and the next message to the channel; default `SLACK_MESSAGE_INTERVAL_MS`. */
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
  /** This channel's posts, one at a time, in order. */
  private readonly posts = new SerialQueue();
  /** When Slack last answered a post (`performance.now()`): the next one waits the interval from here. */
  private lastAnsweredAt = Number.NEGATIVE_INFINITY;
  /** Aborted by `stop()`: posts still waiting their turn give up (they stay in the pipeline's outbox). */
  private readonly stopping = new AbortController();
  /** Our bot's id and the token's scopes, asked of `auth.test` once (again after a failure). */
  private readonly ownIdentity = keptUntilFailure(() => askIdentity(this.options.client));
  /** Whether the alert channel is private, asked of `conversations.info` once (again after a failure). */
  private readonly channelIsPrivate = keptUntilFailure(() => askIsPrivate(this.options.client, this.options.channel));
  /**
   * Keys this sink tried and failed, by what Slack's answer proves: `refused` when every failure was
   * Slack saying no (nothing posted), `uncertain` once one may have posted (timeout, 5xx, dropped).
   * After only refusals the history was already searched (or there was nothing to find), so a retry
   * skips the search. Entries leave on success.
   */
  private readonly failed = new Map<string, 'refused' | 'uncertain'>();

  constructor(private readonly options: SlackSinkOptions) {}

  async deliver(notification: Notification, options: DeliverOptions = {}): Promise<void> {
    const { key } = notification;
    const before = this.failed.get(key);
    if (options.maybeDelivered && before !== 'refused' && (await this.alreadyPosted(key, options.maybeDelivered.since, options.signal))) {
      this.failed.delete(key);
      return;
    }
    const message =
      notification.type === 'digest' ? renderDigest(notification) : renderAlert(notification, { mention: this.mentionFor(notification) });
    const { client, channel, logger } = this.options;
    try {
      const result = await this.paced(options.signal, () =>
        client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          metadata: alertMetadata(notification.key),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
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
    const { scopes } = await this.ownIdentity().catch(() => ({ scopes: undefined }));
    if (!scopes) return;
    const isPrivate = await this.channelIsPrivate().catch(() => undefined);
    // A channel keeps its id when it turns private, so only Slack can say which scope applies.
    const needed = isPrivate === undefined ? ['channels:history', 'groups:history'] : [isPrivate ? 'groups:history' : 'channels:history'];
    const missing = needed.filter((scope) => !scopes.includes(scope));
    if (missing.length === 0) return;
    const unsure =
      isPrivate === undefined
        ? ` (conversations.info could not say whether ${channel} is private or public: it needs channels:read and groups:read)`
        : '';
    logger.warn(
      `the Slack bot token lacks ${missing.join(' and ')}${unsure}: after a crash an alert may be posted twice; add the scope (see slack-app-manifest.yml) and reinstall the app`,
      { channel },
    );
  }

  /**
   * Runs `post` in this channel's turn, at least the interval after Slack answered the previous one.
   * Spaced from the answer, not from the previous start: two requests started a second apart can
   * reach Slack closer together when the first was slower on the way (a load test measured 969 ms).
   */
  private paced<T>(signal: AbortSignal | undefined, post: () => Promise<T>): Promise<T> {
    return this.posts.run(async () => {
      const stop = signal ? AbortSignal.any([signal, this.stopping.signal]) : this.stopping.signal;
      const wait = this.lastAnsweredAt + (this.options.minIntervalMs ?? SLACK_MESSAGE_INTERVAL_MS) - performance.now();
      if (wait > 0) await systemClock.sleep(wait, stop);
      // The alert may have waited its turn; do not post one the pipeline gave up on, or after stop().
      stop.throwIfAborted();
      try {
        return await post();
      } finally {
        this.lastAnsweredAt = performance.now();
      }
    });
  }

  /** Stops taking new messages and drops the waiting ones (they are still in the pipeline's outbox). */
  async stop(): Promise<void> {
    this.stopping.abort(new Error('the Slack sink is stopping'));
    await this.posts.idle();
  }

  private mentionFor(notification: Notification): string | undefined {
    const { mention, mentionNotionalUsd } = this.options;
    return mention && mentionIsDue(notification, mentionNotionalUsd) ? mention : undefined;
  }
}

/** Who we are at Slack: `bot_id` marks our messages; `scopes` come from the `X-OAuth-Scopes` header. */
interface BotIdentity {
  botId: string;
  scopes: string[] | undefined;
}

async function askIdentity(client: webApi.WebClient): Promise<BotIdentity> {
  const result = await client.auth.test();
  if (!result.bot_id) throw new Error('auth.test returned no bot_id: SLACK_BOT_TOKEN must be a bot token (xoxb-)');
  return { botId: result.bot_id, scopes: result.response_metadata?.scopes };
}

/**
 * Whether `channel` is private, from `conversations.info` (`channel.is_private`; needs channels:read
 * or groups:read). Never from the id: Slack keeps a channel's `C…` id when it turns private, so
 * `conversations.history` may need `groups:history` for a `C…` channel.
 * Docs: https://docs.slack.dev/reference/methods/conversations.info,
 * https://docs.slack.dev/changelog/2018/09/01/more-reasons-to-be-a-conversations-api-convert
 */
async function askIsPrivate(client: webApi.WebClient, channel: string): Promise<boolean> {
  const isPrivate = (await client.conversations.info({ channel })).channel?.is_private;
  if (typeof isPrivate !== 'boolean') throw new Error('conversations.info returned no channel.is_private');
  return isPrivate;
}

/** `ask` once and keep its answer; a failed ask is forgotten, so the next call asks again. */
function keptUntilFailure<T>(ask: () => Promise<T>): () => Promise<T> {
  let kept: Promise<T> | undefined;
  return () => {
    if (kept) return kept;
    const asked = ask();
    kept = asked;
    asked.catch(() => {
      if (kept === asked) kept = undefined;
    });
    return asked;
  };
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
 * Platform errors a retry cannot fix, with what the operator must change (`%needed`: the scope
 * Slack's answer names). Alerts refused for these stay in the outbox and go out once it is fixed.
 * Docs: https://docs.slack.dev/reference/methods/chat.postMessage (errors)
 */
const FATAL: Record<string, string> = {
  invalid_auth: 'SLACK_BOT_TOKEN is not valid: copy the Bot User OAuth Token (xoxb-) from the app page',
  not_authed: 'no token was sent: set SLACK_BOT_TOKEN',
  account_inactive: 'the bot token belongs to a deleted user or workspace: reinstall the app',
  token_revoked: 'the bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN',
  token_expired: 'the bot token expired: reinstall the app and update SLACK_BOT_TOKEN',
  no_permission: 'the bot lacks permission for this channel: check the app scopes',
  missing_scope:
    'the bot token lacks the %needed scope: add it to the bot token scopes (OAuth & Permissions, or oauth_config.scopes.bot in slack-app-manifest.yml) and reinstall the app; alerts wait in the outbox until then',
  channel_not_found:
    'SLACK_ALERT_CHANNEL does not exist or the bot cannot see it: use the channel id (C…, channel details), and invite the bot if the channel is private; alerts wait in the outbox until then',
  not_in_channel:
    'the bot is not a member of SLACK_ALERT_CHANNEL: invite it (/invite @forcewatch in the channel); alerts wait in the outbox until then',
  is_archived:
    'SLACK_ALERT_CHANNEL is archived: unarchive it, or set SLACK_ALERT_CHANNEL to another channel and invite the bot there; alerts wait in the outbox until then',
  restricted_action: 'the workspace does not let the bot post in SLACK_ALERT_CHANNEL',
  msg_too_long: 'the message was too long for Slack (a rendering bug: please report it)',
  msg_blocks_too_long: 'the blocks were too long for Slack (a rendering bug: please report it)',
  invalid_blocks: 'Slack rejected the blocks (a rendering bug: please report it)',
  invalid_blocks_format: 'Slack rejected the blocks (a rendering bug: please report it)',
  no_text: 'the message had no text (a rendering bug: please report it)',
};

/** Platform errors that mean the token or its grants were refused (the `auth` failure reason). */
const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'restricted_action',
]);

/** Maps whatever the Slack WebClient threw to a `SinkError` that says whether a retry can help, and why it failed. */
function toSinkError(error: unknown): SinkError {
  switch (errorCode(error)) {
    case webApi.ErrorCode.RateLimitedError: {
      const seconds = (error as webApi.WebAPIRateLimitedError).retryAfter;
      return new SinkError(`Slack rate limit: retry after ${seconds}s`, {
        retryable: true,
        retryAfterMs: seconds * 1000,
        reason: 'rate_limited',
        cause: error,
      });
    }
    case webApi.ErrorCode.PlatformError: {
      const { data } = error as webApi.WebAPIPlatformError;
      const code = data.error;
      const needed: unknown = (data as { needed?: unknown }).needed;
      const fix = FATAL[code]?.replace('%needed', typeof needed === 'string' ? needed : 'chat:write');
      const reason = AUTH_ERRORS.has(code) ? 'auth' : fix ? 'client_error' : 'server_error';
      return fix
        ? new SinkError(`Slack refused the alert (${code}): ${fix}`, { retryable: false, reason, cause: error })
        : new SinkError(`Slack refused the alert (${code})`, { retryable: true, reason, cause: error });
    }
    case webApi.ErrorCode.HTTPError: {
      const status = (error as webApi.WebAPIHTTPError).statusCode;
      // Slack's Web API answers 200 for everything but rate limits and outages; another 4xx means
      // something between us and Slack (SLACK_API_URL, a proxy) is misconfigured.
      const retryable = status >= 500 || status === 408;
      const hint = retryable ? 'Slack is having trouble' : 'check SLACK_API_URL and any proxy';
      const reason = status >= 500 ? 'server_error' : 'client_error';
      return new SinkError(`Slack answered HTTP ${status}: ${hint}`, { retryable, reason, cause: error });
    }
    case webApi.ErrorCode.RequestError:
      return new SinkError(`could not reach Slack: ${(error as Partial<webApi.WebAPIRequestError>).original?.message ?? 'network error'}`, {
        retryable: true,
        reason: 'network',
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
  const { error: code, needed } = (error as { data?: { error?: unknown; needed?: unknown } } | undefined)?.data ?? {};
  // Slack names the scope it wanted; without it, either may apply (the id does not say which).
  const scope = typeof needed === 'string' ? needed : 'channels:history (public channel) or groups:history (private)';
  if (code === 'missing_scope') return `missing_scope: add ${scope} to the app, see slack-app-manifest.yml, and reinstall`;
  if (code === 'not_in_channel') return 'not_in_channel: /invite the app into SLACK_ALERT_CHANNEL';
  if (errorCode(error) === webApi.ErrorCode.RateLimitedError) return 'Slack rate-limited the history read';
  return errorMessage(error);
}
