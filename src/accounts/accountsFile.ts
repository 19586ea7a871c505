import type { ConfigResult } from '../config.js';
import type { AccountConfig } from './AccountConfig.js';

/** What an account of the file takes when it leaves a key out. */
export interface AccountDefaults {
  /** BINANCE_MARKETS. */
  markets: AccountConfig['markets'];
  /** ALERT_MENTION_NOTIONAL_USD. */
  mentionNotionalUsd?: string;
}

/**
 * Reads and checks the FORCEWATCH_ACCOUNTS file (YAML, or JSON, which is YAML too): every problem at
 * once, one line each naming the account and the key, never echoing a secret.
 */
export function readAccountsFile(path: string, _defaults: AccountDefaults, _env: NodeJS.ProcessEnv): ConfigResult<AccountConfig[]> {
  return { ok: false, errors: [`FORCEWATCH_ACCOUNTS=${path}: the accounts file is not read by this build yet`] };
}
