import { describe, expect, it } from 'vitest';
import { OrderGenerator } from '../../src/simulator/OrderGenerator.js';
import { orderTradeUpdates } from '../../src/simulator/orderTradeUpdates.js';
import type { SimOrderInput } from '../../src/simulator/types.js';

const START = Date.UTC(2026, 10, 25, 12, 0, 0);
const context = { eventTime: START + 7, fillExecution: 'TRADE' as const, tradeId: 42 };
const updatesOf = (input: SimOrderInput) => orderTradeUpdates(new OrderGenerator(1).make(input, START), context);
const steps = (input: SimOrderInput) => updatesOf(input).map((u) => [u.o.x, u.o.X, u.o.z, u.o.ap, u.o.t]);

describe('orderTradeUpdates', () => {
  it('a filled order: NEW at its time, then the fill at its updateTime with trade id, quantity and average price', () => {
    const [created, filled] = updatesOf({
      market: 'um',
      symbol: 'BTCUSDT',
      executedQty: '0.250',
      avgPrice: '96000.10000',
      time: START - 50,
    });
    expect([created?.T, created?.o.T, created?.E]).toEqual([START - 50, START - 50, START + 7]);
    expect(filled?.o).toMatchObject({ x: 'TRADE', X: 'FILLED', l: '0.250', z: '0.250', L: '96000.10000', ap: '96000.10000', t: 42 });
    expect(filled?.T).toBe(filled?.o.T);
  });

  it('an order still NEW: only the NEW update', () => {
    expect(steps({ status: 'NEW', executedQty: '0' })).toEqual([['NEW', 'NEW', '0', '0', 0]]);
  });

  it('an order cancelled before any fill: NEW, then CANCELED with nothing filled', () => {
    expect(steps({ market: 'cm', symbol: 'BTCUSD_PERP', status: 'CANCELED', origQty: '5', executedQty: '0' })).toEqual([
      ['NEW', 'NEW', '0', '0', 0],
      ['CANCELED', 'CANCELED', '0', '0', 0],
    ]);
  });

  it('an IOC that expired in the match after a partial fill: the final update is EXPIRED with status EXPIRED_IN_MATCH', () => {
    const last = updatesOf({ market: 'um', symbol: 'SOLUSDT', status: 'EXPIRED_IN_MATCH', origQty: '9', executedQty: '3' }).at(-1);
    expect(last?.o).toMatchObject({ x: 'EXPIRED', X: 'EXPIRED_IN_MATCH', z: '3', l: '0' });
  });
});
