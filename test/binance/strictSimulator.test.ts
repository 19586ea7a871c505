import { describe, expect, it } from 'vitest';
import { BinanceHttpClient } from '../../src/binance/BinanceHttpClient.js';
import { createSigner } from '../../src/binance/createSigner.js';
import { BinanceError } from '../../src/binance/errors.js';
import { WeightLimiter } from '../../src/binance/WeightLimiter.js';
import { PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { rejection, startHarness } from './harness.js';

const T0 = Date.UTC(2026, 10, 20);
const HOUR = 3_600_000;

/** The bare HTTP client against `sim`, to send parameters the force-order client would refuse to. */
function httpClient(sim: PapiSimulator): BinanceHttpClient {
  const limiter = () => new WeightLimiter();
  return new BinanceHttpClient({
    apiKey: SIM_API_KEY,
    signer: createSigner({ apiSecret: SIM_API_SECRET }),
    limiters: { papi: limiter(), fapi: limiter(), dapi: limiter() },
    fapiUrl: sim.url,
    recvWindow: 5000,
    requestTimeoutMs: 2000,
    maxAttempts: 1,
  });
}

describe.each([true, false])('the client against the simulator with strictParams: %s', (strictParams) => {
  it('sends only parameters Binance reads, signature last: every request of a full cycle is accepted', async () => {
    const { sim, client } = await startHarness({ sim: { strictParams } });
    await client.sync();
    // A full millisecond in each market: split by kind, then by symbol (which reads dapi's and fapi's exchangeInfo).
    const cm = sim.addBurst(150, { at: T0 + 500, symbols: ['BTCUSD_PERP', 'ETHUSD_PERP'] });
    const um = sim.addBurst(150, { at: T0 + 500, market: 'um', symbols: ['BTCUSDT', 'ETHUSDT'] });
    const window = { startTime: T0, endTime: T0 + HOUR };
    expect((await client.source('cm').allForceOrders(window)).orders).toHaveLength(cm.length);
    expect((await client.source('um').allForceOrders(window)).orders).toHaveLength(um.length);
    for (const market of ['cm', 'um'] as const) {
      const symbol = market === 'cm' ? 'BTCUSD_PERP' : 'BTCUSDT';
      await client.forceOrders(market, { symbol, autoCloseType: 'ADL', ...window, limit: 100 });
    }
    const paths = new Set(sim.requests.map((r) => r.path));
    expect(paths).toEqual(
      new Set(['/fapi/v1/time', '/papi/v1/cm/forceOrders', '/papi/v1/um/forceOrders', '/dapi/v1/exchangeInfo', '/fapi/v1/exchangeInfo']),
    );
    expect(sim.requests.filter((r) => r.status !== 200)).toEqual([]);
  });

  it(`a misspelt parameter is ${strictParams ? 'refused with -1104, not retried' : 'ignored'}`, async () => {
    const sim = await PapiSimulator.start({ strictParams });
    const http = httpClient(sim);
    try {
      const request = { baseUrl: sim.url, path: '/papi/v1/cm/forceOrders', signed: true, weight: 50 };
      const answer = http.get({ ...request, params: { symbl: 'BTCUSD_PERP' } });
      if (strictParams) {
        const error = await rejection(answer);
        expect(BinanceError.isApiError(error) && error.code).toBe(-1104);
        expect((error as BinanceError).retryable).toBe(false);
      } else {
        expect(await answer).toEqual([]);
      }
      expect(sim.requests).toHaveLength(1);
    } finally {
      http.close();
      await sim.close();
    }
  });
});

describe('-1130 from the simulator', () => {
  it('names the parameter, and the client reads that name into the error', async () => {
    const sim = await PapiSimulator.start();
    const http = httpClient(sim);
    try {
      const error = await rejection(
        http.get({ baseUrl: sim.url, path: '/papi/v1/um/forceOrders', params: { limit: 101 }, signed: true, weight: 50 }),
      );
      expect(BinanceError.isApiError(error) && error.code).toBe(-1130);
      expect(BinanceError.isApiError(error) && error.parameter).toBe('limit');
      expect(error.message).toContain('(parameter limit)');
    } finally {
      http.close();
      await sim.close();
    }
  });
});
