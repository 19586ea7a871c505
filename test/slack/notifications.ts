import type { ForceOrder } from '../../src/binance/types.js';
import { orderKey } from '../../src/binance/types.js';
import { sumDecimals } from '../../src/decimal.js';
import type { Alert, Notification } from '../../src/sinks/Sink.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';

/** A single-alert notification for `order`. */
export function single(order: ForceOrder = forceOrderFixture()): Extract<Notification, { type: 'single' }> {
  const alert: Alert = { id: orderKey(order), order };
  return { type: 'single', key: alert.id, alert };
}

/** A grouped notification of `count` orders with distinct ids, times and kinds. */
export function group(count: number): Extract<Notification, { type: 'group' }> {
  const start = Date.UTC(2026, 10, 25, 11, 0, 0);
  const alerts: Alert[] = Array.from({ length: count }, (_, i) => {
    const order = forceOrderFixture({
      orderId: 200_000_000 + i,
      kind: i % 3 === 0 ? 'ADL' : 'LIQUIDATION',
      executedQty: String(1 + (i % 7)),
      notionalUsd: String(100 * (1 + (i % 7))),
      updateTime: start + i * 1000,
    });
    return { id: orderKey(order), order };
  });
  const total = sumDecimals(alerts.map((a) => a.order.notionalUsd));
  return {
    type: 'group',
    key: `group:${count}`,
    alerts,
    summary: {
      count,
      totalNotionalUsd: total,
      byKind: {
        LIQUIDATION: alerts.filter((a) => a.order.kind === 'LIQUIDATION').length,
        ADL: alerts.filter((a) => a.order.kind === 'ADL').length,
        SETTLEMENT: alerts.filter((a) => a.order.kind === 'SETTLEMENT').length,
      },
      symbols: [{ symbol: 'BTCUSD_PERP', count, notionalUsd: total }],
      firstTime: start,
      lastTime: start + (count - 1) * 1000,
    },
  };
}
