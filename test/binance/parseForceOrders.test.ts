import { describe, expect, it } from 'vitest';
import { BinanceError } from '../../src/binance/errors.js';
import { classifyForceOrder, parseForceOrders } from '../../src/binance/parseForceOrders.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';

// The response example of "Query User's CM Force Orders" (PAPI docs), built on the shared fixture.
const {
  market: _market,
  kind: _kind,
  notionalUsd: _notional,
  ...CM_EXAMPLE
} = forceOrderFixture({
  symbol: 'BTCUSD_200925',
  clientOrderId: 'autoclose-1596542005017000006',
  time: 1596542005019,
  updateTime: 1596542005050,
});

// The response example of "Query User's UM Force Orders": cumQuote instead of cumBase, no pair.
const { pair: _pair, cumBase: _cumBase, ...UM_BASE } = CM_EXAMPLE;
const UM_EXAMPLE = {
  ...UM_BASE,
  orderId: 6071832819,
  symbol: 'BTCUSDT',
  clientOrderId: 'autoclose-1596107620040000020',
  price: '10871.09',
  avgPrice: '10913.21000',
  origQty: '0.001',
  executedQty: '0.001',
  cumQuote: '10.91321',
  time: 1596107620044,
  updateTime: 1596107620087,
};

function fieldError(body: unknown, market: 'cm' | 'um'): string {
  try {
    parseForceOrders(body, market, '/p');
  } catch (error) {
    expect(BinanceError.isResponseError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a schema error');
}

describe('parseForceOrders', () => {
  it('reads the documented examples and drops undocumented fields', () => {
    expect(parseForceOrders([{ ...CM_EXAMPLE, extra: 'ignored' }], 'cm', '/p')).toEqual([CM_EXAMPLE]);
    expect(parseForceOrders([UM_EXAMPLE], 'um', '/p')).toEqual([UM_EXAMPLE]);
    expect(parseForceOrders([], 'cm', '/p')).toEqual([]);
  });

  it.each([
    [{ orders: [] }, /expected an array of orders, got object/],
    [[{ ...CM_EXAMPLE, pair: undefined }], /\[0\]\.pair: expected a string like .*, got nothing/],
    [[{ ...CM_EXAMPLE, price: 11326.9 }], /\[0\]\.price: expected a non-negative decimal string/],
    [[{ ...CM_EXAMPLE, executedQty: '1e3' }], /\[0\]\.executedQty: expected a non-negative decimal string/],
    [[{ ...CM_EXAMPLE, orderId: '165123080' }], /\[0\]\.orderId: expected a non-negative integer/],
    [[{ ...CM_EXAMPLE, side: 'sell' }], /\[0\]\.side: expected BUY or SELL/],
    [[{ ...CM_EXAMPLE, reduceOnly: 'false' }], /\[0\]\.reduceOnly: expected a boolean/],
    [[CM_EXAMPLE, { ...CM_EXAMPLE, updateTime: null }], /\[1\]\.updateTime: expected a non-negative integer, got null/],
    [[null], /\[0\]: expected an object, got null/],
    [[{ ...CM_EXAMPLE, symbol: '<!channel>' }], /\[0\]\.symbol: expected a string like/],
    [[{ ...CM_EXAMPLE, clientOrderId: '[click](http://x.test)' }], /\[0\]\.clientOrderId: expected a string like/],
    [[{ ...CM_EXAMPLE, status: '@everyone' }], /\[0\]\.status: expected a string like/],
    [[{ ...CM_EXAMPLE, time: 8.64e15 + 1 }], /\[0\]\.time: expected a time a Date can hold/],
  ])('refuses %j as a whole', (body, message) => {
    expect(fieldError(body, 'cm')).toMatch(message);
  });

  it('wants cumQuote on USD-M and cumBase on COIN-M', () => {
    expect(fieldError([CM_EXAMPLE], 'um')).toMatch(/cumQuote/);
    expect(fieldError([UM_EXAMPLE], 'cm')).toMatch(/pair/);
  });
});

describe('classifyForceOrder', () => {
  it.each([
    ['autoclose-1596542005017000006', 'LIQUIDATION'],
    ['adl_autoclose', 'ADL'],
    ['adl_autoclose-1596542005017000007', 'ADL'],
    // A delivery or delisting settlement: its own kind, never a liquidation.
    ['settlement_autoclose-1596542005017000008', 'SETTLEMENT'],
    ['my-order-1', undefined],
    ['AUTOCLOSE-1', undefined],
  ])('%s -> %s', (clientOrderId, kind) => {
    expect(classifyForceOrder(clientOrderId)).toBe(kind);
  });
});
