import type { Route } from './routes.js';
import type { SimMarket } from './types.js';

/**
 * One symbol of `GET /papi/v1/um/adlQuantile` or `/cm/adlQuantile`, as the pages' examples show it:
 * one-way mode (or isolated hedge mode) scores `LONG`, `SHORT` and `BOTH`; crossed hedge mode sends
 * `HEDGE` instead of `BOTH` ("only a sign, ignore the value") and one shared score for LONG and SHORT.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/UM-Position-ADL-Quantile-Estimation
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/CM-Position-ADL-Quantile-Estimation
 */
export interface AdlQuantileWire {
  symbol: string;
  adlQuantile: { LONG: number; SHORT: number; BOTH?: number; HEDGE?: number };
}

/** A position whose ADL score the simulator reports; the score is 0 (last in the queue) to 4 (first). */
export interface SimAdlPosition {
  market: SimMarket;
  symbol: string;
  /** `BOTH` in one-way mode, `LONG` or `SHORT` in hedge mode. */
  positionSide: 'BOTH' | 'LONG' | 'SHORT';
  quantile: 0 | 1 | 2 | 3 | 4;
  /** Hedge mode with crossed margin: reported with the `HEDGE` sign and one score for both sides. */
  crossed?: boolean;
}

/** "Values update every 30s." */
const REFRESH_MS = 30_000;

/**
 * The account's ADL queue positions. What `set` changes shows in the answers from the next 30-second
 * refresh on the server clock, as Binance only recomputes the values that often; `refreshNow` skips
 * the wait (a test that sets positions before its first request needs no refresh: the first request
 * takes the first snapshot).
 */
export class AdlQuantiles {
  private positions: readonly SimAdlPosition[] = [];
  private snapshot: readonly SimAdlPosition[] = [];
  private refreshedAt: number | undefined;

  constructor(private readonly serverNow: () => number) {}

  /** Replaces every position (an empty list: no open positions, both books answer `[]`). */
  set(positions: readonly SimAdlPosition[]): void {
    this.positions = positions.map((position) => ({ ...position }));
  }

  /** Makes the answers show the current positions at once, as if Binance had just refreshed. */
  refreshNow(): void {
    const now = this.serverNow();
    this.snapshot = this.positions;
    this.refreshedAt = now - (now % REFRESH_MS);
  }

  /** The body of `GET /papi/v1/{market}/adlQuantile` at `serverNow`, for one symbol or all. */
  quantiles(market: SimMarket, symbol: string | undefined, serverNow: number): AdlQuantileWire[] {
    // Binance recomputes on its own 30 s beat, not on our requests: the grid of the server clock.
    const tick = serverNow - (serverNow % REFRESH_MS);
    if (this.refreshedAt === undefined || tick > this.refreshedAt) {
      this.snapshot = this.positions;
      this.refreshedAt = tick;
    }
    const bySymbol = new Map<string, SimAdlPosition[]>();
    for (const position of this.snapshot) {
      if (position.market !== market || (symbol !== undefined && position.symbol !== symbol)) continue;
      bySymbol.set(position.symbol, [...(bySymbol.get(position.symbol) ?? []), position]);
    }
    return [...bySymbol].map(([name, positions]) => ({ symbol: name, adlQuantile: scores(positions) }));
  }
}

/** The two routes, `GET /papi/v1/{um|cm}/adlQuantile` (signed, weight 5, optional `symbol`): the signing account's positions. */
export const ADL_QUANTILE_ROUTES: readonly [string, Route<{ adl: AdlQuantiles }>][] = (['um', 'cm'] as const).map((market) => [
  `GET /papi/v1/${market}/adlQuantile`,
  {
    weight: () => 5,
    signed: true,
    params: ['symbol'],
    handle: ({ params, serverNow }, account) => account.adl.quantiles(market, params.symbol, serverNow),
  },
]);

/** One symbol's scores from its positions: each side its own (0 where none is held), or crossed hedge mode's shared one. */
function scores(positions: readonly SimAdlPosition[]): AdlQuantileWire['adlQuantile'] {
  const of = (side: SimAdlPosition['positionSide']) =>
    Math.max(0, ...positions.filter((p) => p.positionSide === side).map((p) => p.quantile));
  if (positions.some((p) => p.crossed)) {
    const shared = Math.max(...positions.map((p) => p.quantile));
    return { LONG: shared, SHORT: shared, HEDGE: 0 };
  }
  return { LONG: of('LONG'), SHORT: of('SHORT'), BOTH: of('BOTH') };
}
