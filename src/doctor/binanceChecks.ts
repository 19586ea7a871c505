import type { AccountConfig, AccountCredentials } from '../accounts/AccountConfig.js';
import type { FetchLike } from '../binance/BinanceHttpClient.js';
import { type BinanceClient, createBinanceClient } from '../binance/createBinanceClient.js';
import { BinanceError } from '../binance/errors.js';
import type { FuturesMarket } from '../binance/types.js';
import type { CoreConfig } from '../config.js';
import { errorMessage } from '../errorCode.js';
import { MINUTE_MS } from '../time.js';
import { type CheckResult, fail, pass } from './CheckResult.js';

/**
 * Binance, for each account: the key and signing work (credentials read), the clock, and one signed
 * force-order query per market it watches. With several accounts each check names its account.
 */
export async function checkBinanceAccounts(
  config: CoreConfig['binance'],
  accounts: readonly AccountConfig[],
  fetch: FetchLike | undefined,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const account of accounts) {
    const found = await checkBinance({ ...config, ...account.credentials, markets: account.markets }, fetch);
    results.push(
      ...(accounts.length > 1 ? found.map((r) => ({ ...r, name: r.name.replace(/^binance/, `binance ${account.name}`) })) : found),
    );
  }
  return results;
}

/** One account's checks: what `checkBinanceAccounts` runs. */
async function checkBinance(config: CoreConfig['binance'] & AccountCredentials, fetch: FetchLike | undefined): Promise<CheckResult[]> {
  let client: BinanceClient;
  try {
    // One attempt: the doctor reports what happened instead of retrying for a minute.
    client = createBinanceClient({ ...config, maxAttempts: 1, ...(fetch && { fetch }) });
  } catch (error) {
    return [
      fail(
        'binance: credentials',
        errorMessage(error),
        'set BINANCE_API_SECRET (HMAC key) or BINANCE_PRIVATE_KEY_PATH (a readable Ed25519/RSA PEM file), not both',
      ),
    ];
  }
  try {
    const clock = await checkBinanceClock(client, config.fapiUrl);
    const results = [clock.result];
    const serverNow = Date.now() + clock.offsetMs;
    for (const market of config.markets) {
      results.push(
        market === 'margin'
          ? await checkBinanceMarginForceOrders(client, { papiUrl: config.papiUrl, serverNow })
          : await checkBinanceForceOrders(client, market, { papiUrl: config.papiUrl, serverNow }),
      );
    }
    return results;
  } finally {
    await client.close();
  }
}

/** Above this the client still copes (it corrects by the measured offset) but the host's clock needs attention. */
const CLOCK_OFFSET_WARN_MS = 1_000;

/** The clock check's result and the offset measured (Binance minus local, ms; 0 when unknown). */
interface BinanceClockCheck {
  result: CheckResult;
  offsetMs: number;
}

/**
 * Measures this host's clock against Binance's `/fapi/v1/time`. A signed request is refused (-1021) when
 * its timestamp is 1 s ahead of Binance or more than recvWindow behind; the client corrects by the
 * offset, so a large one only warns.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/general-info#timing-security
 */
async function checkBinanceClock(client: Pick<BinanceClient, 'sync'>, fapiUrl: string): Promise<BinanceClockCheck> {
  const name = 'binance: clock';
  try {
    const offsetMs = await client.sync();
    const detail = `this host's clock is ${Math.abs(offsetMs)} ms ${offsetMs >= 0 ? 'behind' : 'ahead of'} Binance's`;
    if (Math.abs(offsetMs) <= CLOCK_OFFSET_WARN_MS) return { result: pass(name, detail), offsetMs };
    return {
      result: pass(
        name,
        detail,
        'forcewatch corrects for it, but turn on time sync (timedatectl set-ntp true, or chrony) so it does not drift further',
      ),
      offsetMs,
    };
  } catch (error) {
    return {
      result: fail(name, `cannot read Binance's time from ${fapiUrl}/fapi/v1/time (${errorMessage(error)})`, binanceAdvice(error, fapiUrl)),
      offsetMs: 0,
    };
  }
}

/** A symbol every Portfolio Margin account can query: with a symbol the request weighs 20 instead of 50. */
const PROBE_SYMBOL: Record<FuturesMarket, string> = { cm: 'BTCUSD_PERP', um: 'BTCUSDT' };

/**
 * The cheapest signed request the bot makes: one symbol, `limit=1`, a one-minute window. Passing proves
 * the key, its secret, its permission and the IP allow-list all work for the force-order endpoint.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 */
