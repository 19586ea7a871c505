import { describe, expect, it } from 'vitest';
import { BinanceError } from '../../src/binance/errors.js';
import { DAY_MS, HOUR_MS } from '../../src/time.js';
import { rejection, startHarness } from './harness.js';

/** Two hours before the fake clock's start (2026-11-25 12:00 UTC): every row is visible, every window in the past. */
const T0 = Date.UTC(2026, 10, 25, 10);
const PATH = '/papi/v1/margin/forceOrders';

/** A simulator on a fake clock and the real client, with `count` margin liquidations one second apart from T0. */
async function withRows(count: number) {
  const h = await startHarness({ fakeClock: true });
  const rows = Array.from({ length: count }, (_, i) => h.sim.margin.add({ symbol: 'ETHUSDT', updatedTime: T0 + i * 1000 }));
  return { ...h, rows, source: h.client.source('margin') };
}

const pagesAsked = (requests: readonly { path: string; params: Record<string, string> }[]) =>
  requests.filter((r) => r.path === PATH).map((r) => Number(r.params.current));

describe('MarginForceOrderClient against the PAPI simulator', () => {
  it('pages with current/size until every row of total is read, each once, oldest first, at weight 1 a page', async () => {
    const { sim, rows, source } = await withRows(250);
    const page = await source.allForceOrders({ startTime: T0, endTime: T0 + HOUR_MS });
    expect(page.orders.map((o) => o.orderId)).toEqual(rows.map((r) => r.orderId));
    expect(pagesAsked(sim.requests)).toEqual([1, 2, 3]);
    expect(sim.requests.every((r) => r.params.size === '100' && r.params.signature !== undefined)).toBe(true);
    expect({ weight: page.weight, requests: page.requests }).toEqual({ weight: 3, requests: 3 });
  });

  it('walks again when total grows mid-walk, so a row pushed past the walk is still read', async () => {
    const { sim, rows, source } = await withRows(250);
    const late: number[] = [];
    // Three liquidations land while page 2 is asked: newest first, they push every row down by three.
    sim.onRequest((request) => {
      if (request.path === PATH && request.params.current === '2' && late.length === 0) {
        for (let i = 0; i < 3; i += 1) late.push(sim.margin.add({ symbol: 'BTCUSDT', updatedTime: T0 + 30 * 60_000 + i }).orderId);
      }
    });
    const page = await source.allForceOrders({ startTime: T0, endTime: T0 + HOUR_MS });
    const ids = page.orders.map((o) => o.orderId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort((a, b) => a - b)).toEqual([...rows.map((r) => r.orderId), ...late].sort((a, b) => a - b));
    // First walk 1-3 read 250 distinct rows of a total of 253: a second walk.
    expect(pagesAsked(sim.requests)).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('refuses to return part of a window whose total never settles: IncompleteResultError, never a silent partial', async () => {
    const { sim, source } = await withRows(150);
    let arrivals = 0;
    sim.onRequest((request) => {
      if (request.path !== PATH || request.params.current !== '2') return;
      arrivals += 1;
      sim.margin.add({ updatedTime: T0 + 40 * 60_000 + arrivals });
    });
    const error = await rejection(source.allForceOrders({ startTime: T0, endTime: T0 + HOUR_MS }));
    expect(BinanceError.isIncompleteResultError(error)).toBe(true);
    expect(error.message).toMatch(/total says 153 but 152 distinct rows were read in 3 walks/);
  });

  it('refuses a window of more rows than one walk reads, after one request', async () => {
    const { sim, source } = await withRows(0);
    for (let i = 0; i < 10_001; i += 1) sim.margin.add({ updatedTime: T0 + i });
    const error = await rejection(source.allForceOrders({ startTime: T0, endTime: T0 + HOUR_MS }));
    expect(BinanceError.isIncompleteResultError(error)).toBe(true);
    expect(error.message).toMatch(/10001 margin liquidations .* ask a shorter window/);
    expect(pagesAsked(sim.requests)).toEqual([1]);
  });

  it('maps each row to a LIQUIDATION of market margin with an exact notional: USD for stablecoin quotes, the quote asset otherwise', async () => {
    const { sim, source } = await withRows(0);
    const usd = sim.margin.add({ symbol: 'BTCUSDT', qty: '0.12345', executedQty: '0.12345', avgPrice: '97000.10', updatedTime: T0 });
    const partial = sim.margin.add({ symbol: 'ETHUSDT', qty: '2.0000', executedQty: '1.5000', avgPrice: '3400.01', updatedTime: T0 + 1 });
    const btc = sim.margin.add({ symbol: 'BNBBTC', side: 'BUY', qty: '31.390', avgPrice: '0.00388359', updatedTime: T0 + 2 });
    const { orders } = await source.allForceOrders({ startTime: T0, endTime: T0 + HOUR_MS });
    expect(orders[0]).toEqual({
      orderId: usd.orderId,
      symbol: 'BTCUSDT',
      pair: 'BTCUSDT',
      status: 'FILLED',
      clientOrderId: `margin-${usd.orderId}`,
      price: usd.price,
      avgPrice: '97000.10',
      origQty: '0.12345',
      executedQty: '0.12345',
      timeInForce: 'GTC',
      type: 'LIQUIDATION',
      reduceOnly: false,
      side: 'SELL',
      positionSide: 'BOTH',
      origType: 'LIQUIDATION',
      time: T0,
      updateTime: T0,
      market: 'margin',
      kind: 'LIQUIDATION',
      notionalUsd: '11974.662345',
    });
    expect(orders[1]).toMatchObject({ orderId: partial.orderId, status: 'PARTIALLY_FILLED', notionalUsd: '5100.015' });
    expect(orders[2]).toMatchObject({ orderId: btc.orderId, notionalUsd: '0', quoteNotional: { asset: 'BTC', amount: '0.1219058901' } });
    expect(orders[1]).not.toHaveProperty('quoteNotional');
  });

  it('keeps a narrowed symbol, asks nothing for ADL (margin has none), and cuts a long window into 7-day pieces', async () => {
    const { sim, source } = await withRows(0);
    sim.margin.add({ symbol: 'BTCUSDT', updatedTime: T0 });
    const eth = sim.margin.add({ symbol: 'ETHUSDT', updatedTime: T0 + 1 });
    expect((await source.allForceOrders({ startTime: T0, endTime: T0 + HOUR_MS, symbol: 'ETHUSDT' })).orders.map((o) => o.orderId)).toEqual(
      [eth.orderId],
    );
    const before = sim.requests.length;
    expect(await source.allForceOrders({ startTime: T0, endTime: T0 + HOUR_MS, autoCloseType: 'ADL' })).toEqual({
      orders: [],
      weight: 0,
      requests: 0,
    });
    expect(sim.requests.length).toBe(before);
    sim.requests.length = 0;
    await source.allForceOrders({ startTime: T0 - 10 * DAY_MS, endTime: T0 + HOUR_MS });
    expect(sim.requests.map((r) => [Number(r.params.startTime), Number(r.params.endTime)])).toEqual([
      [T0 - 10 * DAY_MS, T0 - 3 * DAY_MS],
      [T0 - 3 * DAY_MS + 1, T0 + HOUR_MS],
    ]);
  });

  it.each([
    ['an array instead of {rows, total}', [], /margin\/forceOrders: expected an object with rows and total, got \[\]/],
    ['no total', { rows: [] }, /\.total: expected a non-negative integer, got nothing/],
    ['a negative total', { rows: [], total: -1 }, /\.total: expected a non-negative integer, got -1/],
    ['rows not an array', { rows: {}, total: 0 }, /\.rows: expected an array/],
    [
      'a row without updatedTime',
      { rows: [{ ...row(), updatedTime: undefined }], total: 1 },
      /rows\[0\]\.updatedTime: expected a non-negative integer/,
    ],
    [
      'a time no Date holds',
      { rows: [{ ...row(), updatedTime: 9e15 }], total: 1 },
      /rows\[0\]\.updatedTime: expected a time a Date can hold/,
    ],
    ['a negative price', { rows: [{ ...row(), avgPrice: '-1' }], total: 1 }, /rows\[0\]\.avgPrice: expected a non-negative decimal string/],
    [
      'a float quantity',
      { rows: [{ ...row(), executedQty: 31.39 }], total: 1 },
      /rows\[0\]\.executedQty: expected a non-negative decimal string/,
    ],
    ['an exponent', { rows: [{ ...row(), qty: '1e3' }], total: 1 }, /rows\[0\]\.qty: expected a non-negative decimal string/],
    ['a string orderId', { rows: [{ ...row(), orderId: '180015097' }], total: 1 }, /rows\[0\]\.orderId: expected a non-negative integer/],
    ['markup in the symbol', { rows: [{ ...row(), symbol: '<!here>' }], total: 1 }, /rows\[0\]\.symbol: expected a string like/],
    ['an unknown side', { rows: [{ ...row(), side: 'HOLD' }], total: 1 }, /rows\[0\]\.side: expected BUY or SELL/],
    ['no timeInForce', { rows: [{ ...row(), timeInForce: undefined }], total: 1 }, /rows\[0\]\.timeInForce: expected a string like/],
  ])('refuses a body with %s (BinanceResponseError naming the field, nothing used)', async (_name, body, message) => {
    const { sim, source } = await withRows(1);
    sim.injectFault({ type: 'badSchema', body, path: PATH });
    const error = await rejection(source.allForceOrders({ startTime: T0, endTime: T0 + HOUR_MS }));
    expect(BinanceError.isResponseError(error)).toBe(true);
    expect(error.message).toMatch(message);
  });
});

/** The page's own example row. */
function row() {
  return {
    avgPrice: '0.00388359',
    executedQty: '31.39000000',
    orderId: 180015097,
    price: '0.00388110',
    qty: '31.39000000',
    side: 'SELL',
    symbol: 'BNBBTC',
    timeInForce: 'GTC',
    updatedTime: 1558941374745,
  };
}
