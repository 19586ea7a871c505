import { errorMessage } from '../errorCode.js';
import type { Logger } from '../ops/logger.js';
import { type Clock, MINUTE_MS, systemClock } from '../time.js';
import { unlessAborted } from '../unlessAborted.js';
import { RoundRobinQueue } from './RoundRobinQueue.js';

/**
 * Binance counts request weight per IP per minute (6000 on PAPI), across every key and program on that IP.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/general-info (LIMITS)
 */
export const BINANCE_IP_WEIGHT_PER_MINUTE = 6000;

/**
 * The Binance APIs forcewatch calls: Portfolio Margin (papi), USD-M futures (fapi, for its server time and
 * symbols) and COIN-M futures (dapi, for its symbols). Binance counts request weight for each API on its own,
 * so each gets its own budget, header and pause.
 */
export type BinanceApi = 'papi' | 'fapi' | 'dapi';

/**
 * Each API's per-IP weight limit per minute: PAPI's from its General Info, fapi's and dapi's from the
 * REQUEST_WEIGHT entry of their exchangeInfo `rateLimits`
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Exchange-Information,
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/Exchange-Information).
 */
export const IP_WEIGHT_PER_MINUTE: Readonly<Record<BinanceApi, number>> = {
  papi: BINANCE_IP_WEIGHT_PER_MINUTE,
  fapi: 2400,
  dapi: 2400,
};

/**
 * How long after a minute turns (by our estimate of Binance's clock) a request may still land in the old
 * minute. The estimate (local time plus the offset measured at the last time sync) can run ahead of
 * Binance by up to half a round trip: seen with two instances on one shared ledger, a request held for
 * the next minute and sent the instant it began got a 429 3 to 9 ms before Binance's minute turned
 * (their offsets 0 to 15 ms), and its header then spoke of the old minute. For this long after the turn a
 * request goes out only if the old minute could take it too.
 */
export const MINUTE_TURN_MARGIN_MS = 1_000;

/** What the shared ledger said of a reservation: booked, or how long until the minute that could hold it. */
export type WeightReservation = { booked: true } | { booked: false; retryInMs: number };

/**
 * The request-weight ledger shared by every forcewatch instance behind one egress IP (issue 14: Binance
 * counts weight per IP, https://developers.binance.com/docs/derivatives/portfolio-margin/general-info,
 * LIMITS). A port, so src/binance knows no Redis: src/ha implements it. Each call must settle in bounded
 * time and rejects when the ledger cannot be reached; the limiter then goes on with its own ledger alone.
 */
export interface SharedWeightLedger {
  /** Books `weight` on `api` in the Binance minute holding `now` if the minute's total stays within `limit`. */
  reserve(api: BinanceApi, weight: number, limit: number, now: number): Promise<WeightReservation>;
  /** Raises the count of the minute holding `now` to `usedWeight` when that is higher (another program spent it). */
  observe(api: BinanceApi, usedWeight: number, now: number): Promise<void>;
}

/**
 * Reports the shared ledger's outages once each, for every API's limiter together: a warning when a call
 * first fails (requests go on under this process's own ledger), an info line when it answers again.
 */
export class SharedLedgerOutage {
  private down = false;

  constructor(private readonly logger: Logger) {}

  /** A call failed: warns unless this outage was already reported. */
  failed(api: BinanceApi, error: unknown): void {
    if (this.down) return;
    this.down = true;
    this.logger.warn(
      'the shared weight ledger cannot be reached: this instance counts request weight on its own until it answers (other instances on the IP are not counted)',
      { api, error: errorMessage(error) },
    );
  }

  /** A call succeeded: ends the outage, if there was one. */
  answered(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.info('the shared weight ledger answers again: request weight is counted with the other instances on the IP');
  }
}

/** Options of `WeightLimiter`. */
interface WeightLimiterOptions {
  /** Weight this process may spend per minute on the API; default 6000. Set lower to leave room for other programs on the IP. */
  weightLimitPerMinute?: number;
  /** Time source for pauses and the per-minute refill; default the system clock. */
  clock?: Clock;
  /** Binance's time (local time plus the measured offset), so the budget restarts on Binance's minute; default `clock.now`. */
  serverNow?: () => number;
  /** The weight ledger shared with other instances on the IP, and this limiter's API in it; default none: this process's own ledger only. */
  shared?: SharedHook;
}

/** The shared ledger, this limiter's API in it, and where its outages are reported. */
interface SharedHook {
  ledger: SharedWeightLedger;
  api: BinanceApi;
  outage: SharedLedgerOutage;
}

