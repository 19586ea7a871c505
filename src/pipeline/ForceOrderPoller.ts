import type { ForceOrderSource } from '../binance/types.js';
import type { Logger } from '../ops/logger.js';
import { SerialQueue } from '../SerialQueue.js';
import type { Alert } from '../sinks/Sink.js';
import type { PipelineArchive } from '../store/PipelineStorage.js';
import type { StateStore } from '../store/StateStore.js';
import { type Clock, MINUTE_MS } from '../time.js';
import { diffForceOrders } from './diffForceOrders.js';
import type { EventBus } from './EventBus.js';
import type { Outbox } from './Outbox.js';

/** Default time between poll starts: 5 s. */
export const DEFAULT_POLL_INTERVAL_MS = 5_000;
/** Default re-queried overlap: orders can become visible at the exchange some time after their updateTime. */
export const DEFAULT_OVERLAP_MS = 60_000;
/**
 * How far before the watermark an ordinary poll re-reads (at most the overlap): an order that becomes
 * visible within this of its updateTime is alerted by the next poll; a later one by the late sweep.
 */
export const FRESH_SLACK_MS = 2_000;
/**
 * Late sweeps per overlap period. Each sweep costs pages for the orders in its window, so fewer sweeps are
 * cheaper, but an order visible late waits for the next sweep: at 4, a late-visible cascade is alerted
 * within a quarter of the overlap (15 s at the default 60 s) plus one interval, and a 300-order cascade
 * polled every second still costs less than 1.5 x a quiet minute (bench "cascade cost").
 */
const SWEEPS_PER_OVERLAP = 4;
/**
 * Time between poll starts while the exchange refuses our credentials: a refused key costs one poll a
 * minute, not one per interval, and the bot resumes within a minute of the key working again.
 */
const CREDENTIALS_RETRY_MS = MINUTE_MS;

/** Options of `ForceOrderPoller`. */
export interface ForceOrderPollerOptions {
  source: ForceOrderSource;
  store: StateStore;
  outbox: Outbox;
  archive: PipelineArchive;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  /** Time between poll starts; default 5000. */
  pollIntervalMs?: number;
  /**
   * How late an order may become visible and still be alerted; default 60000. Each poll re-reads
   * `FRESH_SLACK_MS` before the watermark, and once per overlap a late sweep re-reads the overlap.
   */
  overlapMs?: number;
  /**
   * The exchange's current time (ms), as the Binance client measures it; default `clock.now()`.
   * Windows and the watermark are in the exchange's time because orders are stamped with it: were our
   * clock more than `overlapMs` ahead of Binance's, windows in our time would already have passed
   * every new order's updateTime, and each one would be skipped as history.
   */
  exchangeNow?: () => number;
  /**
   * Called with a poll's new alerts once the store holds them: wakes delivery. A direct call, not a
   * bus listener, because the bus's listeners are observers whose failures are swallowed.
   */
  onQueued?: (alerts: readonly Alert[]) => void;
}

/** What a successful poll did. */
export interface PollResult {
  found: number;
  newOrders: number;
  watermark: number;
}

/**
 * Polls the exchange for force orders and queues the new ones.
 *
 * Each poll asks a window ending at the exchange's now, diffs the answer against the seen ids, appends
 * the new orders to the archive, then commits new alerts, seen ids and the watermark in ONE store write;
 * only after that write succeeds are the new alerts handed to `onQueued` and announced as `alertsQueued`.
 *
 * Which window: re-reading the whole overlap on every poll costs pages for every order still in it,
 * so a cascade's 300 orders polled every second cost 11,651 weight in the next minute, nearly twice Binance's
 * 6,000 (bench "cascade cost"). So a poll reads only the fresh part, `[watermark - FRESH_SLACK_MS, now]`,
 * and once the previous sweep is a quarter overlap old (`SWEEPS_PER_OVERLAP`; the first poll of a process is one) it is a late
 * sweep instead: `[sweptUntil - overlapMs, now]`, `sweptUntil` being the watermark the previous sweep
 * committed. Why no order visible at most `overlapMs` after its updateTime `t` is missed: take the
 * first sweep asked after the order became visible, at `v <= t + overlapMs`. The sweep before it was
 * asked before `v`, so it committed a watermark `sweptUntil < v <= t + overlapMs`: the order lies in
 * this sweep's window `[sweptUntil - overlapMs, now]`, however often sweeps come. Sweeps are never further
 * apart than their cadence plus one interval, because the decision is taken on the window's end. Seen ids are kept for the
 * overlap plus that cadence (`2 x overlapMs` before the watermark), so a sweep re-reading its window
 * finds every order it alerted among them: nothing goes out twice. After a restart the previous
 * sweep is unknown, but it committed a watermark above `watermark - overlapMs` (else the last poll
 * would have been a sweep, and the cadence is at most an overlap): the first sweep reads from `watermark - 2 x overlapMs`, where the seen
 * ids still reach.
 *
 * Error policy:
 * - An error with `fatal === true` (the exchange refused our key: auth, permissions, IP) needs an
 *   operator, yet the poller never stops on it (a stopped bot, or one in a restart loop, tells nobody):
 *   it emits `pollFailed { fatal: true }` and asks again once a minute (`CREDENTIALS_RETRY_MS`) until
 *   the key works, then polls at the interval again. The watermark has not moved meanwhile, so the
 *   first poll that works reads the whole gap. Merely non-retryable errors (a refused parameter, a body
 *   that broke the schema) are retried at the interval: the next poll (another window) may succeed.
 * - Anything else (network, 5xx, rate limits the client could not absorb, a failed store write) is
 *   logged and retried at the next interval; the client already retries inside a poll. The
 *   watermark has not moved, so the next poll finds the same orders again.
 * - Polls never overlap: the loop awaits each poll, and `pollOnce` calls queue behind it.
 */
