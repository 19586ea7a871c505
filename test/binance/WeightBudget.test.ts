import nodeFetch from 'node-fetch';
import { afterEach, describe, expect, it } from 'vitest';
import type { FetchLike } from '../../src/binance/BinanceHttpClient.js';
import { type BinanceClient, createBinanceClient } from '../../src/binance/createBinanceClient.js';
import { WeightBudget } from '../../src/binance/WeightBudget.js';
import { MINUTE_TURN_MARGIN_MS } from '../../src/binance/WeightLimiter.js';
import type { PapiSimulator } from '../../src/simulator/PapiSimulator.js';
import { MINUTE_MS } from '../../src/time.js';
import type { FakeClock } from '../fakes/FakeClock.js';
import { startSimulatorOnFakeClock, untilRequests } from './harness.js';

const NAMES = ['pager-a', 'poller-b', 'pager-c'] as const;
type AccountName = (typeof NAMES)[number];
const ACCOUNTS = NAMES.map((name) => ({
  name,
  apiKey: `${name.toUpperCase().replace('-', 'x')}xKEYx${'0'.repeat(40)}`,
  hmacSecret: `${name}-secret-for-tests-only`,
}));

/** A window with no order in it: one request of weight 50. */
const QUIET = { startTime: 0, endTime: 1000 };

const open: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

/** One real client per account on `budget`, each logging its name in `sent` as it actually sends a request. */
function clientsOn(sim: PapiSimulator, clock: FakeClock, budget: WeightBudget, sent: string[]): Record<AccountName, BinanceClient> {
  const clients: Partial<Record<AccountName, BinanceClient>> = {};
  for (const account of ACCOUNTS) {
    const fetch: FetchLike = (url, init) => {
      sent.push(account.name);
      return (nodeFetch as unknown as FetchLike)(url, init);
    };
    const client = createBinanceClient({
      apiKey: account.apiKey,
      apiSecret: account.hmacSecret,
      papiUrl: sim.url,
      fapiUrl: sim.url,
      dapiUrl: sim.url,
      clock,
      budget,
      fetch,
      requestTimeoutMs: 2000,
    });
    open.push(() => client.close());
    clients[account.name] = client;
  }
  return clients as Record<AccountName, BinanceClient>;
}

/**
 * Advances the fake clock to each next minute while `work` runs, once the budget waits for it and every
 * request sent has reached the simulator (a later one would be stamped a minute early); `endOfMinute` is
 * called just before.
 */
async function driveMinutes(
  clock: FakeClock,
  work: Promise<unknown>,
  sim: PapiSimulator,
  sent: string[],
  endOfMinute: () => void,
): Promise<void> {
  let finished = false;
  const done = work.finally(() => {
    finished = true;
  });
  while (!finished) {
    await Promise.race([clock.untilSleeping(1), done]);
    if (finished) break;
    await untilRequests(sim, sent.length);
    endOfMinute();
    await clock.advance(MINUTE_MS - (clock.now() % MINUTE_MS) + MINUTE_TURN_MARGIN_MS);
  }
  await done;
}

