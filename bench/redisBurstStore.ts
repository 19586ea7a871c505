/**
 * The burst's store in Redis: a real redis-server started for the run, its lease kept by the product's
 * LeaseKeeper, the pipeline on the Redis storage of that lease's fence.
 */
import { once } from 'node:events';
import type { Fence } from '../src/ha/Fence.js';
import { AccountLease, LEASE_DURATION_DEFAULT_MS, LeaseKeeper } from '../src/ha/Lease.js';
import { createRedisClient, type RedisClient } from '../src/ha/redisClient.js';
import { redisStorage } from '../src/ha/redisStorage.js';
import { benchLogger } from './benchLogger.js';
import type { WithBurstStore } from './burstStore.js';
import { round } from './Figure.js';
import { RedisServer } from './RedisServer.js';
import { waitFor } from './waitFor.js';

const PREFIX = 'forcewatch:';
const ACCOUNT = 'bench';
/** How long the client may take to connect to the server just started. */
const READY_TIMEOUT_MS = 10_000;
const MB = 1024 * 1024;

/**
 * The Redis storage, as a leader runs it: a fresh redis-server without persistence, one client, and the
 * account's lease at the product's default duration, renewed by a LeaseKeeper for as long as the run
 * lasts. Losing the lease mid-run is a failure (the pipeline's fenced writes would be refused).
 */
export const withRedisStore: WithBurstStore = async (body) => {
  const server = await RedisServer.start();
  try {
    const logger = benchLogger();
    const client = createRedisClient(server.url(), logger);
    try {
      if (!client.isReady) await waitFor(once(client, 'ready'), READY_TIMEOUT_MS, 'the Redis client to connect');
      const lease = new AccountLease({ client, prefix: PREFIX, account: ACCOUNT, instanceId: 'bench', leaseMs: LEASE_DURATION_DEFAULT_MS });
      const lost: string[] = [];
      let stopping = false;
      let breaks: (error: Error) => void = () => {};
      const broken = new Promise<never>((_resolve, reject) => (breaks = reject));
      broken.catch(() => {}); // reported through `lost`; a loss after the run's wait must not be an unhandled rejection
      let lead: (fence: Fence) => void = () => {};
      const leading = new Promise<Fence>((resolve) => (lead = resolve));
      const keeper = new LeaseKeeper(
        lease,
        {
          onStartedLeading: (fence) => lead(fence),
          onStoppedLeading: (reason) => {
            if (stopping) return;
            lost.push(`the lease was lost during the run: ${reason}`);
            breaks(new Error(`the pipeline's fence is void: ${reason}`));
          },
        },
        logger,
      );
      keeper.start();
      try {
        const fence = await waitFor(leading, READY_TIMEOUT_MS, 'the lease');
        const storage = redisStorage({ client, prefix: PREFIX, account: ACCOUNT, fence, now: () => Date.now(), logger });
        return await body({
          storage,
          broken,
          async measure(scenario) {
            const before = await redisCounters(client);
            return async () => {
              const after = await redisCounters(client);
              return {
                failures: [...lost],
                figures: [
                  {
                    scenario,
                    figure: 'Redis commands, cascade -> last delivery (those inside scripts too)',
                    value: after.commands - before.commands,
                    unit: 'commands',
                  },
                  {
                    scenario,
                    figure: 'bytes sent to Redis, cascade -> last delivery',
                    value: round((after.inputBytes - before.inputBytes) / MB, 1),
                    unit: 'MB',
                  },
                  { scenario, figure: 'redis-server RSS after the burst', value: round(after.rssBytes / MB, 1), unit: 'MB' },
                  { scenario, figure: "Redis data's peak (used_memory_peak)", value: round(after.peakBytes / MB, 1), unit: 'MB' },
                ],
              };
            };
          },
        });
      } finally {
        stopping = true;
        await keeper.stop();
      }
    } finally {
      client.destroy();
    }
  } finally {
    await server.stop();
  }
};

/** What `INFO` tells of the server's work and memory so far (https://redis.io/docs/latest/commands/info/). */
interface RedisCounters {
  commands: number;
  inputBytes: number;
  rssBytes: number;
  peakBytes: number;
}

async function redisCounters(client: RedisClient): Promise<RedisCounters> {
  const info = await client.info();
  const field = (name: string): number => {
    const value = Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1]);
    if (!Number.isFinite(value)) throw new Error(`Redis's INFO has no numeric ${name}: is redis-server older than 7?`);
    return value;
  };
  return {
    commands: field('total_commands_processed'),
    inputBytes: field('total_net_input_bytes'),
    rssBytes: field('used_memory_rss'),
    peakBytes: field('used_memory_peak'),
  };
}
