import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divideDecimal, OrderGenerator } from '../../src/simulator/OrderGenerator.js';
import { findContract } from '../../src/simulator/symbols.js';
import type { RawForceOrderWire } from '../../src/simulator/types.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

/** cumBase recomputed independently: floor(qty × size × 1e8 / price) with BigInt over scaled integers. */
function expectedCumBase(order: RawForceOrderWire): string {
  const size = BigInt(findContract('cm', order.symbol)!.contractSize);
  const [whole = '', fraction = ''] = order.avgPrice.split('.');
  const priceUnits = BigInt(whole + fraction);
  const units = (BigInt(order.executedQty) * size * 10n ** BigInt(8 + fraction.length)) / priceUnits;
  const text = units.toString().padStart(9, '0');
  return `${text.slice(0, -8)}.${text.slice(-8)}`;
}

function many(market: 'cm' | 'um', count: number, seed = 7): RawForceOrderWire[] {
  const generator = new OrderGenerator(seed);
  return Array.from({ length: count }, (_, i) => generator.make({ market }, NOW + i).wire);
}

describe('OrderGenerator', () => {
  it('reproduces the documented example: 1 BTCUSD contract at 11326.9 is cumBase 0.00882854', () => {
    const order = new OrderGenerator(1).make({ symbol: 'BTCUSD_PERP', executedQty: '1', avgPrice: '11326.9' }, NOW).wire;
    expect(order.cumBase).toBe('0.00882854');
    expect(order.pair).toBe('BTCUSD');
    expect(order.cumQuote).toBeUndefined();
  });

  it('makes COIN-M orders whose cumBase is exactly executedQty × contractSize ÷ avgPrice (8 decimals)', () => {
    for (const order of many('cm', 500)) {
      expect(order.cumBase).toBe(expectedCumBase(order));
      expect(order.executedQty).toMatch(/^[1-9]\d*$/);
      expect(order.symbol.startsWith(order.pair!)).toBe(true);
      expect(order.symbol).toMatch(/^[A-Z]+USD_(PERP|261225|270326)$/);
    }
  });

  it('makes USD-M orders with cumQuote = executedQty × avgPrice and no pair', () => {
    const order = new OrderGenerator(1).make({ symbol: 'BTCUSDT', executedQty: '0.001', avgPrice: '10913.21000' }, NOW).wire;
    expect(order.cumQuote).toBe('10.91321');
    expect(order).not.toHaveProperty('pair');
    expect(order).not.toHaveProperty('cumBase');
    for (const o of many('um', 200)) expect(o.symbol).toMatch(/USDT$/);
  });

  it('gives strictly increasing order ids and consistent fields', () => {
    const orders = many('cm', 300);
    for (let i = 1; i < orders.length; i += 1) expect(orders[i]!.orderId).toBeGreaterThan(orders[i - 1]!.orderId);
    for (const o of orders) {
      expect(o).toMatchObject({ status: 'FILLED', type: 'LIMIT', origType: 'LIMIT', timeInForce: 'IOC', reduceOnly: false });
      expect(o.origQty).toBe(o.executedQty);
      expect(o.updateTime).toBeGreaterThanOrEqual(o.time);
      expect(o.updateTime - o.time).toBeLessThanOrEqual(60);
      if (o.positionSide === 'LONG') expect(o.side).toBe('SELL');
      if (o.positionSide === 'SHORT') expect(o.side).toBe('BUY');
      // An IOC limit is at or beyond the fill price: a sell limit never above the average.
      if (o.clientOrderId.startsWith('autoclose-')) {
        const cmp = Number(o.price) - Number(o.avgPrice);
        expect(o.side === 'SELL' ? cmp <= 0 : cmp >= 0).toBe(true);
      }
    }
  });

  it('names the kind in clientOrderId the way Binance does', () => {
    const orders = many('cm', 1000);
    const liquidations = orders.filter((o) => o.clientOrderId.startsWith('autoclose-'));
    const adl = orders.filter((o) => o.clientOrderId.startsWith('adl_autoclose'));
    expect(liquidations.length).toBeGreaterThan(700);
    expect(adl.length).toBeGreaterThan(50);
    for (const o of liquidations) expect(o.clientOrderId).toMatch(/^autoclose-\d{19}$/);
    expect(adl.some((o) => o.clientOrderId === 'adl_autoclose')).toBe(true);
    expect(orders.every((o) => /^(autoclose-|adl_autoclose|settlement_autoclose-)/.test(o.clientOrderId))).toBe(true);
  });

  it("keeps avgPrice near each pair's reference price and at its tick", () => {
    for (const o of many('cm', 300)) {
      const contract = findContract('cm', o.symbol)!;
      const ratio = Number(o.avgPrice) / contract.referencePrice;
      expect(ratio).toBeGreaterThan(0.96);
      expect(ratio).toBeLessThan(1.04);
      expect(o.avgPrice.split('.')[1]?.length ?? 0).toBe(contract.pricePrecision);
    }
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(many('cm', 20, 3)).toEqual(many('cm', 20, 3));
    expect(many('cm', 20, 3)).not.toEqual(many('cm', 20, 4));
  });
});

describe('divideDecimal', () => {
  it('truncates to the requested digits and keeps trailing zeros', () => {
    expect(divideDecimal('100', '11326.9', 8)).toBe('0.00882854');
    expect(divideDecimal('1', '4', 8)).toBe('0.25000000');
    expect(divideDecimal('2', '3', 0)).toBe('0');
    expect(divideDecimal('10', '0.5', 2)).toBe('20.00');
  });

  it('rejects division by zero and negative or malformed input', () => {
    expect(() => divideDecimal('1', '0.000', 8)).toThrow(RangeError);
    expect(() => divideDecimal('-1', '2', 8)).toThrow(TypeError);
    expect(() => divideDecimal('1e3', '2', 8)).toThrow(TypeError);
  });

  it('agrees with BigInt long division: q*b <= a < (q + ulp)*b', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), (a, b) => {
        const q = divideDecimal(a.toString(), `${b / 100n}.${String(b % 100n).padStart(2, '0')}`, 8);
        const qUnits = BigInt(q.replace('.', '')); // q × 1e8
        // a / (b / 100) = q  ⇔  qUnits × b ≤ a × 1e10 < (qUnits + 1) × b
        return qUnits * b <= a * 10n ** 10n && a * 10n ** 10n < (qUnits + 1n) * b;
      }),
    );
  });
});
