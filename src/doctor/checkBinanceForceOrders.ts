import type { BinanceClient } from '../binance/createBinanceClient.js';
import type { Market } from '../binance/types.js';
import { binanceAdvice } from './binanceAdvice.js';
import { type CheckResult, fail, pass } from './CheckResult.js';

/** A symbol every Portfolio Margin account can query: with a symbol the request weighs 20 instead of 50. */
export const PROBE_SYMBOL: Record<Market, string> = { cm: 'BTCUSD_PERP', um: 'BTCUSDT' };

const MINUTE_MS = 60_000;

/**
 * The cheapest signed request the bot makes: one symbol, `limit=1`, a one-minute window. Passing proves
 * the key, its secret, its permission and the IP allow-list all work for the force-order endpoint.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 */
export async function checkBinanceForceOrders(
  client: Pick<BinanceClient, 'forceOrders'>,
  market: Market,
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
    return fail(name, `GET /papi/v1/${market}/forceOrders failed: ${(error as Error).message}`, binanceAdvice(error, options.papiUrl));
  }
}
