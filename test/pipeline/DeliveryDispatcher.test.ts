import { stat } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_GROUP_SIZE } from '../../src/pipeline/groupAlerts.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { PipelineHarness, tempDir } from './pipelineHarness.js';

let dir: string;
let cleanup: () => Promise<void>;
let h: PipelineHarness;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  h = new PipelineHarness(dir);
});
afterEach(async () => {
  await h.stop();
  await cleanup();
});

/** `count` orders from `orderId` on, one a millisecond, spread over a few symbols. */
function cascade(count: number, from: number, at: number) {
  return Array.from({ length: count }, (_, i) =>
    forceOrderFixture({ orderId: from + i, updateTime: at + i, symbol: ['BTCUSD_PERP', 'ETHUSD_PERP', 'SOLUSD_PERP'][i % 3]! }),
  );
}

describe('DeliveryDispatcher', () => {
  it(`caps a group at ${MAX_GROUP_SIZE} orders and sends the rest as the next group, in order`, async () => {
    await h.start();
    h.source.add(cascade(1_200, 1, h.clock.now() + 1));
    await h.tick();
    await h.sinks[0]!.untilAlerts(1_200);
    const sizes = h.sinks[0]!.received.map((n) => (n.type === 'group' ? n.alerts.length : 1));
    expect(sizes).toEqual([500, 500, 200]);
    expect(h.sinks[0]!.alertIds).toEqual(cascade(1_200, 1, 0).map((o) => `cm:${o.orderId}`));
    expect(new Set(h.sinks[0]!.received.map((n) => n.key)).size).toBe(3);
  });

  it('sends a group small enough for the threshold as single alerts', async () => {
    await h.start({ groupThreshold: 3 });
    h.source.add(cascade(3, 1, h.clock.now() + 1));
    await h.tick();
    await h.sinks[0]!.untilAlerts(3);
    expect(h.sinks[0]!.received.map((n) => n.type)).toEqual(['single', 'single', 'single']);
  });

  it('keeps the store under 1 MB after 100,000 orders have gone through', async () => {
    await h.start();
    const perPoll = 500;
    for (let round = 0; round < 200; round += 1) {
      h.source.add(cascade(perPoll, 1 + round * perPoll, h.clock.now() + 1));
      await h.tick();
      await Promise.all(h.sinks.map((s) => s.untilAlerts((round + 1) * perPoll)));
    }
    // Two overlaps on (the next late sweep reaches that far back), the seen ids of the last cascade are pruned too.
    await h.tick(121_000);
    await h.stop();
    const { size } = await stat(h.storePath);
    expect(h.sinks[1]!.alertIds).toHaveLength(100_000);
    expect(size).toBeLessThan(1_000_000);
    expect(size).toBeLessThan(1_000); // nothing left but the watermark, the symbols and empty lists
  }, 60_000);
});
