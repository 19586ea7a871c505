import type { StoredForceOrder } from './OrderGenerator.js';
import { coinMExchangeInfo, symbolsOf, usdMExchangeInfo } from './symbols.js';
import type { RawForceOrderWire, SimApi, SimMarket } from './types.js';
import { type ForceOrderSelection, readForceOrderQuery } from './validateParams.js';

/** What a route handler may read. */
export interface RouteContext {
  params: Record<string, string>;
  serverNow: number;
  behaviour: SelectionBehaviour;
  windowTooLongCode: -1127 | -4165;
  /** The `X-MBX-APIKEY` header, for USER_STREAM routes (a SIGNED route's key is checked before it runs). */
  apiKey: string | undefined;
}

/** What every endpoint states: its request weight and the parameters it reads. */
interface RouteShape {
  /** Weight as the endpoint's page states it; `hasSymbol` tells whether `symbol` was sent. */
  weight(hasSymbol: boolean): number;
  /** The parameters its page lists (a SIGNED route reads `recvWindow`, `timestamp` and `signature` too). */
  params: readonly string[];
}

/**
 * A SIGNED (USER_DATA) endpoint: it answers from the books of the account whose key signed the request;
 * `Account` is what it reads of them (the simulator passes its SimAccount).
 */
interface SignedRoute<Account> extends RouteShape {
  signed: true;
  /** The JSON value to send; throws a SimBinanceError to refuse. */
  handle(context: RouteContext, account: Account): unknown;
}

/** An endpoint without a signature (public, or USER_STREAM with the API key alone). */
export interface UnsignedRoute extends RouteShape {
  signed: false;
  /** The JSON value to send; throws a SimBinanceError to refuse. */
  handle(context: RouteContext): unknown;
}

/** One endpoint: its request weight, whether it is SIGNED, the parameters it reads, and its answer. */
export type Route<Account> = SignedRoute<Account> | UnsignedRoute;

/** What the force-order routes read of the signing account. */
interface ForceOrderBook {
  forceOrderBook(): readonly StoredForceOrder[];
}

/** The undocumented behaviours a client must survive either way. */
export interface SelectionBehaviour {
  /** Which end of the window a page keeps when more orders match than `limit`. */
  pageEnd: 'oldest' | 'newest';
  /** Which field `startTime`/`endTime` filter on. */
  windowField: 'updateTime' | 'time';
}

/**
 * One page of a force-order query: orders of `market` matching symbol and kind, visible by
 * `serverNow`, with `startTime <= field <= endTime`; at most `limit`, sent oldest first ("Data is
 * returned in ascending order. Oldest first, newest last." — General Info).
 * `autoCloseType` picks LIQUIDATION or ADL; settlement closes (`settlement_autoclose-…`) are neither,
 * so they come back only when no `autoCloseType` is sent (Binance does not document where they go;
 * this is the stricter choice: a client that always filters by kind will miss them).
 */
function selectForceOrders(
  orders: readonly StoredForceOrder[],
  market: SimMarket,
  query: ForceOrderSelection,
  serverNow: number,
  behaviour: SelectionBehaviour,
): RawForceOrderWire[] {
  const field = behaviour.windowField;
  const matching = orders
    .filter(
      (o) =>
        o.market === market &&
        (o.visibleAt === undefined || o.visibleAt <= serverNow) &&
        (query.symbol === undefined || o.wire.symbol === query.symbol) &&
        (query.autoCloseType === undefined || o.kind === query.autoCloseType) &&
        o.wire[field] >= query.startTime &&
        o.wire[field] <= query.endTime,
    )
    .map((o) => o.wire)
    .sort((a, b) => a[field] - b[field] || a.orderId - b.orderId);
  if (matching.length <= query.limit) return matching;
  return behaviour.pageEnd === 'oldest' ? matching.slice(0, query.limit) : matching.slice(-query.limit);
}

function forceOrdersRoute(market: SimMarket): Route<ForceOrderBook> {
  const symbols = symbolsOf(market);
  return {
    // "Request Weight: 20 with symbol, 50 without symbol".
    weight: (hasSymbol) => (hasSymbol ? 20 : 50),
    signed: true,
    params: ['symbol', 'autoCloseType', 'startTime', 'endTime', 'limit'],
    handle: ({ params, serverNow, behaviour, windowTooLongCode }, account) =>
      selectForceOrders(
        account.forceOrderBook(),
        market,
        readForceOrderQuery(params, serverNow, symbols, windowTooLongCode),
        serverNow,
        behaviour,
      ),
  };
}

/** "Check Server Time" as fapi, dapi and spot all document it: weight 1, no parameters. */
const SERVER_TIME: UnsignedRoute = { weight: () => 1, signed: false, params: [], handle: ({ serverNow }) => ({ serverTime: serverNow }) };

/**
 * The endpoints one simulator serves, so a single base URL stands in for papi, fapi, dapi and api:
 * - `GET /papi/v1/cm/forceOrders`, `GET /papi/v1/um/forceOrders` (USER_DATA):
 *   https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 * - `GET /papi/v1/ping` → `{}` (weight 1): .../portfolio-margin/market-data/Test-Connectivity
 * - `GET /fapi/v1/time`, `GET /dapi/v1/time`, `GET /api/v3/time` → `{"serverTime": ms}` (weight 1):
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Check-Server-Time,
 *   https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/rest-api/Check-Server-time,
 *   https://developers.binance.com/docs/binance-spot-api-docs/rest-api/general-endpoints
 * - `GET /fapi/v1/exchangeInfo` (weight 1):
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Exchange-Information
 * - `GET /dapi/v1/exchangeInfo` (weight 1):
 *   https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/Exchange-Information
 */
export const ROUTES: ReadonlyMap<string, Route<ForceOrderBook>> = new Map<string, Route<ForceOrderBook>>([
  ['GET /papi/v1/cm/forceOrders', forceOrdersRoute('cm')],
  ['GET /papi/v1/um/forceOrders', forceOrdersRoute('um')],
  ['GET /papi/v1/ping', { weight: () => 1, signed: false, params: [], handle: () => ({}) }],
  ['GET /fapi/v1/time', SERVER_TIME],
  ['GET /dapi/v1/time', SERVER_TIME],
  ['GET /api/v3/time', SERVER_TIME],
  ['GET /fapi/v1/exchangeInfo', { weight: () => 1, signed: false, params: [], handle: ({ serverNow }) => usdMExchangeInfo(serverNow) }],
  ['GET /dapi/v1/exchangeInfo', { weight: () => 1, signed: false, params: [], handle: ({ serverNow }) => coinMExchangeInfo(serverNow) }],
]);

/** The API a path belongs to, by its first segment (`/papi/…`, `/fapi/…`, `/dapi/…`, `/api/…`); undefined for none. */
export function apiOfPath(path: string): SimApi | undefined {
  return /^\/(papi|fapi|dapi|api)\//.exec(path)?.[1] as SimApi | undefined;
}
