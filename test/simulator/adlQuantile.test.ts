import { describe, expect, it } from 'vitest';
import { SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { get, signedGet } from './binanceRequest.js';
import { START, useSimulator } from './simHarness.js';

const h = useSimulator();

/** Signed `GET /papi/v1/{market}/adlQuantile` at the simulator's now, as the PM pages describe it. */
function adlQuantile(market: 'um' | 'cm', params: Record<string, string | number> = {}) {
  return signedGet(
    h.sim.url,
    `/papi/v1/${market}/adlQuantile`,
    { ...params, timestamp: h.now() },
    { apiKey: SIM_API_KEY, secret: SIM_API_SECRET },
  );
}

describe('GET /papi/v1/{um|cm}/adlQuantile', () => {
  it('answers [] for an account without positions, at weight 5 per request', async () => {
    const um = await adlQuantile('um');
    expect(um.status).toBe(200);
    expect(um.json).toEqual([]);
    expect(um.headers.get('x-mbx-used-weight-1m')).toBe('5');
    expect((await adlQuantile('cm')).headers.get('x-mbx-used-weight-1m')).toBe('10');
  });

  it("scores each book's symbols as the pages' examples show them: one-way BOTH, hedge LONG/SHORT, crossed hedge with the HEDGE sign", async () => {
    h.sim.adl.set([
      { market: 'cm', symbol: 'BTCUSD_PERP', positionSide: 'BOTH', quantile: 3 },
      { market: 'cm', symbol: 'BTCUSD_261225', positionSide: 'LONG', quantile: 1 },
      { market: 'cm', symbol: 'BTCUSD_261225', positionSide: 'SHORT', quantile: 2 },
      { market: 'cm', symbol: 'ETHUSD_PERP', positionSide: 'LONG', quantile: 4, crossed: true },
      { market: 'cm', symbol: 'ETHUSD_PERP', positionSide: 'SHORT', quantile: 1, crossed: true },
      { market: 'um', symbol: 'BTCUSDT', positionSide: 'BOTH', quantile: 0 },
    ]);
    expect((await adlQuantile('cm')).json).toEqual([
      { symbol: 'BTCUSD_PERP', adlQuantile: { LONG: 0, SHORT: 0, BOTH: 3 } },
      { symbol: 'BTCUSD_261225', adlQuantile: { LONG: 1, SHORT: 2, BOTH: 0 } },
      { symbol: 'ETHUSD_PERP', adlQuantile: { LONG: 4, SHORT: 4, HEDGE: 0 } },
    ]);
    expect((await adlQuantile('um')).json).toEqual([{ symbol: 'BTCUSDT', adlQuantile: { LONG: 0, SHORT: 0, BOTH: 0 } }]);
    expect((await adlQuantile('cm', { symbol: 'ETHUSD_PERP' })).json).toEqual([
      { symbol: 'ETHUSD_PERP', adlQuantile: { LONG: 4, SHORT: 4, HEDGE: 0 } },
    ]);
  });

  it('shows a change from the next 30-second refresh on the server clock ("Values update every 30s")', async () => {
    // START is on the 30 s grid; the first request takes the first snapshot.
    expect(START % 30_000).toBe(0);
    await adlQuantile('um');
    h.sim.adl.set([{ market: 'um', symbol: 'BTCUSDT', positionSide: 'BOTH', quantile: 4 }]);
    h.advance(29_999);
    expect((await adlQuantile('um')).json).toEqual([]);
    h.advance(1);
    expect((await adlQuantile('um')).json).toEqual([{ symbol: 'BTCUSDT', adlQuantile: { LONG: 0, SHORT: 0, BOTH: 4 } }]);
    h.sim.adl.set([]);
    h.sim.adl.refreshNow();
    expect((await adlQuantile('um')).json).toEqual([]);
  });

  it('is USER_DATA: refused without a signature', async () => {
    const reply = await get(h.sim.url, `/papi/v1/um/adlQuantile?timestamp=${h.now()}`, SIM_API_KEY);
    expect(reply.status).toBe(400);
    expect((reply.json as { code: number }).code).toBeLessThan(0);
  });
});
