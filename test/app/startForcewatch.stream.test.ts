import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Forcewatch, startForcewatch } from '../../src/app/startForcewatch.js';
import type { BinanceClient } from '../../src/binance/createBinanceClient.js';
import type { ForceOrderSource } from '../../src/binance/types.js';
import { parseCoreConfig } from '../../src/config.js';
import { Metrics } from '../../src/ops/Metrics.js';
import { PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { envAccountSettings } from '../fakes/envAccountSettings.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { RecordingSink } from '../fakes/recordingSink.js';
import { simulatorClient } from '../fakes/simulatorClient.js';
import { nextEvent, tempDir } from '../pipeline/pipelineHarness.js';

const POLL_MS = 5_000;
const RECONCILE_MS = 60_000;

/**
 * The whole bot on the user data stream: the real Binance client and stream client, the pipeline and a
 * recording sink, against the simulator's REST and WebSocket on loopback, all on one fake clock.
 */
describe('startForcewatch on the user data stream', () => {
  let clock: FakeClock;
  let sim: PapiSimulator;
  let binance: BinanceClient;
  let dir: { dir: string; cleanup: () => Promise<void> };
  let sink: RecordingSink;
  let metrics: Metrics;
  const running: Forcewatch[] = [];
  const log = captureLogger();

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await PapiSimulator.start({ clock, seed: 3 });
    dir = await tempDir();
    binance = simulatorClient(sim, { clock });
    sink = new RecordingSink('console');
    metrics = new Metrics({ processMetrics: false });
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((app) => app.stop()));
    await binance.close();
    await sim.close();
    await dir.cleanup();
  });

  /** Starts the bot with `env` on top of the simulator's settings (POLL_INTERVAL_MS 5000, RECONCILE_INTERVAL_MS 60000). */
  async function start(env: Record<string, string> = {}) {
    const parsed = parseCoreConfig({
      BINANCE_API_KEY: SIM_API_KEY,
      BINANCE_API_SECRET: SIM_API_SECRET,
      FORCEWATCH_DB: join(dir.dir, 'fw.json'),
      BINANCE_PM_STREAM_URL: `${sim.url.replace(/^http/, 'ws')}/pm`,
      POLL_INTERVAL_MS: String(POLL_MS),
      RECONCILE_INTERVAL_MS: String(RECONCILE_MS),
      ...env,
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const client = binance.source('cm');
    // Polls under way: the fake clock must not move while one waits on loopback and on its store write.
    let polling = 0;
    const source: ForceOrderSource = {
      allForceOrders: (window, options) => {
        polling += 1;
        return client.allForceOrders(window, options);
      },
    };
    const settings = envAccountSettings({ ...parsed.config, metrics: { port: 0, host: '127.0.0.1' } });
    const app = await startForcewatch({
      settings,
      exchanges: [
        {
          config: settings.accounts[0],
          source,
          commandSource: client,
          userStream: { listenKeys: binance.listenKeys(), contractSize: (symbol, pair) => binance.contractSize(symbol, pair) },
        },
      ],
      logger: log.logger,
      clock,
      fallbackSink: sink,
      metrics,
    });
    running.push(app);
    const polls: number[] = []; // when each poll from now on started (fake time)
    const queued: string[] = []; // alerts as the store queues them (the fake clock does not wait for the sink's writes)
    const { bus } = app.pipeline;
    bus.on('pollSucceeded', (poll) => {
      polls.push(poll.at);
      polling -= 1;
    });
    bus.on('pollFailed', () => {
      polling -= 1;
    });
    bus.on('alertsQueued', ({ alerts }) => {
      queued.push(...alerts.map((a) => a.id));
    });
    /** Moves the clock 1 s at a time until `condition` holds, never while a poll is under way; returns the fake time it took. */
    const drive = async (condition: () => boolean, maxMs: number, what: string): Promise<number> => {
      const from = clock.now();
      for (;;) {
        while (polling > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        if (condition()) return clock.now() - from;
        if (clock.now() - from >= maxMs) throw new Error(`${what} did not happen within ${maxMs} ms of fake time`);
        await clock.advance(1_000);
      }
    };
    return { app, polls, queued, drive };
  }

  const opened = (app: Forcewatch) => nextEvent(app.pipeline.bus, 'streamState', (change) => change.state === 'open');

  it('alerts a force order from the stream before any REST poll, and the REST record that comes later not again', async () => {
    const { app, polls, drive } = await start();
    await opened(app);
    const restBefore = sim.requests.filter((r) => r.path === '/papi/v1/cm/forceOrders').length;
    const order = sim.addOrder({ symbol: 'BTCUSD_PERP', executedQty: '3', origQty: '3' });
    await sink.untilAlerts(1);
    // No REST poll in between: the clock has not moved, and no force-order request was sent.
    expect(sim.requests.filter((r) => r.path === '/papi/v1/cm/forceOrders').length).toBe(restBefore);
    expect(sink.received[0]).toMatchObject({
      type: 'single',
      alert: { id: `cm:${order.orderId}`, order: { executedQty: '3', avgPrice: order.avgPrice, notionalUsd: '300', status: 'FILLED' } },
    });
    await drive(() => polls.length >= 2, 2 * RECONCILE_MS + POLL_MS, 'two reconciliation polls');
    expect(sink.alertIds).toEqual([`cm:${order.orderId}`]);
  });

  it('alerts a force order whose stream events were all dropped within RECONCILE_INTERVAL_MS + one poll', async () => {
    const { app, polls, queued, drive } = await start();
    await opened(app);
    await drive(() => polls.length >= 1, RECONCILE_MS, 'a reconciliation poll');
    const pollsBefore = polls.length;
    sim.userStream.dropNextEvents(10, (event) => event.e === 'ORDER_TRADE_UPDATE');
    const order = sim.addOrder({});
    const took = await drive(() => queued.length > 0, RECONCILE_MS + POLL_MS, 'the alert');
    await sink.untilAlerts(1);
    expect(sink.alertIds).toEqual([`cm:${order.orderId}`]);
    expect(took).toBeLessThanOrEqual(RECONCILE_MS + POLL_MS);
    // REST polled at the reconciliation interval meanwhile, not every 5 s: one poll found it.
    expect(polls.length - pollsBefore).toBe(1);
  });

  it('a stream connected but silent hides no order: reconciliation alerts it within RECONCILE_INTERVAL_MS + one poll', async () => {
    const { app, queued, drive } = await start();
    await opened(app);
    let state = 'open';
    app.pipeline.bus.on('streamState', (change) => {
      state = change.state;
    });
    sim.userStream.goSilent(); // no event, ping or close: the client cannot tell for 10 minutes
    const order = sim.addOrder({});
    const took = await drive(() => queued.length > 0, RECONCILE_MS + POLL_MS, 'the alert');
    expect(took).toBeLessThanOrEqual(RECONCILE_MS + POLL_MS);
    expect(state).toBe('open');
    await sink.untilAlerts(1);
    expect(sink.alertIds).toEqual([`cm:${order.orderId}`]);
  });

  it('falls back to POLL_INTERVAL_MS while the stream is down, and to RECONCILE_INTERVAL_MS once it is back', async () => {
    const { app, polls, drive } = await start();
    await opened(app);
    const t0 = clock.now();
    await drive(() => clock.now() - t0 >= 20_000, 20_000, '20 s');
    expect(polls.filter((at) => at > t0)).toEqual([]); // open: REST waits for the reconciliation interval
    let state = 'open';
    app.pipeline.bus.on('streamState', (change) => {
      state = change.state;
    });
    expect((await metrics.streamOpen.get()).values[0]?.value).toBe(1);
    const down = nextEvent(app.pipeline.bus, 'streamState', (change) => change.state === 'reconnecting');
    sim.userStream.terminateConnections();
    expect((await down).pollIntervalMs).toBe(POLL_MS);
    expect((await metrics.streamOpen.get()).values[0]?.value).toBe(0);
    const since = clock.now();
    // The sleep of the reconciliation interval is cut short: a poll within one poll interval.
    await drive(() => polls.some((at) => at >= since), POLL_MS, 'a poll at the poll interval');
    await drive(() => state === 'open', 60_000, 'the stream reconnecting');
    const reopened = clock.now();
    const from = polls.length;
    await drive(() => clock.now() - reopened >= 2 * RECONCILE_MS, 3 * RECONCILE_MS, 'two minutes');
    expect(polls.length - from).toBeLessThanOrEqual(2);
  });

  it('is healthy between reconciliation polls: a poller that waits RECONCILE_INTERVAL_MS is not stuck', async () => {
    const reconcileMs = 5 * 60_000;
    const { app, polls, drive } = await start({ RECONCILE_INTERVAL_MS: String(reconcileMs) });
    await opened(app);
    const t0 = clock.now();
    await drive(() => clock.now() - t0 >= reconcileMs - 10_000, reconcileMs, 'most of a reconciliation interval');
    expect(polls.filter((at) => at > t0)).toEqual([]);
    const health = await fetch(`${app.opsUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ healthy: true, stream: { state: 'open' } });
  });

  it('with BINANCE_STREAM=off polls alone, every POLL_INTERVAL_MS, and never asks for a listenKey', async () => {
    const { polls, queued, drive } = await start({ BINANCE_STREAM: 'off' });
    await drive(() => polls.length >= 4, 4 * POLL_MS, 'four polls');
    expect(polls.slice(1).map((at, i) => at - (polls[i] as number))).toEqual([POLL_MS, POLL_MS, POLL_MS]);
    expect(sim.requests.some((r) => r.path === '/papi/v1/listenKey')).toBe(false);
    const order = sim.addOrder({});
    await drive(() => queued.length > 0, POLL_MS, 'the alert');
    await sink.untilAlerts(1);
    expect(sink.alertIds).toEqual([`cm:${order.orderId}`]);
  });
});
