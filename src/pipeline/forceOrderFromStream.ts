import { FORCE_ORDER_STRING_SHAPES } from '../binance/parseForceOrders.js';
import type { ForceOrder, ForceOrderKind, Market } from '../binance/types.js';
import { mulDecimal } from '../decimal.js';
import type { StreamOrderEvent } from '../stream/events.js';

/** What the stream's order does not say and the alert needs: its kind, when it was first seen, the COIN-M contract size. */
export interface StreamOrderContext {
  kind: ForceOrderKind;
  /** `T` of the first update seen for the order: the stream carries no creation time. */
  firstSeenAt: number;
  /** USD per contract, COIN-M only (from the client's exchangeInfo cache, as REST prices COIN-M orders). */
  contractSize?: string;
}

/** An order update whose values break the rules REST's force-order records are held to. */
export class StreamOrderShapeError extends Error {}

/**
 * A force order as REST would describe it, from an `ORDER_TRADE_UPDATE` (`fs` UM -> `um`, CM -> `cm`;
 * executedQty = `z`, avgPrice = `ap`, updateTime = `T`, status = `X`), held to the shapes REST's
 * records are held to, so a renderer gets the same guarantees whichever source saw the order.
 * Notional: COIN-M `z` x contractSize as REST does; USD-M REST uses `cumQuote`, which the stream does
 * not carry, so `z` x `ap` (exact decimals; equal to cumQuote up to the rounding of `ap`). The stream
 * has neither cumQuote nor cumBase, so the alert shows neither. Throws `StreamOrderShapeError` naming
 * the field (never its value).
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Futures-Order-update
 */
export function forceOrderFromStream(event: StreamOrderEvent, context: StreamOrderContext): ForceOrder {
  const o = event.order;
  const market: Market = event.market === 'CM' ? 'cm' : 'um';
  // Binance's force orders are IOC, reduce-only, BOTH in one-way mode; the documented example carries
  // f, R and ps, so these defaults only fill a field an event left out.
  const strings = {
    symbol: o.symbol,
    status: o.status,
    clientOrderId: o.clientOrderId,
    timeInForce: o.timeInForce ?? 'IOC',
    type: o.type,
    positionSide: o.positionSide ?? 'BOTH',
    origType: o.origType ?? o.type,
  };
  for (const [field, value] of Object.entries(strings)) {
    if (!FORCE_ORDER_STRING_SHAPES[field as keyof typeof strings].test(value)) {
      throw new StreamOrderShapeError(
        `order ${field} is not shaped like ${FORCE_ORDER_STRING_SHAPES[field as keyof typeof strings].source}`,
      );
    }
  }
  for (const [field, value] of Object.entries({ price: o.price, avgPrice: o.avgPrice, origQty: o.origQty, executedQty: o.executedQty })) {
    if (value.startsWith('-')) throw new StreamOrderShapeError(`order ${field} is negative`);
  }
  const pair = market === 'cm' ? coinMarginedPair(strings.symbol) : strings.symbol;
  if (market === 'cm' && context.contractSize === undefined) throw new StreamOrderShapeError('a COIN-M order needs its contract size');
  const notionalUsd = market === 'cm' ? mulDecimal(o.executedQty, context.contractSize as string) : mulDecimal(o.executedQty, o.avgPrice);
  return {
    ...strings,
    orderId: o.orderId,
    side: o.side,
    reduceOnly: o.reduceOnly ?? true,
    price: o.price,
    avgPrice: o.avgPrice,
    origQty: o.origQty,
    executedQty: o.executedQty,
    time: Math.min(context.firstSeenAt, o.tradeTime),
    updateTime: o.tradeTime,
    market,
    kind: context.kind,
    pair,
    notionalUsd,
  };
}

/** A COIN-M symbol's pair: the symbol without its `_PERP` or delivery date (BTCUSD_PERP, BTCUSD_250627 -> BTCUSD), as REST's `pair` says. */
export function coinMarginedPair(symbol: string): string {
  return symbol.split('_')[0] || symbol;
}
