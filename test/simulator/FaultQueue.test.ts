import { describe, expect, it } from 'vitest';
import { get } from './binanceRequest.js';
import { START, useSimulator } from './simHarness.js';

describe('injected faults', () => {
  const h = useSimulator();

  it('status: answers the given status and body, once by default', async () => {
    h.sim.injectFault({
      type: 'status',
      status: 503,
      body: '{"code":-1001,"msg":"Internal error; unable to process your request. Please try again."}',
    });
    const faulty = await h.forceOrders('cm');
    expect(faulty.status).toBe(503);
    expect(faulty.json).toMatchObject({ code: -1001 });
    expect((await h.forceOrders('cm')).status).toBe(200);
  });

  it('times: hits that many matching requests; path: only requests under that prefix', async () => {
    h.sim.injectFault({ type: 'status', status: 500, times: 2, path: '/papi/v1/um' });
    expect((await h.forceOrders('cm')).status).toBe(200);
    expect((await h.forceOrders('um')).status).toBe(500);
    expect((await h.forceOrders('um')).status).toBe(500);
    expect((await h.forceOrders('um')).status).toBe(200);
  });

  it('faults are consumed in the order queued', async () => {
    h.sim.injectFault({ type: 'status', status: 502 });
    h.sim.injectFault({ type: 'status', status: 504 });
    expect((await get(h.sim.url, '/fapi/v1/time')).status).toBe(502);
    expect((await get(h.sim.url, '/fapi/v1/time')).status).toBe(504);
  });

  it('timeout: accepts the request and never answers until the client aborts', async () => {
    h.sim.injectFault({ type: 'timeout' });
    const controller = new AbortController();
    const pending = fetch(`${h.sim.url}/fapi/v1/time`, { signal: controller.signal });
    await expect.poll(() => h.sim.requests.length).toBe(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(h.sim.requests[0]!.status).toBe(0);
  });

  it('timeout: close() ends the hanging request instead of waiting for it', async () => {
    h.sim.injectFault({ type: 'timeout' });
    const pending = fetch(`${h.sim.url}/fapi/v1/time`);
    await expect.poll(() => h.sim.requests.length).toBe(1);
    await h.sim.close();
    await expect(pending).rejects.toThrow();
  });

  it('drop: destroys the socket without a response', async () => {
    h.sim.injectFault({ type: 'drop' });
    await expect(fetch(`${h.sim.url}/fapi/v1/time`)).rejects.toThrow();
  });

  it('truncate: 200 with the real body cut off', async () => {
    h.sim.addOrders([{ time: START - 10 }, { time: START - 5 }]);
    h.sim.injectFault({ type: 'truncate' });
    const reply = await h.forceOrders('cm');
    expect(reply.status).toBe(200);
    expect(reply.text.startsWith('[{"orderId":')).toBe(true);
    expect(() => JSON.parse(reply.text)).toThrow();
  });

  it('html: 502 with an HTML page and no Binance headers', async () => {
    h.sim.injectFault({ type: 'html' });
    const reply = await h.forceOrders('cm');
    expect(reply.status).toBe(502);
    expect(reply.headers.get('content-type')).toContain('text/html');
    expect(reply.text).toContain('<html>');
    expect(reply.headers.get('x-mbx-used-weight-1m')).toBeNull();
  });

  it('rateLimit: 429 or 418 with Retry-After and a -1003 body', async () => {
    h.sim.injectFault({ type: 'rateLimit', status: 429, retryAfterSec: 7 });
    h.sim.injectFault({ type: 'rateLimit', status: 418, retryAfterSec: 120 });
    const limited = await h.forceOrders('cm');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.json).toMatchObject({ code: -1003 });
    const banned = await h.forceOrders('cm');
    expect(banned.status).toBe(418);
    expect(banned.headers.get('retry-after')).toBe('120');
    expect((banned.json as { msg: string }).msg).toContain(`IP banned until ${START + 120_000}`);
  });

  it('binanceError: the given code and message, HTTP 400 unless told', async () => {
    h.sim.injectFault({ type: 'binanceError', code: -1007, msg: 'Timeout waiting for response from backend server.', status: 503 });
    h.sim.injectFault({ type: 'binanceError', code: -1121, msg: 'Invalid symbol.' });
    const first = await h.forceOrders('cm');
    expect(first.status).toBe(503);
    expect(first.json).toEqual({ code: -1007, msg: 'Timeout waiting for response from backend server.' });
    expect((await h.forceOrders('cm')).status).toBe(400);
  });

  it('badSchema: 200 with the given JSON body', async () => {
    h.sim.injectFault({ type: 'badSchema', body: [{ orderId: 'one', price: 1.5 }] });
    const reply = await h.forceOrders('cm');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual([{ orderId: 'one', price: 1.5 }]);
  });
});
