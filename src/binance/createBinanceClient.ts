import { readFileSync } from 'node:fs';
import type { BackoffOptions } from '../backoff.js';
import { errorCode } from '../errorCode.js';
import { type Logger, silentLogger } from '../ops/logger.js';
import { registerSecret } from '../ops/redact.js';
import { type Clock, systemClock } from '../time.js';
import { AccountClient } from './AccountClient.js';
import { BinanceHttpClient, type FetchLike } from './BinanceHttpClient.js';
import { createSigner, SignerConfigError, type SignerCredentials } from './createSigner.js';
import { ExchangeInfoCache } from './ExchangeInfoCache.js';
import { ForceOrderClient } from './ForceOrderClient.js';
import { ListenKeyClient } from './ListenKeyClient.js';
import { MarginForceOrderClient } from './MarginForceOrderClient.js';
import { type PapiCallOptions, PapiClient } from './PapiClient.js';
import type { ForceOrderQuery, ForceOrderSource, FuturesMarket, Market, RawForceOrder } from './types.js';
import { WeightBudget } from './WeightBudget.js';
import type { BinanceApi } from './WeightLimiter.js';

/** Everything `createBinanceClient` takes; every option but the credentials has a default. */
export interface BinanceClientOptions {
  /** API key, sent as `X-MBX-APIKEY` (BINANCE_API_KEY). Required. */
  apiKey: string;
  /** HMAC secret (BINANCE_API_SECRET). Give exactly one of apiSecret, privateKeyPem, privateKeyPath. */
  apiSecret?: string;
  /** Ed25519 or RSA private key, PEM text; the algorithm follows the key type. */
  privateKeyPem?: string;
  /** Path of that PEM file (BINANCE_PRIVATE_KEY_PATH). */
  privateKeyPath?: string;
  /** Portfolio Margin base URL; default `https://papi.binance.com`. */
  papiUrl?: string;
  /** USD-M futures base URL, for `/fapi/v1/time` (and USD-M exchangeInfo); default `https://fapi.binance.com`. */
  fapiUrl?: string;
  /** COIN-M futures base URL, for `/dapi/v1/exchangeInfo`; default `https://dapi.binance.com`. */
  dapiUrl?: string;
  /** How late a signed request may arrive, ms; default 5000, at most 60000. */
  recvWindow?: number;
  /**
   * PAPI request weight this process may spend per minute; default 6000 (Binance's per-IP limit). fapi and
   * dapi, which Binance counts apart, keep their own limits (2400 each): forcewatch spends a few weight there.
   * Ignored when `budget` is given: the budget's limit counts.
   */
  weightLimitPerMinute?: number;
  /**
   * The process's weight budget, shared by every account's client (Binance counts weight per IP); build it
   * on the same clock. Default: a budget of this client's own, stopped by `close()`. A shared one is the
   * owner's to stop, after every client is closed.
   */
  budget?: WeightBudget;
  /** Called with each `X-MBX-USED-WEIGHT-1M` Binance reports and the API it counts for; default none. */
  onUsedWeight?: (api: BinanceApi, usedWeight: number) => void;
  /** Timeout of each HTTP request, ms; default 10 000. */
  requestTimeoutMs?: number;
  /** Attempts per request on network errors, timeouts, 5xx and rate limits; default 5. */
  maxAttempts?: number;
  /** Retry backoff (full jitter); default base 500 ms, cap 30 s. */
  backoff?: BackoffOptions;
  /** Time source for timestamps, pauses and backoff; default the system clock. */
  clock?: Clock;
  /** Default: silent. */
  logger?: Logger;
  /** Default: node-fetch 3. */
  fetch?: FetchLike;
}

/** The Binance side of forcewatch, ready to wire. */
export interface BinanceClient {
  /** Measures the clock offset from Binance's time; call once at start-up (it is redone on -1021). */
  sync(signal?: AbortSignal): Promise<number>;
  /** One validated `forceOrders` request (at most `limit` orders; no paging). */
  forceOrders(market: FuturesMarket, query: ForceOrderQuery, options?: PapiCallOptions): Promise<RawForceOrder[]>;
  /** The complete force-order source for a market (default COIN-M; `margin`: the cross margin account's liquidations); one instance per market. */
  source(market?: Market): ForceOrderSource;
  /** Binance's current time: our clock plus the offset measured by `sync()` (the poller's windows use it). */
  serverNow(): number;
  /** The account's risk: `GET /papi/v1/account` and each book's ADL quantiles (what `/risk` shows). */
  account(): AccountClient;
  /** The user data stream's listenKey endpoints (`/papi/v1/listenKey`). */
  listenKeys(): ListenKeyClient;
  /** USD per contract of a COIN-M symbol, from the same exchangeInfo cache COIN-M force orders are priced with. */
  contractSize(symbol: string, pair: string, signal?: AbortSignal): Promise<string>;
  /** Stops timers and closes keep-alive sockets. */
  close(): Promise<void>;
}

