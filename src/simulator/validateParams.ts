import { WEEK_MS } from '../time.js';
import { binanceErrors } from './errors.js';
import type { SimOrderKind } from './types.js';

/**
 * Parameter checks of the signed force-order endpoints, with the errors Binance documents
 * (https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 * and .../error-code). Unknown parameters are -1104 under `strictParams` (spot's documented answer) and
 * ignored otherwise (what Binance's futures family has been seen to do; unconfirmed for PAPI, so a client
 * must work under both).
 */

/** The 7 days Binance serves per query ("If startTime is not sent, data within 7 days before endTime"). */
const MAX_WINDOW_MS = WEEK_MS;
/** `recvWindow` default and maximum (General Info, "Timing security"). */
const DEFAULT_RECV_WINDOW = 5000;
const MAX_RECV_WINDOW = 60000;

const LONG = /^[0-9]{1,20}$/;

/**
 * Query string then form body parsed into single values. Binance: "If a parameter sent in both the
 * query string and request body, the query string parameter will be used"; twice in one place is
 * -1101.
 */
export function readParams(rawQuery: string, body: string): Record<string, string> {
  const fromQuery = singleValues(new URLSearchParams(rawQuery));
  const fromBody = singleValues(new URLSearchParams(body));
  return { ...fromBody, ...fromQuery };
}

/**
 * -1104 when `params` holds a name the endpoint does not read: "Not all sent parameters were read; read
 * '%s' parameter(s) but was sent '%s'." (https://developers.binance.com/docs/derivatives/coin-margined-futures/error-code).
 */
export function requireAllRead(params: Record<string, string>, read: ReadonlySet<string>): void {
  const sent = Object.keys(params);
  const readCount = sent.filter((name) => read.has(name)).length;
  if (readCount < sent.length) throw binanceErrors.unreadParams(readCount, sent.length);
}

function singleValues(search: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of search) {
    if (Object.hasOwn(out, name)) throw binanceErrors.duplicateParam(name);
    out[name] = value;
  }
  return out;
}

function optionalLong(params: Record<string, string>, name: string): number | undefined {
  const text = params[name];
  if (text === undefined || text === '') return undefined;
  if (!LONG.test(text)) throw binanceErrors.illegalChars(name);
  return Number(text);
}

/** `timestamp` (mandatory) and `recvWindow` (default 5000, at most 60000) of a signed request. */
export function readTiming(params: Record<string, string>): { timestamp: number; recvWindow: number } {
  const timestampText = params.timestamp;
  if (timestampText === undefined || !LONG.test(timestampText)) throw binanceErrors.mandatoryMissing('timestamp');
  const recvWindow = optionalLong(params, 'recvWindow') ?? DEFAULT_RECV_WINDOW;
  if (recvWindow > MAX_RECV_WINDOW || recvWindow <= 0) throw binanceErrors.badRecvWindow();
  return { timestamp: Number(timestampText), recvWindow };
}

/** A validated force-order query, with the window resolved against the server clock. */
export interface ForceOrderSelection {
  symbol?: string;
  /** Absent = "orders with both of the types will be returned". */
  autoCloseType?: Exclude<SimOrderKind, 'SETTLEMENT'>;
  startTime: number;
  endTime: number;
  limit: number;
}

/**
 * Reads `symbol`, `autoCloseType`, `startTime`, `endTime` and `limit` (default 50, max 100).
 * Window: no endTime = now; no startTime = 7 days before endTime (documented); startTime alone =
 * the 7 days after it (Binance's rule on its other futures history endpoints); longer than 7 days is
 * an error (`windowTooLongCode`: -1127 or -4165, both documented, which one this endpoint uses is not).
 */
export function readForceOrderQuery(
  params: Record<string, string>,
  serverNow: number,
  knownSymbols: ReadonlySet<string>,
  windowTooLongCode: -1127 | -4165,
): ForceOrderSelection {
  const symbol = params.symbol === '' ? undefined : params.symbol;
  if (symbol !== undefined && !knownSymbols.has(symbol)) throw binanceErrors.invalidSymbol();

  const kindText = params.autoCloseType;
  if (kindText !== undefined && kindText !== 'LIQUIDATION' && kindText !== 'ADL') throw binanceErrors.invalidParam('autoCloseType');

  const limitValue = optionalLong(params, 'limit') ?? 50;
  if (limitValue < 1 || limitValue > 100) throw binanceErrors.invalidParam('limit');

  const start = optionalLong(params, 'startTime');
  const end = optionalLong(params, 'endTime');
  const endTime = end ?? (start !== undefined ? start + MAX_WINDOW_MS : serverNow);
  const startTime = start ?? endTime - MAX_WINDOW_MS;
  if (startTime > endTime) throw binanceErrors.startAfterEnd();
  if (endTime - startTime > MAX_WINDOW_MS) {
    throw windowTooLongCode === -4165 ? binanceErrors.maxIntervalDays(7) : binanceErrors.moreThanHours(7 * 24);
  }
  return {
    ...(symbol !== undefined ? { symbol } : {}),
    ...(kindText !== undefined ? { autoCloseType: kindText } : {}),
    startTime,
    endTime,
    limit: limitValue,
  };
}
