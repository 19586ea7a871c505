import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ForceOrdersDeps } from '../../commands/forceOrdersCommand.js';
import { forceOrdersCommand } from '../../commands/forceOrdersCommand.js';
import { type BinanceClient, createBinanceClient } from '../../src/binance/createBinanceClient.js';
import type { ForceOrder } from '../../src/binance/types.js';
import type { ArchiveReader, ForceOrdersResult } from '../../src/queries.js';
import { PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FORCE_ORDERS = '/papi/v1/cm/forceOrders';

/**
 * `/forceorders` end to end: the real signed client over HTTP on loopback against the PAPI
 * simulator, which charges Binance's documented weights and refuses what Binance refuses.
 */
describe('forceOrdersCommand against the PAPI simulator', () => {
  let clock: FakeClock;
  let sim: PapiSimulator;
  let client: BinanceClient;
  let archived: ForceOrder[];
  let archiveReads: { startTime: number; endTime: number }[];

  const archive: ArchiveReader = {
    read: async (window) => {
      archiveReads.push(window);
      return archived.filter((o) => o.updateTime >= window.startTime && o.updateTime <= window.endTime);
    },
  };

  function connect(apiKey = SIM_API_KEY): ForceOrdersDeps {
    client = createBinanceClient({
      apiKey,
      apiSecret: SIM_API_SECRET,
      papiUrl: sim.url,
      fapiUrl: sim.url,
      dapiUrl: sim.url,
      clock,
      maxAttempts: 1,
    });
    return { exchange: client.source('cm'), archive, now: () => clock.now() };
  }

  function forceOrderRequests() {
    return sim.requests.filter((r) => r.path === FORCE_ORDERS);
  }

  function ok(result: ForceOrdersResult): Extract<ForceOrdersResult, { ok: true }> {
    if (!result.ok) throw new Error(`expected rows, got: ${result.error}`);
    return result;
  }

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await PapiSimulator.start({ now: () => clock.now() });
    archived = [];
    archiveReads = [];
  });

  afterEach(async () => {
    await client?.close();
    await sim.close();
  });

  it('asks for a pair without symbol (weight 50) and keeps only that pair, newest first', async () => {
    const now = clock.now();
    sim.addOrder({ symbol: 'BTCUSD_PERP', kind: 'LIQUIDATION', updateTime: now - 3 * HOUR, executedQty: '2' });
    sim.addOrder({ symbol: 'BTCUSD_261225', kind: 'ADL', updateTime: now - HOUR, executedQty: '1' });
    sim.addOrder({ symbol: 'ETHUSD_PERP', kind: 'LIQUIDATION', updateTime: now - 2 * HOUR });
    sim.addOrder({ symbol: 'BTCUSD_PERP', kind: 'LIQUIDATION', updateTime: now - 2 * DAY });

    const result = ok(await forceOrdersCommand('btcusd', connect()));

    const requests = forceOrderRequests();
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect(request.params).not.toHaveProperty('symbol');
      expect(request.params).not.toHaveProperty('autoCloseType');
      expect(request.weight).toBe(50);
      expect(Number(request.params.startTime)).toBe(now - DAY);
      expect(Number(request.params.endTime)).toBe(now);
    }
    expect(result.rows.map((o) => [o.symbol, o.kind])).toEqual([
      ['BTCUSD_261225', 'ADL'],
      ['BTCUSD_PERP', 'LIQUIDATION'],
    ]);
    // BTC contracts are 100 USD each: 1 + 2 contracts.
    expect(result.totals).toEqual({ notionalUsd: '300', liquidations: 1, adl: 1, settlement: 0 });
    expect(result.weightSpent).toBe(requests.reduce((sum, r) => sum + r.weight, 0));
  });

  it('sends symbol and autoCloseType for a symbol and kind (weight 20)', async () => {
    const now = clock.now();
    sim.addOrder({ symbol: 'ETHUSD_PERP', kind: 'ADL', updateTime: now - 10 * 60_000 });
    sim.addOrder({ symbol: 'ETHUSD_PERP', kind: 'LIQUIDATION', updateTime: now - 5 * 60_000 });

    const result = ok(await forceOrdersCommand('ADL ethusd_perp 30m', connect()));

    const [request, ...more] = forceOrderRequests();
    expect(more).toEqual([]);
    expect(request?.params).toMatchObject({ symbol: 'ETHUSD_PERP', autoCloseType: 'ADL', startTime: String(now - 30 * 60_000) });
    expect(request?.weight).toBe(20);
    expect(result.weightSpent).toBe(20);
    expect(result.rows.map((o) => o.kind)).toEqual(['ADL']);
  });

  it('answers "settlement" from an unfiltered query (the simulator refuses autoCloseType=SETTLEMENT as Binance does)', async () => {
    const now = clock.now();
    const settled = sim.addOrder({ symbol: 'BTCUSD_261225', kind: 'SETTLEMENT', updateTime: now - HOUR, executedQty: '3' });
    sim.addOrder({ symbol: 'BTCUSD_PERP', kind: 'LIQUIDATION', updateTime: now - 2 * HOUR });
    sim.addOrder({ symbol: 'BTCUSD_261225', kind: 'ADL', updateTime: now - 3 * HOUR });

    const result = ok(await forceOrdersCommand('btcusd settlement', connect()));

    const requests = forceOrderRequests();
    expect(requests.map((r) => [r.status, r.params.autoCloseType])).toEqual([[200, undefined]]);
    expect(result.rows.map((o) => [o.orderId, o.kind])).toEqual([[settled.orderId, 'SETTLEMENT']]);
    expect(result.totals).toEqual({ notionalUsd: '300', liquidations: 0, adl: 0, settlement: 1 });
    expect(result.query.kind).toBe('SETTLEMENT');
  });

  it('asks Binance for the last 7 days of a 30-day window and merges the archive without duplicates', async () => {
    const now = clock.now();
    const recent = sim.addOrder({ symbol: 'BTCUSD_PERP', kind: 'LIQUIDATION', updateTime: now - 3 * DAY, executedQty: '1' });
    // The bot archived this one as well as Binance still listing it: shown once.
    archived.push(forceOrderFixture({ orderId: recent.orderId, updateTime: recent.updateTime, status: 'ARCHIVED' }));
    archived.push(forceOrderFixture({ orderId: 42, updateTime: now - 20 * DAY, kind: 'ADL', notionalUsd: '1000' }));
    expect(recent.status).not.toBe('ARCHIVED');

    const result = ok(await forceOrdersCommand('30d BTCUSD_PERP', connect()));

    for (const request of forceOrderRequests()) {
      expect(Number(request.params.startTime)).toBeGreaterThanOrEqual(now - 7 * DAY);
      expect(request.status).toBe(200);
    }
    expect(archiveReads).toEqual([{ startTime: now - 30 * DAY, endTime: now - 7 * DAY - 1 }]);
    expect(result.rows.map((o) => [o.orderId, o.status])).toEqual([
      [recent.orderId, recent.status],
      [42, 'FILLED'],
    ]);
    expect(result.source).toBe('exchange+archive');
    expect(result.totals).toEqual({ notionalUsd: '1100', liquidations: 1, adl: 1, settlement: 0 });
  });

  it('reads a window of exactly 7 days from Binance alone, which accepts it', async () => {
    const now = clock.now();
    sim.addOrder({ symbol: 'BTCUSD_PERP', kind: 'ADL', updateTime: now - 7 * DAY });
    const result = ok(await forceOrdersCommand('7d adl btcusd', connect()));
    expect(forceOrderRequests().map((r) => [r.status, r.params.startTime, r.params.autoCloseType])).toEqual([
      [200, String(now - 7 * DAY), 'ADL'],
    ]);
    expect(archiveReads).toEqual([]);
    expect(result).toMatchObject({ total: 1, source: 'exchange', weightSpent: 50 });
  });

  it('turns a rejected API key into an actionable message that carries no secret', async () => {
    const result = await forceOrdersCommand('BTCUSD', connect('WRONGxKEYxNOTxREALx000000000000000000000000000000000000000000000'));
    expect(result).toMatchObject({
      ok: false,
      reason: 'exchange',
      error: 'Binance rejected the API key: check BINANCE_API_KEY, its secret or private key, and the IP allow-list.',
    });
    const text = JSON.stringify(result);
    expect(text).not.toContain(SIM_API_SECRET);
    expect(text).not.toContain('WRONGxKEY');
    expect(text).not.toMatch(/signature|\/papi\//);
  });

  it('turns a rate limit into "try again in a minute"', async () => {
    sim.injectFault({ type: 'rateLimit', status: 429, retryAfterSec: 30, path: FORCE_ORDERS });
    const result = await forceOrdersCommand('BTCUSD_PERP', connect());
    expect(result).toMatchObject({ ok: false, reason: 'exchange', error: 'Binance rate limit: try again in a minute.' });
  });

  it('turns a Binance 5xx into "not answering right now"', async () => {
    sim.injectFault({ type: 'status', status: 503, path: FORCE_ORDERS });
    const result = await forceOrdersCommand('BTCUSD_PERP', connect());
    expect(result).toMatchObject({ ok: false, reason: 'exchange', error: 'Binance is not answering right now: try again shortly.' });
  });
});