async function checkBinanceForceOrders(
  client: Pick<BinanceClient, 'forceOrders'>,
  market: FuturesMarket,
  options: { papiUrl: string; serverNow: number },
): Promise<CheckResult> {
  const name = `binance: ${market} force orders`;
  const symbol = PROBE_SYMBOL[market];
  try {
    const orders = await client.forceOrders(market, {
      symbol,
      startTime: options.serverNow - MINUTE_MS,
      endTime: options.serverNow,
      limit: 1,
    });
    return pass(
      name,
      `signed GET /papi/v1/${market}/forceOrders accepted (${symbol}, last minute: ${orders.length} order${orders.length === 1 ? '' : 's'})`,
    );
  } catch (error) {
    return fail(name, `GET /papi/v1/${market}/forceOrders failed: ${errorMessage(error)}`, binanceAdvice(error, options.papiUrl));
  }
}

/**
 * The margin book's probe: its last minute through the same source the poller uses (weight 1 a page).
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-Margin-Force-Orders
 */
async function checkBinanceMarginForceOrders(
  client: Pick<BinanceClient, 'source'>,
  options: { papiUrl: string; serverNow: number },
): Promise<CheckResult> {
  const name = 'binance: margin force orders';
  try {
    const { orders } = await client
      .source('margin')
      .allForceOrders({ startTime: options.serverNow - MINUTE_MS, endTime: options.serverNow });
    return pass(
      name,
      `signed GET /papi/v1/margin/forceOrders accepted (last minute: ${orders.length} liquidation${orders.length === 1 ? '' : 's'})`,
    );
  } catch (error) {
    return fail(name, `GET /papi/v1/margin/forceOrders failed: ${errorMessage(error)}`, binanceAdvice(error, options.papiUrl));
  }
}

const API_MANAGEMENT = 'Binance → Account → API Management';

/**
 * Error codes turned into what to change on Binance's API-management page or this host.
 * Codes: https://developers.binance.com/docs/derivatives/portfolio-margin/error-code
 */
const BY_CODE: Record<number, string> = {
  [-2015]:
    `${API_MANAGEMENT}: check that BINANCE_API_KEY is this account's key, that this host's public IP is on the key's ` +
    '"Restrict access to trusted IPs only" list, and that the key has "Enable Reading"; the key must be created ' +
    'after Portfolio Margin was enabled on the account',
  [-2014]: 'BINANCE_API_KEY is not a Binance API key (64 letters and digits): copy it again from API Management, without quotes or spaces',
  [-1022]:
    'the signature was refused: BINANCE_API_SECRET must be the secret shown when this key was created (for an Ed25519/RSA key, ' +
    'BINANCE_PRIVATE_KEY_PATH must be the private key whose public key was registered); if the secret is lost, delete the key and create a new one',
  [-4056]:
    'the key type does not match how requests are signed: an HMAC key needs BINANCE_API_SECRET, an Ed25519/RSA key BINANCE_PRIVATE_KEY_PATH',
  [-4057]:
    "BINANCE_PRIVATE_KEY_PATH does not match the public key registered for BINANCE_API_KEY: register this key's public key, or point to the right file",
  [-1021]:
    "this host's clock is too far from Binance's: turn on time sync (timedatectl set-ntp true, or chrony), or raise BINANCE_RECV_WINDOW (at most 60000)",
};

/** What an operator should change after the Binance client threw `error`. */
function binanceAdvice(error: unknown, url: string): string {
  if (BinanceError.isApiError(error)) {
    // A 418 ban and a 429 both carry -1003; the status says which.
    if (error.status === 429 || error.status === 418) return rateLimitAdvice(error.status);
    const advice = BY_CODE[error.code];
    if (advice) return advice;
    return `Binance refused the request (${error.code}): see https://developers.binance.com/docs/derivatives/portfolio-margin/error-code`;
  }
  if (BinanceError.isHttpError(error)) {
    if (error.status === 429 || error.status === 418) return rateLimitAdvice(error.status);
    if (error.status === 403)
      return "Binance's firewall refused this host (HTTP 403): check the host's IP is not blocked and that no proxy rewrites the request";
    if (error.status === 404) return `${url} does not serve this endpoint: check BINANCE_PAPI_URL and BINANCE_FAPI_URL`;
    return `Binance answered HTTP ${error.status}: run again in a few minutes; check https://www.binance.com/en/support/announcement for maintenance`;
  }
  if (BinanceError.isNetworkError(error)) {
    return `cannot reach ${url}: check this host's network, DNS, firewall or proxy, and BINANCE_PAPI_URL/BINANCE_FAPI_URL`;
  }
  return 'unexpected failure: run again with LOG_LEVEL=debug and report it';
}

function rateLimitAdvice(status: 429 | 418): string {
  return status === 418
    ? 'Binance has banned this IP for a while (HTTP 418) after repeated 429s: wait for the ban to end (2 minutes up to 3 days) and make sure only one forcewatch polls from this IP'
    : 'rate limit hit (HTTP 429): wait a minute and run again; something else on this IP may be using the request weight';
}
