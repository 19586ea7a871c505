import type { ForceOrder, ForceOrderPage, ForceOrderSource, ForceOrderWindow } from '../../src/binance/types.js';

/** Request weight of the force-order endpoints: 20 with `symbol`, 50 without (Binance's docs). */
const WEIGHT_WITH_SYMBOL = 20;
const WEIGHT_WITHOUT_SYMBOL = 50;
/** Binance's page maximum for force orders. */
const PAGE_LIMIT = 100;

/**
 * An in-memory `ForceOrderSource` for the command tests (owned by the commands part): filters on
 * `updateTime` within the closed window, `symbol` and `autoCloseType` as the endpoint does, charges
 * the documented weight per page of 100, and records every window it was asked for.
 */
export class MemoryForceOrderSource implements ForceOrderSource {
  readonly windows: ForceOrderWindow[] = [];
  private failure: unknown;

  constructor(private readonly orders: ForceOrder[] = []) {}

  /** Makes every later call reject with `error` (an exchange error, a network failure). */
  failWith(error: unknown): void {
    this.failure = error;
  }

  async allForceOrders(window: ForceOrderWindow): Promise<ForceOrderPage> {
    this.windows.push({ ...window });
    if (this.failure !== undefined) throw this.failure;
    const orders = this.orders
      .filter(
        (o) =>
          o.updateTime >= window.startTime &&
          o.updateTime <= window.endTime &&
          (window.symbol === undefined || o.symbol === window.symbol) &&
          (window.autoCloseType === undefined || o.kind === window.autoCloseType),
      )
      .sort((a, b) => a.updateTime - b.updateTime || a.orderId - b.orderId);
    const requests = Math.max(1, Math.ceil(orders.length / PAGE_LIMIT));
    const weight = requests * (window.symbol === undefined ? WEIGHT_WITHOUT_SYMBOL : WEIGHT_WITH_SYMBOL);
    return { orders, weight, requests };
  }
}
