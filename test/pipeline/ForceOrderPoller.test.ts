import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { JSONFile } from 'lowdb/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { orderKey } from '../../src/binance/types.js';
import { EventBus } from '../../src/pipeline/EventBus.js';
import { ForceOrderPoller, FRESH_SLACK_MS } from '../../src/pipeline/ForceOrderPoller.js';
import { Outbox } from '../../src/pipeline/Outbox.js';
import { StoreWriteError } from '../../src/store/errors.js';
import { ForceOrderArchive } from '../../src/store/ForceOrderArchive.js';
import { StateStore } from '../../src/store/StateStore.js';
import type { StoreDocument } from '../../src/store/StoreDocument.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { MemoryForceOrderSource } from '../fakes/memoryForceOrderSource.js';
import { tempDir } from './pipelineHarness.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

/** A poller over a real store file whose writes fail while `failWrites` is set. */
async function setup() {
  const clock = new FakeClock();
  const path = join(dir, 'state.json');
  const real = new JSONFile<StoreDocument>(path);
  const io = { failWrites: false };
  const adapter = {
    read: () => real.read(),
    write: async (data: StoreDocument) => {
      if (io.failWrites) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      await real.write(data);
    },
  };
  const store = await StateStore.open({ path, createAt: clock.now(), adapter });
  const { logger } = captureLogger();
  const bus = new EventBus(logger);
  const outbox = new Outbox(store, ['slack']);
  const archive = new ForceOrderArchive({ path: join(dir, 'archive.jsonl'), now: () => clock.now(), logger });
  const source = new MemoryForceOrderSource([], () => clock.now());
  const handed: { ids: string[]; inStore: string[] }[] = [];
  const onQueued = (alerts: readonly { id: string }[]) => {
    handed.push({ ids: alerts.map((a) => a.id), inStore: store.data.outbox.map((e) => e.id) });
  };
  const poller = new ForceOrderPoller({ source, store, outbox, archive, bus, clock, logger, overlapMs: 60_000, onQueued });
  const queued: string[] = [];
  bus.on('alertsQueued', ({ alerts }) => {
    queued.push(...alerts.map((a) => a.id));
  });
  return { clock, path, io, store, outbox, source, poller, queued, handed, bus };
}

