import { isDecimal } from '../decimal.js';
import { BinanceResponseError } from './errors.js';
import type { ForceOrderKind, FuturesMarket, RawForceOrder } from './types.js';

/**
 * Validates a force-orders body against the documented schema and keeps only documented fields.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-UM-Force-Orders
 */
export function parseForceOrders(body: unknown, market: FuturesMarket, path: string): RawForceOrder[] {
  if (!Array.isArray(body)) throw new BinanceResponseError(`${path}: expected an array of orders, got ${typeName(body)}`, { path });
  return body.map((item, index) => parseOne(item, market, `${path}[${index}]`, path));
}

/**
 * What `clientOrderId` says about an order: "autoclose-…" = liquidation, "adl_autoclose…" = ADL,
 * "settlement_autoclose-…" = a delivery or delisting settlement; any other id does not say: `undefined`.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Futures-Order-update
 */
export function classifyForceOrder(clientOrderId: string): ForceOrderKind | undefined {
  if (clientOrderId.startsWith('autoclose-')) return 'LIQUIDATION';
  if (clientOrderId.startsWith('adl_autoclose')) return 'ADL';
  if (clientOrderId.startsWith('settlement_autoclose-')) return 'SETTLEMENT';
  return undefined;
}

/**
 * The shapes Binance's identifiers take. Holding exchange strings to them keeps markup (mentions,
 * links, markdown) out of every renderer, whatever a broken or hostile upstream sends.
 */
const ENUM = /^[A-Z][A-Z_]{0,31}$/;
const SYMBOL = /^[A-Z0-9][A-Z0-9_]{0,39}$/;
// Binance's client order id alphabet (`^[\.A-Z\:/a-z0-9_-]{1,36}$` for new orders); system ids run longer.
const CLIENT_ORDER_ID = /^[.A-Z:/a-z0-9_-]{1,64}$/;
/** The shape each string field of a force order must have, wherever the order comes from (REST or the user data stream). */
export const FORCE_ORDER_STRING_SHAPES = {
  symbol: SYMBOL,
  status: ENUM,
  clientOrderId: CLIENT_ORDER_ID,
  timeInForce: ENUM,
  type: ENUM,
  positionSide: ENUM,
  origType: ENUM,
} as const;
const STRINGS = Object.keys(FORCE_ORDER_STRING_SHAPES) as (keyof typeof FORCE_ORDER_STRING_SHAPES)[];
/** The largest time a JavaScript Date can hold; anything later cannot be displayed. */
const MAX_TIME_MS = 8.64e15;
const DECIMALS = ['price', 'avgPrice', 'origQty', 'executedQty'] as const;
const TIMES = ['time', 'updateTime'] as const;

function parseOne(item: unknown, market: FuturesMarket, where: string, path: string): RawForceOrder {
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new BinanceResponseError(`${where}${field ? `.${field}` : ''}: expected ${expected}, got ${describeValue(value)}`, { path });
  };
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return fail('', 'an object', item);
  const o = item as Record<string, unknown>;
  const str = (field: string, shape: RegExp): string => {
    const value = o[field];
    return typeof value === 'string' && shape.test(value) ? value : fail(field, `a string like ${shape.source}`, value);
  };
  // Prices, quantities and fills are never below zero: a minus sign means the body is not what Binance documents.
  const dec = (field: string): string => {
    const value = o[field];
    return typeof value === 'string' && isDecimal(value) && !value.startsWith('-')
      ? value
      : fail(field, 'a non-negative decimal string', value);
  };
  const int = (field: string): number => {
    const value = o[field];
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : fail(field, 'a non-negative integer', value);
  };
  const side = o.side === 'BUY' || o.side === 'SELL' ? o.side : fail('side', 'BUY or SELL', o.side);
  const reduceOnly = typeof o.reduceOnly === 'boolean' ? o.reduceOnly : fail('reduceOnly', 'a boolean', o.reduceOnly);
  const order = { orderId: int('orderId'), side, reduceOnly } as RawForceOrder;
  for (const field of STRINGS) order[field] = str(field, FORCE_ORDER_STRING_SHAPES[field]);
  for (const field of DECIMALS) order[field] = dec(field);
  for (const field of TIMES)
    order[field] = int(field) <= MAX_TIME_MS ? (o[field] as number) : fail(field, 'a time a Date can hold', o[field]);
  if (market === 'cm') {
    order.pair = str('pair', SYMBOL);
    order.cumBase = dec('cumBase');
  } else {
    order.cumQuote = dec('cumQuote');
  }
  return order;
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? typeName(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
