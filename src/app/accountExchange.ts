import type { AccountConfig } from '../accounts/AccountConfig.js';
import type { AccountClient } from '../binance/AccountClient.js';
import type { BinanceClient } from '../binance/createBinanceClient.js';
import type { ForceOrderSource } from '../binance/types.js';
import { mergeForceOrderSources } from '../pipeline/mergeForceOrderSources.js';
import type { UserStreamAccess } from './pipelineStream.js';

/** One account as the app runs it: its settings, and what its Binance client gives the pipeline and the commands. */
export interface AccountExchange {
  config: AccountConfig;
  /** What the poller watches: the account's markets, merged. */
  source: ForceOrderSource;
  /** What `/forceorders` asks (COIN-M when watched: the command speaks COIN-M symbols and pairs; else USD-M). */
  commandSource: ForceOrderSource;
  /** What `/risk` and risk alerts read; absent: no `/risk`, no risk alerts. */
  account?: Pick<AccountClient, 'account' | 'adlQuantiles'>;
  /**
   * Binance's time (the client's `serverNow`). Poll windows end at the exchange's now, not ours: with our
   * clock minutes ahead, windows would run past orders still to come and treat them as history.
   */
  exchangeNow?: () => number;
  /** The user data stream side; with BINANCE_STREAM on, force orders come by push and REST reconciles. */
  userStream?: UserStreamAccess;
}

/** The account's exchange side from its own Binance client (its key; the weight budget shared by all). */
export function accountExchange(config: AccountConfig, binance: BinanceClient): AccountExchange {
  return {
    config,
    source: mergeForceOrderSources(config.markets.map((market) => binance.source(market))),
    commandSource: binance.source(config.markets.includes('cm') ? 'cm' : 'um'),
    account: binance.account(),
    exchangeNow: () => binance.serverNow(),
    userStream: { listenKeys: binance.listenKeys(), contractSize: (symbol, pair) => binance.contractSize(symbol, pair) },
  };
}
