import type { ForceOrderPage, ForceOrderSource, ForceOrderWindow } from '../binance/types.js';

/**
 * Watches COIN-M and USD-M together: asks each market's source for the same window and merges the
 * answers oldest first. Order ids are per market, so orders stay apart by `orderKey` downstream.
 */
export class MultiMarketSource implements ForceOrderSource {
  constructor(private readonly sources: readonly ForceOrderSource[]) {
    if (sources.length === 0) throw new Error('MultiMarketSource needs at least one market');
  }

  /** Every order of every market in the window; a failure of any market fails the whole query. */
  async allForceOrders(window: ForceOrderWindow, options?: { signal?: AbortSignal }): Promise<ForceOrderPage> {
    // Sequential on purpose: both share one IP weight budget, and a failure should not waste the other's weight.
    const pages: ForceOrderPage[] = [];
    for (const source of this.sources) pages.push(await source.allForceOrders(window, options));
    const orders = pages
      .flatMap((page) => page.orders)
      .sort((a, b) => a.updateTime - b.updateTime || a.orderId - b.orderId || a.market.localeCompare(b.market));
    return {
      orders,
      weight: pages.reduce((sum, page) => sum + page.weight, 0),
      requests: pages.reduce((sum, page) => sum + page.requests, 0),
    };
  }
}
