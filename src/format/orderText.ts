/**
 * Force orders and `/forceorders` answers in plain words, free of platform markup: the pieces every
 * renderer (Slack, Discord, console) lays out in its own way, so all of them say the same thing.
 * A kind is shown as itself (`LIQUIDATION`, `ADL`): Binance's word, which readers already know.
 */

import type { AutoCloseType, ForceOrder } from '../binance/types.js';
import { displayDecimal } from '../decimal.js';
import type { ForceOrdersQuery, ResultSource } from '../queries.js';
import { formatDuration, formatTime } from '../time.js';

/** Digits kept for prices and coin amounts: enough for the smallest COIN-M tick sizes. */
export const FINE_DIGITS = 8;

/**
 * The order's side with the position it closed: `SELL closing a LONG`. In one-way mode Binance
 * reports `positionSide` BOTH, and a force order always reduces, so the closed side is the opposite
 * of the order's side; in hedge mode `positionSide` names it.
 */
export function describeSide(order: Pick<ForceOrder, 'side' | 'positionSide'>): string {
  const closed =
    order.positionSide === 'LONG' || order.positionSide === 'SHORT' ? order.positionSide : order.side === 'SELL' ? 'LONG' : 'SHORT';
  return `${order.side} closing a ${closed}`;
}

/** One labelled fact about an order, already formatted for display; renderers lay these out. */
export interface OrderFact {
  label: string;
  value: string;
}

/**
 * An order's facts in the order every renderer shows them. Values are exact decimals rounded only
 * for display; COIN-M shows `cumBase` (coin), USD-M its `cumQuote` instead, as Binance returns it.
 */
export function orderFacts(order: ForceOrder): OrderFact[] {
  const facts: OrderFact[] = [
    { label: order.market === 'cm' ? 'Contracts' : 'Quantity', value: displayDecimal(order.executedQty, FINE_DIGITS) },
    { label: 'Avg price', value: displayDecimal(order.avgPrice, FINE_DIGITS) },
    { label: 'Notional (USD)', value: displayDecimal(order.notionalUsd) },
  ];
  if (order.cumBase !== undefined) facts.push({ label: 'cumBase', value: displayDecimal(order.cumBase, FINE_DIGITS) });
  else if (order.cumQuote !== undefined) facts.push({ label: 'cumQuote', value: displayDecimal(order.cumQuote) });
  facts.push(
    { label: 'Status', value: order.status },
    { label: 'Order id', value: String(order.orderId) },
    { label: 'Time', value: formatTime(order.updateTime) },
  );
  return facts;
}

/**
 * One line that says what happened to one order, for group listings and logs:
 * `LIQUIDATION BTCUSD_PERP SELL closing a LONG: 12 @ 11,326.9 = 1,200 USD, 2026-11-25T11:58:00Z, order 165123080`.
 */
export function orderSummary(order: ForceOrder): string {
  const qty = displayDecimal(order.executedQty, FINE_DIGITS);
  const price = displayDecimal(order.avgPrice, FINE_DIGITS);
  return (
    `${order.kind} ${order.symbol} ${describeSide(order)}: ` +
    `${qty} @ ${price} = ${displayDecimal(order.notionalUsd)} USD, ${formatTime(order.updateTime)}, order ${order.orderId}`
  );
}

/** How many of each kind, in words every platform can show: `3 LIQUIDATION, 2 ADL`. */
export function formatKindCounts(counts: Record<AutoCloseType, number>): string {
  return `${counts.LIQUIDATION} LIQUIDATION, ${counts.ADL} ADL`;
}

/** What a query asked for, in words: `BTCUSD (every symbol of the pair), liquidations only, last 24h`. */
export function describeQuery(query: ForceOrdersQuery): string {
  const target =
    query.target === undefined
      ? 'all symbols'
      : query.target.type === 'pair'
        ? `${query.target.value} (every symbol of the pair)`
        : query.target.value;
  const kind = query.kind === 'LIQUIDATION' ? 'liquidations only' : query.kind === 'ADL' ? 'ADL only' : 'liquidations and ADL';
  return `${target}, ${kind}, last ${formatDuration(query.sinceMs)}`;
}

const SOURCES: Record<ResultSource, string> = {
  exchange: 'Binance',
  archive: "the bot's archive",
  'exchange+archive': "Binance (last 7 days) and the bot's archive (older)",
};

/** Where a `/forceorders` answer came from, in words a reader understands (not the model's code). */
export function describeSource(source: ResultSource): string {
  return SOURCES[source];
}

/** The bounds the usage line states; the command passes its own so text and checks cannot drift. */
export interface UsageBounds {
  maxLimit: number;
  maxSinceMs: number;
}

/** The `/forceorders` usage line, free of platform markup (adapters add their own). */
export function forceOrdersUsage(bounds: UsageBounds): string {
  return (
    `Usage: /forceorders [BTCUSD | BTCUSD_PERP | BTCUSD_261225] [liq | adl] ` +
    `[30m | 24h | 7d, up to ${formatDuration(bounds.maxSinceMs)}] [rows 1-${bounds.maxLimit}, default 20] [public]`
  );
}
