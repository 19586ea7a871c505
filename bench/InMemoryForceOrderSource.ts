import { performance } from 'node:perf_hooks';
import type { ForceOrder, ForceOrderPage, ForceOrderSource, ForceOrderWindow } from '../src/binance/types.js';

/**
 * A `ForceOrderSource` with no exchange behind it, so the pipeline's own cost can be timed: it answers
 * a window with the orders added so far whose updateTime falls in it, and counts the time it spent
 * (which the benchmark subtracts). Orders must be added oldest first.
 */
export class InMemoryForceOrderSource implements ForceOrderSource {
  /** Milliseconds spent answering, summed over every call. */
  spentMs = 0;
  private orders: ForceOrder[] = [];

  /** Makes `orders` visible (oldest first, after every order added before). */
  add(orders: readonly ForceOrder[]): void {
    this.orders.push(...orders);
  }

  /** Forgets orders older than `time`: no later window reaches them, and keeping them costs memory. */
  forgetBefore(time: number): void {
    const keepFrom = this.orders.findIndex((o) => o.updateTime >= time);
    this.orders = keepFrom < 0 ? [] : this.orders.slice(keepFrom);
  }

  async allForceOrders(window: ForceOrderWindow): Promise<ForceOrderPage> {
    const started = performance.now();
    const orders = this.orders.filter((o) => o.updateTime >= window.startTime && o.updateTime <= window.endTime);
    this.spentMs += performance.now() - started;
    return { orders, weight: 0, requests: 0 };
  }
}
