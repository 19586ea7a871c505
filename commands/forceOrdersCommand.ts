/**
 * `/forceorders` end to end: what it needs from the running bot, parsing (text or typed options), and
 * answering the query from the exchange and, for older windows, the bot's archive.
 */

import {
  FORCE_ORDER_WINDOW_MS,
  type ForceOrder,
  type ForceOrderPage,
  type ForceOrderSource,
  type ForceOrderWindow,
  orderKey,
} from '../src/binance/types.js';
import { sumDecimals } from '../src/decimal.js';
import { forceOrdersUsage } from '../src/format/orderText.js';
import type { Logger } from '../src/ops/logger.js';
import type { ArchiveReader, ForceOrdersQuery, ForceOrdersResult, ResultSource } from '../src/queries.js';
import { describeExchangeError } from './describeExchangeError.js';
import { type ForceOrdersArgs, MAX_LIMIT, MAX_SINCE_MS, parseForceOrdersInput } from './parseForceOrdersArgs.js';

export type { ForceOrdersArgs } from './parseForceOrdersArgs.js';

/**
 * How far back the exchange is asked: 7 days. Binance answers "data within 7 days before endTime"
 * for these endpoints; older orders come from the bot's own archive.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 */
const EXCHANGE_REACH_MS = FORCE_ORDER_WINDOW_MS;

/** What `/forceorders` needs from the running bot. */
export interface ForceOrdersDeps {
  exchange: ForceOrderSource;
  archive: ArchiveReader;
  now(): number;
  /** Where exchange and archive failures are logged with their detail (users see a short sentence). */
  logger?: Logger;
}

/** Options of `forceOrdersCommand` and `runForceOrders`. */
export interface ForceOrdersOptions {
  /** Longest window accepted, in ms (default 90 days); stated in the usage line. */
  maxSinceMs?: number;
  /** Aborts the exchange query (an adapter's deadline). */
  signal?: AbortSignal;
}

/**
 * `/forceorders` end to end: parse (text from Slack or the console, typed options from Discord),
 * then run; bad input comes back as `reason: 'input'`.
 */
export async function forceOrdersCommand(
  input: string | ForceOrdersArgs,
  deps: ForceOrdersDeps,
  options: ForceOrdersOptions = {},
): Promise<ForceOrdersResult> {
  const parsed = parseForceOrdersInput(input, options.maxSinceMs === undefined ? {} : { maxSinceMs: options.maxSinceMs });
  if (!parsed.ok) return { ok: false, reason: 'input', error: parsed.error, usage: parsed.usage };
  return runForceOrders(parsed.query, deps, options);
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
  // Binance's `autoCloseType` takes LIQUIDATION or ADL only (-1130 otherwise): settlement closes come from
  // an unfiltered query and are picked out by `matches` below.
  if (query.kind !== undefined && query.kind !== 'SETTLEMENT') window.autoCloseType = query.kind;

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
      settlement: matched.filter((order) => order.kind === 'SETTLEMENT').length,
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
