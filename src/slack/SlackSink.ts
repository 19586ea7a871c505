import Bottleneck from 'bottleneck';
import type { webApi } from '@slack/bolt';
import { compareDecimal } from '../decimal.js';
import type { Logger } from '../ops/logger.js';
import type { Notification, Sink } from '../sinks/Sink.js';
import { renderAlert } from './renderAlert.js';
import { toSinkError } from './toSinkError.js';

/**
 * Slack allows about one message a second per channel, with short bursts.
 * Docs: https://api.slack.com/methods/chat.postMessage#rate_limiting
 */
export const SLACK_MESSAGE_INTERVAL_MS = 1000;

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
}

/** Posts alerts to one Slack channel with Block Kit, one message a second, errors as `SinkError`. */
export class SlackSink implements Sink {
  readonly name = 'slack';
  private readonly limiter: Bottleneck;

  constructor(private readonly options: SlackSinkOptions) {
    this.limiter = new Bottleneck({ maxConcurrent: 1, minTime: options.minIntervalMs ?? SLACK_MESSAGE_INTERVAL_MS });
  }

  async deliver(notification: Notification, options: { signal?: AbortSignal } = {}): Promise<void> {
    const message = renderAlert(notification, { mention: this.mentionFor(notification) });
    const { client, channel, logger } = this.options;
    try {
      const result = await this.limiter.schedule(() => {
        // The alert may have waited in the queue; do not post one the pipeline gave up on.
        options.signal?.throwIfAborted();
        return client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false });
      });
      logger.info('slack alert posted', { key: notification.key, channel, ts: result.ts });
    } catch (error) {
      if (options.signal?.aborted && error === options.signal.reason) throw error;
      throw toSinkError(error);
    }
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
