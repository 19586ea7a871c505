import { describe, expect, it } from 'vitest';
import { orderSummary } from '../../src/format/orderSummary.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';

describe('orderSummary', () => {
  it('says kind, symbol, side, size, price, notional, time and id on one line', () => {
    const order = forceOrderFixture({
      kind: 'ADL',
      side: 'BUY',
      executedQty: '3',
      avgPrice: '2500.1',
      notionalUsd: '30',
      symbol: 'ETHUSD_PERP',
      updateTime: 1596542005050,
      orderId: 7,
    });
    expect(orderSummary(order)).toBe('ADL ETHUSD_PERP BUY closing a SHORT: 3 @ 2,500.1 = 30 USD, 2020-08-04T11:53:25Z, order 7');
    expect(orderSummary(order)).not.toContain('\n');
  });
});
