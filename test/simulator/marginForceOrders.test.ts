import { describe, expect, it } from 'vitest';
import { SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { get, signedGet } from './binanceRequest.js';
import { START, useSimulator } from './simHarness.js';

const h = useSimulator();
const PATH = '/papi/v1/margin/forceOrders';

/** Signed `GET /papi/v1/margin/forceOrders` at the simulator's now, as its page describes it. */
function marginForceOrders(params: Record<string, string | number> = {}) {
  return signedGet(h.sim.url, PATH, { ...params, timestamp: h.now() }, { apiKey: SIM_API_KEY, secret: SIM_API_SECRET });
}

describe('GET /papi/v1/margin/forceOrders', () => {
  it("answers {rows, total} in the page's shape, 10 rows by default, at weight 1", async () => {
    for (let i = 0; i < 12; i += 1) h.sim.margin.add({ updatedTime: START - 60_000 + i });
    const reply = await marginForceOrders();
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-mbx-used-weight-1m')).toBe('1');
    const body = reply.json as { rows: Record<string, unknown>[]; total: number };
    expect(body.total).toBe(12);
    expect(body.rows).toHaveLength(10);
    expect(Object.keys(body.rows[0] ?? {}).sort()).toEqual(
      ['avgPrice', 'executedQty', 'orderId', 'price', 'qty', 'side', 'symbol', 'timeInForce', 'updatedTime'].sort(),
    );
  });

  it('pages newest first with current/size; total counts the whole window, a page past the end is empty', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => h.sim.margin.add({ updatedTime: START - 10_000 + i * 1000 }));
    h.sim.margin.add({ updatedTime: START - 3_600_000 }); // outside the window below
    const window = { startTime: START - 10_000, endTime: START };
    const ids = async (current: number) => {
      const body = (await marginForceOrders({ ...window, current, size: 2 })).json as { rows: { orderId: number }[]; total: number };
      expect(body.total).toBe(5);
      return body.rows.map((r) => r.orderId);
    };
    const newestFirst = rows.map((r) => r.orderId).reverse();
    expect([await ids(1), await ids(2), await ids(3), await ids(4)]).toEqual([
      newestFirst.slice(0, 2),
      newestFirst.slice(2, 4),
      newestFirst.slice(4),
      [],
    ]);
  });

  it('refuses an unsigned request, a size over 100, a page 0 and a reversed window with Binance’s codes', async () => {
    expect((await get(h.sim.url, `${PATH}?timestamp=${h.now()}`, SIM_API_KEY)).json).toMatchObject({ code: -1102 });
    expect((await marginForceOrders({ size: 101 })).json).toEqual({ code: -1130, msg: "Data sent for parameter 'size' is not valid." });
    expect((await marginForceOrders({ current: 0 })).json).toEqual({ code: -1130, msg: "Data sent for parameter 'current' is not valid." });
    expect((await marginForceOrders({ startTime: START, endTime: START - 1 })).json).toMatchObject({ code: -1023 });
    expect((await marginForceOrders({ limit: 5 })).json).toMatchObject({ code: -1104 });
  });

  it('does not show a liquidation before its time on the server clock', async () => {
    h.sim.margin.add({ updatedTime: START + 60_000 });
    expect(((await marginForceOrders({ startTime: START, endTime: START + 3_600_000 })).json as { total: number }).total).toBe(0);
    h.advance(60_000);
    expect(((await marginForceOrders({ startTime: START, endTime: START + 3_600_000 })).json as { total: number }).total).toBe(1);
  });
});
