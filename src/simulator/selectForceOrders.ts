import type { StoredForceOrder } from './OrderGenerator.js';
import type { RawForceOrderWire, SimMarket } from './types.js';
import type { ForceOrderSelection } from './validateParams.js';

/** The undocumented behaviours a client must survive either way. */
export interface SelectionBehaviour {
  /** Which end of the window a page keeps when more orders match than `limit`. */
  pageEnd: 'oldest' | 'newest';
  /** Which field `startTime`/`endTime` filter on. */
  windowField: 'updateTime' | 'time';
}

/**
 * One page of a force-order query: orders of `market` matching symbol and kind, visible by
 * `serverNow`, with `startTime <= field <= endTime`; at most `limit`, sent oldest first ("Data is
 * returned in ascending order. Oldest first, newest last." — General Info).
 * `autoCloseType` picks LIQUIDATION or ADL; settlement closes (`settlement_autoclose-…`) are neither,
 * so they come back only when no `autoCloseType` is sent (Binance does not document where they go;
 * this is the stricter choice: a client that always filters by kind will miss them).
 */
export function selectForceOrders(
  orders: readonly StoredForceOrder[],
  market: SimMarket,
  query: ForceOrderSelection,
  serverNow: number,
  behaviour: SelectionBehaviour,
): RawForceOrderWire[] {
  const field = behaviour.windowField;
  const matching = orders
    .filter(
      (o) =>
        o.market === market &&
        (o.visibleAt === undefined || o.visibleAt <= serverNow) &&
        (query.symbol === undefined || o.wire.symbol === query.symbol) &&
        (query.autoCloseType === undefined || o.kind === query.autoCloseType) &&
        o.wire[field] >= query.startTime &&
        o.wire[field] <= query.endTime,
    )
    .map((o) => o.wire)
    .sort((a, b) => a[field] - b[field] || a.orderId - b.orderId);
  if (matching.length <= query.limit) return matching;
  return behaviour.pageEnd === 'oldest' ? matching.slice(0, query.limit) : matching.slice(-query.limit);
}