/** Builds the signed Portfolio Margin client on its weight budget (its own, or the process's shared one). Throws `SignerConfigError` on bad credentials. */
export function createBinanceClient(options: BinanceClientOptions): BinanceClient {
  if (!options.apiKey) throw new SignerConfigError('BINANCE_API_KEY is empty');
  registerSecret(options.apiKey);
  const recvWindow = options.recvWindow ?? 5000;
  if (!Number.isInteger(recvWindow) || recvWindow < 1 || recvWindow > 60_000) {
    // "recvWindow: The value cannot be greater than 60000"
    throw new RangeError(`recvWindow must be an integer from 1 to 60000, got ${recvWindow}`);
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const fapiUrl = options.fapiUrl ?? 'https://fapi.binance.com';
  const dapiUrl = options.dapiUrl ?? 'https://dapi.binance.com';
  const budget = options.budget ?? new WeightBudget({ papiWeightLimitPerMinute: options.weightLimitPerMinute, clock });
  const ownsBudget = budget !== options.budget;
  const client = new BinanceHttpClient({
    apiKey: options.apiKey,
    signer: createSigner(credentialsOf(options)),
    limiters: budget.limiters,
    onUsedWeight: options.onUsedWeight,
    fapiUrl,
    recvWindow,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    maxAttempts: options.maxAttempts ?? 5,
    backoff: options.backoff,
    clock,
    logger,
    fetch: options.fetch,
  });
  budget.join(() => client.serverNow());
  const papiUrl = options.papiUrl ?? 'https://papi.binance.com';
  const papi = new PapiClient(client, papiUrl);
  const account = new AccountClient(client, papiUrl);
  const listenKeys = new ListenKeyClient(client, papiUrl);
  const sources = new Map<Market, ForceOrderSource>();
  const exchangeInfos = new Map<FuturesMarket, ExchangeInfoCache>();
  const exchangeInfo = (market: FuturesMarket) => {
    let info = exchangeInfos.get(market);
    if (!info) {
      info = new ExchangeInfoCache({ http: client, market, dapiUrl, fapiUrl, clock, logger });
      exchangeInfos.set(market, info);
    }
    return info;
  };
  return {
    sync: (signal) => client.sync(signal),
    forceOrders: (market, query, callOptions) => papi.forceOrders(market, query, callOptions),
    source(market = 'cm') {
      let source = sources.get(market);
      if (!source) {
        source =
          market === 'margin'
            ? new MarginForceOrderClient({ http: client, papiUrl, logger })
            : new ForceOrderClient({ papi, exchangeInfo: exchangeInfo(market), market, logger });
        sources.set(market, source);
      }
      return source;
    },
    serverNow: () => client.serverNow(),
    account: () => account,
    listenKeys: () => listenKeys,
    contractSize: (symbol, pair, signal) => exchangeInfo('cm').contractSize(symbol, pair, signal),
    async close() {
      client.close();
      if (ownsBudget) await budget.stop();
    },
  };
}

function credentialsOf(options: BinanceClientOptions): SignerCredentials {
  const given = [options.apiSecret, options.privateKeyPem, options.privateKeyPath].filter((v) => v !== undefined && v !== '');
  if (given.length !== 1) {
    throw new SignerConfigError('set exactly one of BINANCE_API_SECRET (HMAC key) or BINANCE_PRIVATE_KEY_PATH (Ed25519/RSA key)');
  }
  if (options.apiSecret) return { apiSecret: options.apiSecret };
  if (options.privateKeyPem) return { privateKeyPem: options.privateKeyPem };
  try {
    return { privateKeyPem: readFileSync(options.privateKeyPath as string, 'utf8') };
  } catch (error) {
    throw new SignerConfigError(`BINANCE_PRIVATE_KEY_PATH cannot be read (${errorCode(error) ?? 'error'})`, {
      cause: error,
    });
  }
}
