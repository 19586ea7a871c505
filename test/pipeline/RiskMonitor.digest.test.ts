import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIGEST_UNIMMR_POLL_MS } from '../../src/pipeline/RiskMonitor.js';
import { MINUTE_MS } from '../../src/time.js';
import { captureLogger } from '../fakes/captureLogger.js';
import type { FakeClock } from '../fakes/FakeClock.js';
import { RecordingSink } from '../fakes/recordingSink.js';
import { pushRisk, type RiskRun, type RiskWorld, startRiskRun, startRiskWorld } from './riskHarness.js';

/**
 * The risk monitor recording uniMMR for the daily digest: reads of `GET /papi/v1/account` from the
 * simulator through the real Binance client, and the simulator's own `riskLevelChange` events.
 */
describe('RiskMonitor with the daily digest on', () => {
  let world: RiskWorld;
  let clock: FakeClock;
  let run: RiskRun | undefined;
  const log = captureLogger();

  beforeEach(async () => {
    world = await startRiskWorld(11);
    clock = world.clock;
  });
  afterEach(async () => {
    await run?.stop();
    run = undefined;
    await world.close();
  });

  const accountReads = () => world.sim.requests.filter((r) => r.path === '/papi/v1/account').length;

  /** Moves the clock and waits until the monitor sleeps again (its read, on a real socket, done). */
  async function advance(ms: number): Promise<void> {
    await clock.advance(ms);
    await clock.untilSleeping(1);
  }

  it(`reads the account every ${DIGEST_UNIMMR_POLL_MS / MINUTE_MS} minutes with nothing else to watch, so a quiet day has a figure`, async () => {
    run = await startRiskRun(world, [new RecordingSink('slack')], log.logger, { digest: true });
    await clock.untilSleeping(1);
    expect(accountReads()).toBe(1); // at start
    await advance(DIGEST_UNIMMR_POLL_MS - 1);
    expect(accountReads()).toBe(1);
    await advance(1);
    await advance(DIGEST_UNIMMR_POLL_MS);
    expect(accountReads()).toBe(3);
    const from = clock.now() - 2 * DIGEST_UNIMMR_POLL_MS - 1;
    expect(run.uniMmrLows?.lowest(from, clock.now() + 1)?.value).toBe(world.sim.risk.information().uniMMR);
  });

  it('reads nothing while neither alerts nor the digest need it', async () => {
    run = await startRiskRun(world, [new RecordingSink('slack')], log.logger);
    await clock.untilSleeping(1);
    await advance(3 * DIGEST_UNIMMR_POLL_MS);
    expect(accountReads()).toBe(0);
  });

  it('takes the lowest uniMMR from account reads and riskLevelChange events alike, with the time it was seen', async () => {
    world.sim.risk.set({ status: 'NORMAL', uniMMR: '3' });
    run = await startRiskRun(world, [new RecordingSink('slack')], log.logger, { digest: true });
    await clock.untilSleeping(1);
    const from = clock.now();
    world.sim.risk.set({ status: 'NORMAL', uniMMR: '1.8' });
    await advance(DIGEST_UNIMMR_POLL_MS);
    const readAt = clock.now();
    expect(run.uniMmrLows?.lowest(from, readAt + 1)).toEqual({ value: world.sim.risk.information().uniMMR, time: readAt });
    await advance(10 * MINUTE_MS - DIGEST_UNIMMR_POLL_MS);
    const event = pushRisk(world.sim, { status: 'REDUCE_ONLY', uniMMR: '1.15' });
    await run.monitor.take(event);
    world.sim.risk.set({ status: 'NORMAL', uniMMR: '2.5' });
    await advance(DIGEST_UNIMMR_POLL_MS);
    await advance(DIGEST_UNIMMR_POLL_MS);
    expect(run.uniMmrLows?.lowest(from, clock.now() + 1)).toEqual({ value: event.uniMmr, time: event.eventTime });
  });
});
