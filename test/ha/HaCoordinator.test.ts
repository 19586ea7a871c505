import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fence } from '../../src/ha/Fence.js';
import { type AccountLeadership, HaCoordinator } from '../../src/ha/HaCoordinator.js';
import { createRedisClient, type RedisClient } from '../../src/ha/redisClient.js';
import { systemClock } from '../../src/time.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { RedisServer } from '../fakes/RedisServer.js';

const ACCOUNTS = ['desk-a', 'desk-b', 'desk-c', 'desk-d'];
const LEASE_MS = 1_000;

/** Who leads what, as the coordinators' callbacks say, with a wait for a condition on it (no sleeps). */
class Leaders {
  readonly terms: { instance: string; account: string; fence: Fence; startedAt: number; endedAt?: number }[] = [];
  private waiters: (() => void)[] = [];

  leadership(instance: string): AccountLeadership {
    return {
      lead: async (account, fence) => {
        this.terms.push({ instance, account, fence, startedAt: Date.now() });
        this.changed();
      },
      standBy: async (account) => {
        const term = this.terms.findLast((t) => t.instance === instance && t.account === account && t.endedAt === undefined);
        if (term) term.endedAt = Date.now();
        this.changed();
      },
    };
  }

  /** Accounts each instance leads now. */
  leading(instance: string): string[] {
    return this.terms.filter((t) => t.instance === instance && t.endedAt === undefined).map((t) => t.account);
  }

  /** Resolves once `condition()` holds after some leadership change (or now). */
  async until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = AbortSignal.timeout(timeoutMs);
    while (!condition()) {
      if (deadline.aborted) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        deadline.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }

  /** Never two leaders of one account at once: each term ended before the next began, with a higher token. */
  expectOneLeaderAtATime(): void {
    for (const account of ACCOUNTS) {
      const terms = this.terms.filter((t) => t.account === account).sort((a, b) => a.startedAt - b.startedAt);
      for (let i = 1; i < terms.length; i += 1) {
        const [before, after] = [terms[i - 1]!, terms[i]!];
        expect(before.endedAt, `${account}: a term still open when the next began`).toBeLessThanOrEqual(after.startedAt);
        expect(Number(after.fence.value.split(':').at(-1))).toBeGreaterThan(Number(before.fence.value.split(':').at(-1)));
      }
    }
  }

  private changed(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

describe('HaCoordinator', () => {
  let redis: RedisServer;
  const clients: RedisClient[] = [];
  const coordinators: HaCoordinator[] = [];

  beforeEach(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(coordinators.splice(0).map((c) => c.stop()));
    for (const client of clients.splice(0)) if (client.isOpen) client.destroy();
    await redis.stop();
  });

  function coordinator(instanceId: string, leaders: Leaders): HaCoordinator {
    const client = createRedisClient(redis.url(), captureLogger().logger);
    clients.push(client);
    const made = new HaCoordinator({
      client,
      prefix: 'fw-test:',
      instanceId,
      leaseMs: LEASE_MS,
      accounts: ACCOUNTS,
      leadership: leaders.leadership(instanceId),
      clock: systemClock,
      logger: captureLogger().logger,
    });
    coordinators.push(made);
    return made;
  }

  it('gives every account exactly one leader, spreads them over two instances, and hands all to the survivor', async () => {
    const leaders = new Leaders();
    const one = coordinator('one', leaders);
    one.start();
    await leaders.until(() => leaders.leading('one').length === 4, 'the first instance leading all four');
    coordinator('two', leaders).start();
    await leaders.until(() => leaders.leading('one').length === 2 && leaders.leading('two').length === 2, 'two accounts each');
    expect([...leaders.leading('one'), ...leaders.leading('two')].sort()).toEqual(ACCOUNTS);
    expect(one.status()).toMatchObject({ instanceId: 'one', instances: 2, redis: 'ready' });
    leaders.expectOneLeaderAtATime();

    const stoppedAt = Date.now();
    await coordinators[0]!.stop();
    await leaders.until(() => leaders.leading('two').length === 4, 'the survivor leading all four');
    expect(Date.now() - stoppedAt).toBeLessThan(LEASE_MS + LEASE_MS / 4 + 1_000);
    expect(leaders.leading('one')).toEqual([]);
  }, 30_000);

  it('a killed instance (no release, no goodbye) is replaced within the lease and a retry period', async () => {
    const leaders = new Leaders();
    coordinator('victim', leaders).start();
    await leaders.until(() => leaders.leading('victim').length === 4, 'the first instance leading all four');
    coordinator('heir', leaders).start();
    await leaders.until(() => leaders.leading('heir').length === 2, 'the heir leading its share');
    // Kill: the victim's connection dies without releasing anything or leaving the registry.
    clients[0]!.destroy();
    const killedAt = Date.now();
    await leaders.until(() => leaders.leading('heir').length === 4, 'the heir leading all four');
    expect(Date.now() - killedAt).toBeLessThan(2 * LEASE_MS + 1_000);
    // The victim stopped leading (its renew deadline) before the heir began (the lease's expiry).
    await leaders.until(() => leaders.leading('victim').length === 0, 'the victim standing by');
    leaders.expectOneLeaderAtATime();
  }, 30_000);
});
