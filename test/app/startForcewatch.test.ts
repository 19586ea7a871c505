import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Forcewatch, type ForcewatchOptions, startForcewatch } from '../../src/app/startForcewatch.js';
import type { BinanceClient, BinanceClientOptions } from '../../src/binance/createBinanceClient.js';
import type { ForceOrderSource } from '../../src/binance/types.js';
import { type CoreConfig, parseCoreConfig } from '../../src/config.js';
import { ConsoleSink } from '../../src/console/ConsoleSink.js';
import { Metrics } from '../../src/ops/Metrics.js';
import { PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { STORE_SCHEMA_VERSION } from '../../src/store/StoreDocument.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { envAccountSettings } from '../fakes/envAccountSettings.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { simulatorClient } from '../fakes/simulatorClient.js';
import { driveUntil } from '../hardening/support/driveClock.js';
import { nextEvent, tempDir } from '../pipeline/pipelineHarness.js';

/** The whole bot (real client, pipeline, console sink, ops server) against the simulator on loopback. */
describe('startForcewatch', () => {
  let clock: FakeClock;
  let sim: PapiSimulator;
  let binance: BinanceClient;
  let dir: { dir: string; cleanup: () => Promise<void> };
  const running: Forcewatch[] = [];
  const printed: string[] = [];
  const log = captureLogger();

  /** The real Binance client, on the fake clock, pointed at the simulator for all three APIs. */
  const simClient = (overrides: Partial<BinanceClientOptions> = {}) => simulatorClient(sim, { clock, ...overrides });

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await PapiSimulator.start({ now: () => clock.now(), seed: 3 });
    dir = await tempDir();
    binance = simClient();
    printed.length = 0;
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((app) => app.stop()));
    await binance.close();
    await sim.close();
    await dir.cleanup();
  });

  function core(env: Record<string, string> = {}): CoreConfig {
    const parsed = parseCoreConfig({
      BINANCE_API_KEY: SIM_API_KEY,
      BINANCE_API_SECRET: SIM_API_SECRET,
      FORCEWATCH_DB: join(dir.dir, 'fw.json'),
      ...env,
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    return { ...parsed.config, metrics: { port: 0, host: '127.0.0.1' } };
  }

  /** The settings and exchange side of the one account of `core`, watching `source`. */
  function oneAccount(core: CoreConfig, source: ForceOrderSource): Pick<ForcewatchOptions, 'settings' | 'exchanges'> {
    const settings = envAccountSettings(core);
    return { settings, exchanges: [{ config: settings.accounts[0], source, commandSource: source }] };
  }

  async function start(): Promise<Forcewatch> {
    const source = binance.source('cm');
    const app = await startForcewatch({
      ...oneAccount(core(), source),
      logger: log.logger,
      clock,
      fallbackSink: new ConsoleSink({ write: (text) => printed.push(text) }),
    });
    running.push(app);
    return app;
  }

  it('alerts a new liquidation on the console, reports health and metrics, and answers /forceorders', async () => {
    const app = await start();
    await nextEvent(app.pipeline.bus, 'pollSucceeded');
    const health = await fetch(`${app.opsUrl}/healthz`);
    expect(health.status).toBe(200);

    const [order] = sim.addOrders([{ symbol: 'BTCUSD_PERP', kind: 'LIQUIDATION', updateTime: clock.now() + 1, time: clock.now() + 1 }]);
    const delivered = nextEvent(app.pipeline.bus, 'delivered');
    await clock.untilSleeping();
    await clock.advance(5_000);
    expect((await delivered).alertIds).toEqual([`cm:${order!.orderId}`]);
    expect(printed.join('')).toContain(`${order!.orderId}`);
    expect(printed.join('')).toContain('LIQUIDATION BTCUSD_PERP');
    // The one account of the BINANCE_* variables, left unnamed: its alerts and answers read as before accounts.
    expect(printed.join('')).not.toContain('main ·');

    const metrics = await (await fetch(`${app.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/forcewatch_alerts_delivered_total\{account="main",sink="console"\} 1/);
    expect(metrics).toMatch(/forcewatch_orders_seen_total\{account="main"\} 1/);

    const outcome = app.commands.forceOrders('BTCUSD 1h', { platform: 'console' });
    const [answer] = outcome.ok ? await outcome.answers() : [];
    expect(answer?.account).toBeUndefined();
    expect(answer?.result.ok && answer.result.rows.map((r) => r.orderId)).toEqual([order!.orderId]);
    expect(sim.requests.some((r) => r.path === '/papi/v1/cm/forceOrders' && r.params.symbol === undefined)).toBe(true);
  });

  it('names the account in its alerts and answers once FORCEWATCH_ACCOUNT_NAME gives it a name', async () => {
    const source = binance.source('cm');
    const app = await startForcewatch({
      ...oneAccount(core({ FORCEWATCH_ACCOUNT_NAME: 'treasury' }), source),
      logger: log.logger,
      clock,
      fallbackSink: new ConsoleSink({ write: (text) => printed.push(text) }),
    });
    running.push(app);
    await nextEvent(app.pipeline.bus, 'pollSucceeded');
    sim.addOrders([{ symbol: 'BTCUSD_PERP', kind: 'LIQUIDATION', updateTime: clock.now() + 1, time: clock.now() + 1 }]);
    const delivered = nextEvent(app.pipeline.bus, 'delivered');
    // Its poller asleep too, beside the daily compaction, before time moves.
    await clock.untilSleeping(2);
    await clock.advance(5_000);
    await delivered;
    expect(printed.join('')).toContain('treasury · LIQUIDATION BTCUSD_PERP');
    const outcome = app.commands.forceOrders('BTCUSD 1h', { platform: 'console' });
    const [answer] = outcome.ok ? await outcome.answers() : [];
    expect(answer?.account).toBe('treasury');
  });

  it('creates the store directory on a fresh install, 0700 and its files 0600 whatever the umask', async () => {
    const umask = process.umask(0o022);
    const base = core();
    const nested = {
      ...base,
      store: {
        ...base.store,
        path: join(dir.dir, 'new', 'data', 'fw.json'),
        archivePath: join(dir.dir, 'new', 'data', 'fw.archive.jsonl'),
      },
    };
    const source = binance.source('cm');
    const app = await startForcewatch({
      ...oneAccount(nested, source),
      logger: log.logger,
      clock,
      fallbackSink: new ConsoleSink({ write: () => {} }),
    });
    running.push(app);
    await nextEvent(app.pipeline.bus, 'pollSucceeded');
    await app.stop();
    process.umask(umask);
    expect(JSON.parse(await readFile(join(dir.dir, 'new', 'data', 'fw.json'), 'utf8'))).toMatchObject({ version: STORE_SCHEMA_VERSION });
    const mode = async (...path: string[]) => ((await stat(join(dir.dir, ...path))).mode & 0o777).toString(8);
    expect([await mode('new'), await mode('new', 'data'), await mode('new', 'data', 'fw.json')]).toEqual(['700', '700', '600']);
  });

  it('refuses a second bot on the same store before it connects anywhere', async () => {
    await start();
    await expect(start()).rejects.toThrow(/lock|another/i);
  });

  it('stays up while the exchange refuses the key: /healthz 503 with the reason, asked again once a minute', async () => {
    await binance.close();
    binance = simClient({ apiSecret: 'x'.repeat(64) });
    const app = await start();
    let ended = false;
    void app.done.then(() => (ended = true));
    const refused = await nextEvent(app.pipeline.bus, 'pollFailed');
    expect(refused.fatal).toBe(true);
    const health = await fetch(`${app.opsUrl}/healthz`);
    expect(health.status).toBe(503);
    const body = JSON.stringify(await health.json());
    expect(body).toMatch(/-1022.*BINANCE_API_SECRET/);
    expect(body).not.toContain('x'.repeat(64));
    const polls = () => sim.requests.filter((r) => r.path === '/papi/v1/cm/forceOrders').length;
    const before = polls();
    for (let minute = 0; minute < 10; minute += 1) {
      const failed = nextEvent(app.pipeline.bus, 'pollFailed');
      // Asleep: the poll loop and the daily archive compaction.
      await clock.untilSleeping(2);
      await clock.advance(60_000);
      await failed;
    }
    // Ten minutes, ten requests: one a minute, not one per 5 s poll interval.
    expect(polls() - before).toBe(10);
    expect(ended).toBe(false);
    expect((await fetch(`${app.opsUrl}/healthz`)).status).toBe(503);
  });

  it('shows a failing sink in /metrics and /healthz: outbox depth on every enqueue and failure, reason, latency, used weight per API', async () => {
    const metrics = new Metrics({ processMetrics: false });
    await binance.close();
    binance = simClient({ onUsedWeight: (api, weight) => metrics.usedWeight.set({ api }, weight) });
    let stdoutClosed = true;
    const fallbackSink = new ConsoleSink({
      write: (text) => {
        if (stdoutClosed) throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
        printed.push(text);
      },
    });
    const source = binance.source('cm');
    const app = await startForcewatch({
      ...oneAccount(core(), source),
      logger: log.logger,
      clock,
      fallbackSink,
      metrics,
    });
    running.push(app);
    const { bus } = app.pipeline;
    await nextEvent(bus, 'pollSucceeded');
    const scrape = async () => (await fetch(`${app.opsUrl}/metrics`)).text();
    const at = () => clock.now() + 1;
    let queuedCount = 0;
    let delivered = 0;
    bus.on('alertsQueued', ({ alerts }) => {
      queuedCount += alerts.length;
    });
    bus.on('delivered', ({ alertIds }) => {
      delivered += alertIds.length;
    });
    // Idle on time: the poll loop, the compaction, and the console's backoff while alerts wait.
    const idleSleepers = () => (delivered < queuedCount ? 3 : 2);
    const pass = (ms: number) => {
      const end = clock.now() + ms;
      return driveUntil(clock, () => clock.now() >= end, { stepMs: 1_000, idleSleepers });
    };

    sim.addOrders([
      { updateTime: at(), time: at() },
      { updateTime: at(), time: at() },
      { updateTime: at(), time: at() },
    ]);
    const failed = nextEvent(bus, 'deliveryFailed');
    await pass(5_000);
    await failed;
    let text = await scrape();
    // It read 0 before: the depth was only reported at start and after a recorded delivery.
    expect(text).toContain('forcewatch_outbox_depth{account="main",sink="console"} 3');
    expect(text).toMatch(/forcewatch_delivery_failures_total\{account="main",sink="console",reason="other"\} [1-9]/);
    expect(text).toMatch(/forcewatch_binance_used_weight\{api="papi"\} [1-9]\d*/);
    expect(text).toMatch(/forcewatch_binance_used_weight\{api="dapi"\} [1-9]\d*/);

    const queued = nextEvent(bus, 'alertsQueued');
    sim.addOrders([
      { updateTime: at(), time: at() },
      { updateTime: at(), time: at() },
    ]);
    await pass(5_000);
    await queued;
    expect(await scrape()).toContain('forcewatch_outbox_depth{account="main",sink="console"} 5');

    // Two minutes (WATCHDOG_AFTER) of failures: /healthz says which sink and why.
    await pass(2 * 60_000);
    const down = await fetch(`${app.opsUrl}/healthz`);
    expect(down.status).toBe(503);
    expect(((await down.json()) as { reason: string }).reason).toMatch(
      /^console has failed every delivery for 12\ds: console: could not write the alert/,
    );

    stdoutClosed = false;
    await driveUntil(clock, () => delivered === 5, { stepMs: 1_000, idleSleepers, what: 'the five alerts delivered' });
    text = await scrape();
    expect(text).toContain('forcewatch_outbox_depth{account="main",sink="console"} 0');
    expect(text).toContain('forcewatch_delivery_latency_seconds_count{account="main",sink="console"} 5');
    // Each waited from its poll to the recovery: over two minutes, none over five.
    expect(text).toContain('forcewatch_delivery_latency_seconds_bucket{le="120",account="main",sink="console"} 0');
    expect(text).toContain('forcewatch_delivery_latency_seconds_bucket{le="300",account="main",sink="console"} 5');
    expect((await fetch(`${app.opsUrl}/healthz`)).status).toBe(200);
  });
});
