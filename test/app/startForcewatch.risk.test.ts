import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Forcewatch, startForcewatch } from '../../src/app/startForcewatch.js';
import type { BinanceClient } from '../../src/binance/createBinanceClient.js';
import { parseCoreConfig } from '../../src/config.js';
import { ConsoleSink } from '../../src/console/ConsoleSink.js';
import { PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { envAccountSettings } from '../fakes/envAccountSettings.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { simulatorClient } from '../fakes/simulatorClient.js';
import { tempDir } from '../pipeline/pipelineHarness.js';

/** /risk as the running bot wires it: the real client against the simulator, the console as sink. */
describe('startForcewatch /risk', () => {
  let clock: FakeClock;
  let sim: PapiSimulator;
  let binance: BinanceClient;
  let dir: { dir: string; cleanup: () => Promise<void> };
  let app: Forcewatch | undefined;

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await PapiSimulator.start({ now: () => clock.now(), seed: 3 });
    dir = await tempDir();
    binance = simulatorClient(sim, { clock });
  });

  afterEach(async () => {
    await app?.stop();
    app = undefined;
    await binance.close();
    await sim.close();
    await dir.cleanup();
  });

  async function start(withAccount: boolean): Promise<Forcewatch> {
    // BINANCE_MARKETS defaults to cm: /risk still lists the USD-M book's positions.
    const parsed = parseCoreConfig({
      BINANCE_API_KEY: SIM_API_KEY,
      BINANCE_API_SECRET: SIM_API_SECRET,
      FORCEWATCH_DB: join(dir.dir, 'fw.json'),
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const source = binance.source('cm');
    const settings = envAccountSettings(parsed.config);
    app = await startForcewatch({
      settings,
      exchanges: [{ config: settings.accounts[0], source, commandSource: source, ...(withAccount && { account: binance.account() }) }],
      logger: captureLogger().logger,
      clock,
      fallbackSink: new ConsoleSink({ write: () => {} }),
    });
    return app;
  }

  it("answers /risk from the account client, both books' positions whatever BINANCE_MARKETS watches", async () => {
    sim.risk.set({ status: 'SUPPLY_MARGIN', uniMMR: '1.2' });
    sim.adl.set([
      { market: 'cm', symbol: 'BTCUSD_PERP', positionSide: 'BOTH', quantile: 1 },
      { market: 'um', symbol: 'BTCUSDT', positionSide: 'BOTH', quantile: 3 },
    ]);
    const running = await start(true);
    const outcome = running.commands.risk?.('', { platform: 'console' });
    const [answer] = outcome?.ok ? await outcome.answers() : [];
    const result = answer?.result;
    expect(result).toMatchObject({ ok: true, account: { accountStatus: 'SUPPLY_MARGIN' }, weightSpent: 30 });
    expect(result?.ok && result.positions.map((p) => p.symbol)).toEqual(['BTCUSDT', 'BTCUSD_PERP']);
  });

  it('offers no /risk without an account client', async () => {
    expect((await start(false)).commands.risk).toBeUndefined();
  });
});
