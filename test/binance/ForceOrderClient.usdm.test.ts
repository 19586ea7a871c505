import { describe, expect, it } from 'vitest';
import { startHarness } from './harness.js';

const T0 = Date.UTC(2026, 10, 20);
const HOUR = 3_600_000;

describe('ForceOrderClient on USD-M against the PAPI simulator', () => {
  it('reads a millisecond holding 250 liquidations by splitting it by the symbols of /fapi/v1/exchangeInfo', async () => {
    const { sim, client } = await startHarness();
    const burst = sim.addBurst(250, { at: T0 + 500, market: 'um', symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT'] });
    const page = await client.source('um').allForceOrders({ startTime: T0, endTime: T0 + HOUR });
    const ids = (orders: readonly { orderId: number }[]) => orders.map((o) => o.orderId).sort((a, b) => a - b);
    expect(ids(page.orders)).toEqual(ids(burst));
    expect(page.orders.every((o) => o.market === 'um' && o.notionalUsd === o.cumQuote)).toBe(true);
    // The symbol list came from USD-M's own exchangeInfo, charged to fapi's weight, not PAPI's.
    expect(sim.requests.filter((r) => r.path === '/fapi/v1/exchangeInfo').map((r) => r.status)).toEqual([200]);
    expect(sim.usedWeight('fapi')).toBe(1);
    // Every listed symbol was asked once, at 20 weight each (8 USD-M symbols).
    const bySymbol = sim.requests.filter((r) => r.path === '/papi/v1/um/forceOrders' && r.params.symbol !== undefined);
    expect(new Set(bySymbol.map((r) => r.params.symbol)).size).toBe(8);
  });
});
