import type { ConfigResult, CoreConfig } from '../config.js';
import type { AccountConfig } from './AccountConfig.js';
import { readAccountsFile } from './accountsFile.js';

/** The accounts the bot watches: the FORCEWATCH_ACCOUNTS file's, or the single account of the BINANCE_* variables. */
export function loadAccounts(core: CoreConfig, env: NodeJS.ProcessEnv): ConfigResult<AccountConfig[]> {
  if (core.accounts.kind === 'env') return { ok: true, config: [core.accounts.account] };
  return readAccountsFile(core.accounts.path, { markets: core.binance.markets, mentionNotionalUsd: core.alerts.mentionNotionalUsd }, env);
}
