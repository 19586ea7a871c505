import { describe, expect, it } from 'vitest';
import { get } from './binanceRequest.js';
import { START, useSimulator } from './simHarness.js';

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
    await get(h.sim.url, '/fapi/v1/time?x=1', 'abc');
    expect(h.sim.requests).toEqual([
      { method: 'GET', path: '/fapi/v1/time', params: { x: '1' }, apiKey: 'abc', weight: 1, status: 200, at: START },
    ]);
  });
});
