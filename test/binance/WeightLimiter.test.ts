import { describe, expect, it } from 'vitest';
import { createBinanceClient } from '../../src/binance/createBinanceClient.js';
import { MINUTE_TURN_MARGIN_MS, WeightLimiter } from '../../src/binance/WeightLimiter.js';
import { SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { idle, startHarness, untilRequests } from './harness.js';

const WINDOW = { startTime: 0, endTime: 0 };

/** Resolves once `count` of the promises have settled. */
async function untilSettled(promises: Promise<unknown>[], count: number): Promise<void> {
  let settled = 0;
  await new Promise<void>((resolve) => {
    for (const p of promises) {
      void p.then(
        () => (++settled === count ? resolve() : undefined),
        () => (++settled === count ? resolve() : undefined),
      );
    }
  });
}

describe('WeightLimiter', () => {
  it('never lets a burst of queries break the minute limit: the overflow waits for the next minute', async () => {
    const { sim, client, clock } = await startHarness({ fakeClock: true });
    const queries = Array.from({ length: 150 }, () => client.forceOrders('cm', WINDOW)); // 50 each: 7500 > 6000
    await untilSettled(queries, 120);
    await idle();
    expect(sim.requests).toHaveLength(120);
    expect(sim.usedWeight()).toBe(6000);
    await clock!.advance(60_000 + MINUTE_TURN_MARGIN_MS);
    await Promise.all(queries);
    expect(sim.requests).toHaveLength(150);
    expect(sim.requests.every((r) => r.status === 200)).toBe(true);
    expect(sim.usedWeight()).toBe(1500);
  });

  it('leaves room for other programs on the IP: the used-weight header shrinks the budget', async () => {
    const { sim, client, clock } = await startHarness({ fakeClock: true });
    const other = createBinanceClient({
      apiKey: SIM_API_KEY,
      apiSecret: SIM_API_SECRET,
      papiUrl: sim.url,
      clock: clock!,
    });
    try {
      await Promise.all(Array.from({ length: 100 }, () => other.forceOrders('cm', WINDOW))); // 5000 of the IP's 6000
    } finally {
      await other.close();
    }
    const queries = Array.from({ length: 30 }, () => client.forceOrders('cm', WINDOW));
    await untilSettled(queries, 20);
    await idle();
    // Our first request learnt that 5050 were used; 19 more fit (950), the rest wait.
    expect(sim.requests).toHaveLength(120);
    expect(sim.usedWeight()).toBe(6000);
    await clock!.advance(60_000 + MINUTE_TURN_MARGIN_MS);
    await Promise.all(queries);
    expect(sim.requests.filter((r) => r.status !== 200)).toEqual([]);
  });

  it('spends at most a lower configured limit per minute', async () => {
    const { sim, client, clock } = await startHarness({ fakeClock: true, client: { weightLimitPerMinute: 1000 } });
    const queries = Array.from({ length: 30 }, () => client.forceOrders('cm', WINDOW));
    await untilSettled(queries, 20);
    await idle();
    expect(sim.usedWeight()).toBe(1000);
    await clock!.advance(60_000 + MINUTE_TURN_MARGIN_MS);
    await Promise.all(queries);
    expect(sim.requests).toHaveLength(30);
  });

  it("sends nothing held for the next minute until the turn has surely come at Binance too: a clock 15 ms ahead of Binance's gets no 429 at the turn", async () => {
    const clock = new FakeClock();
    // Our estimate of Binance's time runs 15 ms ahead of it, as after a time sync over a slow round trip.
    const { sim, client } = await startHarness({
      sim: { now: () => clock.now() - 15, weightLimitPerMinute: 1000 },
      client: { clock, weightLimitPerMinute: 1000 },
    });
    const queries = Array.from({ length: 30 }, () => client.forceOrders('cm', WINDOW));
    await untilSettled(queries, 20);
    await idle();
    expect(sim.usedWeight()).toBe(1000);
    // Our minute turns; Binance's has 15 ms to go, and is full.
    await clock.advance(60_000 - (clock.now() % 60_000));
    await idle();
    expect(sim.requests).toHaveLength(20);
    await clock.advance(MINUTE_TURN_MARGIN_MS);
    await Promise.all(queries);
    expect(sim.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(sim.usedWeight()).toBe(500);
  });

  it('holds every request while paused, on the injected clock', async () => {
    const clock = new FakeClock();
    const limiter = new WeightLimiter({ clock });
    limiter.pause(clock.now() + 5000);
    let ran = false;
    const job = limiter.run(1, async () => {
      ran = true;
    });
    await clock.untilSleeping(1);
    await clock.advance(4999);
    expect(ran).toBe(false);
    await clock.advance(1);
    await job;
    expect(ran).toBe(true);
    await limiter.stop();
  });

  it("admits nothing else in a minute until that minute's first request is answered", async () => {
    const limiter = new WeightLimiter({ clock: new FakeClock() });
    let answer = (_used: number) => {};
    const started: string[] = [];
    const first = limiter.run(50, async (report) => {
      started.push('first');
      await new Promise<void>((resolve) => {
        answer = (used) => {
          report(used);
          resolve();
        };
      });
    });
    const second = limiter.run(50, async () => {
      started.push('second');
    });
    await idle();
    expect(started).toEqual(['first']);
    answer(5000); // other programs on the IP have spent most of the minute: the second still fits
    await Promise.all([first, second]);
    expect(started).toEqual(['first', 'second']);
    await limiter.stop();
  });

  it('refuses, on stop, the admissions still waiting, and sends none of them', async () => {
    const clock = new FakeClock();
    const limiter = new WeightLimiter({ clock });
    limiter.pause(clock.now() + 5000);
    let sent = 0;
    const send = async () => {
      sent += 1;
    };
    const jobs = [1, 2].map(() => limiter.run(1, send));
    await clock.untilSleeping(1);
    await limiter.stop();
    for (const job of jobs) await expect(job).rejects.toThrow(/stopped/);
    await clock.advance(5000); // nothing would hold a request now but the stop
    await expect(limiter.run(1, send)).rejects.toThrow(/stopped/);
    expect(sent).toBe(0);
  });

  it('refuses a limit below the heaviest request', () => {
    expect(() => new WeightLimiter({ weightLimitPerMinute: 10 })).toThrow(/weightLimitPerMinute/);
  });
});

describe('one weight budget per API (Binance counts papi, fapi and dapi apart)', () => {
  const papiRequests = (sim: { requests: { path: string; status: number }[] }) => sim.requests.filter((r) => r.path.startsWith('/papi'));

  it("a fapi answer's used-weight header does not reset the PAPI budget", async () => {
    const { sim, client, clock } = await startHarness({ fakeClock: true });
    const other = createBinanceClient({ apiKey: SIM_API_KEY, apiSecret: SIM_API_SECRET, papiUrl: sim.url, clock: clock! });
    try {
      await Promise.all(Array.from({ length: 100 }, () => other.forceOrders('cm', WINDOW))); // 5000 of PAPI's 6000
    } finally {
      await other.close();
    }
    await client.forceOrders('cm', WINDOW); // learns 5050 used on PAPI
    await client.sync(); // fapi says 1 used: of fapi's own budget, not PAPI's
    const queries = Array.from({ length: 30 }, () => client.forceOrders('cm', WINDOW));
    await untilSettled(queries, 19);
    await client.sync(); // a round trip more: a request the budget let through too early has arrived by now
    await idle();
    expect(papiRequests(sim).filter((r) => r.status !== 200)).toEqual([]);
    expect(papiRequests(sim)).toHaveLength(120); // 5050 + 19 × 50 = 6000
    await clock!.advance(60_000 + MINUTE_TURN_MARGIN_MS);
    await Promise.all(queries);
    expect(papiRequests(sim).filter((r) => r.status !== 200)).toEqual([]);
  }, 5000); // a budget shared with fapi hangs here instead: the 429s it earns pause the sync too

  it.each([
    { limited: '/fapi', status: 429 as const, retryAfterSec: 30, other: 'a PAPI query' },
    { limited: '/papi', status: 418 as const, retryAfterSec: 120, other: 'the clock sync on fapi' },
  ])(
    'a $status on $limited pauses that API only: $other goes out and comes back meanwhile',
    async (c) => {
      const { sim, client, clock } = await startHarness({ fakeClock: true });
      sim.injectFault({ type: 'rateLimit', status: c.status, retryAfterSec: c.retryAfterSec, path: c.limited });
      const [limited, other] =
        c.limited === '/fapi'
          ? [client.sync(), () => client.forceOrders('cm', WINDOW)]
          : [client.forceOrders('cm', WINDOW), () => client.sync()];
      await untilRequests(sim, 1);
      await clock!.untilSleeping(1); // the limited API's pause
      await other(); // behind a pause shared by every API, this would wait (and the test time out)
      await clock!.advance(c.retryAfterSec * 1000);
      await limited;
      const [first, second] =
        c.limited === '/fapi' ? ['/fapi/v1/time', '/papi/v1/cm/forceOrders'] : ['/papi/v1/cm/forceOrders', '/fapi/v1/time'];
      expect(sim.requests.map((r) => `${r.path} ${r.status}`)).toEqual([`${first} ${c.status}`, `${second} 200`, `${first} 200`]);
    },
    5000,
  );

  it('hands each used-weight header to onUsedWeight with its API, and survives a hook that throws', async () => {
    const reported: [string, number][] = [];
    const { sim, client } = await startHarness({ client: { onUsedWeight: (api, used) => reported.push([api, used]) } });
    await client.sync();
    await client.forceOrders('cm', WINDOW);
    await client.source('cm').allForceOrders({ startTime: 0, endTime: 10 });
    expect(reported).toEqual([
      ['fapi', 1],
      ['papi', 50],
      ['papi', 100],
    ]);
    expect(sim.usedWeight('papi')).toBe(100);

    const throwing = await startHarness({
      client: {
        onUsedWeight: () => {
          throw new Error('gauge broke');
        },
      },
    });
    expect(await throwing.client.forceOrders('cm', WINDOW)).toEqual([]);
    expect(throwing.sim.requests).toHaveLength(1);
    expect(throwing.lines.some((line) => line.includes('onUsedWeight failed'))).toBe(true);
  });
});
