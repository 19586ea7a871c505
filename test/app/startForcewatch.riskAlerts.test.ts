import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Forcewatch, startForcewatch } from '../../src/app/startForcewatch.js';
import type { AccountClient } from '../../src/binance/AccountClient.js';
import { type BinanceClient, createBinanceClient } from '../../src/binance/createBinanceClient.js';
import { parseCoreConfig } from '../../src/config.js';
import { RISK_ACTIVE_POLL_MS, RISK_WARN_POLL_MS } from '../../src/pipeline/RiskMonitor.js';
import { PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import type { RiskNotification } from '../../src/sinks/Sink.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { envAccountSettings } from '../fakes/envAccountSettings.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { RecordingSink } from '../fakes/recordingSink.js';
import { nextEvent, tempDir } from '../pipeline/pipelineHarness.js';

/**
 * Risk alerts through the whole bot: the simulator pushes `riskLevelChange` on its user data stream
 * and answers `GET /papi/v1/account`; the real Binance and stream clients, startForcewatch, the store
 * and a recording sink take them, all on one fake clock.
 */
describe('startForcewatch risk alerts', () => {
  let clock: FakeClock;
  let sim: PapiSimulator;
  let binance: BinanceClient;
  let dir: { dir: string; cleanup: () => Promise<void> };
  let sink: RecordingSink;
  const running: Forcewatch[] = [];
  const log = captureLogger();
  /** Account reads on loopback: the fake clock must not move while one is under way. */
  let reading = 0;

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await PapiSimulator.start({ clock, seed: 11 });
    dir = await tempDir();
    const urls = { papiUrl: sim.url, fapiUrl: sim.url, dapiUrl: sim.url };
    binance = createBinanceClient({ apiKey: SIM_API_KEY, apiSecret: SIM_API_SECRET, ...urls, clock });
    sink = new RecordingSink('console');
    reading = 0;
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((app) => app.stop()));
    await binance.close();
    await sim.close();
    await dir.cleanup();
  });

  /** The bot on the stream, with `/risk`'s account reader (which risk alerts share); `env` on top. */
  async function start(env: Record<string, string> = {}): Promise<Forcewatch> {
    const parsed = parseCoreConfig({
      BINANCE_API_KEY: SIM_API_KEY,
      BINANCE_API_SECRET: SIM_API_SECRET,
      FORCEWATCH_DB: join(dir.dir, 'fw.json'),
      BINANCE_PM_STREAM_URL: `${sim.url.replace(/^http/, 'ws')}/pm`,
      RECONCILE_INTERVAL_MS: '3600000', // keep force-order polls out of the way
      ...env,
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const real = binance.account();
    const account: Pick<AccountClient, 'account' | 'adlQuantiles'> = {
      account: (options) => {
        reading += 1;
        return real.account(options).finally(() => {
          reading -= 1;
        });
      },
      adlQuantiles: (market, options) => real.adlQuantiles(market, options),
    };
    const settings = envAccountSettings(parsed.config);
    const app = await startForcewatch({
      settings,
      exchanges: [
        {
          config: settings.accounts[0],
          source: binance.source('cm'),
          commandSource: binance.source('cm'),
          account,
          userStream: { listenKeys: binance.listenKeys(), contractSize: (symbol, pair) => binance.contractSize(symbol, pair) },
        },
      ],
      logger: log.logger,
      clock,
      fallbackSink: sink,
    });
    running.push(app);
    await nextEvent(app.pipeline.bus, 'streamState', (change) => change.state === 'open');
    return app;
  }

  /** Moves the clock 1 s at a time, never while an account read is on the wire, for `ms` of fake time. */
  async function drive(ms: number): Promise<void> {
    const until = clock.now() + ms;
    while (clock.now() < until) {
      while (reading > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      await clock.advance(1_000);
    }
    while (reading > 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  const risks = () => sink.received.filter((n): n is RiskNotification => n.type === 'risk').map((n) => n.alert);
  const accountReads = () => sim.requests.filter((r) => r.path === '/papi/v1/account').length;

  it('alerts a pushed riskLevelChange once though it comes twice, then "back to normal" once, polling only meanwhile', async () => {
    await start();
    const wire = sim.risk.set({ status: 'REDUCE_ONLY', uniMMR: '1.1' });
    await sink.untilAlerts(1);
    sim.userStream.sendRaw(JSON.stringify(wire)); // the same event again, as a rotation's second connection brings it
    await drive(RISK_ACTIVE_POLL_MS - 1_000);
    expect(accountReads()).toBe(0);
    sim.risk.set({ status: 'NORMAL', uniMMR: '2.2' });
    await drive(1_000);
    await sink.untilAlerts(2);
    await drive(10 * RISK_ACTIVE_POLL_MS);
    expect(risks().map((a) => a.id)).toEqual([`risk:${wire?.E}:REDUCE_ONLY`, `risk:${wire?.E}:REDUCE_ONLY:normal`]);
    expect(risks()[0]?.risk).toMatchObject({ kind: 'level', level: 'REDUCE_ONLY', uniMmr: '1.10000000' });
    expect(accountReads()).toBe(1); // one read found NORMAL; none since
  });

  it('after a restart the level is still active and the repeated event is not alerted again', async () => {
    let app = await start();
    const wire = sim.risk.set({ status: 'FORCE_LIQUIDATION', uniMMR: '1.01' });
    await sink.untilAlerts(1);
    await app.stop();
    running.splice(0);

    app = await start();
    sim.userStream.sendRaw(JSON.stringify(wire));
    sim.risk.set({ status: 'NORMAL', uniMMR: '4' });
    await drive(RISK_ACTIVE_POLL_MS);
    await sink.untilAlerts(2);
    expect(risks().map((a) => a.risk.kind)).toEqual(['level', 'normal']);
  });

  it('with RISK_WARN_UNIMMR warns once while uniMMR hovers under the line, polling the account once a minute', async () => {
    sim.risk.set({ status: 'NORMAL', uniMMR: '2' });
    await start({ RISK_WARN_UNIMMR: '1.5' });
    for (const uniMMR of ['1.49', '1.52', '1.48', '1.55', '1.47']) {
      sim.risk.set({ status: 'NORMAL', uniMMR });
      const before = accountReads();
      while (accountReads() === before) await drive(1_000); // each value read once
    }
    await sink.untilAlerts(1);
    await drive(RISK_WARN_POLL_MS - 1_000);
    expect(risks().map((a) => a.risk)).toEqual([expect.objectContaining({ kind: 'warning', threshold: '1.5', uniMmr: '1.49000000' })]);
    // At start, then one read a minute at most (20 weight each); the store's writes may stretch a gap, never shorten it.
    const reads = sim.requests.filter((r) => r.path === '/papi/v1/account').map((r) => r.at);
    expect(reads).toHaveLength(6);
    for (let i = 1; i < reads.length; i += 1) expect((reads[i] ?? 0) - (reads[i - 1] ?? 0)).toBeGreaterThanOrEqual(RISK_WARN_POLL_MS);
  });
});
