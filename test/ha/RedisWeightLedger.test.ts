import nodeFetch from 'node-fetch';
import { createClient } from 'redis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FetchLike } from '../../src/binance/BinanceHttpClient.js';
import { type BinanceClient, createBinanceClient } from '../../src/binance/createBinanceClient.js';
import { WeightBudget } from '../../src/binance/WeightBudget.js';
import { MINUTE_TURN_MARGIN_MS } from '../../src/binance/WeightLimiter.js';
import { RedisWeightLedger } from '../../src/ha/RedisWeightLedger.js';
import type { PapiSimulator } from '../../src/simulator/PapiSimulator.js';
import { MINUTE_MS } from '../../src/time.js';
import { startSimulatorOnFakeClock, untilRequests } from '../binance/harness.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { RedisServer } from '../fakes/RedisServer.js';

const PREFIX = 'forcewatch:';
const GROUP = 'office-egress';
/** A window with no order in it: one force-order request of weight 50. */
const QUIET = { startTime: 0, endTime: 1000 };
const REQUEST_WEIGHT = 50;

/** One simulator account per instance: Binance counts weight per IP, whatever the key. */
const KEYS = ['ALPHA', 'BRAVO', 'CHARLIE'].map((name) => ({
  name,
  apiKey: `${name}xKEYx${'0'.repeat(64 - name.length - 5)}`,
  hmacSecret: `${name.toLowerCase()}-secret-for-tests-only`,
}));

type RedisClient = ReturnType<typeof createClient>;

let redis: RedisServer;
const open: (() => Promise<void>)[] = [];

beforeEach(async () => {
  redis = await RedisServer.start();
  open.push(() => redis.stop());
});

afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

async function connectRedis(): Promise<RedisClient> {
  const client = createClient({ url: redis.url(), socket: { reconnectStrategy: () => 20 } });
  // Connection errors while the server is stopped are the point of one test; the ledger reports them.
  client.on('error', () => {});
  await client.connect();
  open.push(async () => client.destroy());
  return client;
}

/** Resolves on the client's next `event` (unlike `events.once`, the 'error' events on the way do not reject it). */
function untilClientEvent(client: RedisClient, event: 'ready' | 'reconnecting'): Promise<void> {
  return new Promise((resolve) => client.once(event, () => resolve()));
}

/** One forcewatch instance's weight budget and Binance client, logging its name in `sent` as it sends. */
interface Instance {
  name: string;
  budget: WeightBudget;
  client: BinanceClient;
  lines: string[];
  /** Its Redis client, when it shares the ledger. */
  redis: RedisClient | undefined;
}

async function startInstance(
  index: number,
  setup: { sim: PapiSimulator; clock: FakeClock; limit: number; sent: string[]; shared: boolean },
): Promise<Instance> {
  const { name, apiKey, hmacSecret } = KEYS[index] as (typeof KEYS)[number];
  const { logger, lines } = captureLogger('info');
  const redisClient = setup.shared ? await connectRedis() : undefined;
  const sharedLedger = redisClient && new RedisWeightLedger({ client: redisClient, prefix: PREFIX, group: GROUP });
  const budget = new WeightBudget({ papiWeightLimitPerMinute: setup.limit, clock: setup.clock, sharedLedger, logger });
  const fetch: FetchLike = (url, init) => {
    setup.sent.push(name);
    return (nodeFetch as unknown as FetchLike)(url, init);
  };
  const client = createBinanceClient({
    apiKey,
    apiSecret: hmacSecret,
    papiUrl: setup.sim.url,
    fapiUrl: setup.sim.url,
    dapiUrl: setup.sim.url,
    clock: setup.clock,
    budget,
    fetch,
    requestTimeoutMs: 2000,
    backoff: { baseMs: 2, capMs: 20 },
  });
  open.push(async () => {
    await client.close();
    await budget.stop();
  });
  return { name, budget, client, lines, redis: redisClient };
}

/**
 * Runs every stream of queries, moving the fake clock to the next minute each time every unfinished
 * stream waits on it and every request sent has reached the simulator; returns the IP's PAPI weight of
 * each minute and how many requests each instance sent in it.
 */
