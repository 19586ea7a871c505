import { type ForceOrder, orderKey } from '../binance/types.js';

/** What one poll knew before it fetched. */
export interface DiffInput {
  /** What the exchange returned for `window`. */
  orders: readonly ForceOrder[];
  /** The window that was asked, ending at the exchange's now. */
  window: { startTime: number; endTime: number };
  /** Order key -> updateTime of the orders already seen inside the previous overlap. */
  seen: Readonly<Record<string, number>>;
  /** Orders older than this are history, never alerted. */
  alertFrom: number;
  watermark: number;
  /** How far before the new watermark a later window may start: seen ids older than that are dropped. */
  seenForMs: number;
}

/** What the poll commits in one store write. */
export interface DiffResult {
  /** Orders to alert, oldest first by (updateTime, orderId), each once. */
  fresh: ForceOrder[];
  /** The seen ids pruned to the next poll's overlap. */
  seen: Record<string, number>;
  /** The next watermark: never moves back, even if the wall clock does. */
  watermark: number;
  /**
   * `watermark - seenForMs`: seen ids older than this are dropped, as no later window reaches them. The
   * commit keeps ids another source (the stream) added meanwhile by the same rule; absent, it keeps them all.
   */
  horizon?: number;
}

/**
 * Diffs a window's orders against the watermark and the ids seen near it. Ids (not timestamps) decide
 * what is new inside the overlap, so orders sharing a millisecond, orders that become visible late and
 * a re-asked window after a restart yield neither a duplicate nor a gap. Orders before the window's
 * start are ignored: their ids were pruned, and re-alerting them on every poll would be a flood.
 */
export function diffForceOrders(input: DiffInput): DiffResult {
  const watermark = Math.max(input.watermark, input.window.endTime);
  const horizon = watermark - input.seenForMs;
  const alertable = Math.max(input.alertFrom, input.window.startTime);
  const seen: Record<string, number> = {};
  for (const [key, updateTime] of Object.entries(input.seen)) if (updateTime >= horizon) seen[key] = updateTime;
  const fresh: ForceOrder[] = [];
  const queued = new Set<string>(); // an order listed twice in one answer is alerted once
  for (const order of [...input.orders].sort(oldestFirst)) {
    if (order.updateTime < input.window.startTime) continue;
    const key = orderKey(order);
    if (order.updateTime >= horizon) seen[key] = order.updateTime;
    if (Object.hasOwn(input.seen, key) || queued.has(key) || order.updateTime < alertable) continue;
    queued.add(key);
    fresh.push(order);
  }
  return { fresh, seen, watermark, horizon };
}

/** Sort order of force orders: by updateTime, then orderId, then market. */
export function oldestFirst(a: ForceOrder, b: ForceOrder): number {
  return a.updateTime - b.updateTime || a.orderId - b.orderId || a.market.localeCompare(b.market);
}
