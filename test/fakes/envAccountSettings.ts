import type { AccountConfig } from '../../src/accounts/AccountConfig.js';
import type { Settings } from '../../src/app/loadSettings.js';
import type { CoreConfig } from '../../src/config.js';

/** The settings of a bot with the one account of the BINANCE_* variables `core` was parsed from (no chat platform). */
export function envAccountSettings(core: CoreConfig): Settings & { accounts: [AccountConfig] } {
  if (core.accounts.kind !== 'env') throw new Error('envAccountSettings needs settings without FORCEWATCH_ACCOUNTS');
  return { core, accounts: [core.accounts.account] };
}