async function driveMinutes(
  streams: Promise<unknown>[],
  setup: { sim: PapiSimulator; clock: FakeClock; sent: string[] },
): Promise<{ weight: number; byInstance: Record<string, number> }[]> {
  let running = streams.length;
  const done = Promise.allSettled(streams.map((stream) => stream.finally(() => (running -= 1))));
  const minutes: { weight: number; byInstance: Record<string, number> }[] = [];
  let counted = 0;
  const endMinute = () => {
    const byInstance: Record<string, number> = {};
    for (const name of setup.sent.slice(counted)) byInstance[name] = (byInstance[name] ?? 0) + 1;
    counted = setup.sent.length;
    minutes.push({ weight: setup.sim.usedWeight(), byInstance });
  };
  while (running > 0) {
    await Promise.race([setup.clock.untilSleeping(running), done]);
    if (running === 0) break;
    await untilRequests(setup.sim, setup.sent.length);
    endMinute();
    // To the next minute, past the turn margin the limiter waits out (a request at the turn may count in the old one).
    await setup.clock.advance(MINUTE_MS - (setup.clock.now() % MINUTE_MS) + MINUTE_TURN_MARGIN_MS);
  }
  await done;
  await untilRequests(setup.sim, setup.sent.length);
  endMinute();
  return minutes;
}

/** `count` instances on one IP, each sending `perInstance` force-order queries of weight 50 at once. */
async function instancesSending(count: number, perInstance: number, limit: number, shared: boolean) {
  const { sim, clock } = await startSimulatorOnFakeClock(limit, KEYS);
  const sent: string[] = [];
  const setup = { sim, clock, limit, sent, shared };
  const instances: Instance[] = [];
  for (let index = 0; index < count; index += 1) instances.push(await startInstance(index, setup));
  const streams = instances.map(({ client }) =>
    Promise.all(Array.from({ length: perInstance }, () => client.forceOrders('cm', QUIET).then(() => 'ok' as const))),
  );
  const minutes = await driveMinutes(streams, setup);
  const outcomes = await Promise.allSettled(streams);
  return { sim, minutes, outcomes };
}

