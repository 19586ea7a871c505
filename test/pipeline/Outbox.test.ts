import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { orderKey } from '../../src/binance/types.js';
import { Outbox } from '../../src/pipeline/Outbox.js';
import { StoreWriteError } from '../../src/store/errors.js';
import { StateStore } from '../../src/store/StateStore.js';
import type { StoreDocument } from '../../src/store/StoreDocument.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { GatedFile } from '../store/GatedFile.js';
import { tempDir } from './pipelineHarness.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

const NOW = Date.UTC(2026, 10, 25, 12);
const orders = (count: number) =>
  Array.from({ length: count }, (_, i) => forceOrderFixture({ orderId: 1 + i, updateTime: NOW - 1_000 + i }));

async function setup(sinks: string[], options: { minNotionalUsd?: string } = {}) {
  const path = join(dir, 'state.json');
  const file = new GatedFile(path);
  const store = await StateStore.open({ path, createAt: NOW - 60_000, adapter: file });
  const onDisk = async () => JSON.parse(await readFile(path, 'utf8')) as StoreDocument;
  return { file, store, outbox: new Outbox(store, sinks, options), onDisk };
}

describe('Outbox', () => {
  it('hands no sink an alert whose commit is still being written, nor one whose commit failed', async () => {
    const { file, outbox, store } = await setup(['slack']);
    const held = file.holdNextWrite();
    const commit = outbox.commitPoll({ fresh: orders(3), seen: {}, watermark: NOW }, NOW);
    expect((await held.started).outbox).toHaveLength(3);
    // A worker looking now (woken by an earlier delivery) must not pick these up and send them.
    expect(outbox.pending('slack')).toEqual([]);
    expect(outbox.depth('slack')).toBe(0);
    held.release(Object.assign(new Error('ENOSPC: simulated'), { code: 'ENOSPC' }));
    await expect(commit).rejects.toBeInstanceOf(StoreWriteError);
    expect(outbox.pending('slack')).toEqual([]);
    expect(store.data.watermark).toBe(NOW - 60_000);
  });

  it('records each sink after its own success, keeps the other sink’s marker, and drops an alert once every sink has it', async () => {
    const { outbox, onDisk } = await setup(['slack', 'discord']);
    const alerts = await outbox.commitPoll({ fresh: orders(3), seen: {}, watermark: NOW }, NOW);
    const ids = alerts.map((a) => a.id);
    expect(ids).toEqual(orders(3).map(orderKey));
    await outbox.markAttempt('slack', ids.slice(0, 2), { key: 'group-a', at: NOW + 1 });
    await outbox.markAttempt('discord', ids.slice(0, 1), { key: ids[0] ?? '', at: NOW + 2 });
    expect(outbox.openAttempt('slack')).toMatchObject({ key: 'group-a', at: NOW + 1, alerts: alerts.slice(0, 2) });
    expect((await onDisk()).outbox.map((e) => e.attempts)).toEqual([
      { slack: { key: 'group-a', at: NOW + 1 }, discord: { key: ids[0], at: NOW + 2 } },
      { slack: { key: 'group-a', at: NOW + 1 } },
      undefined,
    ]);

    await outbox.recordDelivery('slack', ids.slice(0, 2));
    const afterSlack = (await onDisk()).outbox;
    expect(afterSlack.map((e) => [e.deliveredTo, e.attempts])).toEqual([
      [['slack'], { discord: { key: ids[0], at: NOW + 2 } }],
      [['slack'], undefined],
      [[], undefined],
    ]);
    expect(outbox.openAttempt('slack')).toBeUndefined();
    expect(outbox.pending('slack')).toEqual(alerts.slice(2));
    expect(outbox.pending('discord')).toEqual(alerts);

    await outbox.recordDelivery('discord', ids.slice(0, 1));
    expect((await onDisk()).outbox.map((e) => e.id)).toEqual(ids.slice(1));
    expect(outbox.depth('discord')).toBe(2);
    expect(outbox.depth('slack')).toBe(1);
  });

  it('keeps the marker and the alert waiting when the delivery record cannot be written', async () => {
    const { file, outbox, onDisk } = await setup(['slack']);
    const alerts = await outbox.commitPoll({ fresh: orders(2), seen: {}, watermark: NOW }, NOW);
    const ids = alerts.map((a) => a.id);
    await outbox.markAttempt('slack', ids, { key: 'group-b', at: NOW + 1 });
    const held = file.holdNextWrite();
    const record = outbox.recordDelivery('slack', ids);
    await held.started;
    held.release(Object.assign(new Error('EIO: simulated'), { code: 'EIO' }));
    await expect(record).rejects.toBeInstanceOf(StoreWriteError);
    expect(outbox.openAttempt('slack')).toMatchObject({ key: 'group-b', alerts });
    expect((await onDisk()).outbox.map((e) => e.attempts?.slack?.key)).toEqual(['group-b', 'group-b']);
    await outbox.recordDelivery('slack', ids);
    expect((await onDisk()).outbox).toEqual([]);
    expect(outbox.pending('slack')).toEqual([]);
  });

  it('with a minimum notional, queues only orders at or above it (and any without a USD notional); every one is seen', async () => {
    const { outbox, store } = await setup(['slack'], { minNotionalUsd: '1000' });
    const [small, exact, large, quoted, streamed] = [
      forceOrderFixture({ orderId: 1, notionalUsd: '999.99', updateTime: NOW - 10 }),
      forceOrderFixture({ orderId: 2, notionalUsd: '1000', updateTime: NOW - 9 }),
      forceOrderFixture({ orderId: 3, notionalUsd: '25000.5', updateTime: NOW - 8 }),
      forceOrderFixture({ orderId: 4, notionalUsd: '0', quoteNotional: { asset: 'BTC', amount: '0.5' }, updateTime: NOW - 7 }),
      forceOrderFixture({ orderId: 5, notionalUsd: '10', updateTime: NOW - 6 }),
    ];
    const fresh = [small, exact, large, quoted].map((o) => o!);
    const seen = Object.fromEntries(fresh.map((o) => [orderKey(o), o.updateTime]));
    const polled = await outbox.commitPoll({ fresh, seen, watermark: NOW }, NOW);
    expect(polled.map((a) => a.order.orderId)).toEqual([2, 3, 4]);
    expect(await outbox.commitStream([streamed!], NOW)).toEqual([]);
    expect(outbox.pending('slack').map((a) => a.order.orderId)).toEqual([2, 3, 4]);
    // Seen all the same: neither source queues them later, and /forceorders still finds them in the archive.
    expect(Object.keys(store.data.seen).sort()).toEqual([small, exact, large, quoted, streamed].map((o) => orderKey(o!)).sort());
    expect(outbox.unseen([small!, streamed!])).toEqual([]);
  });
});
