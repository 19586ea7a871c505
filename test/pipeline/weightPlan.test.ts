import nodeFetch from 'node-fetch';
import { afterEach, describe, expect, it } from 'vitest';
import type { FetchLike } from '../../src/binance/BinanceHttpClient.js';
import type { BinanceClient } from '../../src/binance/createBinanceClient.js';
import type { ForceOrderSource, Market } from '../../src/binance/types.js';
import type { EventBus } from '../../src/pipeline/EventBus.js';
import { mergeForceOrderSources } from '../../src/pipeline/mergeForceOrderSources.js';
import { type AccountWeightPlan, accountWeightPerMinute, capacityProblem, QUIET_SHARE_OF_LIMIT } from '../../src/pipeline/weightPlan.js';
import { PapiSimulator } from '../../src/simulator/PapiSimulator.js';
import { UserDataStream } from '../../src/stream/UserDataStream.js';
import { MINUTE_MS } from '../../src/time.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { simulatorClient } from '../fakes/simulatorClient.js';
import { usePipelineHarnesses } from './pipelineHarness.js';

const open: (() => Promise<void>)[] = [];
// Registered before the harnesses' hooks, so it runs after them: pipelines stop before their client and simulator.
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});
const harness = usePipelineHarnesses();

/** The simulator and the real client on one fake clock; `inflight()` counts requests sent and not yet answered. */
async function exchange(): Promise<{ sim: PapiSimulator; client: BinanceClient; clock: FakeClock; inflight: () => number }> {
  const clock = new FakeClock();
  const sim = await PapiSimulator.start({ clock });
  let inflight = 0;
  const fetch: FetchLike = async (url, init) => {
    inflight += 1;
    try {
      return await (nodeFetch as unknown as FetchLike)(url, init);
    } finally {
      inflight -= 1;
    }
  };
  const client = simulatorClient(sim, { clock, fetch, requestTimeoutMs: 2_000 });
  open.push(async () => {
    await client.close();
    await sim.close();
  });
  return { sim, client, clock, inflight: () => inflight };
}

/**
 * Moves the fake clock one second at a time for `minutes`, each step only once nothing is `busy`: a step
 * taken while a poll waits on loopback or on its store write would push the polls after it back.
 */
