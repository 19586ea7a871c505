import { describe, expect, it } from 'vitest';
import { SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { get, signatureFor } from './binanceRequest.js';
import { START, useSimulator } from './simHarness.js';

const DAY = 24 * 60 * 60 * 1000;

describe("force-order parameters (Query User's CM/UM Force Orders)", () => {
  const h = useSimulator();

  it.each([['0'], ['101']])('rejects limit=%s with -1130 naming the parameter, and HTTP 400', async (limit) => {
    const reply = await h.forceOrders('cm', { limit });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ code: -1130, msg: "Data sent for parameter 'limit' is not valid." });
  });

  it('rejects a non-numeric limit as illegal characters (-1100)', async () => {
    expect((await h.forceOrders('cm', { limit: 'ten' })).json).toMatchObject({ code: -1100 });
  });

  it('accepts limit 1 and 100', async () => {
    expect((await h.forceOrders('cm', { limit: 1 })).status).toBe(200);
    expect((await h.forceOrders('cm', { limit: 100 })).status).toBe(200);
  });

  it('rejects an autoCloseType other than LIQUIDATION or ADL with -1130', async () => {
    expect((await h.forceOrders('um', { autoCloseType: 'SETTLEMENT' })).json).toEqual({
      code: -1130,
      msg: "Data sent for parameter 'autoCloseType' is not valid.",
    });
    expect((await h.forceOrders('um', { autoCloseType: 'adl' })).json).toMatchObject({ code: -1130 });
  });

  it('rejects startTime after endTime with -1023', async () => {
    const reply = await h.forceOrders('cm', { startTime: START, endTime: START - 1 });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ code: -1023, msg: 'Start time is greater than end time.' });
  });

  it('rejects a symbol the market does not trade with -1121 (a pair is not a COIN-M symbol)', async () => {
    expect((await h.forceOrders('cm', { symbol: 'BTCUSD' })).json).toEqual({ code: -1121, msg: 'Invalid symbol.' });
    expect((await h.forceOrders('cm', { symbol: 'BTCUSDT' })).json).toMatchObject({ code: -1121 });
    expect((await h.forceOrders('um', { symbol: 'BTCUSD_PERP' })).json).toMatchObject({ code: -1121 });
    expect((await h.forceOrders('cm', { symbol: 'BTCUSD_261225' })).status).toBe(200);
  });

  it('accepts exactly 7 days and rejects one ms more with -1127', async () => {
    expect((await h.forceOrders('cm', { startTime: START - 7 * DAY, endTime: START })).status).toBe(200);
    const reply = await h.forceOrders('cm', { startTime: START - 7 * DAY - 1, endTime: START });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ code: -1127, msg: 'More than 168 hours between startTime and endTime.' });
  });

  it('refuses a parameter the endpoint does not read (unknown or misspelt) with -1104, counting read and sent', async () => {
    const reply = await h.forceOrders('cm', { symbol: 'BTCUSD_PERP', limt: 5 });
    expect(reply.status).toBe(400);
    // symbol, timestamp and signature read; limt not: 3 of 4.
    expect(reply.json).toEqual({ code: -1104, msg: "Not all sent parameters were read; read '3' parameter(s) but was sent '4'." });
    expect((await get(h.sim.url, '/fapi/v1/time?symbol=BTCUSDT')).json).toMatchObject({ code: -1104 });
    expect((await h.forceOrders('cm', { symbol: 'BTCUSD_PERP', limit: 5, recvWindow: 5000 })).status).toBe(200);
  });

  it('rejects the same parameter twice with -1101', async () => {
    const payload = `limit=5&limit=6&timestamp=${START}`;
    const signature = signatureFor({ secret: SIM_API_SECRET }, payload);
    const reply = await get(h.sim.url, `/papi/v1/cm/forceOrders?${payload}&signature=${signature}`, SIM_API_KEY);
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ code: -1101 });
  });
});

describe('strictParams: false (lenient, as Binance futures have been seen to be)', () => {
  const h = useSimulator({ strictParams: false });

  it('ignores parameters it does not know', async () => {
    expect((await h.forceOrders('cm', { foo: 'bar' })).status).toBe(200);
    expect((await get(h.sim.url, '/fapi/v1/time?x=1')).status).toBe(200);
  });
});

describe('window too long, -4165 flavour', () => {
  const h = useSimulator({ windowTooLongCode: -4165 });

  it('answers -4165 "Maximum time interval is 7 days"', async () => {
    const reply = await h.forceOrders('um', { startTime: START - 8 * DAY, endTime: START });
    expect(reply.json).toEqual({ code: -4165, msg: 'Maximum time interval is 7 days' });
  });
});
