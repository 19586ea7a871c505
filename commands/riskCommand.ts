/**
 * `/risk` end to end: the account's status, uniMMR, equity and maintenance margin from
 * `GET /papi/v1/account`, and each position's ADL quantile from each book's `adlQuantile`.
 */

import type { AccountClient } from '../src/binance/AccountClient.js';
import type { RequestCost } from '../src/binance/BinanceHttpClient.js';
import type { FuturesMarket } from '../src/binance/types.js';
import { RISK_USAGE } from '../src/format/accountRiskText.js';
import type { Logger } from '../src/ops/logger.js';
import type { RiskPosition, RiskResult } from '../src/queries.js';
import { describeExchangeError } from './describeExchangeError.js';
import { safeEcho } from './parseForceOrdersArgs.js';

/** The `/risk` arguments as a platform with typed options carries them. */
export interface RiskArgs {
  /** Answer in the channel instead of privately. */
  public?: boolean;
}

/** What `/risk` needs from the running bot. */
export interface RiskDeps {
  account: Pick<AccountClient, 'account' | 'adlQuantiles'>;
  /** The books whose ADL quantiles are listed (the watched ones). */
  markets: readonly FuturesMarket[];
  now(): number;
  /** Where exchange failures are logged with their detail (users see a short sentence). */
  logger?: Logger;
}

/** Options of `riskCommand`. */
export interface RiskOptions {
  /** Aborts the exchange queries (an adapter's deadline). */
  signal?: AbortSignal;
}

const BOOK = { cm: 'COIN-M', um: 'USD-M' } as const;

/**
 * `/risk` from text (Slack, the console: empty or `public`) or typed options (Discord). Asks the
 * account and every book at once (weight 20 + 5 per book); a failed account query is the answer's
 * error, a failed book leaves the rest with a note saying which book is missing.
 */
export async function riskCommand(input: string | RiskArgs, deps: RiskDeps, options: RiskOptions = {}): Promise<RiskResult> {
  const parsed = parseRiskInput(input);
  if (!parsed.ok) return { ok: false, reason: 'input', error: parsed.error, usage: RISK_USAGE };
  const cost: RequestCost = { weight: 0, requests: 0 };
  const call = { cost, ...(options.signal && { signal: options.signal }) };
  const askedAt = deps.now();
  const [account, ...books] = await Promise.allSettled([
    deps.account.account(call),
    ...deps.markets.map((market) => deps.account.adlQuantiles(market, call)),
  ]);
  if (account?.status !== 'fulfilled') {
    deps.logger?.warn('risk: account query failed', { error: account?.reason });
    return { ok: false, reason: 'exchange', error: describeExchangeError(account?.reason), usage: RISK_USAGE };
  }
  const positions: RiskPosition[] = [];
  const missing: string[] = [];
  books.forEach((book, index) => {
    const market = deps.markets[index] as FuturesMarket;
    if (book.status === 'fulfilled') {
      for (const entry of book.value) positions.push({ ...entry, market, highest: Math.max(...Object.values(entry.quantiles)) });
    } else {
      deps.logger?.warn('risk: ADL quantile query failed', { market, error: book.reason });
      missing.push(`${BOOK[market]}: ${describeExchangeError(book.reason)}`);
    }
  });
  positions.sort((a, b) => b.highest - a.highest || a.market.localeCompare(b.market) || a.symbol.localeCompare(b.symbol));
  const result: RiskResult = { ok: true, public: parsed.public, account: account.value, positions, askedAt, weightSpent: cost.weight };
  if (missing.length > 0) result.note = `ADL quantiles missing for ${missing.join('; ')}`;
  return result;
}

/** `public` or nothing; typed options are already checked by the platform. */
function parseRiskInput(input: string | RiskArgs): { ok: true; public: boolean } | { ok: false; error: string } {
  if (typeof input !== 'string') return { ok: true, public: input.public === true };
  const words = input.trim().split(/\s+/).filter(Boolean);
  const unknown = words.find((word) => word.toLowerCase() !== 'public');
  if (unknown === undefined) return { ok: true, public: words.length > 0 };
  return { ok: false, error: `Unknown word ${safeEcho(unknown)}: /risk takes only "public".` };
}