describe('WeightBudget: one budget per API for every account on the IP', () => {
  it("serves waiting accounts in turn: two accounts' six paged queries each hold a third's polls back by a request or two of each, within the IP's limit", async () => {
    const limit = 1000; // 20 force-order requests a minute: requests queue, as in a cascade
    const { sim, clock } = await startSimulatorOnFakeClock(limit, ACCOUNTS);
    const cascadeStart = clock.now() - 10_000;
    // The same cascade in every account's own book (the simulator keeps one per key, as Binance does).
    for (const account of sim.accounts) {
      account.addOrders(
        Array.from({ length: 1500 }, (_, i) => ({ market: 'cm' as const, time: cascadeStart + i, updateTime: cascadeStart + i })),
      );
    }
    const budget = new WeightBudget({ papiWeightLimitPerMinute: limit, clock });
    open.push(() => budget.stop());
    const sent: string[] = [];
    const clients = clientsOn(sim, clock, budget, sent);
    const cascade = { startTime: cascadeStart, endTime: cascadeStart + 1499 };
    const pagers = (['pager-a', 'pager-c'] as const).flatMap((name) =>
      Array.from({ length: 6 }, () => clients[name].source('cm').allForceOrders(cascade)),
    );
    let paging = true;
    const paged = Promise.all(pagers).finally(() => {
      paging = false;
    });
    // The poller's quiet window: one request a poll, asked again as soon as the last is answered.
    const waits: { a: number; c: number }[] = [];
    const polls = (async () => {
      while (paging) {
        const enqueuedAt = sent.length;
        await clients['poller-b'].forceOrders('cm', { startTime: clock.now() - 5_000, endTime: clock.now() });
        const servedAt = sent.indexOf('poller-b', enqueuedAt);
        const between = sent.slice(enqueuedAt, servedAt);
        waits.push({ a: between.filter((n) => n === 'pager-a').length, c: between.filter((n) => n === 'pager-c').length });
      }
    })();
    const usedPerMinute: number[] = [];
    await driveMinutes(clock, Promise.all([paged, polls]), sim, sent, () => usedPerMinute.push(sim.usedWeight()));

    const pages = await paged;
    expect(pages.every((page) => page.orders.length === 1500)).toBe(true);
    expect(sent.filter((n) => n !== 'poller-b').length).toBeGreaterThan(12 * 15); // each query walked ~16 pages
    expect(waits.length).toBeGreaterThan(10);
    // In turns, a poll waits for at most one request of each pager plus the one being admitted when it asked;
    // `sent` logs a send a few microtasks after its admission, so one admitted just before the poll asked
    // can show up after it: at most 3 of one pager, 4 in all. FIFO by request puts each poll behind every
    // pager query waiting (up to 6 of each, 12 in all, on this run).
    for (const wait of waits) {
      expect(wait.a).toBeLessThanOrEqual(3);
      expect(wait.c).toBeLessThanOrEqual(3);
      expect(wait.a + wait.c).toBeLessThanOrEqual(4);
    }
    // The sum of the three accounts' weight stayed within the IP's limit: the simulator refused nothing.
    expect(sim.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(usedPerMinute.length).toBeGreaterThan(5);
    expect(Math.max(...usedPerMinute)).toBeLessThanOrEqual(limit);
  }, 30_000);

  it("lets any account's used-weight header correct the shared ledger: other programs' use leaves room for 19 requests in all, not 19 per account", async () => {
    const { sim, clock } = await startSimulatorOnFakeClock(6000, ACCOUNTS);
    const budget = new WeightBudget({ clock });
    open.push(() => budget.stop());
    const sent: string[] = [];
    const outsider = clientsOn(sim, clock, new WeightBudget({ clock }), sent)['pager-c'];
    await Promise.all(Array.from({ length: 100 }, () => outsider.forceOrders('cm', QUIET))); // 5000 of the IP's 6000
    const clients = clientsOn(sim, clock, budget, sent);
    const queries = (['pager-a', 'poller-b'] as const).flatMap((name) =>
      Array.from({ length: 15 }, () => clients[name].forceOrders('cm', QUIET)),
    );
    await Promise.race([clock.untilSleeping(1), Promise.all(queries)]);
    await untilRequests(sim, sent.length);
    // The first answer said 5050 were used: 19 more fit (950), whichever account sends them.
    expect(sim.requests).toHaveLength(120);
    expect(sim.usedWeight()).toBe(6000);
    await driveMinutes(clock, Promise.all(queries), sim, sent, () => {});
    expect(sim.requests).toHaveLength(130);
    expect(sim.requests.filter((r) => r.status !== 200)).toEqual([]);
  });

  it("closing one account's client refuses its requests still waiting; the other account's go out", async () => {
    const { sim, clock } = await startSimulatorOnFakeClock(6000, ACCOUNTS);
    const budget = new WeightBudget({ papiWeightLimitPerMinute: 1000, clock });
    open.push(() => budget.stop());
    const sent: string[] = [];
    const clients = clientsOn(sim, clock, budget, sent);
    await Promise.all(Array.from({ length: 20 }, () => clients['pager-a'].forceOrders('cm', QUIET))); // the minute's 1000
    const closing = Array.from({ length: 2 }, () => clients['pager-a'].forceOrders('cm', QUIET));
    const staying = Array.from({ length: 2 }, () => clients['poller-b'].forceOrders('cm', QUIET));
    await clock.untilSleeping(1);
    await clients['pager-a'].close();
    for (const query of closing) await expect(query).rejects.toThrow(/the Binance client is closed/);
    await driveMinutes(clock, Promise.all(staying), sim, sent, () => {});
    expect(sent.filter((name) => name === 'poller-b')).toHaveLength(2);
    expect(sent.filter((name) => name === 'pager-a')).toHaveLength(20);
  });
});
