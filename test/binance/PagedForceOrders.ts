import type { AutoCloseType, ForceOrderWindow, RawForceOrder } from '../../src/binance/types.js';

/** The choices Binance leaves undocumented, as switches; `shuffled` ties break differently on every request. */
export interface PagedBehaviour {
  pageEnd: 'oldest' | 'newest';
  windowField: 'time' | 'updateTime';
  ties: 'byOrderId' | 'shuffled';
}

/** One stored order: its wire form and the kind an `autoCloseType` filter matches (settlement: neither). */
interface Stored {
  order: RawForceOrder;
  kind: AutoCloseType | 'SETTLEMENT';
}

/**
 * An in-memory `GET /papi/v1/cm/forceOrders` as the docs describe it: orders of the symbol and kind with
 * startTime <= field <= endTime, ascending, at most `limit` (100 here). Which end a full page keeps, which
 * field filters and how ties on one millisecond are ordered are switches, for the paging to survive all.
 */
export class PagedForceOrders {
  /** Every window asked, in order. */
  readonly requests: ForceOrderWindow[] = [];
  /** Runs before each request is answered (e.g. orders arriving while the client walks). */
  beforeAnswer: ((request: number) => void) | undefined;
  private readonly stored: Stored[] = [];
  private nextId = 1;

  constructor(
    private readonly behaviour: PagedBehaviour,
    private readonly random: () => number = Math.random,
  ) {}

  /** Stores an order; ids rise in the order added. */
  add(time: number, updateTime: number, symbol = 'BTCUSD_PERP', kind: Stored['kind'] = 'LIQUIDATION'): RawForceOrder {
    const orderId = this.nextId++;
    const prefix = kind === 'ADL' ? 'adl_autoclose' : kind === 'SETTLEMENT' ? 'settlement_autoclose' : 'autoclose';
    const order: RawForceOrder = {
      orderId,
      symbol,
      pair: symbol.split('_')[0],
      status: 'FILLED',
      clientOrderId: `${prefix}-${time}${orderId}`,
      price: '100',
      avgPrice: '100',
      origQty: '1',
      executedQty: '1',
      cumBase: '0.01',
      timeInForce: 'IOC',
      type: 'LIMIT',
      reduceOnly: true,
      side: 'SELL',
      positionSide: 'BOTH',
      origType: 'LIMIT',
      time,
      updateTime,
    };
    this.stored.push({ order, kind });
    return order;
  }

  /** Every stored order whose filtered field lies in the window (what a complete answer holds). */
  inWindow(window: ForceOrderWindow): RawForceOrder[] {
    return this.matching(window).map((s) => s.order);
  }

  /** The endpoint: one page of the window, limit 100. */
  readonly fetchPage = async (window: ForceOrderWindow): Promise<RawForceOrder[]> => {
    this.requests.push({ ...window });
    this.beforeAnswer?.(this.requests.length);
    const field = this.behaviour.windowField;
    const tieBreak = new Map(
      this.stored.map((s) => [s.order.orderId, this.behaviour.ties === 'shuffled' ? this.random() : s.order.orderId]),
    );
    const key = (o: RawForceOrder) => tieBreak.get(o.orderId) as number;
    const sorted = this.inWindow(window).sort((a, b) => a[field] - b[field] || key(a) - key(b));
    const page = this.behaviour.pageEnd === 'oldest' ? sorted.slice(0, 100) : sorted.slice(-100);
    return page.map((o) => ({ ...o }));
  };

  private matching(window: ForceOrderWindow): Stored[] {
    const field = this.behaviour.windowField;
    return this.stored.filter(
      ({ order, kind }) =>
        (window.symbol === undefined || order.symbol === window.symbol) &&
        (window.autoCloseType === undefined || kind === window.autoCloseType) &&
        order[field] >= window.startTime &&
        order[field] <= window.endTime,
    );
  }
}
