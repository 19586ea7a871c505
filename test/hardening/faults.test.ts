import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountConfig } from '../../src/accounts/AccountConfig.js';
import { loadSettings, type Settings } from '../../src/app/loadSettings.js';
import { type Forcewatch, startForcewatch } from '../../src/app/startForcewatch.js';
import { type BinanceClient, createBinanceClient } from '../../src/binance/createBinanceClient.js';
import { mergeForceOrderSources } from '../../src/pipeline/mergeForceOrderSources.js';
import { Pipeline } from '../../src/pipeline/Pipeline.js';
import { PapiSimulator } from '../../src/simulator/PapiSimulator.js';
import type { SimFault, SimRequestLog } from '../../src/simulator/types.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { RecordingSink } from '../fakes/recordingSink.js';
import { nextEvent, tempDir } from '../pipeline/pipelineHarness.js';
import { binanceEnv } from './support/binanceEnv.js';
import { driveUntil } from './support/driveClock.js';

const WEIGHT_LIMIT = 6000;
const FORCE_ORDERS = '/papi/v1/';

/** The wired bot (real client, pipeline, store) on a fake clock against the simulator, alerting into a recording sink. */
describe('exchange faults through the wired bot', () => {
  let clock: FakeClock;
  let sim: PapiSimulator;
  let binance: BinanceClient;
  let dir: { dir: string; cleanup: () => Promise<void> };
  let app: Forcewatch | undefined;
  let sink: RecordingSink;
  let maxUsedWeight: number;
  const log = captureLogger();

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await PapiSimulator.start({ now: () => clock.now(), seed: 11, weightLimitPerMinute: WEIGHT_LIMIT });
    maxUsedWeight = 0;
    sim.onRequest(() => (maxUsedWeight = Math.max(maxUsedWeight, sim.usedWeight())));
    dir = await tempDir();
    sink = new RecordingSink('console');
  });

  afterEach(async () => {
    await app?.stop();
    app = undefined;
    await binance.close();
    await sim.close();
    await dir.cleanup();
  });

  async function start(): Promise<Forcewatch> {
    const settings = settingsFrom({ ...binanceEnv(sim.url, join(dir.dir, 'fw.json')), POLL_INTERVAL_MS: '1000' });
    const [account] = settings.accounts as [AccountConfig];
    // A short request timeout: the `timeout` fault holds a request on real time, which is not faked.
    binance = createBinanceClient({ ...settings.core.binance, ...account.credentials, requestTimeoutMs: 300, clock, logger: log.logger });
    const source = mergeForceOrderSources([binance.source('cm'), binance.source('um')]);
    const started = await startForcewatch({
      settings,
      exchanges: [{ config: account, source, commandSource: source, exchangeNow: () => binance.serverNow() }],
      logger: log.logger,
      clock,
      fallbackSink: sink,
    });
    app = started;
    await nextEvent(started.pipeline.bus, 'pollSucceeded');
    return started;
  }

  /** Adds `count` orders at the exchange's now; returns their keys. */
  function trade(count: number): string[] {
    return Array.from({ length: count }, (_, i) => sim.addOrder({ market: i % 3 === 0 ? 'um' : 'cm' })).map(
      (o) => `${o.pair === undefined ? 'um' : 'cm'}:${o.orderId}`,
    );
  }

  const delivered = (keys: readonly string[]) => () => keys.every((k) => sink.alertIds.includes(k));
  const forceOrderRequests = () => sim.requests.filter((r) => r.path.endsWith('/forceOrders'));

  /**
   * The force-order requests after `requests[hit]` (a 429 or 418 asking for `waitMs`) that went out
   * before the wait ended. The fake clock stands still while requests are on loopback, so the hit's own
   * millisecond holds both what was already in flight and what the bot sent after the answer: of those,
   * only the other book's request of the same poll can have been in flight (a book pages one request at
   * a time), so a second request for a book, or any for the hit's own book (its retry), was sent while
   * paused. Filtering out the whole millisecond instead let exactly such a retry pass.
   */
  function sentWhilePaused(requests: readonly SimRequestLog[], hit: number, waitMs: number): SimRequestLog[] {
    const { at, path } = requests[hit]!;
    const inFlight = new Set<string>();
    return requests.slice(hit + 1).filter((r) => {
      if (r.at >= at + waitMs) return false;
      if (r.at > at || r.path === path || inFlight.has(r.path)) return true;
      inFlight.add(r.path);
      return false;
    });
  }

  /** The bot did not cause a 429/418 itself: every one seen was injected, and the minute's weight stayed under the limit. */
  function expectNoSelfInflictedLimit(injected: number): void {
    const limited = sim.requests.filter((r) => r.status === 429 || r.status === 418);
    expect(limited).toHaveLength(injected);
    expect(limited.every((r) => r.weight === 0)).toBe(true); // injected faults charge no weight
    expect(maxUsedWeight).toBeLessThanOrEqual(WEIGHT_LIMIT);
  }

  it('survives 5xx, timeouts, dropped connections, an HTML page and truncated JSON, and alerts every order once', async () => {
    await start();
    const faults: SimFault[] = [
      { type: 'status', status: 503, body: '{"code":-1001,"msg":"Internal error; unable to process your request. Please try again."}' },
      { type: 'status', status: 500 },
      { type: 'timeout' },
      { type: 'drop' },
      { type: 'html' },
      { type: 'truncate' },
      { type: 'status', status: 502, body: 'Bad Gateway', times: 6 },
    ];
    const keys: string[] = [];
    for (const fault of faults) {
      keys.push(...trade(2));
      sim.injectFault({ ...fault, path: FORCE_ORDERS });
      await driveUntil(clock, () => sim.pendingFaults === 0, { what: `the ${fault.type} fault being hit` });
    }
    keys.push(...trade(1));
    const tookMs = await driveUntil(clock, delivered(keys), { what: 'every order alerted' });

    expect(sink.alertIds.filter((id) => keys.includes(id)).sort()).toEqual([...keys].sort());
    expect(new Set(sink.alertIds).size).toBe(sink.alertIds.length);
    expect(tookMs).toBeLessThan(2 * 60_000);
    expectNoSelfInflictedLimit(0);
    // Six 502s in a row outlast one poll's retries: that poll failed, a later one recovered by itself.
    expect(log.lines.some((l) => l.includes('poll failed; retrying at the next interval'))).toBe(true);
  });

  it('waits out a 429 Retry-After and a 418 ban before asking again, never provoking one itself', async () => {
    await start();
    const keys = trade(3);
    sim.injectFault({ type: 'rateLimit', status: 429, retryAfterSec: 30, path: FORCE_ORDERS });
    await driveUntil(clock, delivered(keys), { what: 'alerts after the 429' });
    const keys2 = trade(3);
    sim.injectFault({ type: 'rateLimit', status: 418, retryAfterSec: 180, path: FORCE_ORDERS });
    await driveUntil(clock, delivered(keys2), { what: 'alerts after the 418' });

    const requests = forceOrderRequests();
    for (const [status, waitMs] of [
      [429, 30_000],
      [418, 180_000],
    ] as const) {
      const hit = requests.findIndex((r) => r.status === status);
      expect(hit).toBeGreaterThanOrEqual(0);
      expect(sentWhilePaused(requests, hit, waitMs)).toEqual([]);
      // And it did ask again once the wait was over.
      expect(requests.slice(hit + 1).some((r) => r.at >= requests[hit]!.at + waitMs)).toBe(true);
    }
    expect(sink.alertIds).toEqual(expect.arrayContaining([...keys, ...keys2]));
    expect(new Set(sink.alertIds).size).toBe(sink.alertIds.length);
    expectNoSelfInflictedLimit(2);
  });

  it('holds its request weight under the limit while a cascade of 3,000 orders is paged in', async () => {
    await start();
    const keys = sim.addBurst(3_000, { spreadMs: 50_000 }).map((o) => `cm:${o.orderId}`);
    await driveUntil(clock, delivered(keys), { what: 'the cascade alerted', maxMs: 20 * 60_000 });
    expect(new Set(sink.alertIds).size).toBe(sink.alertIds.length);
    expectNoSelfInflictedLimit(0);
  });

  /** Alerts before a jump of our clock against the exchange's, then orders after it; returns those. */
  async function jumpClock(skewMs: number): Promise<string[]> {
    const before = trade(2);
    await driveUntil(clock, delivered(before), { what: 'alerts before the jump' });
    sim.setClockSkew(skewMs);
    return trade(2);
  }

  function expectResynced(): void {
    expect(sim.requests.some((r) => r.status === 400)).toBe(true); // the -1021
    expect(log.lines.some((l) => l.includes('resyncing the clock offset'))).toBe(true);
    expect(new Set(sink.alertIds).size).toBe(sink.alertIds.length);
    expectNoSelfInflictedLimit(0);
  }

  it("recovers from -1021 when our clock jumps minutes behind the exchange's, and misses no order", async () => {
    await start();
    const after = await jumpClock(4 * 60_000);
    await driveUntil(clock, delivered(after), { what: 'every order after the jump alerted', maxMs: 10 * 60_000 });
    expectResynced();
  });

  it("misses no order when our clock jumps minutes ahead of the exchange's (the wired bot polls by Binance's clock)", async () => {
    await start();
    const before = trade(2);
    await driveUntil(clock, delivered(before), { what: 'alerts before the jump' });
    // Our clock leaps 4 minutes ahead (an NTP step); Binance's time carries on unbroken.
    clock.jump(4 * 60_000);
    sim.setClockSkew(-4 * 60_000);
    const resynced = () => log.lines.some((l) => l.includes('resyncing the clock offset'));
    await driveUntil(clock, resynced, { what: 'the -1021 resync' });
    // Orders made after the first poll past the jump: a watermark set by our clock would skip them.
    let polled = false;
    app!.pipeline.bus.on('pollSucceeded', () => {
      polled = true;
    });
    await driveUntil(clock, () => polled, { what: 'one more poll' });
    const after = trade(2);
    await driveUntil(clock, delivered(after), { what: 'every order after the jump alerted', maxMs: 3 * 60_000 });
  });

  it("with the exchange's time (Pipeline exchangeNow) misses no order when our clock is minutes ahead of Binance's", async () => {
    const skewMs = -4 * 60_000;
    const settings = settingsFrom(binanceEnv(sim.url, join(dir.dir, 'fw.json')));
    const [account] = settings.accounts as [AccountConfig];
    binance = createBinanceClient({ ...settings.core.binance, ...account.credentials, requestTimeoutMs: 300, clock, logger: log.logger });
    sim.setClockSkew(skewMs);
    await binance.sync();
    // The simulator's own skew: the exact exchange time, independent of the client's measurement.
    const pipeline = new Pipeline({
      source: mergeForceOrderSources([binance.source('cm'), binance.source('um')]),
      storePath: join(dir.dir, 'fw.json'),
      sinks: [sink],
      logger: log.logger,
      clock,
      pollIntervalMs: 1_000,
      exchangeNow: () => clock.now() + skewMs,
    });
    const firstPoll = nextEvent(pipeline.bus, 'pollSucceeded');
    await pipeline.start();
    try {
      await firstPoll;
      const keys = trade(4);
      await driveUntil(clock, delivered(keys), { what: 'every order alerted', maxMs: 2 * 60_000 });
      expect(new Set(sink.alertIds).size).toBe(sink.alertIds.length);
    } finally {
      await pipeline.stop();
    }
  });
});

/** The settings `npm start` would read from `env`; throws on a problem. */
function settingsFrom(env: NodeJS.ProcessEnv): Settings {
  const loaded = loadSettings(env);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.settings;
}
