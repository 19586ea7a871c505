import { webApi } from '@slack/bolt';
import Bottleneck from 'bottleneck';
import { compareDecimal } from '../decimal.js';
import type { Logger } from '../ops/logger.js';
import type { DeliverOptions, Notification, Sink } from '../sinks/Sink.js';
import { alertMetadata, findPostedAlert } from './findPostedAlert.js';
import { renderAlert } from './renderAlert.js';
import { toSinkError } from './toSinkError.js';

/**
 * Slack allows about one message a second per channel, with short bursts.
 * Docs: https://api.slack.com/methods/chat.postMessage#rate_limiting
 */
export const SLACK_MESSAGE_INTERVAL_MS = 1000;

/**
 * How far before an earlier attempt's start the history search begins: Slack stamps `ts` with its own
 * clock, ours may be behind or ahead of it.
 */
export const SLACK_HISTORY_MARGIN_MS = 5 * 60_000;

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
    if (this.identity) return this.identity;
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

/**
 * True when Slack answered and posted nothing: `ok: false` (200 with an error) or a 429. A 5xx, a
 * timeout or a dropped connection may come after the message was stored.
 * Docs: https://docs.slack.dev/apis/web-api/ (responses) and https://docs.slack.dev/apis/web-api/rate-limits
 */
function slackSaidNo(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === webApi.ErrorCode.PlatformError || code === webApi.ErrorCode.RateLimitedError;
}

/** What to do about a failed history read, for the warning. */
function historyHint(error: unknown): string {
  const code = (error as { data?: { error?: unknown } } | undefined)?.data?.error;
  if (code === 'missing_scope')
    return 'missing_scope: add channels:history (public channel) or groups:history (private) to the app, see slack-app-manifest.yml, and reinstall';
  if (code === 'not_in_channel') return 'not_in_channel: /invite the app into SLACK_ALERT_CHANNEL';
  if ((error as { code?: unknown } | undefined)?.code === webApi.ErrorCode.RateLimitedError) return 'Slack rate-limited the history read';
  return error instanceof Error ? error.message : String(error);
}
