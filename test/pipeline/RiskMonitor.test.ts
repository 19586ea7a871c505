import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDecimal, mulDecimal } from '../../src/decimal.js';
import { RISK_ACTIVE_POLL_MS, RISK_WARN_POLL_MS, RISK_WARN_REARM_FACTOR, type RiskMonitor } from '../../src/pipeline/RiskMonitor.js';
import type { SimRiskInput } from '../../src/simulator/accountRisk.js';
import type { RiskNotification } from '../../src/sinks/Sink.js';
import type { StreamRiskEvent } from '../../src/stream/events.js';
import { captureLogger } from '../fakes/captureLogger.js';
import type { FakeClock } from '../fakes/FakeClock.js';
import { RecordingSink } from '../fakes/recordingSink.js';
import { GatedFile } from '../store/GatedFile.js';
import { pushRisk, type RiskRun, type RiskRunOptions, type RiskWorld, startRiskRun, startRiskWorld } from './riskHarness.js';

/**
 * The risk monitor over a real store and the delivery dispatcher, reading `GET /papi/v1/account` from
 * the simulator through the real Binance client, on a fake clock. Level events come from the
 * simulator's own `riskLevelChange` (sim.risk.set), parsed as the stream client parses them.
 */
describe('RiskMonitor', () => {
  let world: RiskWorld;
  let clock: FakeClock;
  let running: RiskRun | undefined;
  let delivered: RecordingSink[];
  const log = captureLogger();

  beforeEach(async () => {
    world = await startRiskWorld(5);
    clock = world.clock;
    delivered = [new RecordingSink('slack'), new RecordingSink('discord')];
  });

  afterEach(async () => {
    await stop();
    await world.close();
  });

  /** Opens the store and starts a monitor and a dispatcher on it, as the pipeline does. */
  async function start(options: RiskRunOptions = {}): Promise<RiskMonitor> {
    running = await startRiskRun(world, delivered, log.logger, options);
    return running.monitor;
  }

  async function stop(): Promise<void> {
    const run = running;
    running = undefined;
    await run?.stop();
  }

  const setRisk = (input: SimRiskInput): StreamRiskEvent => pushRisk(world.sim, input);

  const riskNotifications = (sink: RecordingSink) => sink.received.filter((n): n is RiskNotification => n.type === 'risk');
  const accountReads = () => world.sim.requests.filter((r) => r.path === '/papi/v1/account').length;

  /**
   * Moves the fake clock, then waits until the monitor is back asleep (its account read, on a real
   * socket, done): the monitor's wait is the only sleep of an idle monitor and dispatcher.
   */
  async function advance(ms: number): Promise<void> {
    await clock.advance(ms);
    await clock.untilSleeping(1);
  }

  /** Waits until every sink has accepted `count` alerts. */
  async function untilDelivered(count: number): Promise<void> {
    await Promise.all(delivered.map((sink) => sink.untilAlerts(count)));
  }

  it('turns a riskLevelChange into one alert at each sink, with level, uniMMR, equity and maintenance margin', async () => {
    const monitor = await start();
    const event = setRisk({ status: 'REDUCE_ONLY', uniMMR: '1.15', accountEquity: '11500', actualEquity: '12000' });
    await monitor.take(event);
    await untilDelivered(1);
    for (const sink of delivered) {
      expect(riskNotifications(sink)).toEqual([
        {
          type: 'risk',
          key: `risk:${event.eventTime}:REDUCE_ONLY`,
          alert: {
            id: `risk:${event.eventTime}:REDUCE_ONLY`,
            risk: {
              kind: 'level',
              level: 'REDUCE_ONLY',
              time: event.eventTime,
              uniMmr: event.uniMmr,
              equity: '11500.00000000',
              actualEquity: '12000.00000000',
              maintenanceMargin: event.maintenanceMargin,
            },
          },
        },
      ]);
    }
    // Recorded everywhere: the risk outbox is empty again, the level is remembered.
    const store = running?.store;
    await stop();
    expect(store?.data.risk).toMatchObject({ level: 'REDUCE_ONLY', outbox: [] });
  });

  it('alerts the same event twice (a stream rotation) once, and an older one not at all', async () => {
    const monitor = await start();
    const first = setRisk({ status: 'MARGIN_CALL', uniMMR: '1.4' });
    await monitor.take(first);
    await monitor.take({ ...first });
    await monitor.take({ ...first, eventTime: first.eventTime - 1, level: 'REDUCE_ONLY' });
    await advance(1_000);
    const second = setRisk({ status: 'REDUCE_ONLY', uniMMR: '1.1' });
    await monitor.take(second);
    await monitor.take(second);
    await untilDelivered(2);
    await stop();
    for (const sink of delivered)
      expect(riskNotifications(sink).map((n) => n.key)).toEqual([
        `risk:${first.eventTime}:MARGIN_CALL`,
        `risk:${second.eventTime}:REDUCE_ONLY`,
      ]);
  });

  it('retries a failed store write until the alert is in the file: a stream event comes once and must not be lost', async () => {
    const file = new GatedFile(join(world.dir, 'fw.json'));
    const monitor = await start({ adapter: file });
    const event = setRisk({ status: 'MARGIN_CALL', uniMMR: '1.4' });
    const held = file.holdNextWrite();
    const taken = monitor.take(event);
    await held.started;
    held.release(new Error('disk full (test)'));
    await clock.untilSleeping(2); // the monitor's poll wait, and the write's backoff
    await clock.advance(30_000);
    await taken;
    await untilDelivered(1);
    expect(log.lines.some((line) => line.includes('could not write a risk alert to the store; retrying'))).toBe(true);
    for (const sink of delivered) expect(riskNotifications(sink).map((n) => n.key)).toEqual([`risk:${event.eventTime}:MARGIN_CALL`]);
  });

  it('after a restart neither repeats the event nor forgets the level: the back-to-normal alert still comes', async () => {
    let monitor = await start();
    const event = setRisk({ status: 'FORCE_LIQUIDATION', uniMMR: '1.02' });
    await monitor.take(event);
    await untilDelivered(1);
    await stop();

    monitor = await start();
    await monitor.take(event); // the new connection's copy of the same event
    world.sim.risk.set({ status: 'NORMAL', uniMMR: '3' });
    await advance(RISK_ACTIVE_POLL_MS);
    await untilDelivered(2);
    await stop();
    for (const sink of delivered) {
      const kinds = riskNotifications(sink).map((n) => n.alert.risk.kind);
      expect(kinds).toEqual(['level', 'normal']);
    }
    expect(running).toBeUndefined();
  });

  it('polls the account every 30 s only while a level is active, and says "back to normal" once', async () => {
    const monitor = await start();
    await advance(10 * RISK_ACTIVE_POLL_MS);
    expect(accountReads()).toBe(0); // nothing active, no early warning: no weight spent

    await monitor.take(setRisk({ status: 'MARGIN_CALL', uniMMR: '1.45' }));
    await advance(RISK_ACTIVE_POLL_MS);
    expect(accountReads()).toBe(1);
    await advance(RISK_ACTIVE_POLL_MS);
    expect(accountReads()).toBe(2); // still MARGIN_CALL: nothing said

    world.sim.risk.set({ status: 'NORMAL', uniMMR: '2.5' });
    await advance(RISK_ACTIVE_POLL_MS);
    await untilDelivered(2);
    await advance(10 * RISK_ACTIVE_POLL_MS);
    expect(accountReads()).toBe(3); // back to normal: polling stopped

    await stop();
    for (const sink of delivered) {
      const normal = riskNotifications(sink).filter((n) => n.alert.risk.kind === 'normal');
      expect(normal).toHaveLength(1);
      expect(normal[0]?.alert.risk).toMatchObject({ kind: 'normal', previousLevel: 'MARGIN_CALL', uniMmr: '2.50000000' });
    }
  });

  it('warns once when uniMMR falls below RISK_WARN_UNIMMR, stays quiet while it hovers, and re-arms only above warn x 1.05', async () => {
    world.sim.risk.set({ status: 'NORMAL', uniMMR: '2' });
    await start({ warnUniMmr: '1.5' });
    await clock.untilSleeping(1);
    const poll = async (uniMMR: string) => {
      world.sim.risk.set({ status: 'NORMAL', uniMMR });
      await advance(RISK_WARN_POLL_MS);
    };
    const rearmLine = mulDecimal('1.5', RISK_WARN_REARM_FACTOR); // 1.575
    for (const value of ['1.49', '1.51', '1.49', '1.56', '1.4999', rearmLine]) await poll(value);
    // Re-armed only above the line: one warning so far.
    await poll(addDecimal(rearmLine, '0.001'));
    await poll('1.45');
    await untilDelivered(2);
    await stop();
    for (const sink of delivered) {
      const warnings = riskNotifications(sink).map((n) => n.alert.risk);
      expect(warnings).toHaveLength(2);
      expect(warnings).toEqual([
        expect.objectContaining({ kind: 'warning', threshold: '1.5', uniMmr: '1.49000000' }),
        expect.objectContaining({ kind: 'warning', threshold: '1.5', uniMmr: '1.45000000' }),
      ]);
    }
    expect(accountReads()).toBe(9); // one at start, then one a minute
  });

  it('keeps the warning disarmed across a restart while uniMMR is still below the line', async () => {
    world.sim.risk.set({ status: 'NORMAL', uniMMR: '1.3' });
    await start({ warnUniMmr: '1.5' });
    await untilDelivered(1);
    await stop();
    await start({ warnUniMmr: '1.5' });
    await advance(3 * RISK_WARN_POLL_MS);
    await stop();
    for (const sink of delivered) expect(riskNotifications(sink)).toHaveLength(1);
  });
});
