import { type ForceOrder, orderKey } from '../binance/types.js';
import { compareDecimal } from '../decimal.js';
import type { DailyDigest } from '../sinks/Sink.js';
import { summarizeAlerts } from './groupAlerts.js';
import type { UniMmrSeen } from './UniMmrLows.js';

/** What a digest is built from: the window's force orders (posted or not) and the lowest uniMMR seen in it. */
export interface DigestInput {
  /** The UTC date of `to`, `YYYY-MM-DD`. */
  day: string;
  from: number;
  to: number;
  /** Orders of the archive; those outside `from <= updateTime < to` are left out here. */
  orders: readonly ForceOrder[];
  lowestUniMmr?: UniMmrSeen;
}

/**
 * The figures of one day's digest: count, exact total USD notional, orders by kind, symbols by
 * notional (most first), the largest order. Orders quoted in a non-USD asset (`quoteNotional`) are
 * counted but add nothing to the USD figures, and are never "the largest" (no USD figure to compare).
 */
export function buildDailyDigest(input: DigestInput): DailyDigest {
  const orders = input.orders.filter((o) => o.updateTime >= input.from && o.updateTime < input.to);
  const summary = summarizeAlerts(orders.map((order) => ({ id: orderKey(order), order })));
  const symbols = [...summary.symbols].sort(
    (a, b) => compareDecimal(b.notionalUsd, a.notionalUsd) || b.count - a.count || a.symbol.localeCompare(b.symbol),
  );
  const largest = orders
    .filter((o) => o.quoteNotional === undefined)
    .reduce<ForceOrder | undefined>(
      (best, o) => (best === undefined || compareDecimal(o.notionalUsd, best.notionalUsd) > 0 ? o : best),
      undefined,
    );
  return {
    day: input.day,
    from: input.from,
    to: input.to,
    count: summary.count,
    totalNotionalUsd: summary.totalNotionalUsd,
    byKind: summary.byKind,
    symbols,
    ...(largest && { largest }),
    ...(input.lowestUniMmr && { lowestUniMmr: input.lowestUniMmr }),
  };
}
