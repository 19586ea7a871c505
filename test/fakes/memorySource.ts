import type { ForceOrder, ForceOrderPage, ForceOrderSource, ForceOrderWindow } from '../../src/binance/types.js';

/**
 * An in-memory `ForceOrderSource` that honours windows on `updateTime` like the real port promises,
 * and can hide an order until `visibleAt` (Binance may list an order some time after it happened).
 */
export class MemorySource implements ForceOrderSource {
  /** Every window asked, in order. */
  readonly calls: ForceOrderWindow[] = [];
  private readonly orders: { order: ForceOrder; visibleAt: number }[] = [];
  private readonly failures: unknown[] = [];
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  /** Adds orders, visible from `visibleAt` (default: at once). */
  add(orders: ForceOrder | ForceOrder[], visibleAt = Number.NEGATIVE_INFINITY): void {
    for (const order of [orders].flat()) this.orders.push({ order, visibleAt });
  }

  /** The next calls reject with these errors, one each. */
  failNext(...errors: unknown[]): void {
    this.failures.push(...errors);
  }

  async allForceOrders(window: ForceOrderWindow): Promise<ForceOrderPage> {
    this.calls.push(window);
    if (this.failures.length > 0) throw this.failures.shift();
    if (window.startTime > window.endTime) throw new Error(`startTime ${window.startTime} after endTime ${window.endTime}`);
    const now = this.now();
    const orders = this.orders
      .filter((o) => o.visibleAt <= now && o.order.updateTime >= window.startTime && o.order.updateTime <= window.endTime)
      .map((o) => o.order)
      .sort((a, b) => a.updateTime - b.updateTime || a.orderId - b.orderId);
    return { orders, weight: 20, requests: 1 };
  }
}
