import type { BinanceHttpClient, RequestCost } from './BinanceHttpClient.js';
import { parseForceOrders } from './parseForceOrders.js';
import type { ForceOrderQuery, Market, RawForceOrder } from './types.js';
import { validateForceOrderQuery } from './validateForceOrderQuery.js';

/**
 * "Request Weight: 20 with symbol, 50 without symbol" on both force-order endpoints.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 */
const FORCE_ORDERS_WEIGHT = { withSymbol: 20, withoutSymbol: 50 } as const;

/** Options of one request. */
export interface PapiCallOptions {
  signal?: AbortSignal;
  /** Accumulates the weight and requests spent. */
  cost?: RequestCost;
}

/** The signed Portfolio Margin endpoints forcewatch reads. */
export class PapiClient {
  constructor(
    private readonly http: BinanceHttpClient,
    private readonly papiUrl: string,
  ) {}

  /**
   * `GET /papi/v1/{cm|um}/forceOrders`: validates the query before sending and the answer on arrival.
   * Throws `ForceOrderQueryError` for a bad parameter, `BinanceResponseError` for a body off the schema.
   */
  async forceOrders(market: Market, query: ForceOrderQuery, options: PapiCallOptions = {}): Promise<RawForceOrder[]> {
    const { symbol, autoCloseType, startTime, endTime, limit } = validateForceOrderQuery(query);
    const path = `/papi/v1/${market}/forceOrders`;
    const body = await this.http.get({
      baseUrl: this.papiUrl,
      path,
      params: { symbol, autoCloseType, startTime, endTime, limit },
      signed: true,
      weight: symbol === undefined ? FORCE_ORDERS_WEIGHT.withoutSymbol : FORCE_ORDERS_WEIGHT.withSymbol,
      ...options,
    });
    return parseForceOrders(body, market, path);
  }
}
