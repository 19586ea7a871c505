import { describe, expect, it } from 'vitest';
import { BinanceError } from '../../src/binance/errors.js';
import { SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { printed, rejection, startHarness, untilRequests } from './harness.js';

const WINDOW = { startTime: 0, endTime: 0 };

function forceOrderRequests(sim: { requests: { path: string }[] }) {
  return sim.requests.filter((r) => r.path.endsWith('/forceOrders'));
}

describe('BinanceHttpClient against the PAPI simulator', () => {
  it('signs requests the simulator accepts and measures the clock offset from /fapi/v1/time', async () => {
    const { sim, client } = await startHarness();
    sim.setClockSkew(1500);
    const offset = await client.sync();
    expect(offset).toBeGreaterThan(1000);
    expect(offset).toBeLessThan(2000);
    const order = sim.addOrder({ symbol: 'BTCUSD_PERP', kind: 'LIQUIDATION' });
    const orders = await client.forceOrders('cm', {
      symbol: 'BTCUSD_PERP',
      startTime: order.updateTime - 10,
      endTime: order.updateTime + 10,
    });
    expect(orders.map((o) => o.orderId)).toEqual([order.orderId]);
    const request = sim.requests.at(-1);
    expect(request?.status).toBe(200);
    expect(request?.apiKey).toBe(SIM_API_KEY);
    expect(Object.keys(request?.params ?? {}).at(-1)).toBe('signature');
    expect(request?.params).toMatchObject({ recvWindow: '5000', symbol: 'BTCUSD_PERP' });
    expect(request?.weight).toBe(20);
  });

  it('refuses a wrong secret once, without retrying, naming the setting and leaking nothing', async () => {
    const wrongSecret = 'WRONGxSECRETx000000000000000000000000000000000000000000000000000';
    const { sim, client, lines } = await startHarness({ client: { apiSecret: wrongSecret } });
    const error = await rejection(client.forceOrders('cm', WINDOW));
    expect(BinanceError.isApiError(error) && error.code).toBe(-1022);
    expect(BinanceError.isApiError(error) && error.fatal).toBe(true);
    expect((error as BinanceError).retryable).toBe(false);
    expect(error.message).toContain('BINANCE_API_SECRET');
    expect(forceOrderRequests(sim)).toHaveLength(1);
    const signature = sim.requests[0]?.params.signature ?? 'missing';
    for (const text of [printed(error), ...lines]) {
      expect(text).not.toContain(wrongSecret);
      expect(text).not.toContain(SIM_API_SECRET);
      expect(text).not.toContain(signature);
    }
  });

  it('refuses an unknown key naming BINANCE_API_KEY, the IP allow-list and the permission', async () => {
    const { client } = await startHarness({ client: { apiKey: 'A'.repeat(64) } });
    const error = await rejection(client.forceOrders('cm', WINDOW));
    expect(BinanceError.isApiError(error) && error.code).toBe(-2015);
    expect(error.message).toMatch(/BINANCE_API_KEY.*allow-list/);
    expect(error.message).toContain('Enable Portfolio Margin');
  });

  it('recovers from -1021 after a clock jump with one resync and one retry', async () => {
    const { sim, client } = await startHarness();
    await client.sync();
    sim.setClockSkew(5 * 60_000); // Binance's clock is now 5 minutes ahead of ours
    await client.forceOrders('cm', WINDOW);
    expect(sim.requests.map((r) => `${r.path} ${r.status}`)).toEqual([
      '/fapi/v1/time 200',
      '/papi/v1/cm/forceOrders 400',
      '/fapi/v1/time 200',
      '/papi/v1/cm/forceOrders 200',
    ]);
  });

  it('surfaces a second -1021 instead of resyncing forever', async () => {
    const { sim, client } = await startHarness();
    sim.injectFault({
      type: 'binanceError',
      code: -1021,
      msg: 'Timestamp for this request is outside of the recvWindow.',
      status: 400,
      times: 2,
      path: '/papi',
    });
    const error = await rejection(client.forceOrders('cm', WINDOW));
    expect(BinanceError.isApiError(error) && error.code).toBe(-1021);
    expect(sim.requests.filter((r) => r.path === '/fapi/v1/time')).toHaveLength(1);
  });

  it.each([
    ['HTTP 503', { type: 'status', status: 503 }],
    ['a dropped connection', { type: 'drop' }],
    ['a truncated body', { type: 'truncate' }],
    ['an HTML error page', { type: 'html' }],
    [
      'a transient Binance error',
      { type: 'binanceError', code: -1001, msg: 'Internal error; unable to process your request. Please try again.', status: 500 },
    ],
  ] as const)('retries %s, then succeeds', async (_name, fault) => {
    const { sim, client } = await startHarness();
    sim.injectFault({ ...fault, times: 2, path: '/papi' });
    sim.addOrder({ time: 5, updateTime: 5 });
    const orders = await client.forceOrders('cm', { startTime: 0, endTime: 10 });
    expect(orders).toHaveLength(1);
    expect(forceOrderRequests(sim)).toHaveLength(3); // two retries
  });

  it('times out a request that gets no answer and retries it', async () => {
    const { sim, client } = await startHarness({ client: { requestTimeoutMs: 150 } });
    sim.injectFault({ type: 'timeout', path: '/papi' });
    await client.forceOrders('cm', WINDOW);
    expect(forceOrderRequests(sim)).toHaveLength(2);
  });

  it('gives up after maxAttempts with a retryable error that carries the path, not the signed URL', async () => {
    const { sim, client } = await startHarness({ client: { maxAttempts: 3 } });
    sim.injectFault({ type: 'drop', times: 5, path: '/papi' });
    const error = await rejection(client.forceOrders('cm', WINDOW));
    expect(BinanceError.isNetworkError(error)).toBe(true);
    expect((error as BinanceError).retryable).toBe(true);
    expect((error as BinanceError).path).toBe('/papi/v1/cm/forceOrders');
    expect(forceOrderRequests(sim)).toHaveLength(3);
    expect(printed(error)).not.toContain('signature');
  });

  it('reports a WAF 403 without retrying', async () => {
    const { sim, client } = await startHarness();
    sim.injectFault({ type: 'status', status: 403, body: '<html>Forbidden</html>', path: '/papi' });
    const error = await rejection(client.forceOrders('cm', WINDOW));
    expect(BinanceError.isHttpError(error) && error.status).toBe(403);
    expect(error.message).toContain('firewall');
    expect(forceOrderRequests(sim)).toHaveLength(1);
  });

  it('pauses every PAPI request after a 429 for Retry-After, then carries on', async () => {
    const { sim, client, clock } = await startHarness({ fakeClock: true });
    const papi = () => sim.requests.filter((r) => r.path.startsWith('/papi')).map((r) => r.status);
    sim.injectFault({ type: 'rateLimit', status: 429, retryAfterSec: 7, path: '/papi' });
    const first = client.forceOrders('cm', WINDOW);
    await untilRequests(sim, 1);
    await clock!.untilSleeping(1); // the pause
    const others = [client.forceOrders('um', WINDOW), client.forceOrders('cm', { ...WINDOW, symbol: 'BTCUSD_PERP' })];
    // fapi is not paused: each sync is a whole round trip to the simulator, so PAPI requests sent
    // before them (had they ignored the pause) would have arrived by the time they return.
    await client.sync();
    await client.sync();
    expect(papi()).toEqual([429]); // nothing else went out while paused
    await clock!.advance(6999);
    await client.sync();
    expect(papi()).toEqual([429]);
    await clock!.advance(1);
    await Promise.all([first, ...others]);
    expect(papi()).toEqual([429, 200, 200, 200]);
  });

  it('honours a 418 ban until it ends and logs it at error level with the end time', async () => {
    const { sim, client, clock, lines } = await startHarness({ fakeClock: true });
    sim.injectFault({ type: 'rateLimit', status: 418, retryAfterSec: 120, path: '/papi' });
    const query = client.forceOrders('cm', WINDOW);
    await untilRequests(sim, 1);
    await clock!.untilSleeping(1);
    const banEnd = new Date(clock!.now() + 120_000).toISOString();
    const logged = lines.map((l) => JSON.parse(l) as { level: string; bannedUntil?: string }).find((l) => l.level === 'error');
    expect(logged?.bannedUntil).toBe(banEnd);
    await clock!.advance(119_999);
    expect(sim.requests).toHaveLength(1);
    await clock!.advance(1);
    await query;
    expect(sim.requests.map((r) => r.status)).toEqual([418, 200]);
  });

  it('names the parameter Binance refused (-1102) and does not retry it', async () => {
    const { sim, client } = await startHarness();
    sim.injectFault({
      type: 'binanceError',
      code: -1102,
      msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
      status: 400,
      path: '/papi',
    });
    const error = await rejection(client.forceOrders('cm', WINDOW));
    expect(BinanceError.isApiError(error) && error.parameter).toBe('timestamp');
    expect(forceOrderRequests(sim)).toHaveLength(1);
  });

  it("stops waiting out a pause when the caller's signal aborts", async () => {
    const { sim, client, clock } = await startHarness({ fakeClock: true });
    sim.injectFault({ type: 'rateLimit', status: 429, retryAfterSec: 60, path: '/papi' });
    const controller = new AbortController();
    const query = client.forceOrders('cm', WINDOW, { signal: controller.signal });
    await clock!.untilSleeping(1);
    controller.abort(new Error('shutting down'));
    expect((await rejection(query)).message).toBe('shutting down');
    expect(sim.requests).toHaveLength(1);
  });

  it('times the clock offset on the answered request, not on the retries before it', async () => {
    const { sim, client, clock } = await startHarness({
      fakeClock: true,
      client: { backoff: { baseMs: 10_000, capMs: 10_000, random: () => 0.9 } },
    });
    sim.setClockSkew(2500);
    sim.injectFault({ type: 'status', status: 503, path: '/fapi' });
    const offset = client.sync();
    await clock!.untilSleeping(1); // the backoff
    await clock!.advance(9000);
    expect(await offset).toBe(2500);
  });
});
