import type { SimulatorAccount } from './types.js';

/** Options of {@link simAccounts}. */
export interface SimAccountsOptions {
  /** Names are `<prefix>-1`, `<prefix>-2`, …; default `desk`. The keys do not depend on it. */
  prefix?: string;
}

/** More accounts than any test, bench or demo needs; the index must fit the key's 4 digits. */
const MAX_ACCOUNTS = 9999;

/**
 * `count` HMAC accounts for tests, the benchmark and the demo, the same every run: names `desk-1`…,
 * API keys and secrets of 64 alphanumerics (the shape Binance's keys have, so the simulator's -2014
 * check passes them), derived from the index and spelt so no one mistakes them for real ones.
 * None is the default account (`SIM_API_KEY`): pass these as `accounts` to get several.
 */
export function simAccounts(count: number, options: SimAccountsOptions = {}): SimulatorAccount[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_ACCOUNTS) {
    throw new RangeError(`simAccounts takes a whole number of accounts from 1 to ${MAX_ACCOUNTS}, got ${count}`);
  }
  const prefix = options.prefix ?? 'desk';
  return Array.from({ length: count }, (_, i) => {
    const number = String(i + 1).padStart(4, '0');
    return {
      name: `${prefix}-${i + 1}`,
      apiKey: `SIMxDESK${number}xAPIxKEYxNOTxREALx`.padEnd(64, '0'),
      hmacSecret: `SIMxDESK${number}xSECRETxNOTxREALx`.padEnd(64, '0'),
    };
  });
}
