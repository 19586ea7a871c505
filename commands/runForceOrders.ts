import { type ForceOrder, type ForceOrderPage, type ForceOrderWindow, orderKey } from '../src/binance/types.js';
import { sumDecimals } from '../src/decimal.js';
import { forceOrdersUsage } from '../src/format/orderText.js';
import type { ForceOrdersQuery, ForceOrdersResult, ResultSource } from '../src/queries.js';
import { describeExchangeError } from './describeExchangeError.js';
import { EXCHANGE_REACH_MS, MAX_LIMIT, MAX_SINCE_MS } from './forceOrdersLimits.js';
import type { ForceOrdersDeps } from './types.js';

/** Options of `runForceOrders` and `forceOrdersCommand`. */
export interface ForceOrdersOptions {
  /** Longest window accepted, in ms (default 90 days); stated in the usage line. */
  maxSinceMs?: number;
  /** Aborts the exchange query (an adapter's deadline). */
  signal?: AbortSignal;
}

type Success = Extract<ForceOrdersResult, { ok: true }>;

/**
 * Answers a parsed `/forceorders` query over [now - since, now]. The last 7 days come from Binance
 * (a pair is asked without `symbol`, weight 50, and filtered by `pair`; a symbol is sent, weight 20);
 * anything older comes from the bot's archive, merged without duplicates. Exchange failures become a
 * short sentence; an unreadable archive leaves the exchange part with a note saying so.
 */
export async function runForceOrders(
  query: ForceOrdersQuery,
  deps: ForceOrdersDeps,
  options: ForceOrdersOptions = {},
): Promise<ForceOrdersResult> {
  const endTime = deps.now();
  const startTime = endTime - query.sinceMs;
  const exchangeStart = Math.max(startTime, endTime - EXCHANGE_REACH_MS);
  const window: ForceOrderWindow = { startTime: exchangeStart, endTime };
  if (query.target?.type === 'symbol') window.symbol = query.target.value;
  if (query.kind !== undefined) window.autoCloseType = query.kind;

  let page: ForceOrderPage;
  try {
    page = await deps.exchange.allForceOrders(window, options.signal ? { signal: options.signal } : undefined);
  } catch (error) {
    deps.logger?.warn('forceorders: exchange query failed', { error, window });
    return {
      ok: false,
      reason: 'exchange',
      error: describeExchangeError(error),
      usage: forceOrdersUsage({ maxLimit: MAX_LIMIT, maxSinceMs: options.maxSinceMs ?? MAX_SINCE_MS }),
    };
  }

  let orders = page.orders;
  let source: ResultSource = 'exchange';
  let note: string | undefined;
  if (startTime < exchangeStart) {
    try {
      orders = orders.concat(await deps.archive.read({ startTime, endTime: exchangeStart - 1 }));
      source = 'exchange+archive';
      note = "Orders older than 7 days come from the bot's own archive (what it recorded), not from Binance.";
    } catch (error) {
      deps.logger?.warn('forceorders: archive read failed', { error });
      note = "The bot's archive could not be read: only the last 7 days, from Binance, are shown.";
    }
  }

  const matched = newestFirst(unique(orders.filter((order) => matches(order, query))));
  const result: Success = {
    ok: true,
    query,
    rows: matched.slice(0, query.limit),
    total: matched.length,
    totals: {
      notionalUsd: sumDecimals(matched.map((order) => order.notionalUsd)),
      liquidations: matched.filter((order) => order.kind === 'LIQUIDATION').length,
      adl: matched.filter((order) => order.kind === 'ADL').length,
    },
    window: { startTime, endTime },
    source,
    weightSpent: page.weight,
  };
  if (note !== undefined) result.note = note;
  return result;
}

/** Target and kind apply to archive rows too, and a pair query is filtered here (Binance got no symbol). */
function matches(order: ForceOrder, query: ForceOrdersQuery): boolean {
  if (query.kind !== undefined && order.kind !== query.kind) return false;
  if (query.target?.type === 'symbol') return order.symbol === query.target.value;
  if (query.target?.type === 'pair') return order.pair === query.target.value;
  return true;
}

/** The exchange's copy wins over the archive's: it comes first in the list. */
function unique(orders: ForceOrder[]): ForceOrder[] {
  const byKey = new Map<string, ForceOrder>();
  for (const order of orders) if (!byKey.has(orderKey(order))) byKey.set(orderKey(order), order);
  return [...byKey.values()];
}

function newestFirst(orders: ForceOrder[]): ForceOrder[] {
  return orders.sort((a, b) => b.updateTime - a.updateTime || b.orderId - a.orderId);
}
