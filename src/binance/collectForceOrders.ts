import type { Logger } from '../ops/logger.js';
import { IncompleteResultError } from './errors.js';
import { MAX_LIMIT, validateForceOrderQuery } from './PapiClient.js';
import { type AutoCloseType, FORCE_ORDER_WINDOW_MS, type ForceOrderWindow, type RawForceOrder } from './types.js';

/** What the window walk needs from the exchange. */
export interface CollectDeps {
  /** One request for the window with `limit` 100; returns the validated page. */
  fetchPage(window: ForceOrderWindow): Promise<RawForceOrder[]>;
  /** Every symbol of the market, for the last resort split of a full one-millisecond window. */
  listSymbols(): Promise<string[]>;
  logger: Logger;
  /** What earlier calls learnt about the page end (keep one per client); default: learnt afresh each call. */
  pageEnd?: PageEndMemory;
}

/** Which end of its window a full `forceOrders` page keeps: the oldest 100 orders or the newest 100. */
type PageEnd = 'oldest' | 'newest';

/**
 * What the paging has learnt about the server's page end, kept for a client's life (Binance does not
 * document it, and it does not change under a running client). Only an order of trial: every window that
 * relies on it checks it again first, so a wrong memory costs one request, never an order.
 */
export class PageEndMemory {
  private learnt: PageEnd | undefined;

  /** The end to try first: the last one a window confirmed, else `oldest` ("Data is returned in ascending order. Oldest first"). */
  get first(): PageEnd {
    return this.learnt ?? 'oldest';
  }

  /** The page end last confirmed, if any. */
  get known(): PageEnd | undefined {
    return this.learnt;
  }

  /** Records what a window's check confirmed. */
  confirm(end: PageEnd): void {
    this.learnt = end;
  }

  /** Forgets an end a window's check contradicted, so the next window tries the other first. */
  contradict(end: PageEnd): void {
    if (this.learnt === end) this.learnt = undefined;
  }
}

const KINDS: AutoCloseType[] = ['LIQUIDATION', 'ADL'];

/** What one call learns as it goes: the exchange and the page end. */
interface Run {
  deps: CollectDeps;
  memory: PageEndMemory;
}

/**
 * Every order in the window, each once, oldest first by (updateTime, orderId).
 *
 * The endpoint has no cursor, and Binance documents neither which end of the window a full page keeps nor
 * which time field the window filters on. A page short of `limit` is the whole of its window, whatever the
 * server does; a full page is the whole of its window only up to (or down from) an edge, and which one
 * depends on the undocumented end. So for a full page this asks the one window that end says the page
 * already holds: a short answer with no new order confirms it, and the rest of the window is then walked
 * page by page from that edge (about one request per 100 orders, every page kept). If neither end is
 * confirmed, or the walk stops advancing, the window is cut at the page's median and each piece read the
 * same way. Orders are deduplicated by orderId (both ends are inclusive, and orders may arrive while we
 * walk). A one-millisecond window that is still full is split by autoCloseType, then by symbol; if even
 * that is full, this throws `IncompleteResultError` rather than return a partial answer. Windows over
 * 7 days go in 7-day pieces.
 */
export async function collectForceOrders(window: ForceOrderWindow, deps: CollectDeps): Promise<RawForceOrder[]> {
  // Both ends are required here: without them a reversed window would read as "nothing happened".
  validateForceOrderQuery(window, { anySpan: true });
  const run: Run = { deps, memory: deps.pageEnd ?? new PageEndMemory() };
  const found = new Map<number, RawForceOrder>();
  for (let start = window.startTime; start <= window.endTime; start += FORCE_ORDER_WINDOW_MS + 1) {
    const piece = { ...window, startTime: start, endTime: Math.min(window.endTime, start + FORCE_ORDER_WINDOW_MS) };
    await collectRange(piece, run, found);
  }
  return [...found.values()].sort((a, b) => a.updateTime - b.updateTime || a.orderId - b.orderId);
}

/** One request; every order it returns is kept (an order in any answer is an order of the window). */
async function fetchKept(window: ForceOrderWindow, run: Run, found: Map<number, RawForceOrder>): Promise<RawForceOrder[]> {
  const page = await run.deps.fetchPage(window);
  for (const order of page) keepLatest(found, order);
  return page;
}

async function collectRange(window: ForceOrderWindow, run: Run, found: Map<number, RawForceOrder>): Promise<void> {
  const page = await fetchKept(window, run, found);
  if (page.length < MAX_LIMIT) return;
  const { startTime, endTime } = window;
  if (endTime > startTime) return collectFull(window, page, run, found);
  if (window.autoCloseType === undefined && (await collectByKind(window, page, run, found))) return;
  if (window.symbol === undefined) {
    for (const symbol of await symbolsFor(window, page, run.deps)) await collectRange({ ...window, symbol }, run, found);
    return;
  }
  throw new IncompleteResultError(
    `more than ${MAX_LIMIT} force orders for ${window.symbol}${window.autoCloseType ? ` (${window.autoCloseType})` : ''} at ${startTime}: the endpoint cannot page past them`,
    window,
  );
}