/** Called by a request with the used weight its response reported (undefined when the header was missing). */
export type ReportUsedWeight = (usedWeight: number | undefined) => void;

/**
 * Schedules one API's requests by weight so this process never breaks the IP's per-minute limit on that API
 * (one limiter per {@link BinanceApi}: Binance counts each apart). Admissions run one
 * at a time, first come first served; the budget itself is plain synchronous bookkeeping (so no response
 * can race an admission): it restarts on Binance's minute and is corrected from the `X-MBX-USED-WEIGHT-1M`
 * header, which also counts other programs on the IP. Until the first answer of a minute has brought that
 * header, nothing else is admitted: other programs may have spent the minute already. A 429 or 418 pauses
 * every admission. All waiting goes through the injected clock.
 *
 * Why not bottleneck's reservoir, the job it is made for: Binance counts in fixed windows aligned to its
 * clock minute, while bottleneck refills on an interval that starts when the limiter is built (a refill
 * mid-minute would let a second minute's budget into the same Binance minute), and a refill releases every
 * queued job at once, before the header of the first answer can say what other programs on the IP spent.
 * Its timers also run on the real clock, not the injected one the pauses and tests need.
 *
 * With a shared ledger (several instances behind one IP), a request is sent only once both this ledger and
 * the shared one admit it, and each header raises both; while the shared one cannot be reached, this one
 * alone decides (the outage is logged once), so Redis never holds a request for long nor stops one.
 */
export class WeightLimiter {
  private readonly limit: number;
  private readonly clock: Clock;
  private readonly serverNow: () => number;
  private readonly shared: SharedHook | undefined;
  private readonly admissions = new RoundRobinQueue();
  /** The requester of `run` calls that name none: they share one turn, first come first served. */
  private readonly anyone = {};
  private readonly stopped = new AbortController();
  /** Weight still available in the current window. */
  private available: number;
  /** Weight of requests sent and not yet answered. */
  private inflightWeight = 0;
  private pausedUntil = 0;
  private windowStart: number;
  /** Weight the previous window could still take: a request in the first `MINUTE_TURN_MARGIN_MS` of a window may land there. */
  private previousLeft: number;
  /** The window the shared ledger last said was full. */
  private sharedFullWindow = Number.NEGATIVE_INFINITY;
  /** The last window whose first request has been answered. */
  private answeredWindow = Number.NEGATIVE_INFINITY;
  /** A window's first request while it is unanswered. */
  private firstRequest: { window: number; answered: Promise<void> } | undefined;

  constructor(options: WeightLimiterOptions = {}) {
    this.limit = options.weightLimitPerMinute ?? BINANCE_IP_WEIGHT_PER_MINUTE;
    if (!Number.isInteger(this.limit) || this.limit < 50) {
      // 50 is the heaviest request we send; a smaller limit could never run it.
      throw new RangeError(`weightLimitPerMinute must be an integer >= 50, got ${this.limit}`);
    }
    this.clock = options.clock ?? systemClock;
    this.serverNow = options.serverNow ?? (() => this.clock.now());
    this.shared = options.shared;
    this.windowStart = minuteOf(this.serverNow());
    this.available = this.limit;
    // Before the first window nothing is known of the previous one: the first-request gate guards it.
    this.previousLeft = this.limit;
  }

  /** Holds every request not yet sent until `untilMs` (local clock); a longer pause wins over a shorter one. */
  pause(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
  }

  /**
   * Runs `send` once `weight` fits in this minute's budget and no pause is in force. `send` reports the
   * used weight its response carried, which corrects the budget. While several `requester`s wait, each
   * is admitted one request in turn.
   */
  async run<T>(
    weight: number,
    send: (report: ReportUsedWeight) => Promise<T>,
    signal?: AbortSignal,
    requester: object = this.anyone,
  ): Promise<T> {
    const { window, answered } = await this.admissions.run(requester, () => this.admit(weight, signal));
    let reported = false;
    try {
      return await send((used) => {
        if (reported || used === undefined) return;
        reported = true;
        this.observe(used, weight, window);
        answered?.();
      });
    } finally {
      this.inflightWeight -= weight;
      // Without the header (an error, a timeout) the budget stays our own bookkeeping, as before the first answer.
      answered?.();
    }
  }

  /** Refuses every admission still waiting or asked for later; call on shutdown. */
  async stop(): Promise<void> {
    this.stopped.abort(new Error('WeightLimiter stopped'));
    await this.admissions.idle();
  }

