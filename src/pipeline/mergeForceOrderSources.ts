import type { ForceOrderPage, ForceOrderSource } from '../binance/types.js';
import { oldestFirst } from './diffForceOrders.js';

/**
 * One `ForceOrderSource` over several (the COIN-M and USD-M books): each window is asked of every
 * source at once, and the poll fails if any of them fails, so the watermark never moves past a market
 * that was not read. Orders come back oldest first, as the port promises.
 */
export function mergeForceOrderSources(sources: readonly ForceOrderSource[]): ForceOrderSource {
  return {
    async allForceOrders(window, options) {
      const pages = await Promise.all(sources.map((s) => s.allForceOrders(window, options)));
      const orders = pages.flatMap((p) => p.orders).sort(oldestFirst);
      return pages.reduce<ForceOrderPage>((all, p) => ({ orders, weight: all.weight + p.weight, requests: all.requests + p.requests }), {
        orders,
        weight: 0,
        requests: 0,
      });
    },
  };
}
