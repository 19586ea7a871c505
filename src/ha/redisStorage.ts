import type { PipelineStorage } from '../store/PipelineStorage.js';
import { StateStore } from '../store/StateStore.js';
import { RedisArchive, type RedisArchiveOptions } from './RedisArchive.js';
import { RedisStoreAdapter } from './RedisStoreAdapter.js';

/** Options of `redisStorage`: the archive's, which hold the state document's. */
export type RedisStorageOptions = RedisArchiveOptions;

/**
 * A pipeline's storage in Redis, for the instance that leads the account: nothing to lock (the lease
 * is the coordinator's, and the fence in every write stands for it), the state document and the
 * archive under the prefix. Build one per take-over: its fence is that lease's.
 */
export function redisStorage(options: RedisStorageOptions): PipelineStorage {
  const adapter = new RedisStoreAdapter(options);
  return {
    archive: new RedisArchive(options),
    async open(open) {
      const store = await StateStore.open({
        path: `Redis key ${adapter.key}`,
        location: adapter,
        createAt: open.createAt,
        logger: open.logger,
        account: options.account,
      });
      return { store, release: async () => {} };
    },
  };
}
