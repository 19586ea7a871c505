import { describe, expect, it } from 'vitest';
import type { RawForceOrderWire } from '../../src/simulator/types.js';
import { get } from './binanceRequest.js';
import { START, useSimulator } from './simHarness.js';

const ids = (reply: { json: unknown }) => (reply.json as RawForceOrderWire[]).map((o) => o.orderId);

describe('unsigned endpoints', () => {
  const h = useSimulator();

  it('GET /fapi/v1/time answers the server clock', async () => {
    const reply = await get(h.sim.url, '/fapi/v1/time');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ serverTime: START });
  });

  it('GET /papi/v1/ping answers {}', async () => {
    expect((await get(h.sim.url, '/papi/v1/ping')).json).toEqual({});
  });

  it('GET /dapi/v1/exchangeInfo lists every COIN-M symbol it trades with contract sizes', async () => {
    const reply = await get(h.sim.url, '/dapi/v1/exchangeInfo');
    const info = reply.json as { timezone: string; serverTime: number; symbols: Record<string, unknown>[] };
    expect(info.timezone).toBe('UTC');
    expect(info.serverTime).toBe(START);
    const bySymbol = new Map(info.symbols.map((s) => [s.symbol, s]));
    expect(bySymbol.get('BTCUSD_PERP')).toMatchObject({
      pair: 'BTCUSD',
      contractType: 'PERPETUAL',
      contractSize: 100,
      marginAsset: 'BTC',
      baseAsset: 'BTC',
      quoteAsset: 'USD',
      contractStatus: 'TRADING',
    });
    expect(bySymbol.get('BTCUSD_261225')).toMatchObject({ contractType: 'CURRENT_QUARTER', contractSize: 100 });
    expect(bySymbol.get('ETHUSD_PERP')).toMatchObject({ contractSize: 10 });
    // Every symbol an order can carry is listed.
    for (const order of h.sim.addBurst(200)) expect(bySymbol.has(order.symbol)).toBe(true);
  });

  it('answers 404 for a path it does not serve, without charging weight', async () => {
    expect((await get(h.sim.url, '/papi/v1/nothing')).status).toBe(404);
    expect(h.sim.usedWeight()).toBe(0);
  });

  it('logs each request with path, params, key, weight, status and server time', async () => {
    await get(h.sim.url, '/fapi/v1/time?x=1', 'abc'); // x is not read: -1104, HTTP 400, weight still charged
    expect(h.sim.requests).toEqual([
      { method: 'GET', path: '/fapi/v1/time', params: { x: '1' }, apiKey: 'abc', weight: 1, status: 400, at: START },
    ]);
  });

  it.each(['/dapi/v1/time', '/api/v3/time'])('GET %s answers the server clock (weight 1)', async (path) => {
    const reply = await get(h.sim.url, path);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ serverTime: START });
    expect(reply.headers.get('x-mbx-used-weight-1m')).toBe('1');
  });

  it('GET /fapi/v1/exchangeInfo lists every USD-M symbol it trades, with status and no contract size', async () => {
    const reply = await get(h.sim.url, '/fapi/v1/exchangeInfo');
    const info = reply.json as { timezone: string; rateLimits: unknown[]; symbols: Record<string, unknown>[] };
    expect(info.timezone).toBe('UTC');
    expect(info.rateLimits).toContainEqual({ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 });
    const bySymbol = new Map(info.symbols.map((s) => [s.symbol, s]));
    expect(bySymbol.get('BTCUSDT')).toMatchObject({
      pair: 'BTCUSDT',
      contractType: 'PERPETUAL',
      status: 'TRADING',
      baseAsset: 'BTC',
      quoteAsset: 'USDT',
      marginAsset: 'USDT',
    });
    expect(bySymbol.get('BTCUSDT')).not.toHaveProperty('contractSize');
    expect(bySymbol.has('BTCUSD_PERP')).toBe(false);
    for (const order of h.sim.addBurst(200, { market: 'um' })) expect(bySymbol.has(order.symbol)).toBe(true);
  });
});

