import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderKey } from '../../src/binance/types.js';
import { diffForceOrders } from '../../src/pipeline/diffForceOrders.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';

const OVERLAP = 60_000;
const INTERVAL = 5_000;

describe('diffForceOrders', () => {
  it('alerts every order exactly once when orders share milliseconds and appear up to the overlap late', () => {
    const order = fc.record({
      at: fc.integer({ min: 0, max: 300_000 }),
      delay: fc.integer({ min: 0, max: OVERLAP - INTERVAL }),
      market: fc.constantFrom('cm' as const, 'um' as const),
    });
    fc.assert(
      fc.property(fc.array(order, { maxLength: 60 }), fc.integer({ min: 0, max: 4 }), (specs, tieEvery) => {
        const start = 1_000_000;
        const orders = specs.map((s, i) => ({
          order: forceOrderFixture({
            orderId: i,
            market: s.market,
            // Force ties: every few orders share the previous one's millisecond.
            updateTime: start + 1 + (tieEvery && i % tieEvery === 0 && i > 0 ? specs[i - 1]!.at : s.at),
          }),
          visibleAt: 0,
        }));
        for (const o of orders) o.visibleAt = o.order.updateTime + specs[o.order.orderId]!.delay;
        let state = { watermark: start, seen: {} as Record<string, number> };
        const alerted: string[] = [];
        for (let now = start; now <= start + 400_000; now += INTERVAL) {
          const window = { startTime: state.watermark - OVERLAP, endTime: Math.max(now, state.watermark) };
          const visible = orders
            .filter((o) => o.visibleAt <= now && o.order.updateTime >= window.startTime && o.order.updateTime <= window.endTime)
            .map((o) => o.order);
          const diff = diffForceOrders({ orders: visible, window, alertFrom: start, seenForMs: OVERLAP, ...state });
          alerted.push(...diff.fresh.map(orderKey));
          state = { watermark: diff.watermark, seen: diff.seen };
        }
        expect(alerted.sort()).toEqual(orders.map((o) => orderKey(o.order)).sort());
      }),
      { numRuns: 200 },
    );
  });

  it('ignores history before alertFrom and orders a source returns outside the window', () => {
    const diff = diffForceOrders({
      orders: [
        forceOrderFixture({ orderId: 1, updateTime: 900 }),
        forceOrderFixture({ orderId: 2, updateTime: 999 }),
        forceOrderFixture({ orderId: 3, updateTime: 1_000 }),
        forceOrderFixture({ orderId: 3, updateTime: 1_000 }),
      ],
      window: { startTime: 950, endTime: 2_000 },
      seen: {},
      alertFrom: 1_000,
      watermark: 1_010,
      seenForMs: 60,
    });
    expect(diff.fresh.map((o) => o.orderId)).toEqual([3]);
    expect(diff.watermark).toBe(2_000);
    expect(diff.seen).toEqual({});
  });
});
