import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { percentile } from '../../bench/percentile.js';
import { minuteOf } from '../../src/binance/WeightLimiter.js';
import { leaseHolder } from '../../src/ha/Lease.js';
import { PapiSimulator } from '../../src/simulator/PapiSimulator.js';
import { SeededRandom } from '../../src/simulator/SeededRandom.js';
import { simAccounts } from '../../src/simulator/simAccounts.js';
import type { SimRequestLog } from '../../src/simulator/types.js';
import { MINUTE_MS } from '../../src/time.js';
import { FakeDiscord } from '../fakes/discord/FakeDiscord.js';
import { RedisServer } from '../fakes/RedisServer.js';
import { FakeSlack } from '../fakes/slack/FakeSlack.js';
import { SLACK_BOT_TOKEN } from '../hardening/support/chatEnv.js';
import { discordAnnounced, mentionsPerOrder, slackAnnounced } from '../hardening/support/countAlerts.js';
import { onSlackAccept } from '../hardening/support/onSlackAccept.js';
import { tempDir } from '../pipeline/pipelineHarness.js';
import { type FleetWorld, HA_LEASE_MS, HaFleet, type HaInstance, isForceOrders, POLL_INTERVAL_MS } from './support/HaFleet.js';

/** `FAILOVER_SEED` replays a failing run: every choice below comes from it. */
const SEED = Number(process.env.FAILOVER_SEED ?? 20_261_202);

/** Where in the leader's poll/deliver cycle a kill lands. */
type KillPoint = 'mid-poll' | 'slack-accepted' | 'discord-accepted' | 'random';
const KILL_POINTS: readonly KillPoint[] = ['mid-poll', 'slack-accepted', 'discord-accepted', 'random'];

/** RECONCILE_INTERVAL_MS of the stream case: the floor, so its first leader's store starts soon. */
const RECONCILE_MS = 5_000;

const figures = (times: number[]) => ({ p50: Math.round(percentile(times, 50)), max: Math.round(Math.max(...times)) });

/**
 * forcewatch as real processes on one real redis-server (issue 14's tests, after Alertmanager's cluster
 * tests): leaders SIGKILLed and SIGSTOPped, Redis restarted, in real time with a 1 s lease and a 1 s poll.
 */
