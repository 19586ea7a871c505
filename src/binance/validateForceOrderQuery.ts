import { ForceOrderQueryError } from './errors.js';
import { FORCE_ORDER_WINDOW_MS, type ForceOrderQuery } from './types.js';

/** The endpoint serves at most 7 days between startTime and endTime (error -4165 otherwise). */
export const MAX_WINDOW_MS = FORCE_ORDER_WINDOW_MS;
/** Largest page the endpoint returns ("Default 50; max 100"). */
export const MAX_LIMIT = 100;

/** Binance's own symbol rule, quoted in its -1100 messages: '^[A-Z0-9-_.]{1,20}$'. */
const SYMBOL = /^[A-Z0-9\-_.]{1,20}$/;

/**
 * Throws a `ForceOrderQueryError` naming the first parameter Binance would refuse; returns the query unchanged.
 * `anySpan` accepts windows over 7 days (a complete-window query cuts them into 7-day pieces).
 */
export function validateForceOrderQuery(query: ForceOrderQuery, options: { anySpan?: boolean } = {}): ForceOrderQuery {
  const { symbol, autoCloseType, startTime, endTime, limit } = query;
  if (symbol !== undefined && !SYMBOL.test(symbol)) {
    throw new ForceOrderQueryError('symbol', `${JSON.stringify(symbol)} is not a Binance symbol (upper-case, e.g. BTCUSD_PERP)`);
  }
  if (autoCloseType !== undefined && autoCloseType !== 'LIQUIDATION' && autoCloseType !== 'ADL') {
    throw new ForceOrderQueryError('autoCloseType', `${JSON.stringify(autoCloseType)} is neither LIQUIDATION nor ADL`);
  }
  for (const [name, value] of [
    ['startTime', startTime],
    ['endTime', endTime],
  ] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw new ForceOrderQueryError(name, `${value} is not a time in ms since the epoch`);
    }
  }
  if (startTime !== undefined && endTime !== undefined) {
    if (startTime > endTime) throw new ForceOrderQueryError('startTime', `startTime ${startTime} is after endTime ${endTime}`);
    if (endTime - startTime > MAX_WINDOW_MS && !options.anySpan) {
      throw new ForceOrderQueryError('endTime', `the window from startTime to endTime exceeds 7 days`);
    }
  }
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)) {
    throw new ForceOrderQueryError('limit', `${limit} is not an integer from 1 to ${MAX_LIMIT}`);
  }
  return query;
}
