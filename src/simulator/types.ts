import type { Clock } from '../time.js';

/**
 * Public types of the PAPI simulator. Other parts of forcewatch (client tests, pipeline tests, the
 * benchmark and the demo) code against these names, so they stay stable. They are written out here
 * rather than taken from src/binance: the simulator stands for the exchange, and a client's mistaken
 * idea of the wire must not become the simulator's.
 */

/** Which Portfolio Margin book: COIN-M (`cm`) or USD-M (`um`). */
export type SimMarket = 'cm' | 'um';

/**
 * The Binance APIs the simulator serves, by the first segment of the path: Portfolio Margin (`/papi`),
 * USD-M futures (`/fapi`), COIN-M futures (`/dapi`) and spot (`/api`). Binance limits each apart.
 */
export type SimApi = 'papi' | 'fapi' | 'dapi' | 'api';

/** Why the order exists; `SETTLEMENT` is a delivery/delisting close (`settlement_autoclose-…`). */
export type SimOrderKind = 'LIQUIDATION' | 'ADL' | 'SETTLEMENT';

/**
 * One force order exactly as the simulator sends it on the wire: the fields Binance documents
 * (COIN-M with `pair` and `cumBase`, USD-M with `cumQuote` and no `pair`), with the values its
 * examples show where the engine's orders always carry the same one (IOC limit orders).
 * Docs: https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 */
export interface RawForceOrderWire {
  orderId: number;
  symbol: string;
  /** COIN-M only. */
  pair?: string;
  /** `FILLED` unless a test asks for another. */
  status: string;
  /** `autoclose-…`, `adl_autoclose…` or `settlement_autoclose-…`. */
  clientOrderId: string;
  price: string;
  avgPrice: string;
  origQty: string;
  executedQty: string;
  /** COIN-M only: executedQty × contractSize ÷ avgPrice, 8 decimals. */
  cumBase?: string;
  /** USD-M only: executedQty × avgPrice. */
  cumQuote?: string;
  timeInForce: 'IOC';
  type: 'LIMIT';
  origType: 'LIMIT';
  reduceOnly: boolean;
  side: 'BUY' | 'SELL';
  /** `BOTH` in one-way mode; `LONG`/`SHORT` in hedge mode. */
  positionSide: 'BOTH' | 'LONG' | 'SHORT';
  /** Server-clock ms the engine made the order. */
  time: number;
  /** Server-clock ms of its last fill; what the window filters on by default. */
  updateTime: number;
}

/** An API account the simulator accepts: an HMAC secret, or a PEM public key (Ed25519 or RSA). */
export interface SimulatorAccount {
  /** What tests, logs and `sim.account(…)` call it; default `account-<position + 1>`. Unique. */
  name?: string;
  /** Unique among the simulator's accounts. */
  apiKey: string;
  hmacSecret?: string;
  publicKeyPem?: string;
}

/** Options of the simulated Portfolio Margin user data stream (src/simulator/PmUserStream.ts). */
export interface SimUserStreamOptions {
  /**
   * `listenKeyExpired` as the PM page shows it, `{e, E}` (`'pm'`, default), or as the USD-M and COIN-M
   * pages do, with the expired `listenKey` (`'futures'`).
   */
  listenKeyExpired?: 'pm' | 'futures';
  /** Execution type of a force order's fill: `TRADE` (default) or `CALCULATED` ("Liquidation Execution" on the PM page). */
  fillExecution?: SimFillExecution;
}

/** How the engine reports a force order's fill on the stream: a plain `TRADE` or `CALCULATED`. */
export type SimFillExecution = 'TRADE' | 'CALCULATED';

