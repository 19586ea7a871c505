import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { orderKey } from '../../src/binance/types.js';
import { DeliveryDispatcher } from '../../src/pipeline/DeliveryDispatcher.js';
import { EventBus } from '../../src/pipeline/EventBus.js';
import { Outbox } from '../../src/pipeline/Outbox.js';
import { RiskOutbox } from '../../src/pipeline/RiskOutbox.js';
import type { DeliverOptions, Notification, RiskAlert, Sink } from '../../src/sinks/Sink.js';
import { StateStore } from '../../src/store/StateStore.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { tempDir } from './pipelineHarness.js';

/** A sink that keeps each notification with the options it was handed. */
class ProbeSink implements Sink {
  readonly calls: { notification: Notification; options: DeliverOptions | undefined }[] = [];
  constructor(readonly name: string) {}
  async deliver(notification: Notification, options?: DeliverOptions): Promise<void> {
    this.calls.push({ notification, options });
  }
}

const riskAlert = (time: number): RiskAlert => ({
  id: `risk:${time}:REDUCE_ONLY`,
  risk: { kind: 'level', level: 'REDUCE_ONLY', time, uniMmr: '1.1', equity: '1100', actualEquity: '1200', maintenanceMargin: '1000' },
});

/** The dispatcher delivering risk alerts beside force orders, from a real store. */
describe('risk alerts in the delivery dispatcher', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let store: StateStore;
  const clock = new FakeClock();
  const log = captureLogger();
  let dispatcher: DeliveryDispatcher | undefined;

  beforeEach(async () => {
    dir = await tempDir();
    store = await StateStore.open({ path: join(dir.dir, 'fw.json'), createAt: 0 });
  });
  afterEach(async () => {
    await dispatcher?.stop();
    dispatcher = undefined;
    await dir.cleanup();
  });

  function startDispatcher(sink: ProbeSink): { riskOutbox: RiskOutbox; outbox: Outbox } {
    const outbox = new Outbox(store, [sink.name]);
    const riskOutbox = new RiskOutbox(store, [sink.name]);
    dispatcher = new DeliveryDispatcher({ sinks: [sink], outbox, riskOutbox, bus: new EventBus(log.logger), clock, logger: log.logger });
    dispatcher.start();
    return { riskOutbox, outbox };
  }

  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  it('delivers a risk alert queued behind a cascade first, on its own, never inside the group', async () => {
    const orders = Array.from({ length: 7 }, (_, i) => forceOrderFixture({ orderId: 500 + i, updateTime: 1_000 + i }));
    const sink = new ProbeSink('slack');
    await new Outbox(store, [sink.name]).commitStream(orders, 1);
    await new RiskOutbox(store, [sink.name]).commit({ level: 'REDUCE_ONLY' }, [riskAlert(2_000)], 2);
    startDispatcher(sink);
    await until(() => sink.calls.length >= 2);
    await dispatcher?.stop();
    const [first, second] = sink.calls.map((c) => c.notification);
    expect(first).toMatchObject({ type: 'risk', key: 'risk:2000:REDUCE_ONLY' });
    expect(second?.type).toBe('group');
    expect(second?.type === 'group' && second.alerts.map((a) => a.id)).toEqual(orders.map(orderKey));
    expect(sink.calls).toHaveLength(2);
    expect(store.data.risk.outbox).toEqual([]);
    expect(store.data.outbox).toEqual([]);
  });

  it('after a crash mid-send, hands the same risk alert again with maybeDelivered, and records it once', async () => {
    const sink = new ProbeSink('slack');
    const alert = riskAlert(3_000);
    const previous = new RiskOutbox(store, [sink.name]);
    await previous.commit({ level: 'REDUCE_ONLY' }, [alert], 3);
    await previous.markAttempt(sink.name, alert.id, { key: alert.id, at: 4 }); // the process died after this
    startDispatcher(sink);
    await until(() => sink.calls.length >= 1);
    await dispatcher?.stop();
    expect(sink.calls).toEqual([
      { notification: { type: 'risk', key: alert.id, alert }, options: expect.objectContaining({ maybeDelivered: { since: 4 } }) },
    ]);
    expect(store.data.risk.outbox).toEqual([]);
  });

  it('keeps a risk alert for a sink that has not had it while recording the one that has', async () => {
    const names = ['slack', 'discord'];
    const riskOutbox = new RiskOutbox(store, names);
    await riskOutbox.commit({}, [riskAlert(5_000)], 5);
    await riskOutbox.recordDelivery('slack', 'risk:5000:REDUCE_ONLY');
    expect(riskOutbox.depth('slack')).toBe(0);
    expect(riskOutbox.depth('discord')).toBe(1);
    expect(riskOutbox.pending('slack', new Set())).toBeUndefined();
    await riskOutbox.recordDelivery('discord', 'risk:5000:REDUCE_ONLY');
    expect(store.data.risk.outbox).toEqual([]);
  });
});
