import type { AccountConfig } from '../accounts/AccountConfig.js';
import { type BinanceClient, type BinanceClientOptions, createBinanceClient } from '../binance/createBinanceClient.js';
import { WeightBudget } from '../binance/WeightBudget.js';
import type { SharedWeightLedger } from '../binance/WeightLimiter.js';
import type { CoreConfig } from '../config.js';
import type { Logger } from '../ops/logger.js';
import { type AccountExchange, accountExchange } from './accountExchange.js';

/** Every account's Binance client, made together so they share what Binance counts per IP: one weight budget per API. */
export interface AccountClients {
  /** Each account's exchange side, in the settings' order. */
  readonly exchanges: AccountExchange[];
  /** Each account's client, by name. */
  readonly clients: ReadonlyMap<string, BinanceClient>;
  /** Measures each client's clock offset from Binance's time (once at start-up; redone on -1021). */
  sync(signal?: AbortSignal): Promise<number[]>;
  /** Stops every client's timers and closes its sockets. */
  close(): Promise<void>;
}

/** What every account's client takes besides its credentials (logger, clock, fetch, a used-weight hook). */
export type SharedClientOptions = Omit<BinanceClientOptions, 'apiKey' | 'apiSecret' | 'privateKeyPath' | 'privateKeyPem'>;

/**
 * One signed client per account, each with its own key and the connection settings of BINANCE_*.
 * Throws `SignerConfigError` (naming the account) when an account's credentials cannot sign.
 */
export function createAccountClients(
  core: CoreConfig,
  accounts: readonly AccountConfig[],
  options: SharedClientOptions & { logger: Logger; sharedLedger?: SharedWeightLedger },
): AccountClients {
  const { sharedLedger, ...clientOptions } = options;
  const clients = new Map<string, BinanceClient>();
  // Binance counts request weight per IP, not per key: every account's client spends from one budget,
  // and with high availability every instance of the IP group from one ledger in Redis too.
  const budget = new WeightBudget({
    papiWeightLimitPerMinute: core.binance.weightLimitPerMinute,
    clock: options.clock,
    logger: options.logger,
    ...(sharedLedger && { sharedLedger }),
  });
  try {
    for (const account of accounts) {
      const logger = accounts.length > 1 ? options.logger.child({ account: account.name }) : options.logger;
      try {
        clients.set(account.name, createBinanceClient({ ...core.binance, ...clientOptions, ...account.credentials, logger, budget }));
      } catch (error) {
        if (accounts.length === 1) throw error;
        throw new Error(`account ${account.name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }
  } catch (error) {
    void Promise.all([...clients.values()].map((client) => client.close())).then(() => budget.stop());
    throw error;
  }
  const all = [...clients.values()];
  return {
    exchanges: accounts.map((account) => accountExchange(account, clients.get(account.name) as BinanceClient)),
    clients,
    sync: (signal) => Promise.all(all.map((client) => client.sync(signal))),
    close: async () => {
      await Promise.all(all.map((client) => client.close()));
      await budget.stop();
    },
  };
}
