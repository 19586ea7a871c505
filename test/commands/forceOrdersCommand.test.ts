import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ForceOrdersArgs, type ForceOrdersDeps, forceOrdersCommand, runForceOrders } from '../../commands/forceOrdersCommand.js';
import { type ForceOrder, type ForceOrderSource, orderKey } from '../../src/binance/types.js';
import { compareDecimal, sumDecimals } from '../../src/decimal.js';
import type { ArchiveReader, ForceOrdersQuery, ForceOrdersResult } from '../../src/queries.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { MemoryForceOrderSource } from '../fakes/memoryForceOrderSource.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function deps(exchange = new MemoryForceOrderSource()): ForceOrdersDeps {
  const clock = new FakeClock();
  return { exchange, archive: { read: async () => [] }, now: () => clock.now() };
}

describe('forceOrdersCommand', () => {
  it('parses then runs: text in, result model out', async () => {
    const now = new FakeClock().now();
    const exchange = new MemoryForceOrderSource([
      forceOrderFixture({ orderId: 1, updateTime: now - DAY / 2, kind: 'ADL' }),
      forceOrderFixture({ orderId: 2, updateTime: now - DAY / 4 }),
    ]);
    const result = await forceOrdersCommand('btcusd_perp ADL public', deps(exchange));
    expect(exchange.windows).toEqual([{ startTime: now - DAY, endTime: now, symbol: 'BTCUSD_PERP', autoCloseType: 'ADL' }]);
    expect(result).toMatchObject({ ok: true, total: 1, weightSpent: 20, query: { public: true } });
  });

  it.each<[string, string | ForceOrdersArgs]>([
    ['text', 'BTCUSD 200'],
    ['typed options', { target: 'BTCUSD', rows: 200 }],
  ])('answers bad input (%s) with reason input, the error and the usage, without asking Binance', async (_, input) => {
    const exchange = new MemoryForceOrderSource();
    const result = await forceOrdersCommand(input, deps(exchange));
    expect(result).toEqual({
      ok: false,
      reason: 'input',
      error: 'Row count "200" is out of range: use 1 to 100.',
      usage: expect.stringContaining('up to 90d'),
    });
    expect(exchange.windows).toEqual([]);
  });

  it('applies the archive reach it is given to both the check and the usage', async () => {
    const result = await forceOrdersCommand('30d', deps(), { maxSinceMs: 14 * DAY });
    expect(result).toMatchObject({
      ok: false,
      reason: 'input',
      error: expect.stringMatching(/at most 14d\.$/),
      usage: expect.stringContaining('up to 14d'),
    });
  });

  it('takes typed options too: each field into its slot, then the same run', async () => {
    const now = new FakeClock().now();
    const exchange = new MemoryForceOrderSource([
      forceOrderFixture({ orderId: 1, updateTime: now - DAY / 2, kind: 'ADL' }),
      forceOrderFixture({ orderId: 2, updateTime: now - DAY / 4 }),
    ]);
    const result = await forceOrdersCommand({ target: 'btcusd_perp', kind: 'adl', since: '2d', rows: 5, public: true }, deps(exchange));
    expect(exchange.windows).toEqual([{ startTime: now - 2 * DAY, endTime: now, symbol: 'BTCUSD_PERP', autoCloseType: 'ADL' }]);
    expect(result).toMatchObject({ ok: true, total: 1, query: { limit: 5, public: true } });
  });

  it("asks for both kinds when the typed kind is 'all'", async () => {
    const now = new FakeClock().now();
    const exchange = new MemoryForceOrderSource([
      forceOrderFixture({ orderId: 1, updateTime: now - DAY / 2, kind: 'ADL' }),
      forceOrderFixture({ orderId: 2, updateTime: now - DAY / 4 }),
    ]);
    const result = await forceOrdersCommand({ kind: 'all' }, deps(exchange));
    expect(exchange.windows).toEqual([{ startTime: now - DAY, endTime: now }]);
    expect(result).toMatchObject({ ok: true, total: 2, totals: { liquidations: 1, adl: 1 } });
  });
});

/** An archive holding `orders`, answering the documented closed window and recording each read. */
class MemoryArchive implements ArchiveReader {
  readonly reads: { startTime: number; endTime: number }[] = [];
  failure: unknown;
  constructor(private readonly orders: ForceOrder[] = []) {}
  async read(window: { startTime: number; endTime: number }): Promise<ForceOrder[]> {
    this.reads.push(window);
    if (this.failure !== undefined) throw this.failure;
    return this.orders.filter((o) => o.updateTime >= window.startTime && o.updateTime <= window.endTime);
  }
}

