import type { Logger } from '../ops/logger.js';
import { IncompleteResultError } from './IncompleteResultError.js';
import { MAX_LIMIT, MAX_WINDOW_MS, validateForceOrderQuery } from './validateForceOrderQuery.js';
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
 * is split in two until every piece comes back short of a page (pieces are disjoint, both ends inclusive;
 * orders are still deduplicated by orderId, since new orders may arrive while we walk). A one-millisecond
 * window that is still full is split by autoCloseType, then by symbol; if even that is full, this throws
 * `IncompleteResultError` rather than return a partial answer. Windows over 7 days go in 7-day pieces.
 */
export async function collectForceOrders(window: ForceOrderWindow, deps: CollectDeps): Promise<RawForceOrder[]> {
  // Both ends are required here: without them a reversed window would read as "nothing happened".
  validateForceOrderQuery(window, { anySpan: true });
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
  const { startTime, endTime } = window;
  if (endTime > startTime) {
    for (const piece of splitAt(window, pivotOf(page, window))) await collectRange(piece, deps, found);
    return;
  }
  if (window.autoCloseType === undefined && (await collectByKind(window, page, deps, found))) return;
  if (window.symbol === undefined) {
    for (const symbol of await symbolsFor(window, page, deps)) await collectRange({ ...window, symbol }, deps, found);
    return;
  }
  throw new IncompleteResultError(
    `more than ${MAX_LIMIT} force orders for ${window.symbol}${window.autoCloseType ? ` (${window.autoCloseType})` : ''} at ${startTime}: the endpoint cannot page past them`,
    window,
  );
}

/**
 * A full one-millisecond page split by autoCloseType. Orders that are neither kind (settlement closes) may be
 * returned only without the filter, so the split counts as complete only if it found every order of the
 * full page; otherwise the caller splits by symbol instead. (Residual blind spot: a settlement order beyond
 * that page, in a millisecond holding more than 100 force orders of the account.)
 */
async function collectByKind(
  window: ForceOrderWindow,
  page: RawForceOrder[],
  deps: CollectDeps,
  found: Map<number, RawForceOrder>,
): Promise<boolean> {
  deps.logger.debug('a full page within one millisecond: splitting by autoCloseType', { ...window });
  const typed = new Map<number, RawForceOrder>();
  for (const autoCloseType of KINDS) await collectRange({ ...window, autoCloseType }, deps, typed);
  for (const order of typed.values()) keepLatest(found, order);
  const covered = page.every((order) => typed.has(order.orderId));
  if (!covered) deps.logger.debug('orders under neither autoCloseType: splitting by symbol instead', { ...window });
  return covered;
}

/** Every symbol of the market, plus those seen in the page (a delivered contract may no longer be listed). */
async function symbolsFor(window: ForceOrderWindow, page: RawForceOrder[], deps: CollectDeps): Promise<string[]> {
  deps.logger.debug('a full page within one millisecond: splitting by symbol', { ...window });
  try {
    return [...new Set([...(await deps.listSymbols()), ...page.map((order) => order.symbol)])];
  } catch (error) {
    throw new IncompleteResultError(
      `more than ${MAX_LIMIT} force orders at ${window.startTime} and the market's symbol list is unreachable: cannot read them all`,
      window,
      error,
    );
  }
}

/**
 * Where to cut a full window: the page's median updateTime, clamped into the window. Any cut point gives two
 * disjoint pieces that cover the window, whatever field Binance filters on and whichever end it kept; the
 * median finds a cluster (a cascade on one millisecond) in a few requests where halving a 7-day window
 * would take about thirty.
 */
function pivotOf(page: RawForceOrder[], window: ForceOrderWindow): number {
  const times = page.map((order) => order.updateTime).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? Math.floor((window.startTime + window.endTime) / 2);
  return Math.min(window.endTime, Math.max(window.startTime, median));
}

/** [start, pivot] and [pivot + 1, end]; when the pivot is the end, [start, end - 1] and [end, end]. Both shorter. */
function splitAt(window: ForceOrderWindow, pivot: number): ForceOrderWindow[] {
  const cut = pivot < window.endTime ? pivot : pivot - 1;
  return [
    { ...window, endTime: cut },
    { ...window, startTime: cut + 1 },
  ];
}

function keepLatest(found: Map<number, RawForceOrder>, order: RawForceOrder): void {
  const known = found.get(order.orderId);
  if (!known || order.updateTime >= known.updateTime) found.set(order.orderId, order);
}
