import type { StoredForceOrder } from './OrderGenerator.js';
import { findContract } from './symbols.js';
import type { SimFillExecution } from './types.js';

/**
 * The order object `o` of an `ORDER_TRADE_UPDATE`, with the fields Binance's Portfolio Margin page
 * documents (https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Futures-Order-update,
 * schema in binance/binance-connector-js `clients/derivatives-trading-portfolio-margin`, `OrderTradeUpdateO`).
 * `st`/`si` ("only pushed with conditional order triggered") and `M` ("only pushed for AMENDMENT") are
 * left out: a force order is neither.
 */
interface OrderTradeUpdateOrder {
  s: string;
  c: string;
  S: 'BUY' | 'SELL';
  o: string;
  f: string;
  q: string;
  p: string;
  ap: string;
  sp: string;
  x: string;
  X: string;
  i: number;
  l: string;
  z: string;
  L: string;
  N: string;
  n: string;
  T: number;
  t: number;
  b: string;
  a: string;
  m: boolean;
  R: boolean;
  ps: string;
  rp: string;
  V: string;
  gtd: number;
}

/** One `ORDER_TRADE_UPDATE` event as the PM stream sends it. */
export interface OrderTradeUpdateWire {
  e: 'ORDER_TRADE_UPDATE';
  /** Business unit: `UM` (USD-M) or `CM` (COIN-M). */
  fs: 'UM' | 'CM';
  E: number;
  /** Transaction time. */
  T: number;
  /** Account alias; "ignore for UM" (empty there). */
  i: string;
  o: OrderTradeUpdateOrder;
}

/** What {@link orderTradeUpdates} needs beyond the order. */
interface UpdateContext {
  /** Server-clock ms the events are sent (their `E`). */
  eventTime: number;
  fillExecution: SimFillExecution;
  /** The trade id of the fill, if the order has one. */
  tradeId: number;
}

/** The alias the simulator's COIN-M account carries (the docs' COIN-M examples show a short alias like this). */
const CM_ACCOUNT_ALIAS = 'SfsR';

/**
 * The updates the stream sends for one force order, in order, each consistent with the REST record
 * (same `orderId`, `clientOrderId`, side, quantities and prices; `z` = executedQty, `ap` = avgPrice,
 * the last update's `T` = updateTime): `NEW` at the order's `time` ("c shows as autoclose-XXX, X shows
 * as NEW"), then the fill if anything filled (`FILLED`, or `PARTIALLY_FILLED` when less than `origQty`
 * filled), then the end of an order that did not fill completely (`EXPIRED` for an IOC's rest,
 * `CANCELED`), by the REST record's final `status`. Commission is not modelled (`n` = "0").
 */
export function orderTradeUpdates(order: StoredForceOrder, context: UpdateContext): OrderTradeUpdateWire[] {
  const wire = order.wire;
  const filled = Number(wire.executedQty) > 0;
  const partial = filled && Number(wire.executedQty) < Number(wire.origQty);
  const base: Omit<OrderTradeUpdateOrder, 'x' | 'X' | 'l' | 'z' | 'L' | 'ap' | 'T' | 't'> = {
    s: wire.symbol,
    c: wire.clientOrderId,
    S: wire.side,
    o: wire.type,
    f: wire.timeInForce,
    q: wire.origQty,
    p: wire.price,
    sp: '0',
    i: wire.orderId,
    // Every simulated order is of a traded contract (the generator refuses others).
    N: findContract(order.market, wire.symbol)?.marginAsset ?? '',
    n: '0',
    b: '0',
    a: '0',
    m: false,
    R: wire.reduceOnly,
    ps: wire.positionSide,
    rp: '0',
    V: 'NONE',
    gtd: 0,
  };
  const event = (o: OrderTradeUpdateOrder): OrderTradeUpdateWire => ({
    e: 'ORDER_TRADE_UPDATE',
    fs: order.market === 'um' ? 'UM' : 'CM',
    E: context.eventTime,
    T: o.T,
    i: order.market === 'um' ? '' : CM_ACCOUNT_ALIAS,
    o,
  });
  const nothingFilled = { l: '0', z: '0', L: '0', ap: '0', t: 0 };
  const updates = [event({ ...base, ...nothingFilled, x: 'NEW', X: 'NEW', T: wire.time })];
  if (filled) {
    updates.push(
      event({
        ...base,
        x: context.fillExecution,
        X: partial ? 'PARTIALLY_FILLED' : 'FILLED',
        l: wire.executedQty,
        z: wire.executedQty,
        L: wire.avgPrice,
        ap: wire.avgPrice,
        T: wire.updateTime,
        t: context.tradeId,
      }),
    );
  }
  const ended = wire.status === 'EXPIRED' || wire.status === 'EXPIRED_IN_MATCH' || wire.status === 'CANCELED';
  if (ended) {
    updates.push(
      event({
        ...base,
        x: wire.status === 'CANCELED' ? 'CANCELED' : 'EXPIRED',
        X: wire.status,
        l: '0',
        z: wire.executedQty,
        L: '0',
        ap: filled ? wire.avgPrice : '0',
        T: wire.updateTime,
        t: 0,
      }),
    );
  }
  return updates;
}
