import type { ForceOrder } from '../binance/types.js';
import { displayDecimal } from '../decimal.js';
import { describeSide } from './describeSide.js';
import { formatTime } from './formatTime.js';
import { kindLabel } from './kindLabel.js';
import { FINE_DIGITS } from './orderFacts.js';

/**
 * One line that says what happened to one order, for group listings and logs:
 * `LIQUIDATION BTCUSD_PERP SELL closing a LONG: 12 @ 11,326.9 = 1,200 USD, 2026-11-25T11:58:00Z, order 165123080`.
 */
export function orderSummary(order: ForceOrder): string {
  const qty = displayDecimal(order.executedQty, FINE_DIGITS);
  const price = displayDecimal(order.avgPrice, FINE_DIGITS);
  return (
    `${kindLabel(order.kind)} ${order.symbol} ${describeSide(order)}: ` +
    `${qty} @ ${price} = ${displayDecimal(order.notionalUsd)} USD, ${formatTime(order.updateTime)}, order ${order.orderId}`
  );
}
