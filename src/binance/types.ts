/**
 * Force-order types shared by the exchange client, the pipeline, the commands and the sinks.
 * Prices and quantities stay decimal strings end to end: a float would misprint them.
 * Docs: https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 */

import { WEEK_MS } from '../time.js';

/** How far back the force-order endpoints serve, and the longest window one request may span: 7 days. */
export const FORCE_ORDER_WINDOW_MS = WEEK_MS;

/**
 * The `autoCloseType` query parameter: the two values the force-order endpoints accept (any other,
 * SETTLEMENT included, is refused with -1130). It narrows a query; an order's kind is `ForceOrderKind`.
 */
export type AutoCloseType = 'LIQUIDATION' | 'ADL';

/**
 * Why Binance closed the position: a liquidation, an auto-deleveraging, or a settlement close
 * (`settlement_autoclose-…`: the contract was delivered or delisted, no margin event).
 */
export type ForceOrderKind = AutoCloseType | 'SETTLEMENT';

/** A Portfolio Margin futures book: COIN-M (`cm`) or USD-M (`um`), the two with `/{cm|um}/forceOrders`, exchangeInfo and ADL. */
export type FuturesMarket = 'cm' | 'um';

/**
 * Which Portfolio Margin book the order belongs to: COIN-M (`cm`), USD-M (`um`) or the cross margin
 * account (`margin`, `GET /papi/v1/margin/forceOrders`: liquidations only, see MarginForceOrderClient).
 */
export type Market = FuturesMarket | 'margin';

/** One order exactly as the endpoint returns it, after validation (fields Binance documents). */
export interface RawForceOrder {
  orderId: number;
  symbol: string;
  /** COIN-M only. */
  pair?: string;
  status: string;
  clientOrderId: string;
  price: string;
  avgPrice: string;
  origQty: string;
  executedQty: string;
  /** COIN-M only: filled amount in coin. */
  cumBase?: string;
  /** USD-M only: filled amount in quote asset. */
  cumQuote?: string;
  timeInForce: string;
  type: string;
  reduceOnly: boolean;
  side: 'BUY' | 'SELL';
  positionSide: string;
  origType: string;
  time: number;
  updateTime: number;
}

/** A validated, classified force order: what the rest of forcewatch works with. */
export interface ForceOrder extends RawForceOrder {
  market: Market;
  /** From `clientOrderId` or, where that is silent, from an `autoCloseType` query (which never says SETTLEMENT). */
  kind: ForceOrderKind;
  /** Pair for COIN-M; for USD-M and margin the symbol itself. */
  pair: string;
  /**
   * USD notional as an exact decimal string (COIN-M: executedQty x contractSize; USD-M: cumQuote; margin:
   * executedQty x avgPrice when the symbol is quoted in a USD stablecoin, else "0": see `quoteNotional`).
   */
  notionalUsd: string;
  /**
   * Margin only, for a symbol not quoted in a USD stablecoin (BNBBTC): executedQty x avgPrice in the quote
   * asset, which forcewatch cannot turn into USD without a price it does not read. Renderers show it
   * instead of the USD notional; USD totals and the mention threshold leave such an order out.
   */
  quoteNotional?: { asset: string; amount: string };
}

/** Parameters of one `forceOrders` request; every field optional as on the endpoint. */
export interface ForceOrderQuery {
  symbol?: string;
  autoCloseType?: AutoCloseType;
  startTime?: number;
  endTime?: number;
  /** 1..100, Binance's default 50. */
  limit?: number;
}

/** A closed time window [startTime, endTime] in ms, optionally narrowed to one symbol or kind. */
export interface ForceOrderWindow {
  startTime: number;
  endTime: number;
  symbol?: string;
  autoCloseType?: AutoCloseType;
}

/** What a complete window query returns, with the cost it had. */
export interface ForceOrderPage {
  /** Every order in the window, each once, oldest first by (updateTime, orderId). */
  orders: ForceOrder[];
  /** Request weight spent, as Binance counts it. */
  weight: number;
  requests: number;
}

/** The exchange port: the poller and the commands depend on this, not on the HTTP client. */
export interface ForceOrderSource {
  /** Every force order in the window, none twice, however many (pages and splits as needed). */
  allForceOrders(window: ForceOrderWindow, options?: { signal?: AbortSignal }): Promise<ForceOrderPage>;
}

/** Stable identity of an order across markets, used for dedupe, delivery records and nonces. */
export function orderKey(order: Pick<ForceOrder, 'market' | 'orderId'>): string {
  return `${order.market}:${order.orderId}`;
}
