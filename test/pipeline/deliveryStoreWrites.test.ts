import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryDispatcher } from '../../src/pipeline/DeliveryDispatcher.js';
import { EventBus } from '../../src/pipeline/EventBus.js';
import { Outbox } from '../../src/pipeline/Outbox.js';
import type { DeliverOptions, Notification, Sink } from '../../src/sinks/Sink.js';
import { StateStore } from '../../src/store/StateStore.js';
import type { StoreDocument } from '../../src/store/StoreDocument.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { GatedFile, type HeldWrite } from '../store/GatedFile.js';
import { nextEvent, tempDir } from './pipelineHarness.js';

/** A sink that reads the store file as each notification reaches it. */
class FileReadingSink implements Sink {
  readonly name = 'slack';
  readonly seen: { notification: Notification; stored: StoreDocument }[] = [];

  constructor(private readonly path: string) {}

  async deliver(notification: Notification, _options?: DeliverOptions): Promise<void> {
    this.seen.push({ notification, stored: JSON.parse(await readFile(this.path, 'utf8')) as StoreDocument });
  }
}

let dir: string;
let cleanup: () => Promise<void>;
let dispatcher: DeliveryDispatcher | undefined;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await dispatcher?.stop();
  await cleanup();
});

async function boot() {
  const clock = new FakeClock();
  const path = join(dir, 'state.json');
  const file = new GatedFile(path);
  const store = await StateStore.open({ path, createAt: clock.now(), adapter: file });
  const outbox = new Outbox(store, ['slack']);
  const { logger } = captureLogger();
  const bus = new EventBus(logger);
  const sink = new FileReadingSink(path);
  dispatcher = new DeliveryDispatcher({ sinks: [sink], outbox, bus, clock, logger, groupThreshold: 5, retry: { random: () => 0.5 } });
  const orders = Array.from({ length: 3 }, (_, i) => forceOrderFixture({ orderId: 1 + i, updateTime: clock.now() - 1_000 + i }));
  await outbox.commitPoll({ fresh: orders, seen: {}, watermark: clock.now() }, clock.now());
  return { clock, file, bus, sink, dispatcher, ids: orders.map((o) => `cm:${o.orderId}`) };
}

describe('store writes per delivery', () => {
  it('record a delivery and mark the next attempt in one write, the marker on disk before that send', async () => {
    const { file, bus, sink, dispatcher: d, ids } = await boot();
    const writesBefore = file.writes.length;
    const allDone = nextEvent(bus, 'delivered', (e) => e.alertIds.includes('cm:3'));
    d.start();
    await allDone;

    expect(sink.seen.map((s) => s.notification.key)).toEqual(ids);
    sink.seen.forEach(({ stored }, i) => {
      // At each send: the earlier alerts recorded and gone, this one marked, the later ones untouched.
      expect(stored.outbox.map((e) => [e.id, e.attempts?.slack?.key])).toEqual(ids.slice(i).map((id, j) => [id, j === 0 ? id : undefined]));
    });
    // One marker write, then record+mark twice, then the last record: four writes instead of six.
    const writes = file.writes.slice(writesBefore).map((doc) => doc.outbox.map((e) => `${e.id}${e.attempts ? '*' : ''}`));
    expect(writes).toEqual([['cm:1*', 'cm:2', 'cm:3'], ['cm:2*', 'cm:3'], ['cm:3*'], []]);
  });

  it('send nothing more until a failed record-and-mark write goes through, then record once and send the next', async () => {
    const { clock, file, bus, sink, dispatcher: d, ids } = await boot();
    // Hold the write that follows the first send: the record of cm:1 with the marker for cm:2.
    const heldAfterFirstSend = new Promise<HeldWrite>((resolve) => {
      const deliver = sink.deliver.bind(sink);
      sink.deliver = (notification, options) => {
        if (notification.key === 'cm:1') resolve(file.holdNextWrite());
        return deliver(notification, options);
      };
    });
    d.start();
    const combined = await heldAfterFirstSend;
    expect((await combined.started).outbox.map((e) => [e.id, e.attempts?.slack?.key])).toEqual([
      ['cm:2', 'cm:2'],
      ['cm:3', undefined],
    ]);
    const failed = nextEvent(bus, 'deliveryFailed');
    combined.release(Object.assign(new Error('ENOSPC: simulated'), { code: 'ENOSPC' }));
    expect(String((await failed).error)).toMatch(/state\.json/);
    expect(sink.seen).toHaveLength(1);

    const done = nextEvent(bus, 'delivered', (e) => e.alertIds.includes('cm:3'));
    await clock.advance(750);
    await done;
    expect(sink.seen.map((s) => s.notification.key)).toEqual(ids);
    expect(sink.seen[1]?.stored.outbox.map((e) => [e.id, e.attempts?.slack?.key])).toEqual([
      ['cm:2', 'cm:2'],
      ['cm:3', undefined],
    ]);
  });
});