/** The rest of a window whose first page came back full: walk it from a confirmed end, else cut it at the median. */
async function collectFull(window: ForceOrderWindow, page: RawForceOrder[], run: Run, found: Map<number, RawForceOrder>): Promise<void> {
  const first = run.memory.first;
  for (const end of [first, otherEnd(first)]) {
    const verdict = await checkEnd(window, page, end, run, found);
    if (verdict === 'confirmed') {
      run.memory.confirm(end);
      return walk(window, page, end, run, found);
    }
    if (verdict === 'contradicted') {
      run.deps.logger.debug('a full page did not keep the end tried: trying the other', { ...window, pageEnd: end });
      run.memory.contradict(end);
    }
  }
  run.deps.logger.debug('page end not confirmed for this window: cutting it at the median', { ...window });
  return splitAtMedian(window, page, run, found);
}

/**
 * Asks the part of the window that `page` holds whole if the server kept `end`: [start, oldest edge - 1]
 * or [newest edge + 1, end]. Under that end the answer can only be short and hold orders of `page`; any
 * other order, or a full answer, contradicts it. `vacuous` when that part is empty (the page sits on the
 * window's edge millisecond), which proves nothing either way.
 */
async function checkEnd(
  window: ForceOrderWindow,
  page: RawForceOrder[],
  end: PageEnd,
  run: Run,
  found: Map<number, RawForceOrder>,
): Promise<'confirmed' | 'contradicted' | 'vacuous'> {
  const edges = pageEdges(page);
  const held =
    end === 'oldest'
      ? { ...window, endTime: Math.min(window.endTime, edges.oldest - 1) }
      : { ...window, startTime: Math.max(window.startTime, edges.newest + 1) };
  if (held.startTime > held.endTime) return 'vacuous';
  const known = new Set(page.map((order) => order.orderId));
  const answer = await fetchKept(held, run, found);
  return answer.length < MAX_LIMIT && answer.every((order) => known.has(order.orderId)) ? 'confirmed' : 'contradicted';
}

/**
 * Walks a window from the confirmed end: each full page holds everything up to its edge, so the next
 * request starts on that edge (inclusive: ties on the edge millisecond may lie beyond the page). Stops at
 * a short page; a page whose edge does not move past the last (over a page tied on one millisecond, or a
 * page spread thin between the two time fields) hands the rest to the median cut.
 */
async function walk(
  window: ForceOrderWindow,
  page: RawForceOrder[],
  end: PageEnd,
  run: Run,
  found: Map<number, RawForceOrder>,
): Promise<void> {
  let rest = window;
  let current = page;
  while (current.length >= MAX_LIMIT) {
    const edges = pageEdges(current);
    const next =
      end === 'oldest'
        ? { ...rest, startTime: Math.max(rest.startTime, edges.oldest) }
        : { ...rest, endTime: Math.min(rest.endTime, edges.newest) };
    if (next.startTime === rest.startTime && next.endTime === rest.endTime) return splitAtMedian(rest, current, run, found);
    rest = next;
    current = await fetchKept(rest, run, found);
  }
}

/**
 * The edges a full page proves, whichever time field the window filters on (`time` or `updateTime`:
 * Binance does not say). If the page kept the oldest orders, every order of the window whose field is
 * below `oldest` is in it: that holds for the field's own maximum, so for the smaller of the two maxima
 * too. If it kept the newest, every order whose field is above `newest` is in it (the larger minimum).
 * Orders on the edge millisecond itself may be missing (ties beyond the page), so a walk asks from the
 * edge inclusive.
 */
interface PageEdges {
  oldest: number;
  newest: number;
}

/** The edges of a non-empty page (see {@link PageEdges}). */
function pageEdges(page: readonly RawForceOrder[]): PageEdges {
  let maxTime = -Infinity;
  let maxUpdate = -Infinity;
  let minTime = Infinity;
  let minUpdate = Infinity;
  for (const { time, updateTime } of page) {
    maxTime = Math.max(maxTime, time);
    maxUpdate = Math.max(maxUpdate, updateTime);
    minTime = Math.min(minTime, time);
    minUpdate = Math.min(minUpdate, updateTime);
  }
  return { oldest: Math.min(maxTime, maxUpdate), newest: Math.max(minTime, minUpdate) };
}

function otherEnd(end: PageEnd): PageEnd {
  return end === 'oldest' ? 'newest' : 'oldest';
}

/** Cuts a full window at its page's median and reads each piece; correct whatever end and field the server uses. */
async function splitAtMedian(window: ForceOrderWindow, page: RawForceOrder[], run: Run, found: Map<number, RawForceOrder>): Promise<void> {
  for (const piece of splitAt(window, pivotOf(page, window))) await collectRange(piece, run, found);
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
  run: Run,
  found: Map<number, RawForceOrder>,
): Promise<boolean> {
  const { deps } = run;
  deps.logger.debug('a full page within one millisecond: splitting by autoCloseType', { ...window });
  const typed = new Map<number, RawForceOrder>();
  for (const autoCloseType of KINDS) await collectRange({ ...window, autoCloseType }, run, typed);
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
