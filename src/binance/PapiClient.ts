import type { BinanceHttpClient, RequestCost } from './BinanceHttpClient.js';
import { ForceOrderQueryError } from './errors.js';
import { parseForceOrders } from './parseForceOrders.js';
import { FORCE_ORDER_WINDOW_MS, type ForceOrderQuery, type FuturesMarket, type RawForceOrder } from './types.js';

/**
 * "Request Weight: 20 with symbol, 50 without symbol" on both force-order endpoints.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 */
export const FORCE_ORDERS_WEIGHT = { withSymbol: 20, withoutSymbol: 50 } as const;

/** Largest page the endpoint returns ("Default 50; max 100"). */
export const MAX_LIMIT = 100;

/** Binance's own symbol rule, quoted in its -1100 messages: '^[A-Z0-9-_.]{1,20}$'. */
const SYMBOL = /^[A-Z0-9\-_.]{1,20}$/;

/**
 * Throws a `ForceOrderQueryError` naming the first parameter Binance would refuse; returns the query unchanged.
 * The endpoint serves at most 7 days between startTime and endTime (error -4165 otherwise); `anySpan` accepts
 * longer windows (a complete-window query cuts them into 7-day pieces).
 */
export function validateForceOrderQuery(query: ForceOrderQuery, options: { anySpan?: boolean } = {}): ForceOrderQuery {
  const { symbol, autoCloseType, startTime, endTime, limit } = query;
  if (symbol !== undefined && !SYMBOL.test(symbol)) {
    throw new ForceOrderQueryError('symbol', `${JSON.stringify(symbol)} is not a Binance symbol (upper-case, e.g. BTCUSD_PERP)`);
  }
  if (autoCloseType !== undefined && autoCloseType !== 'LIQUIDATION' && autoCloseType !== 'ADL') {
    throw new ForceOrderQueryError('autoCloseType', `${JSON.stringify(autoCloseType)} is neither LIQUIDATION nor ADL`);
  }
  for (const [name, value] of [
    ['startTime', startTime],
    ['endTime', endTime],
  ] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw new ForceOrderQueryError(name, `${value} is not a time in ms since the epoch`);
    }
  }
  if (startTime !== undefined && endTime !== undefined) {
    if (startTime > endTime) throw new ForceOrderQueryError('startTime', `startTime ${startTime} is after endTime ${endTime}`);
    if (endTime - startTime > FORCE_ORDER_WINDOW_MS && !options.anySpan) {
      throw new ForceOrderQueryError('endTime', `the window from startTime to endTime exceeds 7 days`);
    }
  }
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)) {
    throw new ForceOrderQueryError('limit', `${limit} is not an integer from 1 to ${MAX_LIMIT}`);
  }
  return query;
}

/** Options of one request. */
export interface PapiCallOptions {
  signal?: AbortSignal;
  /** Accumulates the weight and requests spent. */
  cost?: RequestCost;
}

/** The signed Portfolio Margin endpoints forcewatch reads, each query checked against Binance's rules before it is sent. */
export class PapiClient {
  constructor(
    private readonly http: BinanceHttpClient,
    private readonly papiUrl: string,
  ) {}

  /**
   * `GET /papi/v1/{cm|um}/forceOrders`: validates the query before sending and the answer on arrival.
   * Throws `ForceOrderQueryError` for a bad parameter, `BinanceResponseError` for a body off the schema.
   */
  async forceOrders(market: FuturesMarket, query: ForceOrderQuery, options: PapiCallOptions = {}): Promise<RawForceOrder[]> {
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