describe('ForceOrderPoller', () => {
  it('reads the fresh part each poll and sweeps the overlap four times per overlap, advancing the watermark to now', async () => {
    const { clock, source, poller, store } = await setup();
    const start = clock.now();
    const pollAfter = async (ms: number) => {
      await clock.advance(ms);
      await poller.pollOnce();
    };
    await poller.pollOnce();
    await pollAfter(5_000);
    await pollAfter(5_000);
    expect(source.windows).toEqual([
      // A process's first poll is a sweep from two overlaps back: the previous process's sweeps reached that far.
      { startTime: start - 120_000, endTime: start },
      { startTime: start - FRESH_SLACK_MS, endTime: start + 5_000 },
      { startTime: start + 5_000 - FRESH_SLACK_MS, endTime: start + 10_000 },
    ]);
    expect(store.data.watermark).toBe(start + 10_000);
    // A quarter overlap (15 s) after the last sweep, the next poll sweeps again, from that sweep's watermark minus the overlap.
    await pollAfter(5_000);
    expect(source.windows.at(-1)).toEqual({ startTime: start - 60_000, endTime: start + 15_000 });
    await pollAfter(5_000);
    await pollAfter(5_000);
    await pollAfter(5_000);
    expect(source.windows.slice(-3)).toEqual([
      { startTime: start + 15_000 - FRESH_SLACK_MS, endTime: start + 20_000 },
      { startTime: start + 20_000 - FRESH_SLACK_MS, endTime: start + 25_000 },
      { startTime: start + 15_000 - 60_000, endTime: start + 30_000 },
    ]);
    // A wall clock set back never moves the watermark back or asks an inverted window.
    clock.jump(-120_000);
    await poller.pollOnce();
    expect(source.windows.at(-1)).toEqual({ startTime: start + 30_000 - FRESH_SLACK_MS, endTime: start + 30_000 });
    expect(store.data.watermark).toBe(start + 30_000);
  });

  it('does not advance the watermark or announce orders when the store write fails; finds them again next poll', async () => {
    const { clock, path, io, store, source, poller, queued } = await setup();
    const before = store.data.watermark;
    source.add(forceOrderFixture({ orderId: 1, updateTime: clock.now() + 1_000 }));
    await clock.advance(5_000);
    io.failWrites = true;
    await expect(poller.pollOnce()).rejects.toThrow(StoreWriteError);
    await expect(poller.pollOnce()).rejects.toThrow(/disk full/);
    expect(store.data.watermark).toBe(before);
    expect(store.data.outbox).toEqual([]);
    expect(JSON.parse(await readFile(path, 'utf8')).watermark).toBe(before);
    expect(queued).toEqual([]);
    io.failWrites = false;
    await clock.advance(5_000);
    await poller.pollOnce();
    expect(queued).toEqual(['cm:1']);
    expect(store.data.outbox.map((e) => e.id)).toEqual(['cm:1']);
  });

  it('hands new alerts to onQueued once the store holds them, even when a bus listener throws, and never for a failed write', async () => {
    const { clock, io, source, poller, handed, bus } = await setup();
    bus.on('alertsQueued', () => {
      throw new Error('a metrics bug');
    });
    source.add(forceOrderFixture({ orderId: 1, updateTime: clock.now() + 1_000 }));
    await clock.advance(5_000);
    io.failWrites = true;
    await expect(poller.pollOnce()).rejects.toThrow(StoreWriteError);
    expect(handed).toEqual([]);
    io.failWrites = false;
    await poller.pollOnce();
    await poller.pollOnce();
    expect(handed).toEqual([{ ids: ['cm:1'], inStore: ['cm:1'] }]);
  });

  it('prunes seen ids two overlaps past the watermark (the next sweep reaches that far) so the document stays small', async () => {
    const { clock, store, source, poller } = await setup();
    source.add(forceOrderFixture({ orderId: 1, updateTime: clock.now() + 1 }));
    await clock.advance(1_000);
    await poller.pollOnce();
    expect(Object.keys(store.data.seen)).toEqual(['cm:1']);
    await clock.advance(119_000);
    await poller.pollOnce();
    expect(Object.keys(store.data.seen)).toEqual(['cm:1']);
    await clock.advance(2_000);
    await poller.pollOnce();
    expect(store.data.seen).toEqual({});
  });

  it('never queues the same poll twice: concurrent pollOnce calls run one after the other', async () => {
    const { clock, source, poller, queued } = await setup();
    source.add(forceOrderFixture({ orderId: 1, updateTime: clock.now() + 1 }));
    await clock.advance(1_000);
    await Promise.all([poller.pollOnce(), poller.pollOnce(), poller.pollOnce()]);
    expect(queued).toEqual(['cm:1']);
    expect(source.windows).toHaveLength(3);
  });

  it('alerts every order exactly once, visible up to the overlap late, at any interval, across restarts and stream commits', async () => {
    const OVERLAP = 60_000;
    const spec = fc.record({
      at: fc.integer({ min: 1, max: 180_000 }),
      // Up to the guarantee's bound, the bound itself included.
      lateBy: fc.oneof(fc.constant(0), fc.constant(OVERLAP), fc.integer({ min: 0, max: OVERLAP })),
      tie: fc.boolean(),
      viaStream: fc.boolean(),
    });
    const run = fc.record({
      specs: fc.array(spec, { maxLength: 30 }),
      // Seconds (fast polling), the default, and reconciliation intervals longer than the overlap.
      interval: fc.constantFrom(1_000, 2_500, 5_000, 30_000, 60_000, 90_000),
      restartEvery: fc.integer({ min: 3, max: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(run, async ({ specs, interval, restartEvery }) => {
        const clock = new FakeClock();
        const start = clock.now();
        let saved: StoreDocument | undefined;
        const store = await StateStore.open({
          path: join(dir, 'property.json'),
          createAt: start,
          adapter: {
            read: async () => saved ?? null,
            write: async (data) => {
              saved = structuredClone(data);
            },
          },
        });
        const { logger } = captureLogger();
        const bus = new EventBus(logger);
        const outbox = new Outbox(store, ['slack']);
        const archive = new ForceOrderArchive({ path: join(dir, 'property.jsonl'), now: () => clock.now(), logger });
        const source = new MemoryForceOrderSource([], () => clock.now());
        const orders = specs.map((o, i) => {
          // Every tied order shares the previous one's millisecond.
          const updateTime = start + (o.tie && i > 0 ? specs[i - 1]!.at : o.at);
          const order = forceOrderFixture({ orderId: i + 1, updateTime });
          source.add(order, updateTime + o.lateBy);
          return { order, visibleAt: updateTime + o.lateBy, viaStream: o.viaStream, streamed: false };
        });
        const alerted: string[] = [];
        bus.on('alertsQueued', ({ alerts }) => void alerted.push(...alerts.map((a) => a.id)));
        const newPoller = () =>
          new ForceOrderPoller({ source, store, outbox, archive, bus, clock, logger, overlapMs: OVERLAP, pollIntervalMs: interval });
        let poller = newPoller();
        // Long enough for the latest order's sweep, and one overlap more to see nothing come twice.
        for (let polls = 1; clock.now() <= start + 180_000 + 4 * OVERLAP + 2 * interval; polls += 1) {
          for (const o of orders) {
            if (!o.viaStream || o.streamed || o.visibleAt > clock.now()) continue;
            o.streamed = true;
            alerted.push(...(await outbox.commitStream([o.order], clock.now())).map((a) => a.id));
          }
          await poller.pollOnce();
          // A restart forgets the last sweep: the next process must sweep from where the store allows.
          if (polls % restartEvery === 0) poller = newPoller();
          await clock.advance(interval);
        }
        expect(alerted.sort()).toEqual(orders.map((o) => orderKey(o.order)).sort());
      }),
      { numRuns: 150 },
    );
  });
});
