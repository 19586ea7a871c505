import { backoffDelay } from '../backoff.js';
import type { Logger } from '../ops/logger.js';
import type { AlertNotification, DigestNotification, RiskNotification, Sink } from '../sinks/Sink.js';
import { isSinkError } from '../sinks/Sink.js';
import type { Clock } from '../time.js';
import type { EventBus } from './EventBus.js';
import { DEFAULT_GROUP_THRESHOLD, MAX_GROUP_SIZE, nextNotification, notificationIds, summarizeAlerts } from './groupAlerts.js';
import type { KeyedNotification, KeyedQueue } from './KeyedOutbox.js';
import type { AttemptMark, OpenAttempt, Outbox } from './Outbox.js';

/** Default time `stop()` lets a delivery in flight finish before aborting it. */
const DEFAULT_STOP_GRACE_MS = 10_000;

/** Backoff settings of a sink's delivery retries. */
export interface RetryPolicy {
  /** First delay; default 1000 ms. */
  baseMs: number;
  /** Longest delay, and the fixed delay after a non-retryable error; default 60000 ms. */
  capMs: number;
  /** Uniform in [0, 1); injected for tests. */
  random: () => number;
}

/** Default delivery backoff: 1 s doubling to 60 s. */
const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 1_000, capMs: 60_000, random: Math.random };

