import type { ForceOrder } from '../binance/types.js';

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
