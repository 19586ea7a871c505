import { type ForceOrder, orderKey } from '../../src/binance/types.js';
import { sumDecimals } from '../../src/decimal.js';
import type { Notification } from '../../src/sinks/Sink.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';

/** One order as the pipeline hands it to a sink. */
export function singleNotification(order: ForceOrder = forceOrderFixture()): Extract<Notification, { type: 'single' }> {
  return { type: 'single', key: orderKey(order), alert: { id: orderKey(order), order } };
}

/** A cascade of `count` orders spread over `symbolCount` symbols, liquidations and ADLs mixed, summary computed. */
export function cascade(count: number, symbolCount = 40): Extract<Notification, { type: 'group' }> {
  const t0 = Date.UTC(2026, 10, 25, 11, 0, 0);
  const orders = Array.from({ length: count }, (_, i) =>
    forceOrderFixture({
      orderId: 900_000_000 + i,
      symbol: `COIN${i % symbolCount}USD_PERP`,
      pair: `COIN${i % symbolCount}USD`,
      kind: i % 4 === 0 ? 'ADL' : 'LIQUIDATION',
      executedQty: String(10 + i),
      notionalUsd: `${10 + i}0.5`,
      updateTime: t0 + i * 250,
    }),
  );
  const bySymbol = new Map<string, ForceOrder[]>();
  for (const o of orders) bySymbol.set(o.symbol, [...(bySymbol.get(o.symbol) ?? []), o]);
  return {
    type: 'group',
    key: orders.map(orderKey).join(','),
    alerts: orders.map((order) => ({ id: orderKey(order), order })),
    summary: {
      count,
      totalNotionalUsd: sumDecimals(orders.map((o) => o.notionalUsd)),
      byKind: {
        LIQUIDATION: orders.filter((o) => o.kind === 'LIQUIDATION').length,
        ADL: orders.filter((o) => o.kind === 'ADL').length,
        SETTLEMENT: orders.filter((o) => o.kind === 'SETTLEMENT').length,
      },
      symbols: [...bySymbol].map(([symbol, list]) => ({
        symbol,
        count: list.length,
        notionalUsd: sumDecimals(list.map((o) => o.notionalUsd)),
      })),
      firstTime: t0,
      lastTime: t0 + (count - 1) * 250,
    },
  };
}