  /**
   * Waits out pauses, an unanswered first request and full minutes, then books the weight; returns the
   * window it was booked in and, when this is the window's first request, what to call once it is answered.
   */
  private async admit(weight: number, signal?: AbortSignal): Promise<{ window: number; answered?: () => void }> {
    const wake = signal ? AbortSignal.any([signal, this.stopped.signal]) : this.stopped.signal;
    for (;;) {
      this.stopped.signal.throwIfAborted();
      signal?.throwIfAborted();
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        await this.clock.sleep(this.pausedUntil - now, wake);
        continue;
      }
      this.rollWindow();
      if (this.firstRequest && this.answeredWindow !== this.windowStart) {
        await unlessAborted(this.firstRequest.answered, wake);
        continue;
      }
      const turnSettlesInMs = this.windowStart + MINUTE_TURN_MARGIN_MS - this.serverNow();
      if (turnSettlesInMs > 0 && weight > this.previousLeft) {
        await this.clock.sleep(turnSettlesInMs, wake);
        continue;
      }
      if (weight <= this.available) {
        if (!this.shared) break;
        const sharedWaitMs = await this.reserveShared(this.shared, weight, wake);
        // A header may have shrunk this budget while the shared ledger answered: then this one decides again.
        if (sharedWaitMs === 0 && weight <= this.available) break;
        if (sharedWaitMs > 0) await this.clock.sleep(sharedWaitMs, wake);
        continue;
      }
      const serverNow = this.serverNow();
      await this.clock.sleep(minuteOf(serverNow) + MINUTE_MS - serverNow, wake);
    }
    this.available -= weight;
    this.inflightWeight += weight;
    if (this.serverNow() < this.windowStart + MINUTE_TURN_MARGIN_MS) this.previousLeft -= weight;
    const window = this.windowStart;
    return this.answeredWindow === window ? { window } : { window, answered: this.markFirstRequest(window) };
  }

  /**
   * Books `weight` in the shared ledger; returns 0 once booked (or when it cannot be reached: this ledger
   * alone decides then), else how long until the minute that could hold it.
   */
  private async reserveShared(shared: SharedHook, weight: number, wake: AbortSignal): Promise<number> {
    const { ledger, api, outage } = shared;
    let reservation: WeightReservation;
    try {
      reservation = await unlessAborted(ledger.reserve(api, weight, this.limit, this.serverNow()), wake);
    } catch (error) {
      if (wake.aborted) throw error;
      outage.failed(api, error);
      return 0;
    }
    outage.answered();
    if (reservation.booked) return 0;
    this.sharedFullWindow = this.windowStart;
    return Math.max(1, reservation.retryInMs);
  }

  /** Holds further admissions until the returned function is called (the first of several calls counts). */
  private markFirstRequest(window: number): () => void {
    let resolve = () => {};
    const answered = new Promise<void>((r) => {
      resolve = r;
    });
    const first = { window, answered };
    this.firstRequest = first;
    return () => {
      this.answeredWindow = Math.max(this.answeredWindow, window);
      if (this.firstRequest === first) this.firstRequest = undefined;
      resolve();
    };
  }

  /** On Binance's new minute the budget restarts, less what is still in flight (Binance may count it now). */
  private rollWindow(): void {
    const minute = minuteOf(this.serverNow());
    if (minute === this.windowStart) return;
    // What the minute that just ended could still take: nothing once the shared ledger said it was full
    // (other instances filled it), all of it when it is not the one before this (nothing sent lands there).
    const ended = this.windowStart;
    this.previousLeft = minute - ended > MINUTE_MS ? this.limit : this.sharedFullWindow === ended ? 0 : this.available;
    this.windowStart = minute;
    this.available = this.limit - this.inflightWeight;
  }

  private observe(used: number, weight: number, window: number): void {
    // A response to a request sent in an earlier minute speaks of that minute: ignore it for the budget.
    if (window !== this.windowStart) return;
    // `used` counts this request and every program on the IP; our other requests in flight may not be in it
    // yet, so they are subtracted too (an over-estimate of use: safe).
    this.available = this.limit - used - (this.inflightWeight - weight);
    if (!this.shared) return;
    // The same lower bound of the minute's total raises the shared count, without holding the response for Redis;
    // in the request's minute: Binance's may have turned since (the window only rolls at the next admission).
    const { ledger, api, outage } = this.shared;
    ledger.observe(api, used + (this.inflightWeight - weight), window).catch((error: unknown) => outage.failed(api, error));
  }
}

/** The start of the clock minute holding `ms`: Binance counts weight in these fixed windows. */
export function minuteOf(ms: number): number {
  return ms - (ms % MINUTE_MS);
}
