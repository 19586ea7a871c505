/**
 * Force orders and `/forceorders` answers in plain words, free of platform markup: the pieces every
 * renderer (Slack, Discord, console) lays out in its own way, so all of them say the same thing.
 * A kind is shown as itself (`LIQUIDATION`, `ADL`, `SETTLEMENT`): Binance's word, which readers already know.
 */

import type { ForceOrder, ForceOrderKind, Market } from '../binance/types.js';
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

const MARKET_NAMES: Record<Market, string> = { cm: 'COIN-M', um: 'USD-M', margin: 'Margin' };

/** The book an order belongs to, as readers know it: `COIN-M`, `USD-M` or `Margin` (the cross margin account). */
export function marketName(market: Market): string {
  return MARKET_NAMES[market];
}

/**
 * An order's notional with its unit: `1,200 USD`; for a margin order quoted in an asset that is not a USD
 * stablecoin, its notional in that asset (`0.1219 BTC`), since no USD figure exists for it.
 */
export function notionalText(order: Pick<ForceOrder, 'notionalUsd' | 'quoteNotional'>): string {
  const { quoteNotional } = order;
  return quoteNotional
    ? `${displayDecimal(quoteNotional.amount, FINE_DIGITS)} ${quoteNotional.asset}`
    : `${displayDecimal(order.notionalUsd)} USD`;
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
    order.quoteNotional
      ? { label: `Notional (${order.quoteNotional.asset})`, value: displayDecimal(order.quoteNotional.amount, FINE_DIGITS) }
      : { label: 'Notional (USD)', value: displayDecimal(order.notionalUsd) },
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
    `${qty} @ ${price} = ${notionalText(order)}, ${formatTime(order.updateTime)}, order ${order.orderId}`
  );
}

/** Every kind, most serious first: the order counts list them in, and which one marks a group. */
const KINDS_BY_SEVERITY = ['LIQUIDATION', 'ADL', 'SETTLEMENT'] as const satisfies readonly ForceOrderKind[];

/**
 * What a settlement close is, said wherever one is shown alone: Binance's word does not tell a reader
 * that no margin ran out. Undefined for the kinds whose name says it.
 */
export function kindNote(kind: ForceOrderKind): string | undefined {
  return kind === 'SETTLEMENT'
    ? 'Settlement (delivery/delisting): Binance closed the position because the contract was delivered or delisted, not for lack of margin.'
    : undefined;
}

/** The kind a group or an answer is marked with (icon, colour): the most serious one it holds. */
export function leadingKind(counts: Record<ForceOrderKind, number>): ForceOrderKind {
  return KINDS_BY_SEVERITY.find((kind) => counts[kind] > 0) ?? 'LIQUIDATION';
}

/**
 * How many of each kind, in words every platform can show: `3 LIQUIDATION, 2 ADL`, then `, 1 SETTLEMENT`
 * only when there is one (settlement closes are rare and no margin event: a zero would only add noise).
 */
export function formatKindCounts(counts: Record<ForceOrderKind, number>): string {
  const text = `${counts.LIQUIDATION} LIQUIDATION, ${counts.ADL} ADL`;
  return counts.SETTLEMENT > 0 ? `${text}, ${counts.SETTLEMENT} SETTLEMENT` : text;
}

/** A `/forceorders` answer's counts in words: `3 liquidations, 1 ADL`, then `, 2 settlements` only when there are any. */
export function describeKindTotals(totals: { liquidations: number; adl: number; settlement: number }): string {
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const text = `${plural(totals.liquidations, 'liquidation')}, ${totals.adl} ADL`;
  return totals.settlement > 0 ? `${text}, ${plural(totals.settlement, 'settlement')}` : text;
}

const QUERY_KIND: Record<ForceOrderKind, string> = {
  LIQUIDATION: 'liquidations only',
  ADL: 'ADL only',
  SETTLEMENT: 'settlements (delivery/delisting) only',
};

/** What a query asked for, in words: `BTCUSD (every symbol of the pair), liquidations only, last 24h`. */
export function describeQuery(query: ForceOrdersQuery): string {
  const target =
    query.target === undefined
      ? 'all symbols'
      : query.target.type === 'pair'
        ? `${query.target.value} (every symbol of the pair)`
        : query.target.value;
  const kind = query.kind === undefined ? 'every kind' : QUERY_KIND[query.kind];
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
    `Usage: /forceorders [BTCUSD | BTCUSD_PERP | BTCUSD_261225] [liq | adl | settlement] ` +
    `[30m | 24h | 7d, up to ${formatDuration(bounds.maxSinceMs)}] [rows 1-${bounds.maxLimit}, default 20] [public]`
  );
}
