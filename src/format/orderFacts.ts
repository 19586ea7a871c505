import type { ForceOrder } from '../binance/types.js';
import { displayDecimal } from '../decimal.js';
import { formatTime } from './formatTime.js';

/** One labelled fact about an order, already formatted for display; renderers lay these out. */
export interface OrderFact {
  label: string;
  value: string;
}

/** Digits kept for prices and coin amounts: enough for the smallest COIN-M tick sizes. */
export const FINE_DIGITS = 8;

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