async function driveMinutes(clock: FakeClock, busy: () => boolean, minutes: number): Promise<void> {
  const settle = async () => {
    for (let quiet = 0; quiet < 5; quiet = busy() ? 0 : quiet + 1) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  for (let second = 0; second < minutes * 60; second += 1) {
    await settle();
    await clock.advance(1_000);
  }
  await settle();
}

/** The account's books as one source, and whether one of its polls is under way (once `watch` has the pipeline's bus). */
function pollsOf(client: BinanceClient, markets: readonly Market[]) {
  const merged = mergeForceOrderSources(markets.map((m) => client.source(m)));
  let polling = 0;
  const source: ForceOrderSource = {
    allForceOrders: (window, options) => {
      polling += 1;
      return merged.allForceOrders(window, options);
    },
  };
  /** From the first poll's end on (the harness waits for it), counts each poll's end. */
  const watch = (bus: EventBus) => {
    polling = 0;
    const done = () => {
      polling -= 1;
    };
    bus.on('pollSucceeded', done);
    bus.on('pollFailed', done);
  };
  return { source, watch, polling: () => polling > 0 };
}

/** PAPI weight the simulator charged after `from` up to and including `until` (server time). */
function papiWeightBetween(sim: PapiSimulator, from: number, until: number): number {
  return sim.requests.filter((r) => r.path.startsWith('/papi/') && r.at > from && r.at <= until).reduce((sum, r) => sum + r.weight, 0);
}

describe('accountWeightPerMinute: the quiet weight of an account, checked against a real pipeline on the simulator', () => {
  it('polling all three books every 5 s with the early warning on: the estimate is what 10 quiet minutes cost, to the unit', async () => {
    const { sim, client, clock, inflight } = await exchange();
    const markets: Market[] = ['cm', 'um', 'margin'];
    const plan: AccountWeightPlan = { markets, pollIntervalMs: 5_000, riskWarning: true };
    const polls = pollsOf(client, markets);
    const h = harness({ clock, exchange: polls.source });
    const started = clock.now();
    await h.start({ pollIntervalMs: plan.pollIntervalMs, overlapMs: 60_000, risk: { account: client.account(), warnUniMmr: '1.5' } });
    polls.watch(h.bus);
    await driveMinutes(clock, () => inflight() > 0 || polls.polling(), 10);
    await h.stop();
    // The polls and the account read at the start are the first minute's; from then on each minute costs the estimate.
    expect(accountWeightPerMinute(plan)).toBe(12 * 101 + 20);
    expect(papiWeightBetween(sim, started, started + 10 * MINUTE_MS)).toBe(10 * accountWeightPerMinute(plan));
    expect(sim.requests.filter((r) => r.status !== 200)).toEqual([]);
  }, 60_000);

  it('polling COIN-M every 5 s with the digest on: its account reads every 5 minutes are in the estimate too', async () => {
    const { sim, client, clock, inflight } = await exchange();
    const markets: Market[] = ['cm'];
    const plan: AccountWeightPlan = { markets, pollIntervalMs: 5_000, riskWarning: false, digest: true };
    const polls = pollsOf(client, markets);
    const h = harness({ clock, exchange: polls.source });
    const started = clock.now();
    // DIGEST_AT twelve hours away: the digest itself is no part of these minutes.
    const atMinuteOfDay = (new Date(started).getUTCHours() * 60 + 12 * 60) % (24 * 60);
    await h.start({
      pollIntervalMs: plan.pollIntervalMs,
      overlapMs: 60_000,
      risk: { account: client.account() },
      digest: { atMinuteOfDay },
    });
    polls.watch(h.bus);
    await driveMinutes(clock, () => inflight() > 0 || polls.polling(), 10);
    await h.stop();
    expect(accountWeightPerMinute(plan)).toBe(12 * 50 + 4);
    // From the start on: its first poll and its first account read, then one read each 5 minutes.
    const spent = sim.requests.filter((r) => r.path.startsWith('/papi/') && r.at >= started && r.at < started + 10 * MINUTE_MS);
    const reads = spent.filter((r) => r.path === '/papi/v1/account');
    expect(reads.map((r) => Math.floor((r.at - started) / (5 * MINUTE_MS)))).toEqual([0, 1]);
    expect(spent.reduce((sum, r) => sum + r.weight, 0)).toBe(10 * accountWeightPerMinute(plan));
  }, 60_000);

  it('on the stream, reconciling both futures books every minute: the estimate, keepalives included, is what an hour costs', async () => {
    const { sim, client, clock, inflight } = await exchange();
    const markets: Market[] = ['cm', 'um'];
    const plan: AccountWeightPlan = { markets, pollIntervalMs: 5_000, stream: { reconcileIntervalMs: MINUTE_MS }, riskWarning: false };
    const polls = pollsOf(client, markets);
    const h = harness({ clock, exchange: polls.source });
    const stream = new UserDataStream({
      listenKeys: client.listenKeys(),
      clock,
      logger: h.log.logger,
      baseUrl: `${sim.url.replace(/^http/, 'ws')}/pm`,
    });
    const opened = new Promise<void>((resolve) => {
      const off = stream.on('state', ({ state }) => {
        if (state !== 'open') return;
        off();
        resolve();
      });
    });
    const started = clock.now();
    await h.start({
      pollIntervalMs: plan.pollIntervalMs,
      stream: { stream, contractSize: (symbol, pair) => client.contractSize(symbol, pair), reconcileIntervalMs: MINUTE_MS, markets },
    });
    polls.watch(h.bus);
    await opened;
    await driveMinutes(clock, () => inflight() > 0 || polls.polling(), 60);
    // Measured before the stop, whose listenKey DELETE is no part of running.
    expect(papiWeightBetween(sim, started, started + 60 * MINUTE_MS)).toBe(60 * accountWeightPerMinute(plan));
    await h.stop();
    expect(sim.requests.filter((r) => r.path === '/papi/v1/listenKey' && r.method === 'PUT')).toHaveLength(2);
  }, 120_000);
});

describe('capacityProblem', () => {
  const polling = (pollIntervalMs: number, markets: Market[] = ['cm', 'um']): AccountWeightPlan => ({
    markets,
    pollIntervalMs,
    riskWarning: false,
  });

  it('says nothing while the accounts fit 80% of the limit, and speaks a weight above it', () => {
    // 4 accounts x 100 weight x 12 polls = 4800: exactly 80% of 6000.
    const accounts = Array.from({ length: 4 }, () => polling(5_000));
    expect(QUIET_SHARE_OF_LIMIT).toBe(0.8);
    expect(capacityProblem(accounts, 6_000)).toBeUndefined();
    expect(capacityProblem([...accounts, polling(5_000, ['margin'])], 6_000)).toMatch(/^5 accounts cost 4812 PAPI weight a minute/);
  });

  it('names the cost, the share and the fixes when they do not', () => {
    const problem = capacityProblem(
      Array.from({ length: 5 }, () => polling(5_000)),
      6_000,
    );
    expect(problem).toBe(
      '5 accounts cost 6000 PAPI weight a minute while quiet, more than the 4800 (80% of BINANCE_WEIGHT_LIMIT=6000; the rest is kept for commands and cascade paging) they may spend: raise POLL_INTERVAL_MS to at least 7000, or turn BINANCE_STREAM on (501 a minute), or watch fewer accounts from this IP',
    );
  });

  it('asks for a longer RECONCILE_INTERVAL_MS when every account is on the stream already', () => {
    const streaming = { ...polling(5_000), stream: { reconcileIntervalMs: 5_000 } };
    const problem = capacityProblem(
      Array.from({ length: 5 }, () => streaming),
      6_000,
    );
    expect(problem).toMatch(/: raise RECONCILE_INTERVAL_MS to at least 7000, or watch fewer accounts from this IP$/);
  });
});
