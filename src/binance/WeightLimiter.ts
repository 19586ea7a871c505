import Bottleneck from 'bottleneck';
import { systemClock, type Clock } from '../clock.js';

/**
 * Binance counts request weight per IP per minute (6000 on PAPI), across every key and program on that IP.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/general-info (LIMITS)
 */
export const BINANCE_IP_WEIGHT_PER_MINUTE = 6000;

const MINUTE_MS = 60_000;

/** Options of `WeightLimiter`. */
export interface WeightLimiterOptions {
  /** Weight this process may spend per minute; default 6000. Set lower to leave room for other programs on the IP. */
  weightLimitPerMinute?: number;
  /** Time source for pauses and the per-minute refill; default the system clock. */
  clock?: Clock;
  /** Binance's time (local time plus the measured offset), so the refill lands on Binance's minute; default `clock.now`. */
  serverNow?: () => number;
}

/** Figures for metrics. */
export interface LimiterStats {
  /** Last `X-MBX-USED-WEIGHT-1M` value seen: the IP's weight in Binance's current minute. */
  usedWeight: number;
  /** Requests sent. */
  requests: number;
  /** Requests sent again after a failure. */
  retries: number;
  /** Weight of every request sent, as Binance counts it. */
  weightSpent: number;
}

/** Called by a request with the used weight its response reported (undefined when the header was missing). */
export type ReportUsedWeight = (usedWeight: number | undefined) => void;

/**
 * Schedules requests by weight so this process never breaks the IP's per-minute limit: a bottleneck
 * reservoir that refills on Binance's minute, corrected from the `X-MBX-USED-WEIGHT-1M` header, and a
 * pause every request honours after a 429 or a 418.
 */
export class WeightLimiter {
  private readonly limit: number;
  private readonly clock: Clock;
  private readonly serverNow: () => number;
  private readonly bottleneck: Bottleneck;
  private readonly stopped = new AbortController();
  private readonly figures: LimiterStats = { usedWeight: 0, requests: 0, retries: 0, weightSpent: 0 };
  private inflightWeight = 0;
  private pausedUntil = 0;
  private windowStart: number;
  private refillArmed = false;

  constructor(options: WeightLimiterOptions = {}) {
    this.limit = options.weightLimitPerMinute ?? BINANCE_IP_WEIGHT_PER_MINUTE;
    if (!Number.isInteger(this.limit) || this.limit < 50) {
      // 50 is the heaviest request we send; a smaller limit could never run it.
      throw new RangeError(`weightLimitPerMinute must be an integer >= 50, got ${this.limit}`);
    }
    this.clock = options.clock ?? systemClock;
    this.serverNow = options.serverNow ?? (() => this.clock.now());
    this.windowStart = minuteOf(this.serverNow());
    // No bottleneck refresh timer: it runs on real time; the refill below runs on the injected clock.
    this.bottleneck = new Bottleneck({ reservoir: this.limit, maxConcurrent: null, minTime: 0 });
  }

  /** Current figures (a copy). */
  stats(): LimiterStats {
    return { ...this.figures };
  }

  /** Counts a retry, for metrics. */
  countRetry(): void {
    this.figures.retries += 1;
  }

  /** Until when (ms, local clock) every request is held; 0 when not paused. */
  get pausedUntilMs(): number {
    return this.pausedUntil > this.clock.now() ? this.pausedUntil : 0;
  }

  /** Holds every request, queued or new, until `untilMs` (local clock); a longer pause wins over a shorter one. */
  pause(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
  }

  /**
   * Runs `send` once `weight` fits in this minute's budget and no pause is in force. `send` reports the
   * used weight its response carried, which corrects the budget.
   */
  async run<T>(weight: number, send: (report: ReportUsedWeight) => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.waitWhilePaused(signal);
    return this.bottleneck.schedule({ weight }, async () => {
      try {
        // A pause may have started while this job was queued.
        await this.waitWhilePaused(signal);
      } catch (error) {
        await this.bottleneck.incrementReservoir(weight); // never sent: give the weight back
        throw error;
      }
      this.armRefill();
      const window = this.windowStart;
      this.inflightWeight += weight;
      this.figures.requests += 1;
      this.figures.weightSpent += weight;
      let reported = false;
      try {
        return await send((used) => {
          if (reported || used === undefined) return;
          reported = true;
          this.observe(used, weight, window);
        });
      } finally {
        this.inflightWeight -= weight;
      }
    });
  }

  /** Stops the refill timer and refuses new work; call on shutdown. */
  async stop(): Promise<void> {
    this.stopped.abort(new Error('WeightLimiter stopped'));
    await this.bottleneck.stop({ dropWaitingJobs: true });
  }

  private observe(used: number, weight: number, window: number): void {
    this.figures.usedWeight = used;
    // A response to a request sent in an earlier minute speaks of that minute: ignore it for the budget.
    if (window !== this.windowStart) return;
    // Requests still in flight will be counted by Binance too, but their headers have not arrived yet.
    const others = this.inflightWeight - weight;
    void this.bottleneck.updateSettings({ reservoir: Math.max(0, this.limit - used - others) });
  }

  private async waitWhilePaused(signal?: AbortSignal): Promise<void> {
    for (let now = this.clock.now(); now < this.pausedUntil; now = this.clock.now()) {
      await this.clock.sleep(this.pausedUntil - now, anySignal(signal, this.stopped.signal));
    }
  }

  /** Refills the reservoir at Binance's next minute; armed whenever weight is spent, idle otherwise. */
  private armRefill(): void {
    if (this.refillArmed) return;
    this.refillArmed = true;
    const now = this.serverNow();
    this.clock.sleep(minuteOf(now) + MINUTE_MS - now, this.stopped.signal).then(
      () => {
        this.refillArmed = false;
        this.windowStart = minuteOf(this.serverNow());
        void this.bottleneck.updateSettings({ reservoir: Math.max(0, this.limit - this.inflightWeight) });
        if (this.inflightWeight > 0) this.armRefill();
      },
      () => {
        this.refillArmed = false; // stopped
      },
    );
  }
}

function minuteOf(ms: number): number {
  return ms - (ms % MINUTE_MS);
}

function anySignal(a: AbortSignal | undefined, b: AbortSignal): AbortSignal {
  return a ? AbortSignal.any([a, b]) : b;
}
