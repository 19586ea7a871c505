import type { Market } from '../binance/types.js';
import type { CoreConfig } from '../config.js';
import type { Logger } from '../ops/logger.js';
import type { PipelineStream } from '../pipeline/StreamSource.js';
import { type ListenKeyPort, UserDataStream } from '../stream/UserDataStream.js';
import type { Clock } from '../time.js';

/** What the user data stream needs of the Binance client: its listenKey endpoints and COIN-M contract sizes. */
export interface UserStreamAccess {
  listenKeys: ListenKeyPort;
  contractSize(symbol: string, pair: string): Promise<string>;
}

/**
 * The pipeline's stream source as the settings ask: none with BINANCE_STREAM=off (or no client side
 * given), else a `UserDataStream` on BINANCE_PM_STREAM_URL, REST reconciling every RECONCILE_INTERVAL_MS,
 * for the account's markets (the stream pushes every book's orders; only those are ours).
 */
export function pipelineStream(
  core: CoreConfig,
  markets: readonly Market[],
  access: UserStreamAccess | undefined,
  clock: Clock,
  logger: Logger,
): PipelineStream | undefined {
  if (!core.stream.enabled || !access) return undefined;
  const stream = new UserDataStream({
    listenKeys: access.listenKeys,
    clock,
    logger: logger.child({ component: 'stream' }),
    baseUrl: core.stream.url,
  });
  return {
    stream,
    contractSize: (symbol, pair) => access.contractSize(symbol, pair),
    reconcileIntervalMs: core.stream.reconcileIntervalMs,
    markets,
  };
}
