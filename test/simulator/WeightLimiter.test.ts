import { describe, expect, it } from 'vitest';
import { get } from './binanceRequest.js';
import { START, useSimulator } from './simHarness.js';

const MINUTE = 60_000;

describe('request weight (General Info: IP limits)', () => {
  const h = useSimulator({ weightLimitPerMinute: 100, rateLimitStrikesBeforeBan: 2 });

  it('sends X-MBX-USED-WEIGHT-1m on every response, counting 20 with symbol and 50 without', async () => {
    const first = await h.forceOrders('cm', { symbol: 'BTCUSD_PERP' });
    expect(first.headers.get('x-mbx-used-weight-1m')).toBe('20');
    const second = await h.forceOrders('um');
    expect(second.headers.get('X-MBX-USED-WEIGHT-1M')).toBe('70');
    expect(h.sim.usedWeight()).toBe(70);
    expect(h.sim.requests.map((r) => r.weight)).toEqual([20, 50]);
  });

  it('counts each API apart: fapi, dapi and spot weight never shows in the PAPI header, nor PAPI weight in theirs', async () => {
    await h.forceOrders('um'); // 50 on papi
    const fapi = await get(h.sim.url, '/fapi/v1/time');
    expect(fapi.headers.get('x-mbx-used-weight-1m')).toBe('1');
    expect((await get(h.sim.url, '/fapi/v1/exchangeInfo')).headers.get('x-mbx-used-weight-1m')).toBe('2');
    expect((await get(h.sim.url, '/dapi/v1/exchangeInfo')).headers.get('x-mbx-used-weight-1m')).toBe('1');
    expect((await get(h.sim.url, '/dapi/v1/time')).headers.get('x-mbx-used-weight-1m')).toBe('2');
    expect((await get(h.sim.url, '/api/v3/time')).headers.get('x-mbx-used-weight-1m')).toBe('1');
    expect((await get(h.sim.url, '/papi/v1/ping')).headers.get('x-mbx-used-weight-1m')).toBe('51');
    expect([h.sim.usedWeight(), h.sim.usedWeight('papi')]).toEqual([51, 51]);
    expect([h.sim.usedWeight('fapi'), h.sim.usedWeight('dapi'), h.sim.usedWeight('api')]).toEqual([2, 2, 1]);
  });

  it("limits each API by its own limit: PAPI's 429 leaves fapi answering", async () => {
    for (let i = 0; i < 2; i += 1) await h.forceOrders('um'); // PAPI's 100 spent
    expect((await h.forceOrders('um')).status).toBe(429);
    const fapi = await get(h.sim.url, '/fapi/v1/time');
    expect(fapi.status).toBe(200);
    expect(fapi.headers.get('x-mbx-used-weight-1m')).toBe('1');
  });

  it('counts weight even for requests Binance refuses (a bad signature still costs)', async () => {
    await get(h.sim.url, `/papi/v1/cm/forceOrders?timestamp=${START}&signature=00`, 'k');
    expect(h.sim.usedWeight()).toBe(50);
  });

  it('resets at the next minute of the server clock', async () => {
    h.advance(MINUTE - (START % MINUTE) - 1); // last ms of the minute
    await h.forceOrders('um');
    expect(h.sim.usedWeight()).toBe(50);
    h.advance(1);
    expect(h.sim.usedWeight()).toBe(0);
    expect((await h.forceOrders('um')).headers.get('x-mbx-used-weight-1m')).toBe('50');
  });

  it('answers 429 with -1003 and Retry-After (seconds to the next minute) once the limit is passed', async () => {
    h.advance(15_000);
    expect((await h.forceOrders('um')).status).toBe(200);
    expect((await h.forceOrders('um')).status).toBe(200);
    const over = await h.forceOrders('um');
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('45');
    expect(over.json).toMatchObject({ code: -1003 });
    expect((over.json as { msg: string }).msg).toContain('current limit is 100 request weight per 1 MINUTE');
  });

  it('bans with 418 after more 429s than allowed: 2 minutes, then twice as long the next time', async () => {
    for (let i = 0; i < 2; i += 1) await h.forceOrders('um'); // 100 used
    expect((await h.forceOrders('um')).status).toBe(429);
    expect((await h.forceOrders('um')).status).toBe(429);
    const banned = await h.forceOrders('um');
    expect(banned.status).toBe(418);
    expect(banned.headers.get('retry-after')).toBe('120');
    expect(banned.json).toEqual({
      code: -1003,
      msg: `Way too much request weight used; IP banned until ${START + 2 * MINUTE}. Please use WebSocket Streams for live updates to avoid bans.`,
    });
    // Banned for every endpoint of the API (not the other APIs), and the ban survives the minute boundary.
    expect((await get(h.sim.url, '/fapi/v1/time')).status).toBe(200);
    h.advance(MINUTE);
    const still = await get(h.sim.url, '/papi/v1/ping');
    expect(still.status).toBe(418);
    expect(still.headers.get('retry-after')).toBe('60');
    h.advance(MINUTE);
    expect((await get(h.sim.url, '/papi/v1/ping')).status).toBe(200);

    for (let i = 0; i < 5; i += 1) await h.forceOrders('um');
    const again = await h.forceOrders('um');
    expect(again.status).toBe(418);
    expect(again.headers.get('retry-after')).toBe('240');
  });
});

describe('request weight: a limit per API', () => {
  const h = useSimulator({ weightLimitPerMinute: { fapi: 2 } });

  it("takes an object of limits: fapi's 2 is passed at the third time request, PAPI keeps Binance's 6000", async () => {
    expect((await get(h.sim.url, '/fapi/v1/time')).status).toBe(200);
    expect((await get(h.sim.url, '/fapi/v1/time')).status).toBe(200);
    const over = await get(h.sim.url, '/fapi/v1/time');
    expect(over.status).toBe(429);
    expect((over.json as { msg: string }).msg).toContain('current limit is 2 request weight per 1 MINUTE');
    expect((await h.forceOrders('um')).status).toBe(200);
  });
});
