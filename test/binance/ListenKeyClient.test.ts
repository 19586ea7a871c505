import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createBinanceClient } from '../../src/binance/createBinanceClient.js';
import { BinanceError } from '../../src/binance/errors.js';
import { redact } from '../../src/ops/redact.js';
import { SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { HOUR_MS } from '../../src/time.js';
import { rejection, startHarness } from './harness.js';

describe('ListenKeyClient over the simulator', () => {
  it('creates a listenKey with the API key header and no signature, weight 1 on the PAPI budget, and registers it as a secret', async () => {
    const { sim, client } = await startHarness();
    const key = await client.listenKeys().create();
    expect(key).toMatch(/^[A-Za-z0-9]{16,128}$/);
    const request = sim.requests.at(-1);
    expect(request).toMatchObject({ method: 'POST', path: '/papi/v1/listenKey', apiKey: SIM_API_KEY, weight: 1, status: 200 });
    // USER_STREAM: nothing signed, no parameter at all.
    expect(request?.params).toEqual({});
    // A log line or error that quotes it is scrubbed.
    expect(redact(`connecting to /pm/ws/${key}`)).toBe('connecting to /pm/ws/[REDACTED]');
    // POST while the key is live returns it again.
    expect(await client.listenKeys().create()).toBe(key);
  });

  it('keeps the key alive with PUT, closes it with DELETE, and a PUT without a live key rejects with code -1125, not fatal', async () => {
    const { sim, client } = await startHarness();
    const keys = client.listenKeys();
    const key = await keys.create();
    await keys.keepAlive(key);
    expect(sim.requests.at(-1)).toMatchObject({ method: 'PUT', path: '/papi/v1/listenKey', params: {}, status: 200 });
    await keys.close(key);
    expect(sim.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/papi/v1/listenKey', params: {}, status: 200 });
    const gone = await rejection(keys.keepAlive(key));
    expect(gone).toMatchObject({ code: -1125, fatal: false });
    // The stream asks for a new one, and gets one.
    expect(await keys.create()).not.toBe(key);
  });

  it('a key unused for 60 minutes is gone (-1125) on the exchange clock; a refused keepalive is -1125 too', async () => {
    const { sim, client, clock } = await startHarness({ fakeClock: true });
    const keys = client.listenKeys();
    const key = await keys.create();
    await clock?.advance(HOUR_MS + 1);
    expect(await rejection(keys.keepAlive(key))).toMatchObject({ code: -1125 });
    await keys.create();
    sim.userStream.refuseNextKeepalives(1);
    expect(await rejection(keys.keepAlive(key))).toMatchObject({ code: -1125 });
  });

  it('an API key Binance does not know is fatal (an operator must fix it), and the error does not carry the key', async () => {
    const { client } = await startHarness({ client: { apiKey: 'A'.repeat(64) } });
    const error = await rejection(client.listenKeys().create());
    expect(error).toMatchObject({ fatal: true });
    expect(BinanceError.isApiError(error) && error.code).toBe(-2015);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('A'.repeat(64));
  });
});

describe('ListenKeyClient against answers off the schema', () => {
  it.each([
    ['no listenKey', '{}'],
    ['a number', '{"listenKey":42}'],
    ['markup that would go into the stream URL', '{"listenKey":"../../ws/other?x=<@everyone>"}'],
  ])('refuses a body with %s', async (_name, body) => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = createBinanceClient({
      apiKey: SIM_API_KEY,
      apiSecret: SIM_API_SECRET,
      papiUrl: url,
      fapiUrl: url,
      dapiUrl: url,
      maxAttempts: 1,
    });
    try {
      const error = await rejection(client.listenKeys().create());
      expect(BinanceError.isResponseError(error)).toBe(true);
      expect(error.message).toBe('/papi/v1/listenKey: listenKey is not a string of 16 to 128 letters and digits');
    } finally {
      await client.close();
      server.close();
    }
  });
});
