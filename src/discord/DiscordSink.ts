/**
 * The Discord sink: posts alerts to one channel over REST, with everything a send needs: who an
 * alert pings, the resend check that finds an alert an earlier attempt already posted, and what a
 * failed request means (retry or fix a setting).
 */

import {
  type APIAllowedMentions,
  type APIMessage,
  DiscordAPIError,
  HTTPError,
  makeURLSearchParams,
  RateLimitError,
  type REST,
  type RESTPostAPIChannelMessageJSONBody,
  Routes,
} from 'discord.js';
import { mentionIsDue } from '../format/mentionRule.js';
import type { Logger } from '../ops/logger.js';
import type { DeliverOptions, Notification, Sink } from '../sinks/Sink.js';
import { SinkError, withScopedSignal } from '../sinks/Sink.js';
import { renderDigestEmbed } from './digestEmbed.js';
import { alertNonce, alertRef, renderAlertEmbeds } from './renderDiscord.js';

/** Options of `DiscordSink`. */
export interface DiscordSinkOptions {
  /** A REST client with the bot token set (the adapter passes its discord.js client's). */
  rest: REST;
  channelId: string;
  mentions: AlertMentionPolicy;
  logger: Logger;
}

/**
 * Posts alerts to one channel over REST, not the gateway, so alerts flow while the gateway
 * reconnects. Each message carries a nonce derived from the notification key with
 * `enforce_nonce`, so a retried delivery returns the first message instead of posting twice, and a
 * visible `ref` so a retry after the nonce is forgotten can find it in the channel's history.
 */
export class DiscordSink implements Sink {
  readonly name = 'discord';

  constructor(private readonly options: DiscordSinkOptions) {}

  /**
   * Sends one alert message; throws `SinkError` saying whether a retry can help. When an earlier
   * attempt may have landed (`maybeDelivered`), first looks for it in the channel: the nonce alone
   * only covers a few minutes.
   */
  deliver(notification: Notification, options: DeliverOptions = {}): Promise<void> {
    return withScopedSignal(options.signal, (signal) => this.send(notification, signal, options.maybeDelivered));
  }

  private async send(
    notification: Notification,
    signal: AbortSignal | undefined,
    maybeDelivered: { since: number } | undefined,
  ): Promise<void> {
    const { rest, channelId, mentions, logger } = this.options;
    if (maybeDelivered) {
      const found = await findPostedAlert(rest, channelId, alertRef(notification.key), maybeDelivered.since, signal).catch(
        (error: unknown) => {
          throw toSinkError(error, channelId);
        },
      );
      if (found) {
        logger.info('discord alert was already posted', { key: notification.key, messageId: found });
        return;
      }
    }
    const { content, allowedMentions } = alertMentions(notification, mentions);
    const body: RESTPostAPIChannelMessageJSONBody = {
      ...(content !== undefined && { content }),
      embeds: notification.type === 'digest' ? [renderDigestEmbed(notification)] : renderAlertEmbeds(notification),
      allowed_mentions: allowedMentions,
      nonce: alertNonce(notification.key),
      enforce_nonce: true,
    };
    try {
      const message = (await rest.post(Routes.channelMessages(channelId), { body, signal })) as { id: string };
      logger.info('discord alert posted', { key: notification.key, messageId: message.id, embeds: body.embeds?.length });
    } catch (error) {
      throw toSinkError(error, channelId);
    }
  }
}

// Mentions

/** What an alert message mentions: its `content` (if any) and the `allowed_mentions` that bound it. */
interface AlertMentions {
  content: string | undefined;
  allowedMentions: APIAllowedMentions;
}

/** Settings of `alertMentions`. */
export interface AlertMentionPolicy {
  /** Role to ping; none = never ping. */
  roleId: string | undefined;
  /** Ping only when the alert's USD notional is at least this decimal; absent = every alert. An account's own threshold wins. */
  minNotionalUsd: string | undefined;
}

/**
 * Mentions nothing by default (`parse: []`: Discord would otherwise parse @everyone and every role in
 * the content); at or above the threshold, pings exactly the configured role and nothing else.
 * Docs: https://discord.com/developers/docs/resources/message#allowed-mentions-object
 */
export function alertMentions(notification: Notification, policy: AlertMentionPolicy): AlertMentions {
  const { roleId, minNotionalUsd } = policy;
  if (roleId === undefined || !mentionIsDue(notification, minNotionalUsd)) return { content: undefined, allowedMentions: { parse: [] } };
  return { content: `<@&${roleId}>`, allowedMentions: { parse: [], roles: [roleId] } };
}

// The resend check

/** Discord's epoch (2015-01-01): snowflakes count milliseconds from it. https://discord.com/developers/docs/reference#snowflakes */
const DISCORD_EPOCH_MS = 1_420_070_400_000n;
/** Messages per history page, Discord's maximum. https://discord.com/developers/docs/resources/message#get-channel-messages */
const PAGE = 100;
/** Pages read at most: an alert channel rarely holds 500 messages within one retry's span. */
const MAX_PAGES = 5;
/** Looked back a little before the first attempt began, for clock skew between us and Discord. */
const SKEW_MS = 60_000;