function setup(exchangeOrders: ForceOrder[], archiveOrders: ForceOrder[] = []) {
  const clock = new FakeClock();
  const exchange = new MemoryForceOrderSource(exchangeOrders);
  const archive = new MemoryArchive(archiveOrders);
  const { logger, lines } = captureLogger();
  const deps = { exchange, archive, now: () => clock.now(), logger };
  return { clock, exchange, archive, deps, lines, now: clock.now() };
}

function q(partial: Partial<ForceOrdersQuery> = {}): ForceOrdersQuery {
  return { sinceMs: DAY, limit: 20, public: false, ...partial };
}

function ok(result: ForceOrdersResult): Extract<ForceOrdersResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected a result, got ${result.error}`);
  return result;
}

describe('runForceOrders', () => {
  const now = new FakeClock().now();
  const perp = (id: number, ago: number, extra: Partial<ForceOrder> = {}) =>
    forceOrderFixture({ orderId: id, updateTime: now - ago, ...extra });
  const delivery = (id: number, ago: number, extra: Partial<ForceOrder> = {}) => perp(id, ago, { symbol: 'BTCUSD_261225', ...extra });
  const eth = (id: number, ago: number, extra: Partial<ForceOrder> = {}) =>
    perp(id, ago, { symbol: 'ETHUSD_PERP', pair: 'ETHUSD', notionalUsd: '10', ...extra });

  it('asks Binance for [now - since, now] without symbol for a pair and keeps only that pair', async () => {
    const t = setup([perp(1, HOUR), delivery(2, 2 * HOUR), eth(3, 3 * HOUR)]);
    const result = ok(await runForceOrders(q({ target: { type: 'pair', value: 'BTCUSD' } }), t.deps));
    expect(t.exchange.windows).toEqual([{ startTime: t.now - DAY, endTime: t.now }]);
    expect(result.rows.map((o) => o.orderId)).toEqual([1, 2]);
    expect(result.weightSpent).toBe(50);
    expect(result.window).toEqual({ startTime: t.now - DAY, endTime: t.now });
    expect(result.source).toBe('exchange');
    expect(result.note).toBeUndefined();
    expect(t.archive.reads).toEqual([]);
  });

  it('sends the symbol (weight 20) and maps the kind to autoCloseType', async () => {
    const t = setup([perp(1, HOUR), perp(2, HOUR, { kind: 'ADL' }), delivery(3, HOUR, { kind: 'ADL' })]);
    const result = ok(await runForceOrders(q({ target: { type: 'symbol', value: 'BTCUSD_PERP' }, kind: 'ADL' }), t.deps));
    expect(t.exchange.windows).toEqual([{ startTime: t.now - DAY, endTime: t.now, symbol: 'BTCUSD_PERP', autoCloseType: 'ADL' }]);
    expect(result.rows.map((o) => o.orderId)).toEqual([2]);
    expect(result.weightSpent).toBe(20);
  });

  it('asks for settlement closes without autoCloseType (Binance takes only LIQUIDATION or ADL) and keeps only them', async () => {
    const t = setup([perp(1, HOUR), perp(2, HOUR, { kind: 'ADL' }), delivery(3, HOUR, { kind: 'SETTLEMENT' })]);
    const result = ok(await runForceOrders(q({ target: { type: 'pair', value: 'BTCUSD' }, kind: 'SETTLEMENT' }), t.deps));
    expect(t.exchange.windows).toEqual([{ startTime: t.now - DAY, endTime: t.now }]);
    expect(result.rows.map((o) => o.orderId)).toEqual([3]);
    expect(result.totals).toEqual({ notionalUsd: '100', liquidations: 0, adl: 0, settlement: 1 });
  });

  it('counts settlement closes apart from liquidations when every kind is asked', async () => {
    const t = setup([perp(1, HOUR), perp(2, 2 * HOUR, { kind: 'ADL' }), delivery(3, 3 * HOUR, { kind: 'SETTLEMENT' })]);
    const result = ok(await runForceOrders(q(), t.deps));
    expect(result.total).toBe(3);
    expect(result.totals).toEqual({ notionalUsd: '300', liquidations: 1, adl: 1, settlement: 1 });
  });

  it('returns rows newest first, at most limit, with exact totals over every match', async () => {
    const orders = [
      perp(10, 5 * HOUR, { notionalUsd: '0.1' }),
      perp(11, 1 * HOUR, { notionalUsd: '0.2', kind: 'ADL' }),
      perp(12, 3 * HOUR, { notionalUsd: '1234567.891' }),
      perp(14, 3 * HOUR, { notionalUsd: '0.000000001' }),
    ];
    const t = setup(orders);
    const result = ok(await runForceOrders(q({ limit: 3 }), t.deps));
    expect(result.rows.map((o) => o.orderId)).toEqual([11, 14, 12]);
    expect(result.total).toBe(4);
    expect(result.totals).toEqual({ notionalUsd: '1234568.191000001', liquidations: 3, adl: 1, settlement: 0 });
  });

  it('answers an empty window with no rows and zero totals', async () => {
    const t = setup([perp(1, 2 * DAY)]);
    const result = ok(await runForceOrders(q(), t.deps));
    expect(result.rows).toEqual([]);
    expect(result.totals).toEqual({ notionalUsd: '0', liquidations: 0, adl: 0, settlement: 0 });
  });

  it('asks Binance for the window as given up to exactly 7 days, without the archive', async () => {
    const t = setup([perp(1, 7 * DAY)]);
    const result = ok(await runForceOrders(q({ sinceMs: 7 * DAY }), t.deps));
    expect(t.exchange.windows).toEqual([{ startTime: t.now - 7 * DAY, endTime: t.now }]);
    expect(result.rows.map((o) => o.orderId)).toEqual([1]);
    expect(t.archive.reads).toEqual([]);
  });

  it('beyond 7 days takes the last 7 from Binance and the rest from the archive, merged without duplicates', async () => {
    const recent = perp(1, 2 * DAY);
    const boundary = perp(2, 7 * DAY);
    const old = perp(3, 20 * DAY, { kind: 'ADL' });
    const oldEth = eth(4, 21 * DAY);
    const t = setup([recent, boundary], [boundary, old, oldEth, { ...recent, status: 'ARCHIVED-COPY' }]);
    const result = ok(await runForceOrders(q({ sinceMs: 30 * DAY, target: { type: 'pair', value: 'BTCUSD' } }), t.deps));
    expect(t.exchange.windows).toEqual([{ startTime: t.now - 7 * DAY, endTime: t.now }]);
    expect(t.archive.reads).toEqual([{ startTime: t.now - 30 * DAY, endTime: t.now - 7 * DAY - 1 }]);
    expect(result.rows.map((o) => o.orderId)).toEqual([1, 2, 3]);
    expect(result.rows[0]?.status).toBe('FILLED');
    expect(result.total).toBe(3);
    expect(result.totals).toEqual({ notionalUsd: '300', liquidations: 2, adl: 1, settlement: 0 });
    expect(result.source).toBe('exchange+archive');
    expect(result.note).toMatch(/older than 7 days come from the bot's own archive/);
    expect(result.window).toEqual({ startTime: t.now - 30 * DAY, endTime: t.now });
  });

  it('drops a duplicate that the archive returns for the same market and order id, keeping other markets apart', async () => {
    const cm = perp(7, 8 * DAY);
    const um = { ...perp(7, 9 * DAY), market: 'um' as const };
    const t = setup([], [cm, cm, um]);
    const result = ok(await runForceOrders(q({ sinceMs: 10 * DAY }), t.deps));
    expect(result.rows.map((o) => `${o.market}:${o.orderId}`)).toEqual(['cm:7', 'um:7']);
  });

  it('filters archive rows by symbol and kind as well', async () => {
    const t = setup([], [perp(1, 8 * DAY), perp(2, 8 * DAY, { kind: 'ADL' }), delivery(3, 8 * DAY, { kind: 'ADL' })]);
    const result = ok(
      await runForceOrders(q({ sinceMs: 10 * DAY, target: { type: 'symbol', value: 'BTCUSD_PERP' }, kind: 'ADL' }), t.deps),
    );
    expect(result.rows.map((o) => o.orderId)).toEqual([2]);
  });

  it('shows the exchange part with a note when the archive cannot be read', async () => {
    const t = setup([perp(1, DAY)]);
    t.archive.failure = new Error('EACCES: archive.json');
    const result = ok(await runForceOrders(q({ sinceMs: 30 * DAY }), t.deps));
    expect(result.rows.map((o) => o.orderId)).toEqual([1]);
    expect(result.source).toBe('exchange');
    expect(result.note).toBe("The bot's archive could not be read: only the last 7 days, from Binance, are shown.");
    expect(t.lines.join('\n')).toContain('archive read failed');
  });

  it('turns an exchange failure into a short message with the usage, logging the detail', async () => {
    const t = setup([]);
    const failure = Object.assign(new Error('HTTP 401 for https://papi.binance.com/papi/v1/cm/forceOrders?signature=abc'), {
      code: -2015,
      msg: 'Invalid API-key, IP, or permissions for action.',
      status: 401,
      retryable: false,
    });
    t.exchange.failWith(failure);
    const result = await runForceOrders(q(), t.deps);
    expect(result).toEqual({
      ok: false,
      reason: 'exchange',
      error: 'Binance rejected the API key: check BINANCE_API_KEY, its secret or private key, and the IP allow-list.',
      usage: expect.stringMatching(/^Usage: \/forceorders /),
    });
    expect(JSON.stringify(result)).not.toMatch(/signature|papi\.binance|at .*\.ts/);
    expect(t.lines.join('\n')).toContain('exchange query failed');
  });

  it('passes the caller’s abort signal to the exchange', async () => {
    const t = setup([]);
    let seen: AbortSignal | undefined;
    const exchange: ForceOrderSource = {
      allForceOrders: async (_window, options) => {
        seen = options?.signal;
        return { orders: [], weight: 50, requests: 1 };
      },
    };
    const controller = new AbortController();
    await runForceOrders(q(), { ...t.deps, exchange }, { signal: controller.signal });
    expect(seen).toBe(controller.signal);
  });
});

describe('runForceOrders: properties', () => {
  const now = new FakeClock().now();
  const order = fc
    .record({
      orderId: fc.integer({ min: 1, max: 40 }),
      market: fc.constantFrom('cm' as const, 'um' as const),
      symbol: fc.constantFrom('BTCUSD_PERP', 'BTCUSD_261225', 'ETHUSD_PERP'),
      kind: fc.constantFrom('LIQUIDATION' as const, 'ADL' as const, 'SETTLEMENT' as const),
      ago: fc.integer({ min: 0, max: 40 * DAY }),
      notionalUsd: fc.stringMatching(/^\d{1,6}(\.\d{1,8})?$/),
    })
    .map(({ ago, ...o }) => forceOrderFixture({ ...o, pair: o.symbol.split('_')[0] ?? o.symbol, updateTime: now - ago }));
  const query = fc.record({
    target: fc.option(
      fc.constantFrom(
        { type: 'pair' as const, value: 'BTCUSD' },
        { type: 'symbol' as const, value: 'BTCUSD_PERP' },
        { type: 'symbol' as const, value: 'ETHUSD_PERP' },
      ),
      { nil: undefined },
    ),
    kind: fc.option(fc.constantFrom('LIQUIDATION' as const, 'ADL' as const, 'SETTLEMENT' as const), { nil: undefined }),
    sinceMs: fc.integer({ min: 60_000, max: 35 * DAY }),
    limit: fc.integer({ min: 1, max: 100 }),
    public: fc.boolean(),
  });

  const unique = fc.uniqueArray(order, { maxLength: 60, selector: orderKey });

  it('matches a plain oracle: each matching order once, newest first, exact totals', async () => {
    await fc.assert(
      // Both ports promise each order once; the two may share orders (the archive keeps what Binance listed).
      fc.asyncProperty(unique, unique, query, async (recent, old, q) => {
        // Binance keeps 7 days; the archive keeps what the bot saw, older or not.
        const exchangeOrders = recent.filter((o) => o.updateTime >= now - 7 * DAY);
        const t = setup(exchangeOrders, old);
        const result = ok(await runForceOrders(q, t.deps));

        const inWindow = (o: ForceOrder, start: number, end: number) => o.updateTime >= start && o.updateTime <= end;
        const wanted = (o: ForceOrder) =>
          (q.kind === undefined || o.kind === q.kind) &&
          (q.target === undefined || (q.target.type === 'pair' ? o.pair : o.symbol) === q.target.value);
        const start = now - q.sinceMs;
        const exchangeStart = Math.max(start, now - 7 * DAY);
        const expected = new Map<string, ForceOrder>();
        for (const o of exchangeOrders)
          if (inWindow(o, exchangeStart, now) && wanted(o) && !expected.has(orderKey(o))) expected.set(orderKey(o), o);
        if (start < exchangeStart)
          for (const o of old)
            if (inWindow(o, start, exchangeStart - 1) && wanted(o) && !expected.has(orderKey(o))) expected.set(orderKey(o), o);

        expect(result.total).toBe(expected.size);
        expect(result.rows.length).toBe(Math.min(q.limit, expected.size));
        expect(new Set(result.rows.map(orderKey)).size).toBe(result.rows.length);
        for (const row of result.rows) expect(expected.get(orderKey(row))).toBe(row);
        for (let i = 1; i < result.rows.length; i++) {
          const [a, b] = [result.rows[i - 1], result.rows[i]];
          expect(a && b && (a.updateTime > b.updateTime || (a.updateTime === b.updateTime && a.orderId >= b.orderId))).toBe(true);
        }
        const all = [...expected.values()];
        expect(compareDecimal(result.totals.notionalUsd, sumDecimals(all.map((o) => o.notionalUsd)))).toBe(0);
        const count = (kind: ForceOrder['kind']) => all.filter((o) => o.kind === kind).length;
        expect(result.totals).toMatchObject({ liquidations: count('LIQUIDATION'), adl: count('ADL'), settlement: count('SETTLEMENT') });
        expect(result.source).toBe(start < exchangeStart ? 'exchange+archive' : 'exchange');
      }),
      { numRuns: 300 },
    );
  });
});
