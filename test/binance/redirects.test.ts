import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FetchLike } from '../../src/binance/BinanceHttpClient.js';
import { createBinanceClient } from '../../src/binance/createBinanceClient.js';
import { BinanceError } from '../../src/binance/errors.js';
import { SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { printed, rejection } from './harness.js';

const WINDOW = { startTime: 0, endTime: 0 };
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A loopback HTTP server; `handle` answers each request. Returns its base URL and what it saw. */
async function listen(handle: (req: IncomingMessage, res: import('node:http').ServerResponse) => void) {
  const seen = { connections: 0, requests: [] as { url: string; apiKey: string | undefined }[] };
  const server = createServer((req, res) => {
    seen.requests.push({ url: req.url ?? '', apiKey: req.headers['x-mbx-apikey'] as string | undefined });
    handle(req, res);
  });
  server.on('connection', () => {
    seen.connections += 1;
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, seen };
}

/**
 * The attack of issue 11 item 4: "Binance" answers a redirect to a server of the attacker's, which would
 * collect the API key header and a validly signed query if the client followed it. The second server
 * answers like Binance would, so a client that follows the redirect succeeds and the test fails.
 */
async function redirectingBinance(status: number) {
  const elsewhere = await listen((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(req.url?.startsWith('/fapi/v1/time') ? '{"serverTime":1}' : '[]');
  });
  const binance = await listen((req, res) => {
    res.writeHead(status, { Location: `${elsewhere.url}${req.url}` }).end();
  });
  return { binance, elsewhere };
}

/** The real client with every Binance URL on `url`. */
function clientOf(url: string, fetch: FetchLike | undefined) {
  return createBinanceClient({
    apiKey: SIM_API_KEY,
    apiSecret: SIM_API_SECRET,
    papiUrl: url,
    fapiUrl: url,
    dapiUrl: url,
    backoff: { baseMs: 1, capMs: 2 },
    ...(fetch ? { fetch } : {}),
  });
}

const FETCHES: [string, FetchLike | undefined][] = [
  ['node-fetch (the default)', undefined],
  ["Node's global fetch", globalThis.fetch as unknown as FetchLike],
];

describe('redirects on Binance requests are never followed', () => {
  describe.each(FETCHES)('with %s', (_name, fetch) => {
    it.each([301, 302, 303, 307, 308])(
      'a signed request answered %i fails naming the host, and the other host receives nothing',
      async (status) => {
        const { binance, elsewhere } = await redirectingBinance(status);
        const client = clientOf(binance.url, fetch);
        try {
          const error = await rejection(client.forceOrders('cm', WINDOW));
          expect(BinanceError.isHttpError(error) && error.status).toBe(status);
          expect((error as BinanceError).retryable).toBe(false);
          expect((error as BinanceError).fatal).toBe(false);
          expect(error.message).toContain(elsewhere.host);
          expect(error.message).toContain('BINANCE_PAPI_URL');
          // The host only: not the path, the query or its signature.
          const signature = new URL(binance.seen.requests[0]?.url ?? '/', binance.url).searchParams.get('signature') ?? 'missing';
          expect(printed(error)).not.toContain(signature);
          expect(printed(error)).not.toContain('timestamp=');
          expect(binance.seen.requests).toHaveLength(1); // not retried either
          expect(binance.seen.requests[0]?.apiKey).toBe(SIM_API_KEY);
          expect(elsewhere.seen).toEqual({ connections: 0, requests: [] });
        } finally {
          await client.close();
        }
      },
    );

    it('an unsigned request (the clock sync) is not followed either, and names BINANCE_FAPI_URL', async () => {
      const { binance, elsewhere } = await redirectingBinance(302);
      const client = clientOf(binance.url, fetch);
      try {
        const error = await rejection(client.sync());
        expect(BinanceError.isHttpError(error) && error.status).toBe(302);
        expect(error.message).toContain(elsewhere.host);
        expect(error.message).toContain('BINANCE_FAPI_URL');
        expect(elsewhere.seen).toEqual({ connections: 0, requests: [] });
      } finally {
        await client.close();
      }
    });
  });

  it('a redirect without a Location still fails, saying so', async () => {
    const binance = await listen((_req, res) => {
      res.writeHead(302).end();
    });
    const client = clientOf(binance.url, undefined);
    try {
      const error = await rejection(client.forceOrders('cm', WINDOW));
      expect(BinanceError.isHttpError(error) && error.status).toBe(302);
      expect(error.message).toMatch(/redirect without a Location/);
      expect(binance.seen.requests).toHaveLength(1);
    } finally {
      await client.close();
    }
  });
});
