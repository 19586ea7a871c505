/** Bounds of `/forceorders`, in one place so the parser, the runner and the usage line agree. */

import { FORCE_ORDER_WINDOW_MS } from '../src/binance/types.js';
import { DAY_MS as DAY, MINUTE_MS as MINUTE } from '../src/time.js';

/** Window when none is given: the last 24 hours. */
export const DEFAULT_SINCE_MS = DAY;
/** Rows when no count is given. */
export const DEFAULT_LIMIT = 20;
/** Most rows one answer shows; also Binance's page maximum for force orders. */
export const MAX_LIMIT = 100;
/** Shortest window: one minute. */
export const MIN_SINCE_MS = MINUTE;
/**
 * Longest window by default: 90 days, the history Binance's USD-M force-order page says it keeps and
 * a sensible archive retention. Adapters pass the archive's real reach when it is shorter.
 */
export const MAX_SINCE_MS = 90 * DAY;
/**
 * How far back the exchange is asked: 7 days. Binance answers "data within 7 days before endTime"
 * for these endpoints; older orders come from the bot's own archive.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 */
export const EXCHANGE_REACH_MS = FORCE_ORDER_WINDOW_MS;
/** Input longer than this is refused before it is looked at: no real query needs more. */
export const MAX_INPUT_LENGTH = 200;
/** Most characters of user input ever echoed back in an error. */
export const MAX_ECHO_LENGTH = 24;
