import type { Logger } from '../ops/logger.js';
import type { Notification, Sink } from '../sinks/Sink.js';
import { isSinkError } from '../sinks/SinkError.js';
import type { Clock } from '../time.js';
import type { EventBus } from './EventBus.js';
import { DEFAULT_GROUP_THRESHOLD, MAX_GROUP_SIZE, nextNotification, notificationIds, summarizeAlerts } from './groupAlerts.js';
import type { AttemptMark, OpenAttempt, Outbox } from './Outbox.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelay } from './retryDelay.js';

/** Default time `stop()` lets a delivery in flight finish before aborting it. */
export const DEFAULT_STOP_GRACE_MS = 10_000;

/** Options of `DeliveryDispatcher`. */
export interface DeliveryDispatcherOptions {
  sinks: readonly Sink[];
  outbox: Outbox;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  /** More than this many alerts ready at once go out as one group; default 5. */
  groupThreshold?: number;
  /** Backoff between attempts; default 1 s doubling to 60 s with jitter. */
  retry?: Partial<RetryPolicy>;
  /** How long `stop()` waits for a delivery in flight before aborting it; default 10000. */
  stopGraceMs?: number;
}

/**
 * Fans the outbox out to the sinks: one worker per sink, so a failing sink never holds up another.
 * Each worker takes its sink's pending alerts in order, first writes an attempt marker (sink, key,
 * time) on them, then sends, retrying the SAME notification (same alerts, same key) until it is
 * accepted, and finally records that sink's delivery, clearing the marker; the record carries the
 * marker of the sink's next notification when one is waiting (one store write per notification, not
 * two). If the marker cannot be written nothing is sent. Nothing is dropped: a non-retryable error is logged as an error and
 * retried at the backoff cap.
 *
 * Delivery is at-least-once, and close to exactly-once. The window where a platform accepted a
 * message but the store never recorded it (a crash, a kill, the stop grace running out mid-request,
 * or a timeout whose request did land) is covered by the marker: after a restart the worker resumes
 * exactly the marked notification, same alerts and same key, and hands it over with
 * `maybeDelivered`, as it does for every retry after a failed attempt. Slack then looks for a message
 * of ours with that key in the channel's recent history and posts only if there is none; Discord's
 * `nonce` with `enforce_nonce` returns the first message instead of a second one. What remains:
 * at Slack, a message that history does not show yet (lag) or a history read that fails (missing
 * scope, rate limit), since then we post rather than risk a missed alert; at Discord, a repeat after
 * the nonce's window of a few minutes. A failed record write while the process lives is not in the
 * window: the worker keeps the ids and retries the record before sending anything else.
 */
export class DeliveryDispatcher {
  private readonly options: DeliveryDispatcherOptions;
  private readonly workers: SinkWorker[];
  private readonly stopping = new AbortController();
  private readonly inFlight = new AbortController();
  private running: Promise<void>[] = [];

  constructor(options: DeliveryDispatcherOptions) {
    this.options = options;
    const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    const threshold = options.groupThreshold ?? DEFAULT_GROUP_THRESHOLD;
    this.workers = options.sinks.map(
      (sink) =>
        new SinkWorker({
          ...options,
          sink,
          policy,
          threshold,
          logger: options.logger.child({ sink: sink.name }),
          stopping: this.stopping.signal,
          inFlight: this.inFlight.signal,
        }),
    );
  }

  /** Starts every sink's worker; alerts already in the outbox (from before a restart) go out first. */
  start(): void {
    if (this.running.length > 0) return;
    this.running = this.workers.map((w) => w.run());
  }

  /** Wakes the workers: new alerts are in the outbox. */
  notify(): void {
    for (const worker of this.workers) worker.notify();
  }

  /** Stops every worker after its delivery in flight (aborted after the grace period). */
  async stop(): Promise<void> {
    const { clock } = this.options;
    this.stopping.abort();
    const graceOver = new AbortController();
    void clock
      .sleep(this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS, graceOver.signal)
      .then(() => this.inFlight.abort(new Error('forcewatch is stopping')))
      .catch(() => {});
    await Promise.all(this.running);
    graceOver.abort();
  }
}

interface SinkWorkerOptions extends DeliveryDispatcherOptions {
  sink: Sink;
  policy: RetryPolicy;
  threshold: number;
  stopping: AbortSignal;
  inFlight: AbortSignal;
}

/** The notification a worker is delivering, and what it knows of earlier attempts at it. */
interface Attempt {
  notification: Notification;
  /** When its attempt marker was written; undefined until it is. */
  markedAt?: number;
  /** An earlier attempt (this process or a previous one) may have reached the platform. */
  maybeDelivered: boolean;
}

/**
 * The notification an open attempt carried, rebuilt with its recorded key: the same alerts in the
 * same order, so the sink can recognise it (by key) whatever has been queued since.
 */
