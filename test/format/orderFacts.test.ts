import { describe, expect, it } from 'vitest';
import { orderFacts } from '../../src/format/orderFacts.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';

describe('orderFacts', () => {
  it('lists a COIN-M order in display order with exact decimals', () => {
    const order = forceOrderFixture({
      executedQty: '1234',
      avgPrice: '0.123456789',
      notionalUsd: '12340.005',
      cumBase: '99956.00000001',
      orderId: 165123080,
      updateTime: 1596542005050,
    });
    expect(orderFacts(order)).toEqual([
      { label: 'Contracts', value: '1,234' },
      { label: 'Avg price', value: '0.12345679' },
      { label: 'Notional (USD)', value: '12,340.01' },
      { label: 'cumBase', value: '99,956.00000001' },
      { label: 'Status', value: 'FILLED' },
      { label: 'Order id', value: '165123080' },
      { label: 'Time', value: '2020-08-04T11:53:25Z' },
    ]);
  });

  it('shows quantity and cumQuote for a USD-M order, which has no cumBase', () => {
    const { cumBase: _omitted, ...rest } = forceOrderFixture({ market: 'um', symbol: 'BTCUSDT', pair: 'BTCUSDT' });
    const facts = orderFacts({ ...rest, executedQty: '0.002', cumQuote: '180.456', notionalUsd: '180.456' });
    expect(facts.map((f) => f.label)).toEqual(['Quantity', 'Avg price', 'Notional (USD)', 'cumQuote', 'Status', 'Order id', 'Time']);
    expect(facts[0]?.value).toBe('0.002');
    expect(facts[3]?.value).toBe('180.46');
  });
});