describe('force-order selection: default behaviour', () => {
  const h = useSimulator();

  it('returns matching orders oldest first, filtered by symbol and by kind', async () => {
    const late = h.sim.addOrder({ symbol: 'BTCUSD_PERP', kind: 'LIQUIDATION', time: START - 1000 });
    const early = h.sim.addOrder({ symbol: 'ETHUSD_PERP', kind: 'ADL', time: START - 5000 });
    const um = h.sim.addOrder({ market: 'um', symbol: 'BTCUSDT', time: START - 2000 });
    expect(ids(await h.forceOrders('cm'))).toEqual([early.orderId, late.orderId]);
    expect(ids(await h.forceOrders('cm', { symbol: 'BTCUSD_PERP' }))).toEqual([late.orderId]);
    expect(ids(await h.forceOrders('cm', { autoCloseType: 'ADL' }))).toEqual([early.orderId]);
    expect(ids(await h.forceOrders('cm', { autoCloseType: 'LIQUIDATION' }))).toEqual([late.orderId]);
    expect(ids(await h.forceOrders('um'))).toEqual([um.orderId]);
  });

  it('returns the stored wire objects exactly (COIN-M with pair and cumBase, USD-M with cumQuote)', async () => {
    const cm = h.sim.addOrder({ symbol: 'BTCUSD_PERP', time: START - 10 });
    const um = h.sim.addOrder({ market: 'um', time: START - 10 });
    expect((await h.forceOrders('cm')).json).toEqual([cm]);
    expect((await h.forceOrders('um')).json).toEqual([um]);
  });

  it('returns settlement closes only when no autoCloseType is sent', async () => {
    const settled = h.sim.addOrder({ symbol: 'BTCUSD_261225', kind: 'SETTLEMENT', time: START - 10 });
    expect(settled.clientOrderId).toMatch(/^settlement_autoclose-\d+$/);
    expect(ids(await h.forceOrders('cm'))).toEqual([settled.orderId]);
    expect(ids(await h.forceOrders('cm', { autoCloseType: 'LIQUIDATION' }))).toEqual([]);
    expect(ids(await h.forceOrders('cm', { autoCloseType: 'ADL' }))).toEqual([]);
  });

  it('filters on updateTime, inclusive at both ends, and defaults to the 7 days before endTime', async () => {
    const a = h.sim.addOrder({ time: START - 100, updateTime: START - 50 });
    const b = h.sim.addOrder({ time: START - 8 * 86_400_000 });
    expect(ids(await h.forceOrders('cm', { startTime: START - 50, endTime: START - 50 }))).toEqual([a.orderId]);
    expect(ids(await h.forceOrders('cm', { startTime: START - 100, endTime: START - 51 }))).toEqual([]);
    expect(ids(await h.forceOrders('cm'))).toEqual([a.orderId]);
    expect(b.orderId).toBeGreaterThan(a.orderId);
  });

  it('keeps the oldest `limit` orders of a full window (pageEnd oldest), ties broken by orderId', async () => {
    const burst = h.sim.addBurst(120, { at: START - 1000 });
    const page = ids(await h.forceOrders('cm', { limit: 100 }));
    expect(page).toEqual(burst.slice(0, 100).map((o) => o.orderId));
    expect(ids(await h.forceOrders('cm'))).toHaveLength(50);
  });

  it('hides an order until its visibleAt, even though its updateTime is inside the window', async () => {
    const hidden = h.sim.addOrder({ time: START - 5000, visibleAt: START + 3000 });
    expect(ids(await h.forceOrders('cm'))).toEqual([]);
    h.advance(3000);
    expect(ids(await h.forceOrders('cm'))).toEqual([hidden.orderId]);
  });
});

describe('force-order selection: pageEnd newest', () => {
  const h = useSimulator({ pageEnd: 'newest' });

  it('keeps the newest `limit` orders, still sent oldest first', async () => {
    const burst = h.sim.addBurst(30, { at: START - 1000, spreadMs: 10 });
    const page = ids(await h.forceOrders('cm', { limit: 10 }));
    expect(page).toEqual(burst.slice(-10).map((o) => o.orderId));
    const times = (await h.forceOrders('cm', { limit: 10 })).json as RawForceOrderWire[];
    expect(times.map((o) => o.updateTime)).toEqual([...times.map((o) => o.updateTime)].sort((x, y) => x - y));
  });
});

describe('force-order selection: windowField time', () => {
  const h = useSimulator({ windowField: 'time' });

  it('filters on time, not updateTime', async () => {
    const order = h.sim.addOrder({ time: START - 100, updateTime: START - 10 });
    expect(ids(await h.forceOrders('cm', { startTime: START - 100, endTime: START - 100 }))).toEqual([order.orderId]);
    expect(ids(await h.forceOrders('cm', { startTime: START - 10, endTime: START - 10 }))).toEqual([]);
  });
});
