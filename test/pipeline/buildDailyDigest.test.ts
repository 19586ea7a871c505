import { describe, expect, it } from 'vitest';
import { buildDailyDigest } from '../../src/pipeline/buildDailyDigest.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';

const to = Date.parse('2026-11-26T00:00:00Z');
const from = to - 86_400_000;

describe('buildDailyDigest', () => {
  it('counts only orders inside [from, to), and sums USD notional exactly', () => {
    const orders = [
      forceOrderFixture({ orderId: 1, updateTime: from - 1, notionalUsd: '1000' }),
      forceOrderFixture({ orderId: 2, updateTime: from, notionalUsd: '0.1' }),
      forceOrderFixture({ orderId: 3, updateTime: to - 1, notionalUsd: '0.2' }),
      forceOrderFixture({ orderId: 4, updateTime: to, notionalUsd: '1000' }),
    ];
    const digest = buildDailyDigest({ day: '2026-11-26', from, to, orders });
    expect(digest).toMatchObject({ count: 2, totalNotionalUsd: '0.3', byKind: { LIQUIDATION: 2, ADL: 0, SETTLEMENT: 0 } });
    expect(digest.largest?.orderId).toBe(3);
  });

  it('counts an order quoted in another asset but never makes it the largest (it has no USD figure)', () => {
    const btcQuoted = forceOrderFixture({
      orderId: 1,
      market: 'margin',
      symbol: 'BNBBTC',
      updateTime: from + 1,
      notionalUsd: '0',
      quoteNotional: { asset: 'BTC', amount: '5' },
    });
    const usd = forceOrderFixture({ orderId: 2, updateTime: from + 2, notionalUsd: '0' });
    const digest = buildDailyDigest({ day: '2026-11-26', from, to, orders: [btcQuoted, usd] });
    expect(digest.count).toBe(2);
    expect(digest.largest?.orderId).toBe(2);
  });

  it('says a quiet day with zeros, no largest order, and the lowest uniMMR it was given', () => {
    const digest = buildDailyDigest({ day: '2026-11-26', from, to, orders: [], lowestUniMmr: { value: '3.2', time: from + 5 } });
    expect(digest).toEqual({
      day: '2026-11-26',
      from,
      to,
      count: 0,
      totalNotionalUsd: '0',
      byKind: { LIQUIDATION: 0, ADL: 0, SETTLEMENT: 0 },
      symbols: [],
      lowestUniMmr: { value: '3.2', time: from + 5 },
    });
  });
});