describe('high availability: real instances, real Redis, leaders killed and paused', () => {
  let redisDir: { dir: string; cleanup: () => Promise<void> };
  let redis: RedisServer;
  let world: FleetWorld;
  let dir: { dir: string; cleanup: () => Promise<void> };
  let fleet: HaFleet;
  /** Order ids the test created, for reading them back out of the chat messages. */
  let created: Set<string>;
  /** A second server, without persistence, that one test starts (stopped after it, even on a timeout). */
  let volatileRedis: RedisServer | undefined;

  /** Every failover time of the kill tests, for the issue's figure over 20 kills. */
  const allFailovers: number[] = [];

  beforeAll(async () => {
    redisDir = await tempDir();
    // Append-only with fsync: a restart keeps every write, as a production Redis should.
    redis = await RedisServer.start({ persist: { dir: redisDir.dir } });
  });
  afterAll(async () => {
    if (allFailovers.length > 0) {
      const { p50, max } = figures(allFailovers);
      console.info(`failover over all ${allFailovers.length} SIGKILLs: p50 ${p50} ms, max ${max} ms`);
    }
    await redis?.stop();
    await redisDir?.cleanup();
  });

  beforeEach(async () => {
    const sim = await PapiSimulator.start({ seed: SEED });
    const slack = new FakeSlack({ botToken: SLACK_BOT_TOKEN });
    await slack.start();
    const discord = await FakeDiscord.start();
    dir = await tempDir();
    world = { sim, slack, discord, redis, dir: dir.dir };
    fleet = new HaFleet(world);
    created = new Set();
  });
  afterEach(async () => {
    await fleet.close();
    await volatileRedis?.stop();
    volatileRedis = undefined;
    await Promise.all([world.sim.close(), world.slack.stop(), world.discord.close()]);
    await dir.cleanup();
    const client = await import('redis').then(({ createClient }) => createClient({ url: redis.url() }));
    await client.connect();
    await client.flushAll();
    client.destroy();
  });

  /** A new COIN-M order on the exchange now (the only book the fleet watches: see HaFleet). */
  function addOrder(): string {
    const now = Date.now();
    const order = world.sim.addOrder({ market: 'cm', updateTime: now, time: now });
    created.add(String(order.orderId));
    return String(order.orderId);
  }

  /** What the exchange does between two kills: a trickle, sometimes a cascade. */
  function tradeOn(random: SeededRandom): void {
    const roll = random.next();
    if (roll < 0.25) {
      for (const order of world.sim.addBurst(random.int(6, 18), { spreadMs: 5, market: 'cm' })) created.add(String(order.orderId));
    } else {
      for (let i = random.int(1, 3); i > 0; i -= 1) addOrder();
    }
  }

  const slackCounts = () => mentionsPerOrder(world.slack.messages.map((m) => slackAnnounced(m, created)));
  const discordCounts = () => mentionsPerOrder(world.discord.messages.map((m) => discordAnnounced(m, created)));

  /** Resolves once every order in `ids` is named at both sinks. */
  async function untilAlerted(ids: Iterable<string>): Promise<void> {
    const wanted = [...ids];
    const all = (counts: Map<string, number>) => wanted.every((id) => counts.has(id));
    await world.slack.until(() => all(slackCounts()));
    while (!all(discordCounts())) await world.discord.next('message');
  }

  /** Every created order named exactly once at Slack and at Discord, no group left partial. */
  function expectEachOnceAtEachSink(): void {
    const partial = [
      ...world.slack.messages.map((m) => slackAnnounced(m, created)),
      ...world.discord.messages.map((m) => discordAnnounced(m, created)),
    ].filter((m) => m.partial);
    expect(partial).toEqual([]);
    for (const [sink, counts] of [
      ['slack', slackCounts()],
      ['discord', discordCounts()],
    ] as const) {
      expect(
        [...created].filter((id) => !counts.has(id)),
        `orders never alerted at ${sink}`,
      ).toEqual([]);
      expect(
        [...counts].filter(([, n]) => n > 1),
        `orders alerted twice at ${sink}`,
      ).toEqual([]);
    }
  }

  /** Resolves when the kill point comes, or after `fallbackMs` (the point may not come); kills from inside the turn for `slack-accepted`. */
  function killMoment(point: KillPoint, leader: HaInstance, random: SeededRandom, fallbackMs: number): Promise<void> {
    const cleanups: (() => void)[] = [];
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, point === 'random' ? random.int(0, fallbackMs) : fallbackMs);
      cleanups.push(() => clearTimeout(timer));
      if (point === 'mid-poll') {
        // Only the leader asks for force orders: killed while the simulator holds its request.
        cleanups.push(world.sim.onRequest((r) => isForceOrders(r.path) && resolve()));
      } else if (point === 'discord-accepted') {
        // Emitted after the fake created the message and before it answers: the leader never learns it landed.
        world.discord.once('message', resolve);
        cleanups.push(() => world.discord.off('message', resolve));
      } else if (point === 'slack-accepted') {
        cleanups.push(
          onSlackAccept(world.slack, () => {
            void leader.bot.kill(); // SIGKILL in this turn, before the fake answers
            resolve();
          }),
        );
      }
    }).finally(() => {
      for (const cleanup of cleanups) cleanup();
    });
  }

  /** The fleet's first leader, once its store has started (see `storeStarted`). */
  async function firstLeader(): Promise<HaInstance> {
    const leader = await within('a first leader', fleet.leader());
    await within("the first leader's store", storeStarted());
    return leader;
  }

  /**
   * Resolves once a leader's store has started far enough back that an order added now is an alert (one
   * from before the store, like any before a first start, is history): at the second request for force
   * orders, a poll interval after the first. The first request is not enough: the store starts at the
   * exchange's time, which the bot estimates a few ms ahead of this process's clock, so an order made just
   * after that request could fall before the store's start (seen in CI: the test then waited forever).
   */
  async function storeStarted(): Promise<void> {
    await nextForceOrdersRequest();
    await nextForceOrdersRequest();
  }

  /** `promise`, or a failure after `ms` naming the step and showing each instance's last log lines (instead of the test's timeout). */
  async function within<T>(what: string, promise: Promise<T>, ms = 15_000): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const tails = fleet.instances.map((i) => `${i.name}${i.bot.alive ? '' : ' (dead)'}:\n${i.bot.tail(12)}`).join('\n');
        const missing = [...created].filter((id) => !slackCounts().has(id) || !discordCounts().has(id));
        reject(new Error(`${what} did not happen within ${ms} ms; not yet at both sinks: ${missing.join(', ')}\n${tails}`));
      }, ms);
    });
    try {
      return await Promise.race([promise, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * `instances` instances, `kills` SIGKILLs of the leader at seeded points with orders and cascades
   * arriving throughout, each killed instance replaced; then every order at every sink, none twice.
   * Resolves with each failover's time: from the kill to the first chat message after it.
   */
  async function killLeaders(
    instances: number,
    kills: number,
    seed: number,
    stream = false,
  ): Promise<{ failovers: number[]; latencies: number[] }> {
    const random = new SeededRandom(seed);
    const latencies: number[] = [];
    await Promise.all(Array.from({ length: instances }, (_, i) => fleet.spawn(`i${i}`)));
    await firstLeader();
    const first = addOrder();
    await within('the first alert', untilAlerted([first]));
    const failovers: number[] = [];
    for (let k = 0; k < kills; k += 1) {
      tradeOn(random);
      const leader = await within(`one leader before kill ${k}`, fleet.leader());
      const point = random.pick(KILL_POINTS);
      await killMoment(point, leader, random, 1_500);
      const messagesAtKill = world.slack.messages.length;
      void leader.bot.kill();
      const killedAt = performance.now();
      await leader.bot.exited;
      // An order right after the kill: the successor has something to alert, whatever was pending.
      addOrder();
      const replacement = fleet.launch(`i${instances + k}`);
      await within(
        `the successor's first alert after kill ${k} (${point})`,
        world.slack.until(() => world.slack.messages.length > messagesAtKill),
      );
      failovers.push(performance.now() - killedAt);
      const started = (await replacement).bot.waitForLine((l) => l.msg === 'forcewatch started');
      await within(`the replacement's start after kill ${k}`, started);
      // With the stream, how soon the successor pushes a new alert (drained first: it changes the kill's dynamics).
      if (stream) latencies.push(await within(`an alert from the successor of kill ${k}`, alertLatency(await fleet.leader())));
    }
    await within('every order at both sinks', untilAlerted(created));
    expectEachOnceAtEachSink();
    return { failovers, latencies };
  }

  /**
   * Once the successor `leader` has drained what the kill left and its user data stream is open, adds one and resolves with the ms until Discord names it: the
   * successor's alert latency. Discord, not Slack: Slack paces a channel at one message a second, which an
   * alert right after the drain would wait out; Discord takes five in five seconds.
   */
  async function alertLatency(leader: HaInstance): Promise<number> {
    await untilAlerted(created);
    const termAt = leader.bot.lines.findLastIndex((l) => l.msg === 'leading the account');
    await leader.bot.waitForLine((l) => l.msg === 'user data stream open' && leader.bot.lines.indexOf(l) > termAt);
    const id = addOrder();
    const at = performance.now();
    while (!discordCounts().has(id)) await world.discord.next('message');
    return performance.now() - at;
  }

  it.each([
    [2, 10],
    [3, 10],
  ])(
    '%i instances, the leader SIGKILLed %i times mid-cascade: every order at every sink once, each failover within the lease and a poll',
    async (instances, kills) => {
      const { failovers } = await killLeaders(instances, kills, SEED + instances);
      allFailovers.push(...failovers);
      const { p50, max } = figures(failovers);
      console.info(
        `failover (${instances} instances, ${kills} SIGKILLs, HA_LEASE_MS=${HA_LEASE_MS}, POLL_INTERVAL_MS=${POLL_INTERVAL_MS}): p50 ${p50} ms, max ${max} ms; ${created.size} orders`,
      );
      expect(failovers).toHaveLength(kills);
      expect(max).toBeLessThanOrEqual(HA_LEASE_MS + POLL_INTERVAL_MS);
    },
    120_000,
  );

  it('with the user data stream on, 2 instances, the leader SIGKILLed 5 times: every order once, each successor streams, its alerts pushed well inside a REST poll', async () => {
    // REST reconciles every 5 s (the floor) while the stream is open: an alert much sooner came by the stream.
    fleet = new HaFleet(world, { BINANCE_STREAM: 'on', RECONCILE_INTERVAL_MS: String(RECONCILE_MS) });
    const { failovers, latencies } = await killLeaders(2, 5, SEED + 7, true);
    const { p50, max } = figures(failovers);
    const latency = figures(latencies);
    console.info(
      `failover with the stream on (2 instances, 5 SIGKILLs, HA_LEASE_MS=${HA_LEASE_MS}, RECONCILE_INTERVAL_MS=${RECONCILE_MS}): p50 ${p50} ms, max ${max} ms; ` +
        `the successor's alert latency once its stream is open: p50 ${latency.p50} ms, max ${latency.max} ms; ${created.size} orders`,
    );
    // Each successor's first poll reads what the kill left (no poll waits for the stream).
    expect(max).toBeLessThanOrEqual(HA_LEASE_MS + POLL_INTERVAL_MS);
    // By a poll, 5 alerts would average 2.5 s; all five under 1.5 s by chance is 0.3^5 (0.2%).
    expect(latency.max).toBeLessThan(1_500);
  }, 150_000);

  it.each(['mid-poll', 'slack-accepted'] as const)(
    'a leader paused past its lease (SIGSTOP %s, then SIGCONT) commits nothing after its successor took over, and stands by',
    async (point) => {
      const a = await fleet.spawn('a');
      const b = await fleet.spawn('b');
      const paused = await firstLeader();
      const successor = paused === a ? b : a;
      await untilAlerted([addOrder()]);

      // Paused while the simulator holds its poll (on SIGCONT it reads an answer with an order in it), or
      // as Slack records its alert (it reads Slack's answer and records the delivery, or tries to).
      const pause = () => process.kill(paused.bot.pid as number, 'SIGSTOP');
      const pausedIn = new Promise<void>((resolve) => {
        const off =
          point === 'mid-poll'
            ? world.sim.onRequest((r) => {
                if (!isForceOrders(r.path)) return;
                off();
                pause();
                resolve();
              })
            : onSlackAccept(world.slack, () => {
                off();
                pause();
                resolve();
              });
      });
      const held = addOrder();
      await pausedIn;
      const pausedAt = performance.now();
      await fleet.leader(paused);
      await untilAlerted([held]);
      const takenOverMs = performance.now() - pausedAt;
      const later = addOrder();
      await untilAlerted([later]);
      expect(fleet.leaders()).toContain(successor);

      // Every store write it attempts from now on (MONITOR; its commands carry its id in the fence), and the
      // account's state as Redis holds it right after each attempt: a stale write would replace the successor's.
      const instanceId = leaseHolder(paused.bot.lines.find((l) => l.msg === 'leading the account')?.lease as string | undefined) ?? '';
      expect(instanceId).toMatch(/^\S+$/);
      const { createClient } = await import('redis');
      const [monitor, reader] = [createClient({ url: redis.url() }), createClient({ url: redis.url() })];
      await Promise.all([monitor.connect(), reader.connect()]);
      const attempts: string[] = [];
      const stateAfterAttempts: Promise<string | null>[] = [];
      await monitor.monitor((line) => {
        if (!line.includes(instanceId) || !/"EVAL(SHA)?"/.test(line) || !/:(state|archive):/.test(line)) return;
        attempts.push(line);
        stateAfterAttempts.push(reader.get('forcewatch:state:main'));
      });
      const slackBefore = world.slack.messages.length;
      const discordBefore = world.discord.messages.length;
      process.kill(paused.bot.pid as number, 'SIGCONT');
      const resumedAt = paused.bot.lines.length;
      await paused.bot.waitForLine((l) => l.msg === 'standing by for the account' && paused.bot.lines.indexOf(l) >= resumedAt);
      const last = addOrder();
      await untilAlerted([last]);

      const afterResume = paused.bot.lines.slice(resumedAt);
      console.info(
        `paused leader (${point}): successor alerted ${Math.round(takenOverMs)} ms after the SIGSTOP; after SIGCONT the paused one ` +
          `logged ${afterResume.length} lines: ${afterResume.map((l) => l.msg).join(' | ')}`,
      );
      // Its term ended on the renew deadline it overslept: it never again counted itself leader.
      expect(afterResume.filter((l) => l.msg === 'leading the account')).toEqual([]);
      expect(afterResume.find((l) => l.msg === 'stopped leading the account')?.reason).toMatch(/renew deadline|no longer this instance's/);
      // Nothing it attempted was written: the state still has the successor's last order after each attempt.
      const states = await Promise.all(stateAfterAttempts);
      monitor.destroy();
      reader.destroy();
      console.info(`the paused one's store writes attempted after SIGCONT: ${attempts.length}`);
      expect(states.filter((state) => !state?.includes(later))).toEqual([]);
      if (point === 'slack-accepted') {
        // It woke with Slack's answer in hand and tried to record the delivery: the fence refused it. (Paused
        // mid-poll, it may find its term over before it writes at all: 0 or 1 attempts seen.)
        expect(attempts.length).toBeGreaterThan(0);
        expect(JSON.stringify(afterResume)).toMatch(/no longer holds the account's lease/);
      }
      // No alert of its own landed after the successor's: the last two orders came once each, from the successor.
      expect(world.slack.messages.length - slackBefore).toBe(1);
      expect(world.discord.messages.length - discordBefore).toBe(1);
      expectEachOnceAtEachSink();
      expect(fleet.leaders()).toEqual([successor]);
      expect((await fleet.health(paused)).reason).toMatch(/^standby/);
    },
    60_000,
  );

  it.each([
    ['with its append-only file', 'every order alerted once after it is back', true],
    ['without persistence', "the fleet recovers, nothing twice (the outage's orders are lost with the data)", false],
  ] as const)(
    'Redis restarted mid-run %s: /healthz 503 with the reason while it is down; %s',
    async (_, _promise, persisted) => {
      // The file's server keeps its data; one without persistence comes back empty.
      const server = persisted ? redis : await RedisServer.start();
      if (!persisted) volatileRedis = server;
      fleet = new HaFleet({ ...world, redis: server });
      await fleet.spawn('a');
      await fleet.spawn('b');
      const leader = await firstLeader();
      await within('the first alert', untilAlerted([addOrder()]));
      await server.stop();
      const whileDown = [addOrder(), addOrder(), ...world.sim.addBurst(8, { spreadMs: 5 }).map((o) => String(o.orderId))];
      for (const id of whileDown) created.add(id);
      const stoppedAt = leader.bot.lines.length;
      await within(
        'the leader stopping while Redis is down',
        leader.bot.waitForLine((l) => l.msg === 'stopped leading the account' && leader.bot.lines.indexOf(l) >= stoppedAt),
      );
      for (const instance of fleet.alive()) {
        const health = await fleet.health(instance);
        expect(health.status, instance.name).toBe(503);
        expect(health.reason).toMatch(/Redis is unreachable/);
      }
      // Nobody leads while Redis is down: the next requests for force orders are the new leader's, made
      // once its store exists.
      const started = persisted ? undefined : storeStarted();
      await server.restart();
      if (started !== undefined) {
        await within("the new leader's store", started);
        // Redis came back empty: the next leader starts a new store, as a first start does (orders before
        // it are history). The fleet recovers and nothing is alerted twice, but the outage's orders are
        // lost: the README must ask for persistence (appendonly yes).
        const after = addOrder();
        await within('the first alert after the restart', untilAlerted([after]));
        const lost = whileDown.filter((id) => !slackCounts().has(id));
        console.info(
          `Redis restarted without persistence: ${lost.length} of the ${whileDown.length} orders of the outage never alerted; the order after it alerted`,
        );
        for (const id of lost) created.delete(id);
      }
      await within("the outage's orders", untilAlerted(whileDown.filter((id) => created.has(id))));
      await within('an alert after the outage', untilAlerted([addOrder()]));
      expectEachOnceAtEachSink();
      const leaders = fleet.leaders();
      expect(leaders).toHaveLength(1);
      expect((await fleet.health(leaders[0] as HaInstance)).status).toBe(200);
    },
    60_000,
  );

  /** Resolves at the next request for force orders (only a leader makes them). */
  function nextForceOrdersRequest(): Promise<void> {
    return new Promise<void>((resolve) => {
      const off = world.sim.onRequest((r) => {
        if (!isForceOrders(r.path)) return;
        off();
        resolve();
      });
    });
  }

  /** Resolves after the next `count` requests for force orders, with the weight the simulator charged meanwhile per minute. */
  async function weightPerMinute(count: number): Promise<number> {
    const requests: SimRequestLog[] = [];
    let left = count;
    const startedAt = performance.now();
    await new Promise<void>((resolve) => {
      const off = world.sim.onRequest((r) => {
        requests.push(r); // charged once answered
        if (isForceOrders(r.path)) left -= 1;
        if (left > 0) return;
        off();
        resolve();
      });
    });
    const weight = requests.reduce((sum, r) => sum + r.weight, 0);
    return (weight / (performance.now() - startedAt)) * 60_000;
  }

  it("three instances and one account: only the leader ever asks the exchange for force orders, and they spend one instance's weight", async () => {
    const instances = await Promise.all(['a', 'b', 'c'].map((name) => fleet.spawn(name, { countRequests: true })));
    const leader = await firstLeader();
    await untilAlerted([addOrder()]);
    // Six polls of both books with three instances up, then six with the leader alone.
    const threeInstances = await weightPerMinute(12);
    const standbys = instances.filter((i) => i !== leader);
    for (const standby of standbys) await standby.bot.kill('SIGTERM');
    const oneInstance = await weightPerMinute(12);
    await untilAlerted([addOrder()]);

    const forceOrders = (i: HaInstance) => i.exchange?.paths.filter(isForceOrders).length ?? 0;
    console.info(
      `weight per minute: ${Math.round(threeInstances)} with 3 instances, ${Math.round(oneInstance)} with 1; ` +
        `force-order requests per instance: ${instances.map((i) => `${i.name}${i === leader ? ' (leader)' : ''} ${forceOrders(i)}`).join(', ')}; ` +
        `standbys' other requests: ${standbys.flatMap((i) => i.exchange?.paths ?? []).join(', ') || 'none'}`,
    );
    expect(forceOrders(leader)).toBeGreaterThanOrEqual(24);
    expect(standbys.map(forceOrders)).toEqual([0, 0]);
    expect(Math.abs(threeInstances - oneInstance) / oneInstance).toBeLessThan(0.15);
    expectEachOnceAtEachSink();
  }, 60_000);

  /**
   * The issue's one weight budget per IP, end to end: two instances, each leading one of two accounts,
   * each account polling COIN-M every second (50 weight a poll, so 6,000 a minute together) against an IP
   * limit of `limit` that the simulator enforces with 429s. Without the ledger in Redis an instance learns
   * of the other's spending only from used-weight headers a poll old, and both send into the same room.
   */
  it("two instances leading an account each share one weight budget per IP: a minute's weight stays within the limit, both polled, no 429", async () => {
    const limit = 1_000; // BINANCE_WEIGHT_LIMIT and the simulator's: 20 polls a minute for the IP
    const desks = simAccounts(2);
    // This test's own exchange: two accounts on one IP limit (the beforeEach one has the default account and 6,000).
    await world.sim.close();
    world = { ...world, sim: await PapiSimulator.start({ seed: SEED, weightLimitPerMinute: limit, accounts: desks }) };
    const accountsFile = join(dir.dir, 'accounts.json');
    const accounts = desks.map((desk, i) => ({
      name: desk.name,
      apiKey: `\${DESK_${i}_KEY}`,
      apiSecret: `\${DESK_${i}_SECRET}`,
      markets: ['cm'],
    }));
    await writeFile(accountsFile, JSON.stringify({ accounts }), { mode: 0o600 });
    const keys = desks.flatMap((desk, i) => [
      [`DESK_${i}_KEY`, desk.apiKey],
      [`DESK_${i}_SECRET`, desk.hmacSecret as string],
    ]);
    fleet = new HaFleet(world, { FORCEWATCH_ACCOUNTS: accountsFile, BINANCE_WEIGHT_LIMIT: String(limit), ...Object.fromEntries(keys) });
    const instances = [await fleet.spawn('a'), await fleet.spawn('b')];
    await within(
      'one account led by each instance',
      fleet.until(() => instances.every((i) => fleet.accountsLed(i).size === 1)),
    );
    const spreadAt = Date.now();

    // The first minute with at least half of it under both leaders (so both ask for far more than the
    // limit in it), summed once the simulator answers a request of the next: up to 90 s of waiting.
    const measured = minuteOf(spreadAt + MINUTE_MS / 2);
    await within(
      'a request in the minute after the measured one',
      new Promise<void>((resolve) => {
        const off = world.sim.onRequest((r) => {
          if (r.at < measured + MINUTE_MS) return;
          off();
          resolve();
        });
      }),
      2 * MINUTE_MS,
    );
    const inMinute = world.sim.requests.filter((r) => r.path.startsWith('/papi/') && minuteOf(r.at) === measured);
    const weightOf = (requests: SimRequestLog[]) => requests.reduce((sum, r) => sum + r.weight, 0);
    const byAccount = desks.map(({ name }) => ({
      account: String(name),
      leader: instances.find((i) => fleet.accountsLed(i).has(String(name)))?.name,
      weight: weightOf(inMinute.filter((r) => r.account === name)),
    }));
    const tooMuch = world.sim.requests.filter((r) => r.status === 429 || r.status === 418);
    console.info(
      `shared weight budget (BINANCE_WEIGHT_LIMIT=${limit}, 2 instances, an account each): the IP's PAPI weight in one minute ` +
        `${weightOf(inMinute)} (${byAccount.map((a) => `${a.account} led by ${a.leader}: ${a.weight}`).join(', ')}); ` +
        `429/418 answers over the run: ${tooMuch.length}${tooMuch.map((r) => ` (${r.account} at ${r.at % MINUTE_MS} ms into its minute)`).join('')}`,
    );
    expect(weightOf(inMinute)).toBeLessThanOrEqual(limit);
    expect(weightOf(inMinute)).toBeGreaterThan(limit / 2);
    expect(tooMuch).toEqual([]);
    // Neither leader starved: each account got polled in the minute.
    for (const { account, weight } of byAccount) expect(weight, account).toBeGreaterThan(0);
  }, 180_000); // the spread (up to 15 s) and up to 90 s for the measured minute to end, on a loaded machine
});