describe('RedisWeightLedger: one weight budget per IP across instances', () => {
  it("keeps two instances' sum within the IP's limit every minute, each getting a fair share, with no 429", async () => {
    const limit = 1000; // 20 requests a minute for the IP
    const { sim, minutes, outcomes } = await instancesSending(2, 40, limit, true);

    expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect(sim.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(sim.requests).toHaveLength(80);
    // 4000 weight in four minutes at the limit: none broken, none wasted (a late answer counts in its own minute).
    expect(minutes.map((minute) => minute.weight)).toEqual([limit, limit, limit, limit]);
    // While both have requests queued, each minute is shared (11 and 9, 10 and 10 on our runs): neither instance
    // takes it all while the other waits. The last minute takes what each has left.
    const perMinute = limit / REQUEST_WEIGHT;
    for (const minute of minutes.slice(0, -1)) {
      expect(minute.byInstance.ALPHA).toBeGreaterThanOrEqual(perMinute * 0.4);
      expect(minute.byInstance.BRAVO).toBeGreaterThanOrEqual(perMinute * 0.4);
    }
  }, 30_000);

  it("holds three instances to the same IP-wide limit: their weight per minute is one instance's", async () => {
    const limit = 1500; // 30 requests a minute for the IP
    const { sim, minutes, outcomes } = await instancesSending(3, 30, limit, true);
    expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect(sim.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(minutes.map((minute) => minute.weight)).toEqual([limit, limit, limit]);
    for (const minute of minutes.slice(0, -1)) {
      for (const name of ['ALPHA', 'BRAVO', 'CHARLIE']) expect(minute.byInstance[name]).toBeGreaterThanOrEqual(5);
    }
  }, 30_000);

  it('is what keeps them within it: with no shared ledger, the same two instances break the limit', async () => {
    const limit = 1000;
    const { sim, minutes } = await instancesSending(2, 40, limit, false);
    // Each instance's first answer of a minute leaves it room for ~19 more, and both spend it at once.
    expect(Math.max(...minutes.map((minute) => minute.weight))).toBeGreaterThan(limit);
    expect(sim.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
  }, 30_000);

  it("raises the shared count to a used-weight header's value: another program's spending holds back an instance that has not heard it", async () => {
    const { sim, clock } = await startSimulatorOnFakeClock(6000, KEYS);
    const sent: string[] = [];
    const outsider = await startInstance(2, { sim, clock, limit: 6000, sent, shared: false });
    await Promise.all(Array.from({ length: 119 }, () => outsider.client.forceOrders('cm', QUIET))); // 5950 of the IP's 6000
    const setup = { sim, clock, limit: 6000, sent, shared: true };
    const alpha = await startInstance(0, setup);
    await alpha.client.forceOrders('cm', QUIET); // booked 50 in Redis; its answer says the IP used 6000
    const redisClient = await connectRedis();
    const minuteKey = `${PREFIX}weight:${GROUP}:papi:${clock.now() - (clock.now() % MINUTE_MS)}`;
    await expect.poll(async () => Number(await redisClient.get(minuteKey))).toBe(6000);
    const ttl = await redisClient.pTTL(minuteKey);
    expect(ttl).toBeGreaterThan(MINUTE_MS);
    expect(ttl).toBeLessThanOrEqual(2 * MINUTE_MS);

    // A second instance has heard no header this minute, yet sends nothing into a minute that is spent.
    const bravo = await startInstance(1, setup);
    const queries = Array.from({ length: 3 }, () => bravo.client.forceOrders('cm', QUIET));
    await clock.untilSleeping(1);
    await untilRequests(sim, sent.length);
    expect(sent.filter((name) => name === 'BRAVO')).toEqual([]);
    await driveMinutes([Promise.all(queries)], { sim, clock, sent });
    expect(sent.filter((name) => name === 'BRAVO')).toHaveLength(3);
    expect(sim.requests.filter((r) => r.status !== 200)).toEqual([]);
  }, 30_000);

  it('goes on under the local limit while Redis is stopped mid-minute, warns once, and shares again once Redis is back', async () => {
    const limit = 1000;
    const { sim, clock } = await startSimulatorOnFakeClock(limit, KEYS);
    const sent: string[] = [];
    const alpha = await startInstance(0, { sim, clock, limit, sent, shared: true });
    await Promise.all(Array.from({ length: 5 }, () => alpha.client.forceOrders('cm', QUIET)));
    await redis.stop();
    const during = Array.from({ length: 25 }, () => alpha.client.forceOrders('cm', QUIET));
    // 15 more fit this minute under the local limit; the other 10 wait for the next minute.
    await clock.untilSleeping(1);
    await untilRequests(sim, sent.length);
    expect(sent).toHaveLength(20);
    expect(sim.usedWeight()).toBe(limit);
    const warnings = alpha.lines.filter((line) => line.includes('the shared weight ledger cannot be reached'));
    expect(warnings).toHaveLength(1);
    await driveMinutes([Promise.all(during)], { sim, clock, sent });
    expect(sim.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(sent).toHaveLength(30);

    await redis.restart();
    const ledgerClient = alpha.redis as RedisClient;
    if (!ledgerClient.isReady) await untilClientEvent(ledgerClient, 'ready');
    await alpha.client.forceOrders('cm', QUIET);
    expect(alpha.lines.filter((line) => line.includes('the shared weight ledger answers again'))).toHaveLength(1);
    const minuteKey = `${PREFIX}weight:${GROUP}:papi:${clock.now() - (clock.now() % MINUTE_MS)}`;
    // Booked there, then raised to the header's count: the IP's 500 spent this minute while Redis was down, and this one.
    expect(sim.usedWeight()).toBe(11 * REQUEST_WEIGHT);
    await expect.poll(async () => Number(await ledgerClient.get(minuteKey))).toBe(11 * REQUEST_WEIGHT);
  }, 30_000);
});

describe('RedisWeightLedger, on its own', () => {
  it('books while the minute holds the weight, then says how long until the next minute; each API and group counts apart', async () => {
    const client = await connectRedis();
    const ledger = new RedisWeightLedger({ client, prefix: PREFIX, group: GROUP });
    const minute = Date.UTC(2026, 10, 25, 12, 0, 0);
    expect(await ledger.reserve('papi', 600, 1000, minute + 1000)).toEqual({ booked: true });
    expect(await ledger.reserve('papi', 400, 1000, minute + 2000)).toEqual({ booked: true });
    expect(await ledger.reserve('papi', 1, 1000, minute + 45_000)).toEqual({ booked: false, retryInMs: 15_000 });
    expect(await ledger.reserve('fapi', 1000, 1000, minute + 45_000)).toEqual({ booked: true });
    const elsewhere = new RedisWeightLedger({ client, prefix: PREFIX, group: 'other-egress' });
    expect(await elsewhere.reserve('papi', 1000, 1000, minute + 45_000)).toEqual({ booked: true });
    expect(await ledger.reserve('papi', 1000, 1000, minute + MINUTE_MS)).toEqual({ booked: true });
  });

  it('only raises a count on observe, never lowers it', async () => {
    const client = await connectRedis();
    const ledger = new RedisWeightLedger({ client, prefix: PREFIX, group: GROUP });
    const minute = Date.UTC(2026, 10, 25, 12, 0, 0);
    await ledger.reserve('papi', 300, 1000, minute);
    await ledger.observe('papi', 100, minute + 10);
    expect(await ledger.reserve('papi', 701, 1000, minute + 20)).toMatchObject({ booked: false });
    await ledger.observe('papi', 900, minute + 30);
    expect(await ledger.reserve('papi', 101, 1000, minute + 40)).toMatchObject({ booked: false });
    expect(await ledger.reserve('papi', 100, 1000, minute + 50)).toEqual({ booked: true });
  });

  it('fails at once, instead of queueing, while its client is disconnected', async () => {
    const client = await connectRedis();
    const ledger = new RedisWeightLedger({ client, prefix: PREFIX, group: GROUP });
    const disconnected = untilClientEvent(client, 'reconnecting');
    await redis.stop();
    await disconnected;
    await expect(ledger.reserve('papi', 1, 1000, Date.now())).rejects.toThrow(/not connected/);
    await expect(ledger.observe('papi', 1, Date.now())).rejects.toThrow(/not connected/);
  });

  it('gives up after its timeout when Redis does not answer (a paused server), and the limiter sends under its own ledger', async () => {
    const pauser = await connectRedis();
    const clock = new FakeClock();
    const { logger, lines } = captureLogger('info');
    const client = await connectRedis();
    const ledger = new RedisWeightLedger({ client, prefix: PREFIX, group: GROUP, timeoutMs: 100 });
    const budget = new WeightBudget({ papiWeightLimitPerMinute: 1000, clock, sharedLedger: ledger, logger });
    open.push(() => budget.stop());
    // CLIENT PAUSE holds every client's commands on the server: a hung Redis (https://redis.io/docs/latest/commands/client-pause/).
    await pauser.sendCommand(['CLIENT', 'PAUSE', '10000', 'ALL']);
    open.push(async () => void (await pauser.sendCommand(['CLIENT', 'UNPAUSE'])));
    await expect(ledger.reserve('papi', 50, 1000, clock.now())).rejects.toThrow(/did not answer within 100 ms/);
    const sent = await budget.limiters.papi.run(50, async () => 'sent');
    expect(sent).toBe('sent');
    expect(lines.filter((line) => line.includes('the shared weight ledger cannot be reached'))).toHaveLength(1);
    expect(lines.join('\n')).toContain('did not answer within 100 ms');
  });

  it('refuses an empty IP group', () => {
    expect(() => new RedisWeightLedger({ client: { isReady: true, sendCommand: async () => null }, prefix: PREFIX, group: ' ' })).toThrow(
      /BINANCE_IP_GROUP/,
    );
  });
});
