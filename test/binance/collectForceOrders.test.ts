import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CollectDeps, collectForceOrders, PageEndMemory } from '../../src/binance/collectForceOrders.js';
import type { ForceOrderWindow, RawForceOrder } from '../../src/binance/types.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { startHarness } from './harness.js';
import { type PagedBehaviour, PagedForceOrders } from './PagedForceOrders.js';

const T0 = Date.UTC(2026, 10, 20);
const HOUR = 3_600_000;
const COMBOS = [
  ['oldest', 'updateTime'],
  ['oldest', 'time'],
  ['newest', 'updateTime'],
  ['newest', 'time'],
] as const;
const SYMBOLS = ['BTCUSD_PERP', 'ETHUSD_PERP', 'BNBUSD_PERP', 'SOLUSD_PERP', 'XRPUSD_PERP'];

/** A deterministic generator (mulberry32), so the figures asserted below are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function deps(server: PagedForceOrders, pageEnd?: PageEndMemory): CollectDeps {
  return { fetchPage: server.fetchPage, listSymbols: async () => SYMBOLS, logger: captureLogger().logger, ...(pageEnd ? { pageEnd } : {}) };
}

const ids = (orders: readonly RawForceOrder[]) => orders.map((o) => o.orderId).sort((a, b) => a - b);

describe('collectForceOrders over a dense cascade, through the real client and the PAPI simulator', () => {
  describe.each(COMBOS)('with pageEnd=%s and windowField=%s', (pageEnd, windowField) => {
    it('reads 10,000 orders in one window in about one request per 100, each once', async () => {
      const { sim, client } = await startHarness({
        sim: { pageEnd, windowField, weightLimitPerMinute: 10_000_000 },
        client: { weightLimitPerMinute: 10_000_000 },
      });
      const random = seeded(7);
      // updateTime trails time by up to 60 ms, so the two fields disagree on every page's edge.
      const added = sim.addOrders(
        Array.from({ length: 10_000 }, () => {
          const time = T0 + 1000 + Math.floor(random() * 50_000);
          return {
            time,
            updateTime: time + Math.floor(random() * 61),
            kind: 'LIQUIDATION' as const,
            symbol: SYMBOLS[Math.floor(random() * 5)],
          };
        }),
      );
      const page = await client.source().allForceOrders({ startTime: T0, endTime: T0 + HOUR });
      expect(page.orders).toHaveLength(10_000);
      expect(ids(page.orders)).toEqual(ids(added as RawForceOrder[]));
      // The median cut took 389 requests (19,450 weight) for this; the ideal is 100.
      expect(page.requests).toBeLessThanOrEqual(115);
      expect(page.weight).toBe(page.requests * 50);
    });
  });
});

describe('collectForceOrders against every undocumented paging behaviour', () => {
  const behaviours: PagedBehaviour[] = COMBOS.flatMap(([pageEnd, windowField]) =>
    (['byOrderId', 'shuffled'] as const).map((ties) => ({ pageEnd, windowField, ties })),
  );

  it('returns exactly the orders of the window, whatever the ties, lags, kinds and window', async () => {
    const order = fc.record({
      ms: fc.integer({ min: 0, max: 40 }),
      lag: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 30 })),
      symbol: fc.constantFrom(...SYMBOLS.slice(0, 3)),
      kind: fc.constantFrom('LIQUIDATION', 'LIQUIDATION', 'ADL', 'SETTLEMENT'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...behaviours),
        fc.array(order, { maxLength: 450 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 80 }),
        fc.integer(),
        async (behaviour, orders, from, span, seed) => {
          const server = new PagedForceOrders(behaviour, seeded(seed));
          // Ten orders per millisecond at most per symbol and kind, so no millisecond is unreadable.
          for (const o of orders) server.add(T0 + o.ms * 3, T0 + o.ms * 3 + o.lag, o.symbol, o.kind as 'LIQUIDATION');
          const window: ForceOrderWindow = { startTime: T0 + from, endTime: T0 + from + span };
          const found = await collectForceOrders(window, deps(server));
          expect(ids(found)).toEqual(ids(server.inWindow(window)));
          expect(new Set(ids(found)).size).toBe(found.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each(behaviours)('pages 2,000 orders tied on the page edges (%j) at about a request per 100', async (behaviour) => {
    const server = new PagedForceOrders(behaviour, seeded(3));
    // Groups of 7 orders on one millisecond: every page boundary falls inside a group.
    for (let i = 0; i < 2000; i += 1) server.add(T0 + Math.floor(i / 7) * 5, T0 + Math.floor(i / 7) * 5 + (i % 4) * 20);
    const window = { startTime: T0, endTime: T0 + HOUR };
    const found = await collectForceOrders(window, deps(server));
    expect(ids(found)).toEqual(ids(server.inWindow(window)));
    expect(server.requests.length).toBeLessThanOrEqual(30);
  });

  it('learns the end once per client: the next window skips the check that failed', async () => {
    const server = new PagedForceOrders({ pageEnd: 'newest', windowField: 'updateTime', ties: 'byOrderId' });
    for (let i = 0; i < 1000; i += 1) server.add(T0 + i * 10, T0 + i * 10);
    const memory = new PageEndMemory();
    const window = { startTime: T0, endTime: T0 + HOUR };
    await collectForceOrders(window, deps(server, memory));
    const first = server.requests.length;
    expect(memory.known).toBe('newest');
    await collectForceOrders(window, deps(server, memory));
    expect(server.requests.length - first).toBe(first - 1);
  });

  it.each(['oldest', 'newest'] as const)(
    'recovers from a wrong memory (server keeps the %s end) without losing an order',
    async (pageEnd) => {
      const server = new PagedForceOrders({ pageEnd, windowField: 'time', ties: 'byOrderId' });
      for (let i = 0; i < 1000; i += 1) server.add(T0 + i * 10, T0 + i * 10 + 5);
      const memory = new PageEndMemory();
      memory.confirm(pageEnd === 'oldest' ? 'newest' : 'oldest');
      const window = { startTime: T0, endTime: T0 + HOUR };
      expect(ids(await collectForceOrders(window, deps(server, memory)))).toEqual(ids(server.inWindow(window)));
      expect(memory.known).toBe(pageEnd);
    },
  );

  it.each(['oldest', 'newest'] as const)(
    'misses none of the orders there from the start while a cascade keeps arriving (server keeps the %s end)',
    async (pageEnd) => {
      const server = new PagedForceOrders({ pageEnd, windowField: 'updateTime', ties: 'byOrderId' });
      const present = Array.from({ length: 100 }, (_, i) => server.add(T0 + i, T0 + i));
      let now = T0 + 5000;
      // From the second request to the sixth, 150 new orders land at the present before each answer.
      server.beforeAnswer = (request) => {
        if (request < 2 || request > 6) return;
        for (let i = 0; i < 150; i += 1) server.add(now + (i % 10), now + (i % 10));
        now += 10;
      };
      const found = await collectForceOrders({ startTime: T0, endTime: T0 + HOUR }, deps(server));
      const got = new Set(found.map((o) => o.orderId));
      expect(present.filter((o) => !got.has(o.orderId))).toEqual([]);
    },
  );
});
