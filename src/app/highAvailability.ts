import type { CoreConfig } from '../config.js';
import type { Fence } from '../ha/Fence.js';
import { HaCoordinator, type HaStatus } from '../ha/HaCoordinator.js';
import { leaseHolder, leaseKey } from '../ha/Lease.js';
import { LeaseLossNotices } from '../ha/LeaseLossNotices.js';
import { RedisArchive } from '../ha/RedisArchive.js';
import type { RedisClient } from '../ha/redisClient.js';
import { redisStorage } from '../ha/redisStorage.js';
import type { HealthStatus } from '../ops/HealthState.js';
import type { Logger } from '../ops/logger.js';
import type { Metrics } from '../ops/Metrics.js';
import { NoticeSender } from '../sinks/NoticeSender.js';
import { type Clock, MINUTE_MS } from '../time.js';
import type { AccountRunner } from './AccountRunner.js';

/** What high availability needs from the process: its Redis connection and its id among the instances. */
export interface HaProcess {
  client: RedisClient;
  /** Unique among the instances: host, pid and a random part. */
  instanceId: string;
}

/** The running high availability of one instance. */
export interface HighAvailability {
  /** True for the one instance that answers a command or interaction (`BotCommands.claim`). */
  claim(platform: 'slack' | 'discord', id: string): Promise<boolean>;
  /** `/healthz` over the accounts: a led account's health, or a healthy standby's. */
  status(): HealthStatus & { ha: HaStatus };
  /** Stops every term (pipelines stopped, leases released) and leaves the registry. */
  stop(): Promise<void>;
}

/** How long a command's claim is kept: longer than Discord's 15-minute interaction token, so a late copy finds it. */
const CLAIM_MS = 16 * MINUTE_MS;

/**
 * A reader's fence for the archive a standby answers `/forceorders` from: reads take no fence, and any
 * write through it would be refused (no lease holds this value).
 */
const READ_ONLY: Fence = { leaseKey: '', value: '' };

/**
 * Starts this instance's part of high availability: every account's runner answers commands from the
 * shared archive in Redis; the coordinator gives each account one leader, whose pipeline runs on the
 * Redis storage its lease's fence guards, and spreads the accounts over the instances.
 */
export function startHighAvailability(options: {
  core: CoreConfig & { ha: NonNullable<CoreConfig['ha']> };
  runners: readonly AccountRunner[];
  process: HaProcess;
  clock: Clock;
  logger: Logger;
  /** Counts the lease-loss notices with the pipelines' (`forcewatch_notices_total`). */
  metrics: Metrics;
}): HighAvailability {
  const { core, runners, clock } = options;
  const { client, instanceId } = options.process;
  const { prefix, leaseMs } = core.ha;
  const logger = options.logger.child({ component: 'ha', instance: instanceId });
  const byName = new Map(runners.map((runner) => [runner.name, runner]));
  const storageOptions = (account: string, fence: Fence) => ({
    client,
    prefix,
    account,
    fence,
    archiveDays: core.store.archiveDays,
    now: () => clock.now(),
    logger,
  });
  for (const runner of runners) runner.useArchiveReader(new RedisArchive(storageOptions(runner.name, READ_ONLY)));
  // A Redis outage ends every term, and with it the watchdog: the instance that led an account says so.
  const { metrics } = options;
  const senders = runners.map(
    (runner) =>
      new NoticeSender({
        clock,
        logger,
        onOutcome: ({ sink, severity, error }) =>
          metrics.notices.inc({ account: runner.name, sink, severity, outcome: error === undefined ? 'sent' : 'failed' }),
      }),
  );
  const lossNotices = new Map(
    runners.map((runner, i) => [
      runner.name,
      new LeaseLossNotices({
        account: runner.name,
        sinks: runner.sinks,
        sender: senders[i] as NoticeSender,
        clock,
        logger,
        afterMs: core.health.watchdogAfterMs,
        settleMs: leaseMs,
        instanceId,
        leader: async () => leaseHolder(await client.get(leaseKey(prefix, runner.name))),
      }),
    ]),
  );
  const onRedisBack = () => {
    for (const notices of lossNotices.values()) notices.redisBack();
  };
  client.on('ready', onRedisBack);
  const coordinator = new HaCoordinator({
    client,
    prefix,
    instanceId,
    leaseMs,
    accounts: runners.map((runner) => runner.name),
    clock,
    logger,
    leadership: {
      lead: async (account, fence) => {
        await byName.get(account)?.lead({ storage: redisStorage(storageOptions(account, fence)) });
        lossNotices.get(account)?.leading();
      },
      standBy: async (account, reason, unproven) => {
        logger.info('standing by for the account', { account, reason });
        if (unproven) lossNotices.get(account)?.lost();
        await byName.get(account)?.standBy();
      },
    },
  });
  coordinator.start();
  return {
    async claim(platform, id) {
      try {
        return (await client.set(`${prefix}claim:${platform}:${id}`, instanceId, { NX: true, PX: CLAIM_MS })) === 'OK';
      } catch (error) {
        // Redis away: better two answers than none (Discord refuses the second acknowledgement anyway).
        logger.warn('could not claim a command in Redis; answering it', { platform, error: String(error) });
        return true;
      }
    },
    status() {
      const ha = coordinator.status();
      const accounts = Object.fromEntries(runners.map((runner) => [runner.name, accountStatus(runner, ha)]));
      const sick = Object.entries(accounts).filter(([, status]) => !status.healthy);
      const reason =
        sick.length > 0
          ? sick.map(([name, status]) => `${name}: ${status.reason}`).join('; ')
          : ha.leading.length > 0
            ? `leading ${ha.leading.join(', ')} of ${runners.length} accounts`
            : `standby: another instance leads every account (${ha.instances} instances)`;
      return { healthy: sick.length === 0, reason, accounts, ha };
    },
    async stop() {
      client.off('ready', onRedisBack);
      for (const notices of lossNotices.values()) notices.stop();
      await coordinator.stop();
      await Promise.all(senders.map((sender) => sender.stop()));
    },
  };
}

/** One account's health on this instance: its pipeline's while it leads it, else a standby's, healthy while Redis answers. */
function accountStatus(runner: AccountRunner, ha: HaStatus): ReturnType<AccountRunner['health']['status']> {
  if (runner.pipeline) return runner.health.status();
  if (ha.redis !== 'ready') {
    return { healthy: false, reason: 'Redis is unreachable: this instance cannot prove a lease, so it leads nothing until Redis is back' };
  }
  return { healthy: true, reason: 'standby: another instance leads it' };
}