/** The smallest snowflake of `ms`, usable as `after` to list messages created from then on. */
function snowflakeAt(ms: number): string {
  return ((BigInt(Math.max(0, Math.floor(ms))) - DISCORD_EPOCH_MS) << 22n).toString();
}

/**
 * Looks for a message of ours carrying `ref` in an embed footer, posted since `since` (ms): an
 * earlier attempt that reached Discord though its answer never reached us. Needs Read Message
 * History in the channel; without it Discord lists no messages and this finds nothing.
 */
async function findPostedAlert(
  rest: REST,
  channelId: string,
  ref: string,
  since: number,
  signal?: AbortSignal,
): Promise<string | undefined> {
  let after = snowflakeAt(since - SKEW_MS);
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const batch = (await rest.get(Routes.channelMessages(channelId), {
      query: makeURLSearchParams({ after, limit: PAGE }),
      signal,
    })) as APIMessage[];
    const hit = batch.find((m) => m.author.bot === true && m.embeds.some((e) => e.footer?.text.includes(ref)));
    if (hit) return hit.id;
    if (batch.length < PAGE) return undefined;
    after = batch.reduce((max, m) => (BigInt(m.id) > BigInt(max) ? m.id : max), after);
  }
  return undefined;
}

// Errors

/**
 * JSON error codes that name what to fix.
 * Docs: https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes
 */
const UNKNOWN_CHANNEL = 10003;
const MISSING_ACCESS = 50001;
const MISSING_PERMISSIONS = 50013;

/**
 * Turns whatever a message send threw into a `SinkError` that says whether a retry can help.
 * @discordjs/rest already waited out short 429s and retried 5xx and resets; what reaches here is a
 * long rate limit (retryable, with its wait), a server or network failure (retryable), or the API
 * refusing for good: a bad token, a channel the bot cannot see or post to (not retryable, with the fix).
 */
export function toSinkError(error: unknown, channelId: string): SinkError {
  if (error instanceof RateLimitError) {
    return new SinkError(
      `Discord rate limit (${error.scope}${error.global ? ', global' : ''}) on ${error.route}: retry in ${error.retryAfter} ms`,
      {
        retryable: true,
        retryAfterMs: error.retryAfter,
        reason: 'rate_limited',
        cause: error,
      },
    );
  }
  if (error instanceof DiscordAPIError) {
    const said = `Discord said ${error.status} ${error.code}: ${error.message}`;
    if (error.status === 401) {
      return new SinkError(
        `${said}. The bot token was refused: set DISCORD_TOKEN to the bot's current token (Developer Portal -> Bot -> Reset Token)`,
        { retryable: false, reason: 'auth', cause: error },
      );
    }
    if (error.code === MISSING_ACCESS || (error.status === 403 && error.code !== MISSING_PERMISSIONS)) {
      return new SinkError(`${said}. The bot cannot see channel ${channelId}: invite it to the server and give it View Channel there`, {
        retryable: false,
        reason: 'auth',
        cause: error,
      });
    }
    if (error.code === MISSING_PERMISSIONS) {
      return new SinkError(`${said}. Give the bot Send Messages and Embed Links in channel ${channelId}`, {
        retryable: false,
        reason: 'auth',
        cause: error,
      });
    }
    if (error.code === UNKNOWN_CHANNEL || error.status === 404) {
      return new SinkError(`${said}. Channel ${channelId} does not exist or the bot is not in its server: check DISCORD_ALERT_CHANNEL_ID`, {
        retryable: false,
        reason: 'client_error',
        cause: error,
      });
    }
    // 429 only arrives here if the REST queue gave up; other 4xx mean our request is wrong, which a retry repeats.
    const reason = error.status === 429 ? 'rate_limited' : error.status >= 500 ? 'server_error' : 'client_error';
    return new SinkError(said, { retryable: error.status === 429, reason, cause: error });
  }
  if (error instanceof HTTPError) {
    return new SinkError(`Discord server error ${error.status} after retries`, { retryable: true, reason: 'server_error', cause: error });
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new SinkError(`Discord unreachable: ${message}`, { retryable: true, reason: 'network', cause: error });
}

/**
 * Loggable facts about a discord.js error, without its URL or request body: interaction and
 * webhook URLs carry the interaction token, which no log line may hold.
 */
export function describeDiscordError(error: unknown): Record<string, unknown> {
  if (error instanceof DiscordAPIError)
    return { error: 'DiscordAPIError', status: error.status, code: error.code, message: error.message, method: error.method };
  if (error instanceof HTTPError) return { error: 'HTTPError', status: error.status, method: error.method };
  if (error instanceof RateLimitError)
    return { error: 'RateLimitError', retryAfterMs: error.retryAfter, scope: error.scope, global: error.global };
  if (error instanceof Error) return { error: error.name, message: error.message };
  return { error: String(error) };
}
