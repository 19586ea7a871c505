import type { Logger } from '../ops/logger.js';
import { IncompleteResultError } from './IncompleteResultError.js';
import { MAX_LIMIT, MAX_WINDOW_MS } from './validateForceOrderQuery.js';
import type { AutoCloseType, ForceOrderWindow, RawForceOrder } from './types.js';

/** What the window walk needs from the exchange. */
export interface CollectDeps {
  /** One request for the window with `limit` 100; returns the validated page. */
  fetchPage(window: ForceOrderWindow): Promise<RawForceOrder[]>;
  /** Every symbol of the market, for the last resort split of a full one-millisecond window. */
  listSymbols(): Promise<string[]>;
  logger: Logger;
}

const KINDS: AutoCloseType[] = ['LIQUIDATION', 'ADL'];

/**
 * Every order in the window, each once, oldest first by (updateTime, orderId).
 *
 * The endpoint has no cursor, and Binance documents neither which end of the window a full page keeps nor
 * which time field the window filters on. So a full page is never trusted to be the whole window: the window
 * is split in halves until every piece comes back short of a page (halves are disjoint, both ends inclusive;
 * orders are still deduplicated by orderId, since new orders may arrive while we walk). A one-millisecond
 * window that is still full is split by autoCloseType, then by symbol; if even that is full, this throws
 * `IncompleteResultError` rather than return a partial answer. Windows over 7 days go in 7-day pieces.
 */
export async function collectForceOrders(window: ForceOrderWindow, deps: CollectDeps): Promise<RawForceOrder[]> {
  const found = new Map<number, RawForceOrder>();
  for (let start = window.startTime; start <= window.endTime; start += MAX_WINDOW_MS + 1) {
    const piece = { ...window, startTime: start, endTime: Math.min(window.endTime, start + MAX_WINDOW_MS) };
    await collectRange(piece, deps, found);
  }
  return [...found.values()].sort((a, b) => a.updateTime - b.updateTime || a.orderId - b.orderId);
}

async function collectRange(window: ForceOrderWindow, deps: CollectDeps, found: Map<number, RawForceOrder>): Promise<void> {
  const page = await deps.fetchPage(window);
  if (page.length < MAX_LIMIT) {
    for (const order of page) keepLatest(found, order);
    return;
  }
  for (const narrower of await narrow(window, page, deps)) await collectRange(narrower, deps, found);
}

/** The pieces a full window splits into: halves, else kinds, else symbols. */
async function narrow(window: ForceOrderWindow, page: RawForceOrder[], deps: CollectDeps): Promise<ForceOrderWindow[]> {
  const { startTime, endTime } = window;
  if (endTime > startTime) {
    const mid = Math.floor((startTime + endTime) / 2);
    return [
      { ...window, endTime: mid },
      { ...window, startTime: mid + 1 },
    ];
  }
  if (window.autoCloseType === undefined) {
    deps.logger.debug('a full page within one millisecond: splitting by autoCloseType', { ...window });
    return KINDS.map((autoCloseType) => ({ ...window, autoCloseType }));
  }
  if (window.symbol === undefined) {
    deps.logger.debug('a full page within one millisecond and kind: splitting by symbol', { ...window });
    let listed: string[];
    try {
      listed = await deps.listSymbols();
    } catch (error) {
      throw new IncompleteResultError(
        `more than ${MAX_LIMIT} force orders at ${startTime} and the market's symbol list is unreachable: cannot read them all`,
        window,
        error,
      );
    }
    // Symbols seen in the page too, in case one is no longer listed (a delivered contract).
    const symbols = new Set([...listed, ...page.map((order) => order.symbol)]);
    return [...symbols].map((symbol) => ({ ...window, symbol }));
  }
  throw new IncompleteResultError(
    `more than ${MAX_LIMIT} ${window.autoCloseType} force orders for ${window.symbol} at ${startTime}: the endpoint cannot page past them`,
    window,
  );
}

function keepLatest(found: Map<number, RawForceOrder>, order: RawForceOrder): void {
  const known = found.get(order.orderId);
  if (!known || order.updateTime >= known.updateTime) found.set(order.orderId, order);
}
