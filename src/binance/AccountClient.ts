import { isDecimal } from '../decimal.js';
import type { BinanceHttpClient } from './BinanceHttpClient.js';
import { BinanceResponseError } from './errors.js';
import type { PapiCallOptions } from './PapiClient.js';
import type { FuturesMarket } from './types.js';

/**
 * `accountStatus` of a Portfolio Margin account, mildest first, as `GET /papi/v1/account` lists them.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Information
 */
export const ACCOUNT_STATUSES = [
  'NORMAL',
  'MARGIN_CALL',
  'SUPPLY_MARGIN',
  'REDUCE_ONLY',
  'ACTIVE_LIQUIDATION',
  'FORCE_LIQUIDATION',
  'BANKRUPTED',
] as const;

/** One of {@link ACCOUNT_STATUSES}. */
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** The account's risk as `GET /papi/v1/account` reports it, validated; USD amounts stay decimal strings. */
export interface AccountInformation {
  accountStatus: AccountStatus;
  /** Portfolio Margin maintenance margin rate: account equity ÷ maintenance margin. */
  uniMMR: string;
  /** Account equity in USD, after collateral rates (negative once the account is under water). */
  accountEquity: string;
  /** Account equity in USD without collateral rates. */
  actualEquity: string;
  /** Maintenance margin in USD. */
  accountMaintMargin: string;
  /** Margin open-order loss in USD; absent when Binance sends it empty (its own example does). */
  totalMarginOpenLoss?: string;
  /** When Binance last updated these figures, ms. */
  updateTime: number;
}

/** The position sides `adlQuantile` scores: hedge mode's LONG and SHORT, one-way mode's BOTH. */
export const ADL_SIDES = ['LONG', 'SHORT', 'BOTH'] as const;

/** One of {@link ADL_SIDES}. */
export type AdlSide = (typeof ADL_SIDES)[number];

/** Where one symbol's positions stand in the auto-deleveraging queue: 0 (last) to 4 (first), per side. */
export interface AdlQuantile {
  symbol: string;
  /** The sides Binance scored; at least one. */
  quantiles: Partial<Record<AdlSide, number>>;
  /** Crossed margin in hedge mode: Binance sends a `HEDGE` marker, and LONG and SHORT share one score. */
  hedged: boolean;
}

/** "Request Weight: 20". https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Information */
export const ACCOUNT_WEIGHT = 20;
/**
 * "Request Weight: 5" on each book's page; Binance refreshes the values every 30 s.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/UM-Position-ADL-Quantile-Estimation
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/CM-Position-ADL-Quantile-Estimation
 */
const ADL_QUANTILE_WEIGHT = 5;

const ACCOUNT_PATH = '/papi/v1/account';
/** The highest quantile Binance gives ("Values 0, 1, 2, 3, 4"). */
const MAX_QUANTILE = 4;
/** Binance's symbols: upper-case letters, digits and `_` (BTCUSD_PERP, BTCUSD_261225, ETHUSDT). */
const SYMBOL = /^[A-Z0-9][A-Z0-9_]{0,39}$/;
/** The largest time a JavaScript Date can hold; anything later cannot be displayed. */
const MAX_TIME_MS = 8.64e15;

/**
 * The account's risk over the signed client (its weight limiter, retries and errors): the account
 * figures and each book's ADL quantiles, every field checked on arrival; a body off the documented
 * schema is a `BinanceResponseError` naming the field.
 */
export class AccountClient {
  constructor(
    private readonly http: BinanceHttpClient,
    private readonly papiUrl: string,
  ) {}

  /** `GET /papi/v1/account` (signed, weight 20). */
  async account(options: PapiCallOptions = {}): Promise<AccountInformation> {
    const body = await this.http.get({ baseUrl: this.papiUrl, path: ACCOUNT_PATH, signed: true, weight: ACCOUNT_WEIGHT, ...options });
    return parseAccountInformation(body, ACCOUNT_PATH);
  }

  /** `GET /papi/v1/{um|cm}/adlQuantile` (signed, weight 5): every symbol the book holds a position in. */
  async adlQuantiles(market: FuturesMarket, options: PapiCallOptions = {}): Promise<AdlQuantile[]> {
    const path = `/papi/v1/${market}/adlQuantile`;
    const body = await this.http.get({ baseUrl: this.papiUrl, path, signed: true, weight: ADL_QUANTILE_WEIGHT, ...options });
    return parseAdlQuantiles(body, path);
  }
}

/** Reads fields of one object, each failure a `BinanceResponseError` saying where and what was expected. */
function fieldReader(item: unknown, where: string, path: string) {
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new BinanceResponseError(`${where}${field ? `.${field}` : ''}: expected ${expected}, got ${describeValue(value)}`, { path });
  };
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return fail('', 'an object', item);
  const o = item as Record<string, unknown>;
  return {
    o,
    fail,
    decimal(field: string, options: { signed?: boolean } = {}): string {
      const value = o[field];
      const ok = typeof value === 'string' && isDecimal(value) && (options.signed || !value.startsWith('-'));
      return ok ? value : fail(field, options.signed ? 'a decimal string' : 'a non-negative decimal string', value);
    },
  };
}

function parseAccountInformation(body: unknown, path: string): AccountInformation {
  const { o, fail, decimal } = fieldReader(body, path, path);
  const status = o.accountStatus;
  const accountStatus =
    ACCOUNT_STATUSES.find((s) => s === status) ?? fail('accountStatus', `one of ${ACCOUNT_STATUSES.join(', ')}`, status);
  const updateTime = o.updateTime;
  const account: AccountInformation = {
    accountStatus,
    uniMMR: decimal('uniMMR'),
    accountEquity: decimal('accountEquity', { signed: true }),
    actualEquity: decimal('actualEquity', { signed: true }),
    accountMaintMargin: decimal('accountMaintMargin'),
    updateTime:
      typeof updateTime === 'number' && Number.isSafeInteger(updateTime) && updateTime >= 0 && updateTime <= MAX_TIME_MS
        ? updateTime
        : fail('updateTime', 'a time in ms a Date can hold', updateTime),
  };
  // The page's example sends "totalMarginOpenLoss":"": empty means no figure, anything else must be one.
  if (o.totalMarginOpenLoss !== '' && o.totalMarginOpenLoss !== undefined) account.totalMarginOpenLoss = decimal('totalMarginOpenLoss');
  return account;
}

function parseAdlQuantiles(body: unknown, path: string): AdlQuantile[] {
  if (!Array.isArray(body)) throw new BinanceResponseError(`${path}: expected an array of symbols, got ${describeValue(body)}`, { path });
  return body.map((item, index) => {
    const where = `${path}[${index}]`;
    const { o, fail } = fieldReader(item, where, path);
    const symbol = typeof o.symbol === 'string' && SYMBOL.test(o.symbol) ? o.symbol : fail('symbol', 'a Binance symbol', o.symbol);
    const scores = fieldReader(o.adlQuantile, `${where}.adlQuantile`, path);
    const quantiles: Partial<Record<AdlSide, number>> = {};
    for (const side of ADL_SIDES) {
      const value = scores.o[side];
      if (value === undefined) continue;
      quantiles[side] =
        typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_QUANTILE
          ? value
          : scores.fail(side, `an integer from 0 to ${MAX_QUANTILE}`, value);
    }
    if (Object.keys(quantiles).length === 0) scores.fail('', 'a LONG, SHORT or BOTH quantile', o.adlQuantile);
    // "HEDGE" is "only a sign, ignore the value": its presence is what it says.
    return { symbol, quantiles, hedged: 'HEDGE' in scores.o };
  });
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