/** Options of {@link PapiSimulator.start}; every one has a default. */
export interface PapiSimulatorOptions {
  /**
   * The Portfolio Margin accounts, each with its own orders, risk and stream (the top-level methods act
   * on the first); default one HMAC account ({@link SIM_API_KEY}, {@link SIM_API_SECRET}). The list is
   * read on every request: taking an account's entry out revokes its key (-2015), putting it back
   * restores it; an account added after start is not accepted.
   */
  accounts?: SimulatorAccount[];
  /** The exchange's clock; default `Date.now` (tests pass a FakeClock's `now`). */
  now?: () => number;
  /**
   * The exchange's clock for what happens on time (listenKey expiry, stream pings, the 24-hour close,
   * orders that become visible later): its `now()` replaces `now`; default `now` with real timers.
   */
  clock?: Clock;
  /** The user data stream's choices where Binance's pages differ or say nothing. */
  userStream?: SimUserStreamOptions;
  /**
   * IP request-weight limit per minute, per API: a number sets PAPI's, an object any API's. Defaults are
   * Binance's: papi 6000 (PAPI General Info, "IP Limits"), fapi 2400 and dapi 2400 (their exchangeInfo
   * `rateLimits`), api 6000 (spot exchangeInfo).
   */
  weightLimitPerMinute?: number | Partial<Record<SimApi, number>>;
  /** 429 answers an IP may collect in one minute before it is banned with 418; default 5. */
  rateLimitStrikesBeforeBan?: number;
  /** Undocumented: which end of the window a full page keeps; default `'oldest'`. */
  pageEnd?: 'oldest' | 'newest';
  /** Undocumented: which field `startTime`/`endTime` filter on; default `'updateTime'`. */
  windowField?: 'updateTime' | 'time';
  /** Which documented error a window over 7 days earns: -1127 (default) or -4165. */
  windowTooLongCode?: -1127 | -4165;
  /**
   * Default true: answer as strictly as Binance documents, which is stricter than PAPI may be (unconfirmed):
   * a parameter the endpoint does not read (unknown or misspelt) is -1104 (spot's documented answer), and a
   * `signature` anywhere but at the end of the query string or body is -1022 ("Please make sure the
   * signature is the end part of your query string or request body", General Info). False ignores both.
   */
  strictParams?: boolean;
  /** Listening address; default 127.0.0.1 and a free port. */
  host?: string;
  port?: number;
  /** Seed of the first account's deterministic order generator (the next account's is seed + 1, and so on); default 1. */
  seed?: number;
}

/** What to add to the store; everything optional, with realistic defaults. */
export interface SimOrderInput {
  market?: SimMarket;
  symbol?: string;
  kind?: SimOrderKind;
  clientOrderId?: string;
  side?: 'BUY' | 'SELL';
  /** `BOTH` (one-way mode, as in Binance's examples), `LONG` or `SHORT` (hedge mode). */
  positionSide?: 'BOTH' | 'LONG' | 'SHORT';
  status?: string;
  origQty?: string;
  executedQty?: string;
  price?: string;
  avgPrice?: string;
  /** Server-clock ms; default the server's now. */
  time?: number;
  updateTime?: number;
  /** Server-clock ms before which the order is not returned, even if its times are earlier. */
  visibleAt?: number;
}

/** A scripted failure; queued, consumed in order by the requests it matches. */
export type SimFault = (
  | { type: 'status'; status: number; body?: string }
  | { type: 'timeout' }
  | { type: 'drop' }
  | { type: 'truncate' }
  | { type: 'html' }
  | { type: 'rateLimit'; status: 429 | 418; retryAfterSec: number }
  | { type: 'binanceError'; code: number; msg: string; status?: number }
  | { type: 'badSchema'; body: unknown }
) & {
  /** How many requests it hits; default 1. */
  times?: number;
  /** Only requests whose path starts with this. */
  path?: string;
};

/** One request as the simulator saw it. */
export interface SimRequestLog {
  method: string;
  path: string;
  params: Record<string, string>;
  apiKey?: string;
  /** Name of the account whose API key the request carried (absent for no key or an unknown one). */
  account?: string;
  /** Weight charged to the IP (0 when a fault or a ban answered first). */
  weight: number;
  /** HTTP status sent; 0 when the socket was dropped or never answered. */
  status: number;
  /** Server-clock ms. */
  at: number;
}
