import { describe, expect, it } from 'vitest';
import {
  describeKindTotals,
  describeQuery,
  describeSide,
  describeSource,
  forceOrdersUsage,
  formatKindCounts,
  kindNote,
  leadingKind,
  marketName,
  notionalText,
  orderFacts,
  orderSummary,
} from '../../src/format/orderText.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';

describe('describeSide', () => {
  it('infers the closed position in one-way mode (positionSide BOTH)', () => {
    expect(describeSide({ side: 'SELL', positionSide: 'BOTH' })).toBe('SELL closing a LONG');
    expect(describeSide({ side: 'BUY', positionSide: 'BOTH' })).toBe('BUY closing a SHORT');
  });

  it('uses positionSide in hedge mode', () => {
    expect(describeSide({ side: 'SELL', positionSide: 'LONG' })).toBe('SELL closing a LONG');
    expect(describeSide({ side: 'BUY', positionSide: 'SHORT' })).toBe('BUY closing a SHORT');
  });
});

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

describe('margin orders', () => {
  /** A margin liquidation as MarginForceOrderClient maps it (no cumBase, no cumQuote). */
  const margin = (overrides: Parameters<typeof forceOrderFixture>[0]) => {
    const { cumBase: _omitted, ...rest } = forceOrderFixture({
      market: 'margin',
      symbol: 'BNBBTC',
      pair: 'BNBBTC',
      clientOrderId: 'margin-180015097',
      executedQty: '31.39',
      avgPrice: '0.00388359',
      orderId: 180015097,
      updateTime: 1558941374745,
      ...overrides,
    });
    return rest;
  };

  it('names the book Margin and shows a USD notional for a stablecoin quote', () => {
    expect([marketName('cm'), marketName('um'), marketName('margin')]).toEqual(['COIN-M', 'USD-M', 'Margin']);
    const order = margin({ symbol: 'ETHUSDT', pair: 'ETHUSDT', executedQty: '1.5', avgPrice: '3400.01', notionalUsd: '5100.015' });
    expect(orderFacts(order).map((f) => f.label)).toEqual(['Quantity', 'Avg price', 'Notional (USD)', 'Status', 'Order id', 'Time']);
    expect(notionalText(order)).toBe('5,100.02 USD');
  });

  it('shows a notional in its quote asset, never as USD, when the quote is not a USD stablecoin', () => {
    const order = margin({ notionalUsd: '0', quoteNotional: { asset: 'BTC', amount: '0.1219058901' } });
    expect(orderFacts(order)[2]).toEqual({ label: 'Notional (BTC)', value: '0.12190589' });
    expect(orderSummary(order)).toBe(
      'LIQUIDATION BNBBTC SELL closing a LONG: 31.39 @ 0.00388359 = 0.12190589 BTC, 2019-05-27T07:16:14Z, order 180015097',
    );
  });
});

describe('formatKindCounts', () => {
  it('labels each kind by its own name and counts them; SETTLEMENT only when there is one', () => {
    expect(formatKindCounts({ LIQUIDATION: 0, ADL: 2, SETTLEMENT: 0 })).toBe('0 LIQUIDATION, 2 ADL');
    expect(formatKindCounts({ LIQUIDATION: 3, ADL: 0, SETTLEMENT: 0 })).toBe('3 LIQUIDATION, 0 ADL');
    expect(formatKindCounts({ LIQUIDATION: 3, ADL: 2, SETTLEMENT: 1 })).toBe('3 LIQUIDATION, 2 ADL, 1 SETTLEMENT');
  });
});

describe('describeKindTotals', () => {
  it('counts each kind in words, settlements apart and only when there are any', () => {
    expect(describeKindTotals({ liquidations: 3, adl: 0, settlement: 0 })).toBe('3 liquidations, 0 ADL');
    expect(describeKindTotals({ liquidations: 1, adl: 2, settlement: 1 })).toBe('1 liquidation, 2 ADL, 1 settlement');
    expect(describeKindTotals({ liquidations: 0, adl: 0, settlement: 2 })).toBe('0 liquidations, 0 ADL, 2 settlements');
  });
});

describe('leadingKind and kindNote', () => {
  it('marks a group by its most serious kind, a settlement only when nothing else is there', () => {
    expect(leadingKind({ LIQUIDATION: 1, ADL: 5, SETTLEMENT: 9 })).toBe('LIQUIDATION');
    expect(leadingKind({ LIQUIDATION: 0, ADL: 5, SETTLEMENT: 9 })).toBe('ADL');
    expect(leadingKind({ LIQUIDATION: 0, ADL: 0, SETTLEMENT: 9 })).toBe('SETTLEMENT');
  });

  it('explains a settlement close, and only that kind', () => {
    expect(kindNote('SETTLEMENT')).toMatch(/^Settlement \(delivery\/delisting\): .*not for lack of margin\.$/);
    expect(kindNote('LIQUIDATION')).toBeUndefined();
    expect(kindNote('ADL')).toBeUndefined();
  });
});

describe('describeQuery', () => {
  it('puts target, kind and window in words', () => {
    expect(describeQuery({ sinceMs: 86_400_000, limit: 20, public: false })).toBe('all symbols, every kind, last 24h');
    expect(
      describeQuery({ target: { type: 'pair', value: 'BTCUSD' }, kind: 'LIQUIDATION', sinceMs: 7 * 86_400_000, limit: 20, public: false }),
    ).toBe('BTCUSD (every symbol of the pair), liquidations only, last 7d');
    expect(
      describeQuery({ target: { type: 'symbol', value: 'BTCUSD_PERP' }, kind: 'ADL', sinceMs: 1_800_000, limit: 5, public: true }),
    ).toBe('BTCUSD_PERP, ADL only, last 30m');
    expect(describeQuery({ kind: 'SETTLEMENT', sinceMs: 7 * 86_400_000, limit: 20, public: false })).toBe(
      'all symbols, settlements (delivery/delisting) only, last 7d',
    );
  });
});

describe('describeSource', () => {
  it('names each source in words', () => {
    expect(describeSource('exchange')).toBe('Binance');
    expect(describeSource('archive')).toBe("the bot's archive");
    expect(describeSource('exchange+archive')).toBe("Binance (last 7 days) and the bot's archive (older)");
  });
});

describe('forceOrdersUsage', () => {
  it('states the forms and the bounds it is given, without markup', () => {
    const usage = forceOrdersUsage({ maxLimit: 100, maxSinceMs: 90 * 86_400_000 });
    expect(usage).toBe(
      'Usage: /forceorders [BTCUSD | BTCUSD_PERP | BTCUSD_261225] [liq | adl | settlement] [30m | 24h | 7d, up to 90d] [rows 1-100, default 20] [public]',
    );
    expect(forceOrdersUsage({ maxLimit: 50, maxSinceMs: 7 * 86_400_000 })).toContain('up to 7d] [rows 1-50');
    expect(usage).not.toMatch(/[*`<>~]/);
  });
});