/** Options of `DeliveryDispatcher`. */
export interface DeliveryDispatcherOptions {
  sinks: readonly Sink[];
  outbox: Outbox;
  /** The risk alerts to deliver beside the force orders, each as its own notification and before them; default none. */
  riskOutbox?: KeyedQueue<RiskNotification>;
  /** The daily digests to deliver, each as its own notification, after risk alerts and before force orders; default none. */
  digestOutbox?: KeyedQueue<DigestNotification>;
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
 * Each worker delivers its sink's pending alerts in order, one notification at a time, in four steps:
 * wait for alerts, mark the attempt, send until accepted, record the delivery (`SinkWorker.run`).
 * Nothing is dropped: a non-retryable error is logged as an error and retried at the backoff cap.
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
    const keyed: KeyedQueue[] = [];
    if (options.riskOutbox) keyed.push(options.riskOutbox);
    if (options.digestOutbox) keyed.push(options.digestOutbox);
    this.workers = options.sinks.map(
      (sink) =>
        new SinkWorker({
          ...options,
          keyed,
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
  /** The keyed queues, most urgent first: risk alerts, then digests. */
  keyed: readonly KeyedQueue[];
  sink: Sink;
  policy: RetryPolicy;
  threshold: number;
  stopping: AbortSignal;
  inFlight: AbortSignal;
}

/** What a worker delivers from the outboxes: force orders (single or grouped), or one keyed notification (a risk alert, a digest). */
type QueuedNotification = AlertNotification | KeyedNotification;

/** True for a notification a keyed queue holds; its key is its entry's id. */
function isKeyed(notification: QueuedNotification): notification is KeyedNotification {
  return notification.type === 'risk' || notification.type === 'digest';
}

/** The notification a worker is delivering, and what it knows of earlier attempts at it. */
interface Attempt {
  notification: QueuedNotification;
  /** When its attempt marker was written; undefined until it is. */
  markedAt?: number;
  /** An earlier attempt (this process or a previous one) may have reached the platform. */
  maybeDelivered: boolean;
  /** Failed steps since this notification was taken up (marker, sends, record): they set the backoff. */
  failures: number;
}

/**
 * The notification an open attempt carried, rebuilt with its recorded key: the same alerts in the
 * same order, so the sink can recognise it (by key) whatever has been queued since.
 */
function resumeNotification(open: OpenAttempt): AlertNotification {
  const [first] = open.alerts;
  if (first && open.alerts.length === 1 && first.id === open.key) return { type: 'single', key: open.key, alert: first };
  return { type: 'group', key: open.key, alerts: open.alerts, summary: summarizeAlerts(open.alerts) };
}

/** The outbox ids a queued notification carries. */
function queuedIds(notification: QueuedNotification): string[] {
  return isKeyed(notification) ? [notification.key] : notificationIds(notification);
}

/** The attempt marker for handing `notification` to a sink at `at`. */
function markOf(notification: QueuedNotification, at: number): AttemptMark {
  return { ids: queuedIds(notification), key: notification.key, at };
}

/**
 * How long to wait before attempt `attempts + 1`: capped exponential backoff with equal jitter (half
 * fixed, half random, so retries of many sinks spread out but never come back at once), never shorter
 * than the platform's `Retry-After`. A non-retryable error (bad token, unknown channel) waits the cap:
 * the alert is kept, and a person fixing the config sees it go out within a minute.
 */
function retryDelay(error: unknown, attempts: number, policy: RetryPolicy): number {
  if (isSinkError(error) && !error.retryable) return Math.max(policy.capMs, error.retryAfterMs ?? 0);
  const jittered = backoffDelay(attempts, { ...policy, jitter: 'equal' });
  const retryAfter = isSinkError(error) ? (error.retryAfterMs ?? 0) : 0;
  return Math.max(jittered, retryAfter);
}

/**
 * One sink's delivery loop, as steps in the manner of alertmanager's notify stages: wait for alerts,
 * mark the attempt, send until accepted, record the delivery. A step that fails backs off and is
 * retried alone; a stop ends the loop between steps, and a marked attempt left open is resumed by the
 * next start.
 */
class SinkWorker {
  private readonly o: SinkWorkerOptions;
  private woken = true;
  private wake: (() => void) | undefined;

  constructor(options: SinkWorkerOptions) {
    this.o = options;
  }

  /** New alerts are in the outbox: reports the new depth and ends a wait. */
  notify(): void {
    this.woken = true;
    this.reportDepth();
    this.wake?.();
  }

  /** Wait → mark → send → record, one notification at a time, until the dispatcher stops. */
  async run(): Promise<void> {
    this.reportDepth();
    let attempt = await this.waitForNotification();
    while (attempt && !this.o.stopping.aborted) {
      const markedAt = await this.markAttempt(attempt);
      if (markedAt === undefined || !(await this.sendUntilAccepted(attempt, markedAt))) return;
      attempt = (await this.recordDelivery(attempt)) ?? (await this.waitForNotification());
    }
  }

  /** Wait: the next notification once alerts are pending for this sink; undefined once stopping. */
  private async waitForNotification(): Promise<Attempt | undefined> {
    while (!this.o.stopping.aborted) {
      const attempt = this.next();
      if (attempt) return attempt;
      await this.idle();
    }
    return undefined;
  }

  /**
   * Mark: writes the attempt marker (sink, key, time) on the notification's alerts, retrying until the
   * store holds it, since nothing may be sent before; resolves with its time, undefined once stopping.
   * A resumed attempt, or one marked with the previous delivery record, is marked already.
   */
  private async markAttempt(attempt: Attempt): Promise<number | undefined> {
    while (attempt.markedAt === undefined) {
      const mark = markOf(attempt.notification, this.o.clock.now());
      const write = () => this.writeMark(attempt.notification, mark);
      if (await this.tryWrite(attempt, write, 'could not mark the attempt in the store, so nothing is sent until it can')) {
        attempt.markedAt = mark.at;
      } else if (this.o.stopping.aborted) {
        return undefined;
      }
    }
    return attempt.markedAt;
  }

  /**
   * Send: hands the SAME notification (same alerts, same key) to the sink until it is accepted, saying
   * `maybeDelivered` once an attempt may have landed; false once stopping (the marker stays, so the
   * next start resumes it).
   */
  private async sendUntilAccepted(attempt: Attempt, markedAt: number): Promise<boolean> {
    const { sink, inFlight, stopping } = this.o;
    for (;;) {
      try {
        const maybeDelivered = attempt.maybeDelivered ? { since: markedAt } : undefined;
        await sink.deliver(attempt.notification, { signal: inFlight, maybeDelivered });
        return true;
      } catch (error) {
        if (stopping.aborted) return false;
        // The failure may have come after the platform took the message (a timeout, a dropped reply).
        attempt.maybeDelivered = true;
        await this.backOff(attempt, error, 'delivery failed');
        if (stopping.aborted) return false;
      }
    }
  }

  /**
   * Record: writes that the sink has the notification, clearing its marker, retrying only the record
   * (the sink has the message: sending it again would duplicate it). The next notification's marker
   * goes in the same write (one rewrite of the store per notification instead of two), so it is in
   * the file before that send. Resolves with that next attempt, marked; undefined when none is waiting
   * or once stopping.
   */
  private async recordDelivery(delivered: Attempt): Promise<Attempt | undefined> {
    const { sink, bus, clock, stopping } = this.o;
    const ids = queuedIds(delivered.notification);
    let next: Attempt | undefined;
    for (;;) {
      next ??= stopping.aborted ? undefined : this.next(new Set(ids));
      const mark = next && next.markedAt === undefined ? markOf(next.notification, clock.now()) : undefined;
      const following = next?.notification;
      const write = () => this.writeRecord(delivered.notification, following && mark && { notification: following, mark });
      // Read before the write: alerts every sink now has leave the outbox with it.
      const queuedAt = this.queuedTimes(delivered.notification);
      if (await this.tryWrite(delivered, write, 'delivered, but recording it in the store failed')) {
        if (next && mark) next.markedAt = mark.at;
        const now = clock.now();
        const latencyMs = queuedAt.map((at) => Math.max(0, now - at));
        bus.emit('delivered', { sink: sink.name, alertIds: ids, grouped: delivered.notification.type === 'group', latencyMs });
        this.reportDepth();
        return next;
      }
      if (stopping.aborted) return undefined;
    }
  }

  /**
   * An attempt left open before a restart first, exactly as it was; otherwise the next pending alerts.
   * `except`: alerts delivered whose record is not written yet.
   */
  private next(except: ReadonlySet<string> = new Set()): Attempt | undefined {
    this.woken = false;
    const keyed = this.nextKeyed(except);
    if (keyed) return keyed;
    const open = this.o.outbox.openAttempt(this.o.sink.name, except);
    if (open) return { notification: resumeNotification(open), markedAt: open.at, maybeDelivered: true, failures: 0 };
    const pending = this.o.outbox.pending(this.o.sink.name, Math.max(MAX_GROUP_SIZE, this.o.threshold + 1), except);
    const notification = nextNotification(pending, this.o.threshold);
    return notification && { notification, maybeDelivered: false, failures: 0 };
  }

  /**
   * The next risk alert, then the next digest, before any force order: a warning that comes while a
   * cascade's backlog waits for a failing sink must not queue behind it, and a digest is one message.
   * In each queue an attempt left open first, as for force orders.
   */
  private nextKeyed(except: ReadonlySet<string>): Attempt | undefined {
    const { keyed, sink } = this.o;
    for (const queue of keyed) {
      const open = queue.openAttempt(sink.name, except);
      if (open) return { notification: open.notification, markedAt: open.at, maybeDelivered: true, failures: 0 };
      const notification = queue.pending(sink.name, except);
      if (notification) return { notification, maybeDelivered: false, failures: 0 };
    }
    return undefined;
  }

  /** Writes the attempt marker of `notification` into the outbox that holds it. */
  private writeMark(notification: QueuedNotification, mark: AttemptMark): Promise<void> {
    const { ids, ...marker } = mark;
    if (!isKeyed(notification)) return this.o.outbox.markAttempt(this.o.sink.name, ids, marker);
    return this.queueOf(notification).markAttempt(this.o.sink.name, notification.key, marker);
  }

  /**
   * Records the delivery of `delivered` and writes the next notification's marker: one write when both
   * are force orders, else one per outbox (the record first; a retry repeats both, and both are idempotent).
   */
  private async writeRecord(delivered: QueuedNotification, next?: { notification: QueuedNotification; mark: AttemptMark }): Promise<void> {
    const { outbox, sink } = this.o;
    if (!isKeyed(delivered) && !(next && isKeyed(next.notification))) {
      return outbox.recordDelivery(sink.name, notificationIds(delivered), next?.mark);
    }
    if (isKeyed(delivered)) await this.queueOf(delivered).recordDelivery(sink.name, delivered.key);
    else await outbox.recordDelivery(sink.name, notificationIds(delivered));
    if (next) await this.writeMark(next.notification, next.mark);
  }

  /** When each alert of `notification` still waiting was queued (ms). */
  private queuedTimes(notification: QueuedNotification): number[] {
    if (!isKeyed(notification)) return this.o.outbox.queuedTimes(notificationIds(notification));
    const at = this.queueOf(notification).queuedAt(notification.key);
    return at === undefined ? [] : [at];
  }

  /** The keyed queue holding `notification`; a keyed notification only comes from one, so it exists. */
  private queueOf(notification: KeyedNotification): KeyedQueue {
    const queue = this.o.keyed.find((q) => q.type === notification.type);
    if (!queue) throw new Error(`a ${notification.type} notification without its outbox`);
    return queue;
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

  /** Runs a store write for `attempt`; a failure is backed off and resolves false. */
  private async tryWrite(attempt: Attempt, write: () => Promise<void>, what: string): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      await this.backOff(attempt, error, what);
      return false;
    }
  }

  /** Counts a failed step against `attempt`, logs and announces it, and sleeps its backoff. */
  private async backOff(attempt: Attempt, error: unknown, what: string): Promise<void> {
    const { sink, bus, clock, logger, policy, stopping } = this.o;
    attempt.failures += 1;
    const attempts = attempt.failures;
    const retryInMs = retryDelay(error, attempts, policy);
    const retryable = !isSinkError(error) || error.retryable;
    const fields = { error, attempts, retryInMs, retryable };
    if (retryable) logger.warn(`${what}; the alerts are kept and retried`, fields);
    else logger.error(`${what}, and the sink says retrying cannot help; the alerts are kept and retried`, fields);
    bus.emit('deliveryFailed', { sink: sink.name, error, retryInMs, attempts });
    // A sink that keeps failing never reaches a delivery record: its depth must be told here too.
    this.reportDepth();
    await clock.sleep(retryInMs, stopping).catch(() => {});
  }

  private reportDepth(): void {
    const { sink, outbox, keyed, bus } = this.o;
    const depth = keyed.reduce((sum, queue) => sum + queue.depth(sink.name), outbox.depth(sink.name));
    bus.emit('outboxDepth', { sink: sink.name, depth });
  }
}
