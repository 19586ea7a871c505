import type { Logger } from '../ops/logger.js';
import { SerialQueue } from '../SerialQueue.js';
import type { Clock } from '../time.js';
import { isSinkError, type Notification, type OperationalNotice, type Sink } from './Sink.js';

/** Attempts per notice and the waits between them: a notice is not worth an outbox, but a blip should not eat it. */
const NOTICE_RETRY_DELAYS_MS = [5_000, 20_000];

/** How one sink's notice ended: sent, or given up (`error`). */
export interface NoticeOutcome {
  sink: string;
  severity: OperationalNotice['severity'];
  error?: unknown;
}

/** Options of `NoticeSender`. */
export interface NoticeSenderOptions {
  clock: Clock;
  logger: Logger;
  /** Told how each sink's notice ended (metrics). */
  onOutcome?: (outcome: NoticeOutcome) => void;
}

/**
 * Sends operational notices: in order per sink (a recovery never overtakes its warning), each tried a
 * few times with the same key (a sink that can look a key up recognises an attempt that landed), then
 * given up with a warning in the log. Notices bypass the outbox: they are about the bot, not force
 * orders, and one that cannot be sent must never hold up an alert.
 */
export class NoticeSender {
  private readonly options: NoticeSenderOptions;
  private readonly queues = new Map<string, SerialQueue>();
  private readonly stopping = new AbortController();

  constructor(options: NoticeSenderOptions) {
    this.options = options;
  }

  /** Queues `notice` for every sink in `sinks`, under `key`; never throws. */
  send(sinks: readonly Sink[], key: string, notice: OperationalNotice): void {
    if (this.stopping.signal.aborted) return;
    const notification: Notification = { type: 'notice', key, notice };
    for (const sink of sinks) {
      let queue = this.queues.get(sink.name);
      if (!queue) {
        queue = new SerialQueue();
        this.queues.set(sink.name, queue);
      }
      void queue.run(() => this.deliver(sink, notification)).catch(() => {});
    }
  }

  /** Abandons notices still being retried, and resolves once none is in flight. */
  async stop(): Promise<void> {
    this.stopping.abort(new Error('forcewatch is stopping'));
    await Promise.all([...this.queues.values()].map((q) => q.idle()));
  }

  /** Hands `notification` to `sink`, a few times if need be; never throws. */
  private async deliver(sink: Sink, notification: Extract<Notification, { type: 'notice' }>): Promise<void> {
    const { clock, logger, onOutcome } = this.options;
    const signal = this.stopping.signal;
    const severity = notification.notice.severity;
    const firstAt = clock.now();
    for (let attempt = 0; !signal.aborted; attempt += 1) {
      try {
        // From the second attempt on, the first may have landed: a sink that can look it up by key does.
        const maybeDelivered = attempt > 0 ? { since: firstAt } : undefined;
        await sink.deliver(notification, { signal, maybeDelivered });
        logger.info('operational notice sent', { sink: sink.name, severity, title: notification.notice.title });
        onOutcome?.({ sink: sink.name, severity });
        return;
      } catch (error) {
        if (signal.aborted) return;
        const delay = NOTICE_RETRY_DELAYS_MS[attempt];
        if (delay === undefined || (isSinkError(error) && !error.retryable)) {
          logger.warn('could not send an operational notice; given up', {
            sink: sink.name,
            severity,
            title: notification.notice.title,
            error,
          });
          onOutcome?.({ sink: sink.name, severity, error });
          return;
        }
        await clock.sleep(delay, signal).catch(() => {});
      }
    }
  }
}
