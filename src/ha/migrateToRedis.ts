import { stat } from 'node:fs/promises';
import { errorCode, errorMessage } from '../errorCode.js';
import { type Logger, silentLogger } from '../ops/logger.js';
import { ForceOrderArchive } from '../store/ForceOrderArchive.js';
import { ProcessLock } from '../store/ProcessLock.js';
import { compactJsonFile, StateStore } from '../store/StateStore.js';
import { AccountLease } from './Lease.js';
import { archiveKey, RedisArchive } from './RedisArchive.js';
import { RedisStoreAdapter, stateKey } from './RedisStoreAdapter.js';
import type { RedisClient } from './redisClient.js';

/** How long the migration holds an account's lease: far longer than copying even a 90-day archive takes. */
const MIGRATION_LEASE_MS = 60_000;

/** One account's lowdb files, to be copied into Redis. */
export interface MigrationSource {
  account: string;
  storePath: string;
  archivePath: string;
}

/** What became of one account. */
export type AccountMigration =
  | { account: string; ok: true; orders: number; migratedFrom?: number }
  | { account: string; ok: false; problem: string };

/** Options of `migrateToRedis`. */
export interface MigrateToRedisOptions {
  client: RedisClient;
  /** FORCEWATCH_REDIS_PREFIX, e.g. `forcewatch:`. */
  prefix: string;
  sources: readonly MigrationSource[];
  now?: () => number;
  logger?: Logger;
}

/**
 * `npm run migrate-to-redis`: copies each account's lowdb store and archive into Redis under the
 * prefix, the store migrated to the current schema on the way if it is older. The files are only
 * read, never changed (they stay the rollback). An account is refused when its store is missing, a
 * running forcewatch holds it, or Redis already holds any of its keys (a migration never overwrites);
 * the others still go. Each account's copy is written under a lease the migration takes, so no
 * instance can lead it meanwhile, through the same fenced scripts the pipeline writes with.
 * Exit code: 0 when every account was copied, 1 otherwise.
 */
export async function migrateToRedis(options: MigrateToRedisOptions): Promise<{ results: AccountMigration[]; exitCode: 0 | 1 }> {
  const results: AccountMigration[] = [];
  for (const source of options.sources) {
    try {
      results.push(await migrateAccount(options, source));
    } catch (error) {
      results.push({ account: source.account, ok: false, problem: errorMessage(error) });
    }
  }
  return { results, exitCode: results.every((r) => r.ok) ? 0 : 1 };
}

async function migrateAccount(options: MigrateToRedisOptions, source: MigrationSource): Promise<AccountMigration> {
  const { client, prefix } = options;
  const { account, storePath } = source;
  const refused = (problem: string): AccountMigration => ({ account, ok: false, problem });
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const missing = await stat(storePath).then(
    () => false,
    (error: unknown) => (errorCode(error) === 'ENOENT' ? true : Promise.reject(error)),
  );
  if (missing) return refused(`there is no store file ${storePath}: check FORCEWATCH_DB (and FORCEWATCH_ACCOUNTS)`);
  const lock = await ProcessLock.inspect(`${storePath}.lock`);
  if (lock.state === 'held') return refused(`forcewatch (pid ${lock.pid}) is running on ${storePath}: stop it first, then migrate`);
  const keys = [stateKey(prefix, account), archiveKey(prefix, account), `${archiveKey(prefix, account)}:time`];
  const present: string[] = [];
  for (const key of keys) if ((await client.exists([key])) > 0) present.push(key);
  if (present.length > 0) {
    return refused(
      `Redis already holds ${present.join(', ')}; a migration never overwrites a store. If that copy is not wanted (an earlier ` +
        `migration you mean to redo), stop every forcewatch instance and delete it with redis-cli DEL ${keys.join(' ')}`,
    );
  }
  // The account's own lease, taken as an instance takes it (one script, a fencing token that only grows).
  const lease = new AccountLease({ client, prefix, account, instanceId: `migrate-to-redis-${process.pid}`, leaseMs: MIGRATION_LEASE_MS });
  const fence = await lease.tryAcquire();
  if (!fence)
    return refused(`a forcewatch instance leads account "${account}" in Redis (key ${lease.leaseKey}): stop every instance first`);
  try {
    const orders = await new ForceOrderArchive({ path: source.archivePath, now, logger }).read({ startTime: -Infinity, endTime: Infinity });
    // The archive first, as the pipeline writes: a copy cut short leaves keys the next run refuses, never a store without its history.
    await new RedisArchive({ client, prefix, account, fence, now, logger }).append(orders);
    const redis = new RedisStoreAdapter({ client, prefix, account, fence });
    const file = compactJsonFile(storePath);
    // StateStore.open reads, migrates, validates and claims the document exactly as on start-up, but
    // from the file and into Redis; the file itself is the backup of an older schema, left as it was.
    const store = await StateStore.open({
      path: storePath,
      location: { exists: async () => true, read: () => file.read(), write: (doc) => redis.write(doc), backup: async () => storePath },
      createAt: now(),
      account,
      logger,
    });
    await store.update(() => {}); // written even when open had nothing to change
    return { account, ok: true, orders: orders.length, ...(store.migration && { migratedFrom: store.migration.from }) };
  } finally {
    await lease.release().catch(() => {});
  }
}
