import { errorMessage } from '../errorCode.js';
import type { Logger } from '../ops/logger.js';
import type { Clock } from '../time.js';
import type { BinanceHttpClient } from './BinanceHttpClient.js';
import { BinanceResponseError } from './errors.js';
import type { FuturesMarket } from './types.js';

/** How long a failed exchangeInfo fetch is remembered before it is tried again. */
const RETRY_AFTER_FAILURE_MS = 10 * 60 * 1000;

/** Options of `ExchangeInfoCache`. */
interface ExchangeInfoCacheOptions {
  http: BinanceHttpClient;
  market: FuturesMarket;
  /** Serves `/dapi/v1/exchangeInfo` (COIN-M). */
  dapiUrl: string;
  /** Serves `/fapi/v1/exchangeInfo` (USD-M). */
  fapiUrl: string;
  clock: Clock;
  logger: Logger;
}

interface Info {
  /** Symbol → contract size in USD (COIN-M only). */
  contractSizes: Map<string, string>;
  symbols: string[];
}

/**
 * The market's symbols and, for COIN-M, each symbol's `contractSize` (USD per contract), fetched once.
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/rest-api/Exchange-Information
 */
export class ExchangeInfoCache {
  private readonly options: ExchangeInfoCacheOptions;
  private info: Promise<Info> | undefined;
  private failedAt = Number.NEGATIVE_INFINITY;
  private readonly warned = new Set<string>();

  constructor(options: ExchangeInfoCacheOptions) {
    this.options = options;
  }

  /** Every symbol the market lists; rejects when exchangeInfo is unreachable. */
  async symbols(signal?: AbortSignal): Promise<string[]> {
    return (await this.load(signal)).symbols;
  }

  /**
   * USD per contract for a COIN-M symbol. Where exchangeInfo is unreachable or lacks the symbol (a delivered
   * contract), Binance's standard sizes: 100 USD for BTC pairs, 10 USD otherwise (logged once at warn).
   */
  async contractSize(symbol: string, pair: string, signal?: AbortSignal): Promise<string> {
    let reason: string;
    try {
      const size = (await this.load(signal)).contractSizes.get(symbol);
      if (size !== undefined) return size;
      reason = 'symbol not in exchangeInfo';
    } catch (error) {
      if (signal?.aborted) throw error;
      reason = errorMessage(error);
    }
    const size = pair.startsWith('BTC') ? '100' : '10';
    if (!this.warned.has(symbol)) {
      this.warned.add(symbol);
      this.options.logger.warn('contract size unknown, using the standard size', { symbol, contractSize: size, reason });
    }
    return size;
  }

  private load(signal?: AbortSignal): Promise<Info> {
    if (this.info === undefined && this.options.clock.now() - this.failedAt >= RETRY_AFTER_FAILURE_MS) {
      this.info = this.fetch(signal).catch((error: unknown) => {
        this.info = undefined;
        this.failedAt = this.options.clock.now();
        throw error;
      });
    }
    return this.info ?? Promise.reject(new Error('exchangeInfo unreachable recently; not retried yet'));
  }

  private async fetch(signal?: AbortSignal): Promise<Info> {
    const { market } = this.options;
    const path = market === 'cm' ? '/dapi/v1/exchangeInfo' : '/fapi/v1/exchangeInfo';
    const baseUrl = market === 'cm' ? this.options.dapiUrl : this.options.fapiUrl;
    const body = await this.options.http.get({ baseUrl, path, signed: false, weight: 1, signal });
    const list = (body as { symbols?: unknown } | null)?.symbols;
    if (!Array.isArray(list)) throw new BinanceResponseError(`${path}: symbols is not an array`, { path });
    const info: Info = { contractSizes: new Map(), symbols: [] };
    for (const entry of list as Record<string, unknown>[]) {
      if (typeof entry?.symbol !== 'string') throw new BinanceResponseError(`${path}: a symbol entry has no symbol`, { path });
      info.symbols.push(entry.symbol);
      if (market !== 'cm') continue;
      const size = entry.contractSize;
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0) {
        throw new BinanceResponseError(`${path}: ${entry.symbol}.contractSize is not a positive integer`, { path });
      }
      info.contractSizes.set(entry.symbol, String(size));
    }
    return info;
  }
}
