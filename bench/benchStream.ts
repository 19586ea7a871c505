import type { UserStreamAccess } from '../src/app/pipelineStream.js';
import type { PipelineStream } from '../src/pipeline/StreamSource.js';
import { UserDataStream } from '../src/stream/UserDataStream.js';
import type { Clock } from '../src/time.js';
import { benchLogger } from './benchLogger.js';
import type { RemoteSimulator } from './RemoteSimulator.js';

/**
 * The pipeline's user data stream as `pipelineStream` wires it for BINANCE_STREAM=on: the real stream
 * client on the simulator's WebSocket (`/pm/ws/<listenKey>`), its listenKeys and contract sizes from the
 * real Binance client (`access`), COIN-M only as every benchmark order; REST reconciles every `reconcileIntervalMs` (default 60 s).
 */
export function benchStream(sim: RemoteSimulator, access: UserStreamAccess, clock: Clock, reconcileIntervalMs?: number): PipelineStream {
  const stream = new UserDataStream({
    listenKeys: access.listenKeys,
    clock,
    logger: benchLogger().child({ component: 'stream' }),
    baseUrl: `${sim.url.replace(/^http/, 'ws')}/pm`,
  });
  return {
    stream,
    contractSize: (symbol, pair) => access.contractSize(symbol, pair),
    markets: ['cm'],
    ...(reconcileIntervalMs === undefined ? {} : { reconcileIntervalMs }),
  };
}
