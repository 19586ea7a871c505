import type { ForceOrder, ForceOrderPage, ForceOrderSource, ForceOrderWindow } from '../../src/binance/types.js';

/** Request weight of the force-order endpoints: 20 with `symbol`, 50 without (Binance's docs). */
const WEIGHT_WITH_SYMBOL = 20;
const WEIGHT_WITHOUT_SYMBOL = 50;
/** Binance's page maximum for force orders. */
const PAGE_LIMIT = 100;

/**
 * An in-memory `ForceOrderSource` that keeps the port's promises: filters on `updateTime` within the
 * closed window, on `symbol` and `autoCloseType` as the endpoint does, oldest first, and charges the
 * documented weight per page of 100. An order can stay hidden until `visibleAt` (Binance may list an
 * order some time after it happened). Every window asked is recorded.
 */
export class MemoryForceOrderSource implements ForceOrderSource {
  /** Every window asked, in order. */
  readonly windows: ForceOrderWindow[] = [];
  private readonly orders: { order: ForceOrder; visibleAt: number }[] = [];
  private readonly failures: unknown[] = [];
  private failure: unknown;

  /** `now` decides visibility; without it every order is visible at once. */
  constructor(
    orders: ForceOrder[] = [],
    private readonly now: () => number = () => Number.POSITIVE_INFINITY,
  ) {
    this.add(orders);
  }

  /** Adds orders, visible from `visibleAt` (default: at once). */
  add(orders: ForceOrder | ForceOrder[], visibleAt = Number.NEGATIVE_INFINITY): void {
    for (const order of [orders].flat()) this.orders.push({ order, visibleAt });
  }

  /** The next calls reject with these errors, one each. */
  failNext(...errors: unknown[]): void {
    this.failures.push(...errors);
  }

  /** Every later call rejects with `error` (an exchange that stays down). */
  failWith(error: unknown): void {
    this.failure = error;
  }

  async allForceOrders(window: ForceOrderWindow): Promise<ForceOrderPage> {
    this.windows.push({ ...window });
    if (this.failures.length > 0) throw this.failures.shift();
    if (this.failure !== undefined) throw this.failure;
    if (window.startTime > window.endTime) throw new Error(`startTime ${window.startTime} after endTime ${window.endTime}`);
    const now = this.now();
    const orders = this.orders
      .filter(
        ({ order: o, visibleAt }) =>
          visibleAt <= now &&
          o.updateTime >= window.startTime &&
          o.updateTime <= window.endTime &&
          (window.symbol === undefined || o.symbol === window.symbol) &&
          (window.autoCloseType === undefined || o.kind === window.autoCloseType),
      )
      .map(({ order }) => order)
      .sort((a, b) => a.updateTime - b.updateTime || a.orderId - b.orderId);
    const requests = Math.max(1, Math.ceil(orders.length / PAGE_LIMIT));
    const weight = requests * (window.symbol === undefined ? WEIGHT_WITHOUT_SYMBOL : WEIGHT_WITH_SYMBOL);
    return { orders, weight, requests };
  }
}
