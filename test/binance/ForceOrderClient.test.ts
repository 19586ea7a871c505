import { describe, expect, it } from 'vitest';
import { BinanceError } from '../../src/binance/errors.js';
import { FORCE_ORDER_WINDOW_MS } from '../../src/binance/types.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { rejection, startHarness } from './harness.js';

const T0 = Date.UTC(2026, 10, 20);
const HOUR = 3_600_000;

describe('ForceOrderClient.allForceOrders against the PAPI simulator', () => {
  describe.each([
    ['oldest', 'updateTime'],
    ['oldest', 'time'],
    ['newest', 'updateTime'],
    ['newest', 'time'],
  ] as const)('with pageEnd=%s and windowField=%s', (pageEnd, windowField) => {
    it('returns all of 260 orders in one window, none twice, oldest first', async () => {
      const { sim, client } = await startHarness({ sim: { pageEnd, windowField } });
      const added = sim.addOrders(
        Array.from({ length: 260 }, (_, i) => {
          const time = T0 + 1000 + Math.floor(i / 3) * 37_000; // ties: three orders share each millisecond
          return { time, updateTime: time + (i % 5) * 40 };
        }),
      );
      const page = await client.source().allForceOrders({ startTime: T0, endTime: T0 + 3 * HOUR });
      const ids = page.orders.map((o) => o.orderId);
      expect(new Set(ids).size).toBe(260);
      expect([...ids].sort((a, b) => a - b)).toEqual(added.map((o) => o.orderId).sort((a, b) => a - b));
      const keys = page.orders.map((o) => [o.updateTime, o.orderId] as const);
      expect(keys).toEqual([...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
      expect(page.requests).toBeGreaterThanOrEqual(3);
      expect(page.weight).toBe(sim.requests.filter((r) => r.path.endsWith('forceOrders')).reduce((sum, r) => sum + r.weight, 0));
    });

    it('returns hundreds of orders tied on one millisecond across symbols', async () => {
      const { sim, client } = await startHarness({ sim: { pageEnd, windowField } });
      const burst = sim.addBurst(300, { at: T0 + 500, symbols: ['BTCUSD_PERP', 'ETHUSD_PERP', 'SOLUSD_PERP', 'XRPUSD_PERP'] });
      const page = await client.source().allForceOrders({ startTime: T0, endTime: T0 + 7 * 24 * HOUR - 1 });
      expect(page.orders.map((o) => o.orderId).sort((a, b) => a - b)).toEqual(burst.map((o) => o.orderId).sort((a, b) => a - b));
      // Cutting at the page's median finds the cluster at once; halving 7 days down to 1 ms took 73 requests.
      expect(page.requests).toBeLessThanOrEqual(20);
    });
  });

  it('keeps settlement closes that only an unfiltered query returns when a millisecond is split', async () => {
    const { sim, client } = await startHarness();
    const settlements = sim.addOrders(
      Array.from({ length: 5 }, () => ({ kind: 'SETTLEMENT' as const, symbol: 'BTCUSD_261225', time: T0 + 500, updateTime: T0 + 500 })),
    );
    const burst = sim.addBurst(120, { at: T0 + 500, symbols: ['BTCUSD_PERP', 'ETHUSD_PERP'] });
    const { orders } = await client.source().allForceOrders({ startTime: T0, endTime: T0 + HOUR });
    const ids = orders.map((o) => o.orderId).sort((a, b) => a - b);
    expect(ids).toEqual([...settlements, ...burst].map((o) => o.orderId).sort((a, b) => a - b));
  });

  it('throws rather than return part of a millisecond holding over 100 orders of one symbol and kind', async () => {
    const { sim, client } = await startHarness();
    sim.addBurst(150, { at: T0 + 500, symbols: ['BTCUSD_PERP'] });
    const error = await rejection(client.source().allForceOrders({ startTime: T0, endTime: T0 + HOUR }));
    expect(BinanceError.isIncompleteResultError(error)).toBe(true);
    expect((error as BinanceError).fatal).toBe(false); // not a reason to stop polling
    expect(error.message).toContain('BTCUSD_PERP');
  });

  it('splits a window over 7 days into 7-day pieces', async () => {
    const { sim, client } = await startHarness();
    const now = Date.now();
    const early = sim.addOrder({ time: now - 9 * 24 * HOUR, updateTime: now - 9 * 24 * HOUR });
    const late = sim.addOrder({ time: now - HOUR, updateTime: now - HOUR });
    const page = await client.source().allForceOrders({ startTime: now - 10 * 24 * HOUR, endTime: now });
    expect(page.orders.map((o) => o.orderId)).toEqual([early.orderId, late.orderId]);
    for (const request of sim.requests.filter((r) => r.path.endsWith('forceOrders'))) {
      expect(Number(request.params.endTime) - Number(request.params.startTime)).toBeLessThanOrEqual(FORCE_ORDER_WINDOW_MS);
    }
  });

  it('tags kinds from clientOrderId (settlement closes as SETTLEMENT, silently) and, where it is silent, from autoCloseType queries', async () => {
    const { sim, client, lines } = await startHarness();
    const [liq, adl, odd, settlement, unknown] = sim.addOrders([
      { time: T0 + 10, updateTime: T0 + 10, kind: 'LIQUIDATION' },
      { time: T0 + 20, updateTime: T0 + 20, kind: 'ADL' },
      { time: T0 + 30, updateTime: T0 + 30, kind: 'ADL', symbol: 'BTCUSD_PERP', clientOrderId: 'renamed-by-binance-1' },
      { time: T0 + 40, updateTime: T0 + 40, kind: 'SETTLEMENT', symbol: 'BTCUSD_261225' },
      { time: T0 + 50, updateTime: T0 + 50, kind: 'SETTLEMENT', symbol: 'ETHUSD_261225', clientOrderId: 'renamed-by-binance-2' },
    ]);
    const source = client.source();
    const { orders } = await source.allForceOrders({ startTime: T0, endTime: T0 + HOUR });
    const kindOf = (id: number | undefined) => orders.find((o) => o.orderId === id)?.kind;
    expect(kindOf(liq?.orderId)).toBe('LIQUIDATION');
    expect(kindOf(adl?.orderId)).toBe('ADL');
    expect(kindOf(odd?.orderId)).toBe('ADL');
    // `settlement_autoclose-…` says what it is: no lookup, no warning.
    expect(kindOf(settlement?.orderId)).toBe('SETTLEMENT');
    // An id that says nothing and appears under neither autoCloseType: never dropped, tagged LIQUIDATION, said loudly.
    expect(kindOf(unknown?.orderId)).toBe('LIQUIDATION');
    const warnings = lines.filter((l) => l.includes('"level":"warn"'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('neither autoCloseType');
    expect(warnings[0]).toContain(`"orderId":${unknown!.orderId}`);
    // Asked per symbol (weight 20), over just the span of that symbol's unclear orders; never for the settlement close.
    const lookups = sim.requests.filter((r) => r.params.autoCloseType).map((r) => [r.params.symbol, r.params.autoCloseType, r.weight]);
    expect(lookups).toEqual([
      ['BTCUSD_PERP', 'LIQUIDATION', 20],
      ['BTCUSD_PERP', 'ADL', 20],
      ['ETHUSD_261225', 'LIQUIDATION', 20],
      ['ETHUSD_261225', 'ADL', 20],
    ]);
    expect(sim.requests.filter((r) => r.params.symbol === 'ETHUSD_261225').every((r) => r.params.startTime === String(T0 + 50))).toBe(true);
    // A second poll of the same window does not ask again.
    await source.allForceOrders({ startTime: T0, endTime: T0 + HOUR });
    expect(sim.requests.filter((r) => r.params.autoCloseType)).toHaveLength(4);
  });

  it('keeps a settlement close SETTLEMENT even when a query narrowed by autoCloseType returns it', async () => {
    // Binance does not document whether `autoCloseType=LIQUIDATION` can list a settlement close; if it does,
    // the order's own clientOrderId decides, so `/forceorders liq` cannot show it as a liquidation.
    const { sim, client, lines } = await startHarness();
    const {
      market: _m,
      kind: _k,
      notionalUsd: _n,
      ...wire
    } = forceOrderFixture({
      orderId: 77,
      symbol: 'BTCUSD_261225',
      clientOrderId: 'settlement_autoclose-1764071880000000001',
      updateTime: T0 + 5,
    });
    sim.injectFault({ type: 'badSchema', body: [wire], path: '/papi/v1/cm/forceOrders' });
    const { orders } = await client.source().allForceOrders({ startTime: T0, endTime: T0 + HOUR, autoCloseType: 'LIQUIDATION' });
    expect(orders.map((o) => [o.orderId, o.kind])).toEqual([[77, 'SETTLEMENT']]);
    expect(lines.filter((l) => l.includes('"level":"warn"'))).toEqual([]);
  });

  it('prices COIN-M orders by contractSize from exchangeInfo, fetched once', async () => {
    const { sim, client } = await startHarness();
    sim.addOrders([
      { symbol: 'BTCUSD_PERP', executedQty: '3', origQty: '3', time: T0 + 1, updateTime: T0 + 1 },
      { symbol: 'ETHUSD_PERP', executedQty: '7', origQty: '7', time: T0 + 2, updateTime: T0 + 2 },
    ]);
    const source = client.source('cm');
    const { orders } = await source.allForceOrders({ startTime: T0, endTime: T0 + HOUR });
    expect(orders.map((o) => [o.pair, o.notionalUsd])).toEqual([
      ['BTCUSD', '300'],
      ['ETHUSD', '70'],
    ]);
    await source.allForceOrders({ startTime: T0, endTime: T0 + HOUR });
    expect(sim.requests.filter((r) => r.path === '/dapi/v1/exchangeInfo')).toHaveLength(1);
  });

  it('falls back to 100 USD for BTC and 10 USD otherwise when exchangeInfo is unreachable, warning once', async () => {
    const { sim, client, lines } = await startHarness({ client: { maxAttempts: 1 } });
    sim.injectFault({ type: 'status', status: 404, body: 'not found', path: '/dapi', times: 10 });
    sim.addOrders([
      { symbol: 'BTCUSD_PERP', executedQty: '2', origQty: '2', time: T0 + 1, updateTime: T0 + 1 },
      { symbol: 'BTCUSD_PERP', executedQty: '1', origQty: '1', time: T0 + 2, updateTime: T0 + 2 },
      { symbol: 'ETHUSD_PERP', executedQty: '5', origQty: '5', time: T0 + 3, updateTime: T0 + 3 },
    ]);
    const { orders } = await client.source().allForceOrders({ startTime: T0, endTime: T0 + HOUR });
    expect(orders.map((o) => o.notionalUsd)).toEqual(['200', '100', '50']);
    expect(lines.filter((l) => l.includes('contract size unknown'))).toHaveLength(2); // once per symbol
  });

  it('tries exchangeInfo again ten minutes after it failed, not on every poll', async () => {
    const { sim, client, clock } = await startHarness({ fakeClock: true, client: { maxAttempts: 1 } });
    sim.injectFault({ type: 'status', status: 404, body: 'not found', path: '/dapi' });
    sim.addOrder({ symbol: 'BTCUSD_PERP', executedQty: '2', origQty: '2', time: T0 + 1, updateTime: T0 + 1 });
    const source = client.source();
    const window = { startTime: T0, endTime: T0 + HOUR };
    const dapiRequests = () => sim.requests.filter((r) => r.path === '/dapi/v1/exchangeInfo').length;
    expect((await source.allForceOrders(window)).orders[0]?.notionalUsd).toBe('200'); // the standard 100 USD
    clock!.jump(9 * 60_000);
    await source.allForceOrders(window);
    expect(dapiRequests()).toBe(1);
    clock!.jump(60_000);
    await source.allForceOrders(window);
    expect(dapiRequests()).toBe(2);
  });

  it('reads USD-M orders: notional is cumQuote and pair is the symbol', async () => {
    const { sim, client } = await startHarness();
    const order = sim.addOrder({ market: 'um', symbol: 'BTCUSDT', time: T0 + 5, updateTime: T0 + 5 });
    const { orders } = await client.source('um').allForceOrders({ startTime: T0, endTime: T0 + HOUR });
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ market: 'um', pair: 'BTCUSDT', notionalUsd: order.cumQuote, symbol: 'BTCUSDT' });
    expect(sim.requests.at(-1)?.path).toBe('/papi/v1/um/forceOrders');
  });

  it('refuses a body that breaks the schema, whole, without retrying', async () => {
    const { sim, client } = await startHarness();
    const good = sim.addOrder({ time: T0 + 1, updateTime: T0 + 1 });
    sim.injectFault({ type: 'badSchema', body: [good, { ...good, orderId: good.orderId + 1, executedQty: 1.5 }], path: '/papi' });
    const error = await rejection(client.source().allForceOrders({ startTime: T0, endTime: T0 + HOUR }));
    expect(BinanceError.isResponseError(error)).toBe(true);
    expect(error.message).toMatch(/\[1\]\.executedQty: expected a non-negative decimal string, got 1\.5/);
    expect(sim.requests.filter((r) => r.path.endsWith('forceOrders'))).toHaveLength(1);
  });

  it.each([
    [{ symbol: 'btcusd_perp' }, 'symbol'],
    [{ limit: 500 }, 'limit'],
    [{ startTime: 10, endTime: 5 }, 'startTime'],
    [{ startTime: 0, endTime: FORCE_ORDER_WINDOW_MS + 1 }, 'endTime'],
    [{ autoCloseType: 'BOTH' as never }, 'autoCloseType'],
  ])('validates %j before sending anything', async (query, parameter) => {
    const { sim, client } = await startHarness();
    const error = await rejection(client.forceOrders('cm', query));
    expect(BinanceError.isQueryError(error) && error.parameter).toBe(parameter);
    expect(sim.requests).toHaveLength(0);
  });

  it.each([
    [{ startTime: T0 + 1, endTime: T0 }, 'startTime'],
    [{ startTime: Number.NaN, endTime: T0 }, 'startTime'],
    [{ startTime: T0, endTime: T0 + 1, symbol: 'btc' }, 'symbol'],
  ])('refuses the window %j instead of answering "no orders"', async (window, parameter) => {
    const { sim, client } = await startHarness();
    const error = await rejection(client.source().allForceOrders(window));
    expect(BinanceError.isQueryError(error) && error.parameter).toBe(parameter);
    expect(sim.requests).toHaveLength(0);
  });
});