export class ForceOrderPoller {
  private readonly options: ForceOrderPollerOptions;
  private intervalMs: number;
  /** Aborted to cut the loop's sleep short when the interval changes (or the poller stops); replaced after each change. */
  private intervalChanged = new AbortController();
  private readonly overlapMs: number;
  /**
   * The watermark the last late sweep committed (see the class comment); before the first one of this
   * process, the lowest the previous process can have left: the store's watermark minus the overlap.
   */
  private sweptUntil: number | undefined;
  /** Polls never overlap: `pollOnce` calls queue behind the loop's poll. */
  private readonly polls = new SerialQueue();
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(options: ForceOrderPollerOptions) {
    this.options = options;
    this.intervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS;
  }

  /** Starts polling; the promise resolves once the poller has stopped (`stop()`): no poll failure ends it. */
  start(): Promise<void> {
    this.loop ??= this.run();
    return this.loop;
  }

  /**
   * Stops the loop: a fetch in progress is aborted (nothing is lost, the watermark has not moved), a
   * store commit in progress completes. Resolves once the loop has ended.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.intervalChanged.abort();
    await this.loop?.catch(() => {});
    await this.polls.idle();
  }

  /**
   * Changes the time between poll starts, the sleep in progress included (measured from the last poll's
   * start): a fallback to fast polling takes effect at once, not after a long reconciliation sleep.
   */
  setIntervalMs(ms: number): void {
    if (ms === this.intervalMs) return;
    this.intervalMs = ms;
    this.intervalChanged.abort();
    this.intervalChanged = new AbortController();
  }

  /** Runs one poll after any poll in progress; rejects with the poll's error. */
  pollOnce(): Promise<PollResult> {
    return this.polls.run(() => this.poll());
  }

  private async run(): Promise<void> {
    const { clock, logger } = this.options;
    const signal = this.stopping.signal;
    let refused = false;
    while (!signal.aborted) {
      const started = clock.now();
      let refusedNow = false;
      try {
        await this.pollOnce();
        if (refused) logger.info('the exchange accepts our credentials again; polling at the usual interval');
        refused = false;
      } catch (error) {
        if (signal.aborted) break;
        if (isFatal(error)) {
          // Said once at error level per refusal; the retries after it are warnings.
          const message = 'the exchange refused our credentials; fix the setting the error names, retrying once a minute';
          if (refused) logger.warn(message, { error });
          else logger.error(message, { error });
          refused = true;
          refusedNow = true;
        } else {
          logger.warn('poll failed; retrying at the next interval', { error });
        }
      }
      await this.sleepUntilNextPoll(started, refusedNow);
    }
  }

  /** Sleeps until `started` plus the interval, the interval as it is now: `setIntervalMs` may change it meanwhile. */
  private async sleepUntilNextPoll(started: number, credentialsRefused: boolean): Promise<void> {
    const { clock } = this.options;
    for (;;) {
      const interval = credentialsRefused ? Math.max(this.intervalMs, CREDENTIALS_RETRY_MS) : this.intervalMs;
      const wait = Math.max(0, started + interval - clock.now());
      try {
        await clock.sleep(wait, this.intervalChanged.signal); // `stop()` aborts it too
        return;
      } catch {
        if (this.stopping.signal.aborted) return;
      }
    }
  }

  private async poll(): Promise<PollResult> {
    const { source, store, outbox, archive, bus, clock } = this.options;
    const started = clock.now();
    try {
      const doc = store.data;
      const exchangeNow = this.options.exchangeNow?.() ?? started;
      const endTime = Math.max(exchangeNow, doc.watermark);
      const sweptUntil = this.sweptUntil ?? doc.watermark - this.overlapMs;
      const sweep = endTime - sweptUntil >= this.overlapMs / SWEEPS_PER_OVERLAP;
      const startTime = sweep ? sweptUntil - this.overlapMs : doc.watermark - Math.min(FRESH_SLACK_MS, this.overlapMs);
      const window = { startTime, endTime };
      const page = await source.allForceOrders(window, { signal: this.stopping.signal });
      // The watermark may only reach what the exchange has surely shown us: its time once it answered.
      // If our clock had jumped ahead, the request met -1021, the client re-measured the offset, and
      // `endTime` above is minutes in Binance's future: orders still to come there are not history.
      const answeredAt = this.options.exchangeNow?.() ?? clock.now();
      const seenUntil = Math.min(window.endTime, Math.max(answeredAt, doc.watermark));
      const diff = diffForceOrders({
        orders: page.orders,
        window: { ...window, endTime: seenUntil },
        seen: doc.seen,
        alertFrom: doc.alertFrom,
        watermark: doc.watermark,
        // The next sweep may start an overlap before a watermark up to an overlap old: keep ids that far.
        seenForMs: 2 * this.overlapMs,
      });
      // The archive goes first: a crash before the store write leaves a duplicate line, never a hole.
      await archive.append(diff.fresh);
      const alerts = await outbox.commitPoll(diff, clock.now());
      if (sweep) this.sweptUntil = diff.watermark;
      if (alerts.length > 0) {
        this.options.onQueued?.(alerts);
        bus.emit('alertsQueued', { alerts });
      }
      const result = { found: page.orders.length, newOrders: alerts.length, watermark: diff.watermark };
      bus.emit('pollSucceeded', { at: started, ...result, weight: page.weight, durationMs: clock.now() - started });
      return result;
    } catch (error) {
      if (!this.stopping.signal.aborted) bus.emit('pollFailed', { error, fatal: isFatal(error) });
      throw error;
    }
  }
}

/** Fatal means an operator must change a setting first (Binance's auth and permission errors say so). */
function isFatal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { fatal?: unknown }).fatal === true;
}
