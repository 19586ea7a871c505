import { isDecimal } from '../decimal.js';
import { BinanceResponseError } from './BinanceResponseError.js';
import type { Market, RawForceOrder } from './types.js';

/**
 * Validates a force-orders body against the documented schema and keeps only documented fields.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-UM-Force-Orders
 */
export function parseForceOrders(body: unknown, market: Market, path: string): RawForceOrder[] {
  if (!Array.isArray(body)) throw new BinanceResponseError(`${path}: expected an array of orders, got ${typeName(body)}`, { path });
  return body.map((item, index) => parseOne(item, market, `${path}[${index}]`, path));
}

const STRINGS = ['symbol', 'status', 'clientOrderId', 'timeInForce', 'type', 'positionSide', 'origType'] as const;
const DECIMALS = ['price', 'avgPrice', 'origQty', 'executedQty'] as const;
const TIMES = ['time', 'updateTime'] as const;

function parseOne(item: unknown, market: Market, where: string, path: string): RawForceOrder {
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new BinanceResponseError(`${where}${field ? `.${field}` : ''}: expected ${expected}, got ${describeValue(value)}`, { path });
  };
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return fail('', 'an object', item);
  const o = item as Record<string, unknown>;
  const str = (field: string): string => {
    const value = o[field];
    return typeof value === 'string' && value.length > 0 ? value : fail(field, 'a non-empty string', value);
  };
  // Prices, quantities and fills are never below zero: a minus sign means the body is not what Binance documents.
  const dec = (field: string): string => {
    const value = o[field];
    return typeof value === 'string' && isDecimal(value) && !value.startsWith('-') ? value : fail(field, 'a non-negative decimal string', value);
  };
  const int = (field: string): number => {
    const value = o[field];
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : fail(field, 'a non-negative integer', value);
  };
  const side = o.side === 'BUY' || o.side === 'SELL' ? o.side : fail('side', 'BUY or SELL', o.side);
  const reduceOnly = typeof o.reduceOnly === 'boolean' ? o.reduceOnly : fail('reduceOnly', 'a boolean', o.reduceOnly);
  const order = { orderId: int('orderId'), side, reduceOnly } as RawForceOrder;
  for (const field of STRINGS) order[field] = str(field);
  for (const field of DECIMALS) order[field] = dec(field);
  for (const field of TIMES) order[field] = int(field);
  if (market === 'cm') {
    order.pair = str('pair');
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
