import { once } from 'node:events';
import type { CoreConfig } from '../config.js';
import { errorMessage } from '../errorCode.js';
import { leaseHolder, leaseKey } from '../ha/Lease.js';
import { schemaKey, stateKey } from '../ha/RedisStoreAdapter.js';
import { createRedisClient } from '../ha/redisClient.js';
import { silentLogger } from '../ops/logger.js';
import { redact } from '../ops/redact.js';
import { STORE_SCHEMA_VERSION } from '../store/StoreDocument.js';
import { type CheckResult, fail, pass } from './CheckResult.js';

/** How long the doctor waits for Redis to answer before it says it cannot be reached. */
const REDIS_CHECK_TIMEOUT_MS = 5_000;

/**
 * High availability (REDIS_URL): Redis answers, its store's schema is one this build reads, and which
 * instance leads each account now (a lease's value is `<instance>:<token>`), or that none does.
 */
export async function checkRedis(ha: NonNullable<CoreConfig['ha']>, accounts: readonly string[]): Promise<CheckResult[]> {
  const client = createRedisClient(ha.redisUrl, silentLogger);
  // What Redis or the network said last (a refused password, a refused connection), for the failure line.
  let lastError: unknown;
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    const signal = AbortSignal.timeout(REDIS_CHECK_TIMEOUT_MS);
    // The client connects in the background and refuses commands until then (no offline queue).
    if (!client.isReady) await once(client, 'ready', { signal });
    const ask = client.withAbortSignal(signal);
    await ask.ping();
    const results = [pass('redis', 'reachable (REDIS_URL)')];
    // Without persistence a Redis restart forgets the leases and the watermarks: the outage's orders are lost.
    const persistence = await ask.configGet('appendonly').catch(() => undefined);
    if (persistence?.appendonly === 'no') {
      results.push(
        fail(
          'redis: persistence',
          'appendonly is off: a Redis restart forgets every lease and watermark, and the force orders of the outage are never alerted',
          'run Redis with --appendonly yes (compose.yaml does), or CONFIG SET appendonly yes',
          { critical: false },
        ),
      );
    }
    const schema = await ask.get(schemaKey(ha.prefix));
    if (schema !== null && Number(schema) > STORE_SCHEMA_VERSION) {
      results.push(
        fail(
          'redis: store',
          `schema version ${schema} under ${ha.prefix}, written by a newer forcewatch (this build reads up to ${STORE_SCHEMA_VERSION})`,
          'run the newer release, or point FORCEWATCH_REDIS_PREFIX at another store',
        ),
      );
    } else {
      results.push(
        pass('redis: store', schema === null ? `empty under ${ha.prefix}: the first leader creates it` : `schema version ${schema}`),
      );
    }
    for (const account of accounts) {
      const [lease, state] = await Promise.all([ask.get(leaseKey(ha.prefix, account)), ask.exists(stateKey(ha.prefix, account))]);
      const leader = leaseHolder(lease);
      const where = state === 1 ? 'its state is in Redis' : 'no state in Redis yet';
      results.push(
        pass(
          `redis: ${account}`,
          leader ? `led by instance ${leader}; ${where}` : `no instance leads it now; ${where}`,
          leader ? undefined : 'start an instance',
        ),
      );
    }
    return results;
  } catch (error) {
    return [
      fail(
        'redis',
        `cannot be reached: ${redact(errorMessage(lastError ?? error))}`,
        'check REDIS_URL (host, port, password, rediss:// for TLS) and that Redis runs; without Redis no instance can lead an account',
      ),
    ];
  } finally {
    if (client.isOpen) client.destroy();
  }
}