function resumeNotification(open: OpenAttempt): Notification {
  const [first] = open.alerts;
  if (first && open.alerts.length === 1 && first.id === open.key) return { type: 'single', key: open.key, alert: first };
  return { type: 'group', key: open.key, alerts: open.alerts, summary: summarizeAlerts(open.alerts) };
}

/** The attempt marker for handing `notification` to a sink at `at`. */
function markOf(notification: Notification, at: number): AttemptMark {
  return { ids: notificationIds(notification), key: notification.key, at };
}

/** One sink's delivery loop. */
class SinkWorker {
  private readonly o: SinkWorkerOptions;
  private woken = true;
  private wake: (() => void) | undefined;

  constructor(options: SinkWorkerOptions) {
    this.o = options;
  }

  notify(): void {
    this.woken = true;
    this.wake?.();
  }

  async run(): Promise<void> {
    const { sink, outbox, bus, stopping } = this.o;
    bus.emit('outboxDepth', { sink: sink.name, depth: outbox.depth(sink.name) });
    let current: Attempt | undefined;
    let unrecorded: Notification | undefined;
    let attempts = 0;
    while (!stopping.aborted) {
      if (!unrecorded) {
        current ??= this.next();
        if (!current) {
          await this.idle();
          continue;
        }
        const { notification } = current;
        try {
          current.markedAt ??= await this.mark(notification);
        } catch (error) {
          attempts += 1;
          await this.backOff(error, attempts, 'could not mark the attempt in the store, so nothing is sent until it can');
          continue;
        }
        const maybeDelivered = current.maybeDelivered ? { since: current.markedAt } : undefined;
        try {
          await sink.deliver(notification, { signal: this.o.inFlight, maybeDelivered });
        } catch (error) {
          if (stopping.aborted) break;
          // The failure may have come after the platform took the message (a timeout, a dropped reply).
          current.maybeDelivered = true;
          attempts += 1;
          await this.backOff(error, attempts, 'delivery failed');
          continue;
        }
        [unrecorded, current] = [notification, undefined];
      }
      const recorded = notificationIds(unrecorded);
      // The next notification's attempt marker goes in the same write as this delivery record (one
      // rewrite of the store instead of two per group), so it is still in the file before that send.
      current ??= stopping.aborted ? undefined : this.next(new Set(recorded));
      const mark = current && current.markedAt === undefined ? markOf(current.notification, this.o.clock.now()) : undefined;
      try {
        await outbox.recordDelivery(sink.name, recorded, mark);
        if (current && mark) current.markedAt = mark.at;
      } catch (error) {
        // The sink has the message; sending it again would duplicate it, so retry only the record.
        attempts += 1;
        await this.backOff(error, attempts, 'delivered, but recording it in the store failed');
        continue;
      }
      attempts = 0;
      bus.emit('delivered', { sink: sink.name, alertIds: notificationIds(unrecorded), grouped: unrecorded.type === 'group' });
      bus.emit('outboxDepth', { sink: sink.name, depth: outbox.depth(sink.name) });
      unrecorded = undefined;
    }
  }

  /** Writes the attempt marker for `notification`; resolves with its time once the store holds it. */
  private async mark(notification: Notification): Promise<number> {
    const { ids, ...attempt } = markOf(notification, this.o.clock.now());
    await this.o.outbox.markAttempt(this.o.sink.name, ids, attempt);
    return attempt.at;
  }

  /**
   * An attempt left open before a restart first, exactly as it was; otherwise the next pending alerts.
   * `except`: alerts delivered whose record is not written yet.
   */
  private next(except?: ReadonlySet<string>): Attempt | undefined {
    this.woken = false;
    const open = this.o.outbox.openAttempt(this.o.sink.name, except);
    if (open) return { notification: resumeNotification(open), markedAt: open.at, maybeDelivered: true };
    const pending = this.o.outbox.pending(this.o.sink.name, Math.max(MAX_GROUP_SIZE, this.o.threshold + 1), except);
    const notification = nextNotification(pending, this.o.threshold);
    return notification && { notification, maybeDelivered: false };
  }

  private async idle(): Promise<void> {
    if (this.woken || this.o.stopping.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.wake = undefined;
        this.o.stopping.removeEventListener('abort', done);
        resolve();
      };
      this.wake = done;
      this.o.stopping.addEventListener('abort', done, { once: true });
    });
  }

  private async backOff(error: unknown, attempts: number, what: string): Promise<void> {
    const { sink, bus, clock, logger, policy, stopping } = this.o;
    const retryInMs = retryDelay(error, attempts, policy);
    const retryable = !isSinkError(error) || error.retryable;
    const fields = { error, attempts, retryInMs, retryable };
    if (retryable) logger.warn(`${what}; the alerts are kept and retried`, fields);
    else logger.error(`${what}, and the sink says retrying cannot help; the alerts are kept and retried`, fields);
    bus.emit('deliveryFailed', { sink: sink.name, error, retryInMs, attempts });
    await clock.sleep(retryInMs, stopping).catch(() => {});
  }
}
