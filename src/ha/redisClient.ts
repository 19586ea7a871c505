/**
 * The Redis connection of a high-availability instance: node-redis (Redis's own maintained client)
 * from REDIS_URL. An unreachable Redis never crashes the process: the client reconnects with a capped
 * backoff forever, logs the outage once, and commands fail fast while it is down (no offline queue:
 * a lease renewal replayed late would prove nothing, and a caller must know at once that a write failed).
 */
import { createClient } from 'redis';
import { backoffDelay } from '../backoff.js';
import type { Logger } from '../ops/logger.js';
import { readRedisUrl } from './redisUrl.js';

/** The node-redis client `createRedisClient` returns; `client.isReady` says whether commands can run now. */
export type RedisClient = ReturnType<typeof createClient>;

/** How long one connection attempt may take before it counts as failed, ms. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Reconnect delays: the first retry within 100 ms, doubling to at most 5 s, never giving up. */
const RECONNECT_BACKOFF = { baseMs: 100, capMs: 5_000, jitter: 'equal' } as const;

/**
 * A client for `url` (`redis://` or `rediss://`, optional `user:password@`), already connecting in the
 * background. The URL and its password are registered as secrets (`readRedisUrl`), so neither is ever
 * printed. Throws when `url` is not a Redis URL (the message never repeats it).
 */
export function createRedisClient(url: string, logger: Logger): RedisClient {
  const reading = readRedisUrl(url);
  if (!reading.ok) throw new Error(reading.error);

  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries) => backoffDelay(retries + 1, RECONNECT_BACKOFF),
    },
  });
  let unreachable = false;
  // Without an `error` listener, node-redis's EventEmitter would throw and end the process.
  client.on('error', (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (unreachable) return logger.debug('Redis is still unreachable', { error: message });
    unreachable = true;
    logger.warn('Redis is unreachable; reconnecting until it is back', { error: message });
  });
  client.on('ready', () => {
    if (!unreachable) return;
    unreachable = false;
    logger.info('Redis is reachable again');
  });
  // connect() keeps retrying by the strategy above; it rejects only if the client is destroyed first.
  client.connect().catch((error: unknown) => logger.debug('Redis connection ended before it was ready', { error: String(error) }));
  return client;
}
