import { once } from 'node:events';
import { createRedisClient, type RedisClient } from '../../src/ha/redisClient.js';
import type { Logger } from '../../src/ops/logger.js';
import { captureLogger } from '../fakes/captureLogger.js';

/** A client made by `createRedisClient`, once it is ready for commands (the tests' way in to a RedisServer). */
export async function readyRedisClient(url: string, logger: Logger = captureLogger().logger): Promise<RedisClient> {
  const client = createRedisClient(url, logger);
  if (!client.isReady) await once(client, 'ready');
  return client;
}
