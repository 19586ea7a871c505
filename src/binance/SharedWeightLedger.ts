import { errorMessage } from '../errorCode.js';
import type { Logger } from '../ops/logger.js';
import type { BinanceApi } from './WeightLimiter.js';

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
