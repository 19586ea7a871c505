import { type REST, type RESTPostAPIChannelMessageJSONBody, Routes } from 'discord.js';
import type { Logger } from '../ops/logger.js';
import type { Notification, Sink } from '../sinks/Sink.js';
import { withScopedSignal } from '../sinks/withScopedSignal.js';
import { type AlertMentionPolicy, alertMentions } from './alertMentions.js';
import { findPostedAlert } from './findPostedAlert.js';
import { alertNonce, alertRef, renderAlertEmbeds } from './renderDiscord.js';
import { toSinkError } from './toSinkError.js';

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
  deliver(notification: Notification, options: { signal?: AbortSignal; maybeDelivered?: { since: number } } = {}): Promise<void> {
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
      embeds: renderAlertEmbeds(notification),
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
