import { type Logger, silentLogger } from '../ops/logger.js';
import { type Clock, systemClock } from '../time.js';
import { type BinanceApi, IP_WEIGHT_PER_MINUTE, SharedLedgerOutage, type SharedWeightLedger, WeightLimiter } from './WeightLimiter.js';

/** Options of `WeightBudget`. */
export interface WeightBudgetOptions {
  /**
   * PAPI request weight the process may spend per minute (BINANCE_WEIGHT_LIMIT); default 6000, Binance's
   * per-IP limit. fapi and dapi keep their own limits (2400 each): forcewatch spends a few weight there.
   */
  papiWeightLimitPerMinute?: number;
  /** Time source for pauses and the per-minute refill; default the system clock. */
  clock?: Clock;
  /**
   * The weight ledger shared with the other instances behind this IP (REDIS_URL and BINANCE_IP_GROUP): a
   * request goes out only once both it and this process's ledger admit it. Default none: this process's own.
   */
  sharedLedger?: SharedWeightLedger;
  /** Where an outage of the shared ledger is reported (once each); default silent. */
  logger?: Logger;
}

/**
 * The process's request-weight budget, one `WeightLimiter` per Binance API. Binance counts weight per IP,
 * not per key (https://developers.binance.com/docs/derivatives/portfolio-margin/general-info, LIMITS), so
 * every account's client shares one budget: make one per process and give it to each `createBinanceClient`.
 * Any client's `X-MBX-USED-WEIGHT-1M` header corrects the shared ledger, a 429 or 418 pauses that API for
 * all of them, and waiting requests are admitted one client (account) at a time in turn.
 */
export class WeightBudget {
  /** One limiter per API; a request's path says which. */
  readonly limiters: Readonly<Record<BinanceApi, WeightLimiter>>;
  /** Binance's time as the first client that joined measures it (every client talks to the same Binance). */
  private serverTime: (() => number) | undefined;

  constructor(options: WeightBudgetOptions = {}) {
    const clock = options.clock ?? systemClock;
    const serverNow = () => this.serverTime?.() ?? clock.now();
    const ledger = options.sharedLedger;
    const outage = new SharedLedgerOutage(options.logger ?? silentLogger);
    const limiterFor = (api: BinanceApi, weightLimitPerMinute: number | undefined) =>
      new WeightLimiter({ weightLimitPerMinute, clock, serverNow, shared: ledger && { ledger, api, outage } });
    this.limiters = {
      papi: limiterFor('papi', options.papiWeightLimitPerMinute),
      fapi: limiterFor('fapi', IP_WEIGHT_PER_MINUTE.fapi),
      dapi: limiterFor('dapi', IP_WEIGHT_PER_MINUTE.dapi),
    };
  }

  /**
   * Called by each client built on the budget with its measure of Binance's time; the first one's is kept,
   * so the budget restarts on Binance's minute (the clients' offsets differ by round-trip noise only).
   */
  join(serverNow: () => number): void {
    this.serverTime ??= serverNow;
  }

  /** Refuses every admission still waiting or asked for later, on every API; call once on shutdown, after the clients. */
  async stop(): Promise<void> {
    await Promise.all(Object.values(this.limiters).map((limiter) => limiter.stop()));
  }
}
