import type { Logger } from '../ops/logger.js';
import type { Clock } from '../time.js';
import type { Fence } from './Fence.js';
import { AccountLease, LeaseKeeper, leaseTimings } from './Lease.js';
import type { RedisClient } from './redisClient.js';

/** What the coordinator does when this instance starts or stops leading an account. */
export interface AccountLeadership {
  /** Lead `account`: start its pipeline on the storage `fence` guards. */
  lead(account: string, fence: Fence): Promise<void>;
  /** Stop leading `account` (`reason` says why; `unproven`: Redis could not be reached in time): stop its pipeline. */
  standBy(account: string, reason: string, unproven: boolean): Promise<void>;
}

/** Options of `HaCoordinator`. */
export interface HaCoordinatorOptions {
  client: RedisClient;
  /** FORCEWATCH_REDIS_PREFIX. */
  prefix: string;
  /** Unique among the instances (host, pid and a random part). */
  instanceId: string;
  /** HA_LEASE_MS. */
  leaseMs: number;
  accounts: readonly string[];
  leadership: AccountLeadership;
  clock: Clock;
  logger: Logger;
}

/** Where this instance stands, as `/healthz` reports it. */
export interface HaStatus {
  instanceId: string;
  /** The accounts this instance leads now. */
  leading: string[];
  /** Instances seen alive in the registry at the last look, this one included. */
  instances: number;
  /** Whether Redis answers: without it no lease can be proven, so nothing is led. */
  redis: 'ready' | 'unreachable';
}

/**
 * One instance's part in high availability: a lease keeper per account (whoever takes a free lease
 * leads that account), and the spreading of accounts over the instances alive. Every instance
 * announces itself in `<prefix>instances:<id>` (PX the lease) each retry period; one leading more than
 * its share (the accounts divided by the instances alive, rounded up) hands one account back per retry
 * period and keeps out of it for two retry periods, so an instance with room takes it over. A handed
 * account is unled for at most a retry period, and its successor resumes from the shared store.
 */
export class HaCoordinator {
  private readonly keepers = new Map<string, LeaseKeeper>();
  private readonly leading = new Set<string>();
  private readonly stopping = new AbortController();
  private instances = 1;
  private running: Promise<void> | undefined;

  constructor(private readonly options: HaCoordinatorOptions) {}

  /** Starts competing for every account and announcing this instance. */
  start(): void {
    for (const account of this.options.accounts) this.compete(account);
    this.running ??= this.announce();
  }

  /** Stops every term (each pipeline stopped, then its lease released) and leaves the registry. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    await Promise.all([...this.keepers.values()].map((keeper) => keeper.stop()));
    this.keepers.clear();
    await this.options.client.del(this.instanceKey()).catch(() => {});
  }

  /** Where this instance stands. */
  status(): HaStatus {
    return {
      instanceId: this.options.instanceId,
      leading: [...this.leading].sort(),
      instances: this.instances,
      redis: this.options.client.isReady ? 'ready' : 'unreachable',
    };
  }

  private compete(account: string): void {
    const { client, prefix, instanceId, leaseMs, clock, logger, leadership } = this.options;
    const lease = new AccountLease({ client, prefix, account, instanceId, leaseMs, clock });
    const keeper = new LeaseKeeper(
      lease,
      {
        onStartedLeading: async (fence) => {
          this.leading.add(account);
          await leadership.lead(account, fence);
        },
        onStoppedLeading: async (reason, unproven) => {
          this.leading.delete(account);
          await leadership.standBy(account, reason, unproven);
        },
      },
      logger,
    );
    this.keepers.set(account, keeper);
    keeper.start();
  }

  private instanceKey(): string {
    return `${this.options.prefix}instances:${this.options.instanceId}`;
  }

  /** Each retry period: announce this instance, count the live ones, hand one account back when over its share. */
  private async announce(): Promise<void> {
    const { client, prefix, leaseMs, clock, logger } = this.options;
    const { retryPeriodMs } = leaseTimings(leaseMs);
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        await client.set(this.instanceKey(), '1', { PX: leaseMs });
        let alive = 0;
        for await (const keys of client.scanIterator({ MATCH: `${prefix}instances:*`, COUNT: 100 })) alive += keys.length;
        this.instances = Math.max(1, alive);
        await this.rebalance();
      } catch (error) {
        logger.debug('could not announce this instance', { error: String(error) });
      }
      await clock.sleep(retryPeriodMs, signal).catch(() => {});
    }
  }

  /** Hands one account back when this instance leads more than its share, so another instance takes it. */
  private async rebalance(): Promise<void> {
    const share = Math.ceil(this.options.accounts.length / this.instances);
    const [excess] = [...this.leading].sort().slice(share);
    if (excess === undefined || this.stopping.signal.aborted) return;
    const keeper = this.keepers.get(excess);
    if (!keeper) return;
    this.options.logger.info('handing an account over to spread the accounts over the instances', {
      account: excess,
      leading: this.leading.size,
      share,
      instances: this.instances,
    });
    this.keepers.delete(excess);
    await keeper.stop();
    // Out of the race for two retry periods: an instance with room takes it first.
    const { retryPeriodMs } = leaseTimings(this.options.leaseMs);
    void this.options.clock
      .sleep(2 * retryPeriodMs, this.stopping.signal)
      .then(() => this.compete(excess))
      .catch(() => {});
  }
}
