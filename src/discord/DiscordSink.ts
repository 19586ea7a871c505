import { Routes, type REST, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { Logger } from '../ops/logger.js';
import type { Notification, Sink } from '../sinks/Sink.js';
import { alertMentions, type AlertMentionPolicy } from './alertMentions.js';
import { alertNonce } from './alertNonce.js';
import { renderAlertEmbeds } from './renderAlertEmbeds.js';
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
 * `enforce_nonce`, so a retried delivery returns the first message instead of posting twice.
 */
export class DiscordSink implements Sink {
  readonly name = 'discord';

  constructor(private readonly options: DiscordSinkOptions) {}

  /** Sends one alert message; throws `SinkError` saying whether a retry can help. */
  async deliver(notification: Notification, options: { signal?: AbortSignal } = {}): Promise<void> {
    const { rest, channelId, mentions, logger } = this.options;
    const { content, allowedMentions } = alertMentions(notification, mentions);
    const body: RESTPostAPIChannelMessageJSONBody = {
      ...(content !== undefined && { content }),
      embeds: renderAlertEmbeds(notification),
      allowed_mentions: allowedMentions,
      nonce: alertNonce(notification.key),
      enforce_nonce: true,
    };
    try {
      const message = (await rest.post(Routes.channelMessages(channelId), { body, signal: options.signal })) as { id: string };
      logger.info('discord alert posted', { key: notification.key, messageId: message.id, embeds: body.embeds?.length });
    } catch (error) {
      throw toSinkError(error, channelId);
    }
  }
}
