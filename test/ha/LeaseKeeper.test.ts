import { EventEmitter, once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fence, FencedOutError } from '../../src/ha/Fence.js';
import { fencedEval } from '../../src/ha/fencedEval.js';
import { AccountLease, type LeadershipCallbacks, LeaseKeeper, leaseTimings } from '../../src/ha/Lease.js';
import type { RedisClient } from '../../src/ha/redisClient.js';
import type { Clock } from '../../src/time.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { RedisServer } from '../fakes/RedisServer.js';
import { readyRedisClient } from './readyRedisClient.js';

// Real time where Redis's own PX expiry is what is tested: the shortest lease HA_LEASE_MS accepts.
const LEASE_MS = 1_000;
const { renewDeadlineMs, retryPeriodMs } = leaseTimings(LEASE_MS);
/** Room for the loopback round trips and a busy event loop on shared cores. */
const SLACK_MS = 250;
const STATE_WRITE = "return redis.call('SET', KEYS[1], ARGV[1])";

/** Every term start and end of every keeper, in the order they happened, with the time (ms since epoch). */
type TimelineEntry = { who: string; kind: 'started' | 'stopped'; at: number; detail: string };

/** A keeper's callbacks that record its terms and let a test wait for the n-th start or stop. */
class Terms extends EventEmitter implements LeadershipCallbacks {
  readonly fences: Fence[] = [];
  readonly reasons: string[] = [];

  constructor(
    readonly who: string,
    private readonly timeline: TimelineEntry[],
  ) {
    super();
  }

  onStartedLeading(fence: Fence): void {
    this.fences.push(fence);
    this.timeline.push({ who: this.who, kind: 'started', at: Date.now(), detail: fence.value });
    this.emit('change');
  }

  onStoppedLeading(reason: string): void {
    this.reasons.push(reason);
    this.timeline.push({ who: this.who, kind: 'stopped', at: Date.now(), detail: reason });
    this.emit('change');
  }

  /** Resolves once `n` terms have started (or, with `stopped`, ended). */
  async count(n: number, kind: 'started' | 'stopped' = 'started'): Promise<void> {
    const list = kind === 'started' ? this.fences : this.reasons;
    while (list.length < n) await once(this, 'change');
  }
}

/** Fails unless each keeper's terms alternate start/stop and no two keepers' terms overlap. */
function expectOneLeaderAtATime(timeline: readonly TimelineEntry[]): void {
  let leader: string | undefined;
  for (const entry of timeline) {
    if (entry.kind === 'started') {
      expect(leader, `${entry.who} started while ${leader} still led`).toBeUndefined();
      leader = entry.who;
    } else {
      expect(leader, `${entry.who} stopped without leading`).toBe(entry.who);
      leader = undefined;
    }
  }
}

/** A promise the test resolves when it chooses. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

function tokenOf(fence: Fence | undefined): number {
  return Number(fence?.value.split(':').at(-1));
}

describe('LeaseKeeper (one leader per account, terms that end before the lease can expire)', () => {
  let server: RedisServer | undefined;
  const clients: RedisClient[] = [];
  const keepers: LeaseKeeper[] = [];
  const timeline: TimelineEntry[] = [];

  afterEach(async () => {
    await Promise.all(keepers.splice(0).map((keeper) => keeper.stop()));
    for (const client of clients.splice(0)) if (client.isOpen) client.destroy();
    await server?.stop();
    server = undefined;
    timeline.length = 0;
  });

  /** An instance: its own client, lease and keeper on account `main`, started. */
  async function instance(who: string, clock?: Clock) {
    server ??= await RedisServer.start();
    const client = await readyRedisClient(server.url());
    clients.push(client);
    const lease = new AccountLease({ client, prefix: 'fw:', account: 'main', instanceId: who, leaseMs: LEASE_MS, clock });
    const terms = new Terms(who, timeline);
    const keeper = new LeaseKeeper(lease, terms, captureLogger().logger);
    keepers.push(keeper);
    keeper.start();
    return { client, lease, terms, keeper };
  }

  it('lets exactly one of two instances lead, term after term (both on one fake clock)', async () => {
    const clock = new FakeClock();
    const a = await instance('a', clock);
    const b = await instance('b', clock);
    await clock.untilSleeping(2);
    const [leader, standby] = a.keeper.isLeading ? [a, b] : [b, a];
    expect(leader.keeper.isLeading).toBe(true);
    expect(standby.keeper.isLeading).toBe(false);
    for (let period = 0; period < 12; period += 1) {
      await clock.advance(retryPeriodMs);
      await clock.untilSleeping(2);
      expect(leader.keeper.isLeading).toBe(true);
      expect(standby.keeper.isLeading).toBe(false);
    }
    expect(standby.terms.fences).toEqual([]);
    expect(leader.terms.fences).toHaveLength(1);
    expect(leader.terms.reasons).toEqual([]);
  });

  it('hands over when the leader dies: the successor leads within the lease plus a retry period, with a higher token, after the dead one stopped', async () => {
    const a = await instance('a');
    await a.terms.count(1);
    const b = await instance('b');
    const killedAt = Date.now();
    a.client.destroy(); // the leader's process is gone: no renewal, no release
    await b.terms.count(1);
    const tookOver = Date.now() - killedAt;
    expect(tookOver).toBeLessThan(LEASE_MS + retryPeriodMs + SLACK_MS);
    expect(tokenOf(b.terms.fences[0])).toBeGreaterThan(tokenOf(a.terms.fences[0]));
    expect(a.terms.reasons[0]).toMatch(/could not be renewed within its renew deadline/);
    expectOneLeaderAtATime(timeline);
  });

  it('ends the term at the renew deadline when Redis goes away, before Redis could expire the lease, and leads again when Redis is back', async () => {
    const a = await instance('a');
    await a.terms.count(1);
    let lastRenewalStart = 0;
    a.terms.once('change', () => {
      lastRenewalStart = (a.lease.heldUntil ?? 0) - renewDeadlineMs;
    });
    await server?.stop();
    await a.terms.count(1, 'stopped');
    const stoppedAt = timeline.find((entry) => entry.kind === 'stopped')?.at ?? 0;
    expect(a.keeper.isLeading).toBe(false);
    expect(a.terms.reasons[0]).toMatch(new RegExp(`within its renew deadline of ${renewDeadlineMs} ms`));
    expect(stoppedAt).toBeGreaterThanOrEqual(lastRenewalStart + renewDeadlineMs);
    expect(stoppedAt).toBeLessThan(lastRenewalStart + LEASE_MS);
    await server?.restart(); // no persistence: the lease and the fence counter are gone
    await a.terms.count(2);
    expect(tokenOf(a.terms.fences[1])).toBeGreaterThan(tokenOf(a.terms.fences[0]));
    expectOneLeaderAtATime(timeline);
  });

  it('ends the term exactly at the renew deadline when every renewal fails (fake clock)', async () => {
    const clock = new FakeClock();
    const a = await instance('a', clock);
    await a.terms.count(1);
    const acquiredAt = clock.now();
    await clock.untilSleeping(1);
    await server?.stop();
    for (const step of [retryPeriodMs, retryPeriodMs, renewDeadlineMs - 2 * retryPeriodMs - 1]) {
      await clock.advance(step);
      await clock.untilSleeping(1);
    }
    expect(clock.now()).toBe(acquiredAt + renewDeadlineMs - 1);
    expect(a.keeper.isLeading).toBe(true);
    expect(a.terms.reasons).toEqual([]);
    await clock.advance(1);
    await clock.untilSleeping(1);
    expect(a.keeper.isLeading).toBe(false);
    expect(a.terms.reasons).toEqual([
      `the lease could not be renewed within its renew deadline of ${renewDeadlineMs} ms (The client is offline)`,
    ]);
  });

  it('awaits each callback in turn: a stop during a slow start waits for it, and the lease stays until onStoppedLeading returns', async () => {
    server = await RedisServer.start();
    const client = await readyRedisClient(server.url());
    clients.push(client);
    const lease = new AccountLease({ client, prefix: 'fw:', account: 'main', instanceId: 'a', leaseMs: LEASE_MS });
    const [entered, startGate, stopEntered, stopGate] = [gate(), gate(), gate(), gate()];
    const calls: string[] = [];
    const keeper = new LeaseKeeper(
      lease,
      {
        onStartedLeading: async (fence) => {
          calls.push(`start ${fence.value}`);
          entered.open();
          await startGate.promise;
          calls.push('start done');
        },
        onStoppedLeading: async (reason) => {
          calls.push(`stop: ${reason}`);
          stopEntered.open();
          await stopGate.promise;
          calls.push('stop done');
        },
      },
      captureLogger().logger,
    );
    keeper.start();
    await entered.promise;
    const stopping = keeper.stop();
    for (let turn = 0; turn < 3; turn += 1) await new Promise(setImmediate); // room to misbehave: stop must wait
    expect(calls).toHaveLength(1);
    startGate.open();
    await stopEntered.promise;
    const value = await client.get('fw:lease:main');
    expect(calls).toEqual([`start ${value}`, 'start done', 'stop: this instance is stopping']);
    stopGate.open();
    await stopping;
    expect(calls.at(-1)).toBe('stop done');
    expect(await client.exists('fw:lease:main')).toBe(0);
  });

  it('hands over at once on release (stop), well before the lease would have expired', async () => {
    const a = await instance('a');
    await a.terms.count(1);
    const b = await instance('b');
    const stoppedAt = Date.now();
    await a.keeper.stop();
    expect(a.terms.reasons).toEqual(['this instance is stopping']);
    await b.terms.count(1);
    expect(Date.now() - stoppedAt).toBeLessThan(retryPeriodMs + SLACK_MS);
    expectOneLeaderAtATime(timeline);
  });

  it('refuses every write of a paused leader after its successor took over, and the leader stops as soon as it runs again', async () => {
    const paused = new FakeClock(Date.now()); // its time stands still: SIGSTOP
    const a = await instance('a', paused);
    await a.terms.count(1);
    const b = await instance('b');
    await b.terms.count(1); // Redis expired a's lease (PX) in real time
    await b.client.set('fw:state:main', 'successor');
    paused.jump(5 * LEASE_MS); // SIGCONT: its clock reads the time that passed
    expect(a.keeper.isLeading).toBe(false);
    const write = fencedEval(a.client, a.terms.fences[0] as Fence, 'the state write', STATE_WRITE, {
      keys: ['fw:state:main'],
      args: ['stale'],
    });
    await expect(write).rejects.toThrow(FencedOutError);
    expect(await b.client.get('fw:state:main')).toBe('successor');
    await paused.advance(0); // its timers fire
    await a.terms.count(1, 'stopped');
    expect(a.terms.reasons[0]).toMatch(/renew deadline/);
    expect(await b.client.get('fw:lease:main')).toBe(b.terms.fences[0]?.value);
    expect(b.keeper.isLeading).toBe(true);
  });

  // A restart without persistence forgets the lease at once, so the standby may take it while the old
  // leader still counts itself leader (until its next renewal, a retry period at most): the two terms
  // overlap for that long, and only the fence keeps the old one from committing. Persistence avoids it.
  it("re-elects after a Redis restart that lost the lease; the old term's writes are refused and it ends at its next renewal", async () => {
    const a = await instance('a');
    await a.terms.count(1);
    const b = await instance('b');
    await server?.restart();
    const first = await Promise.race([a.terms.count(2).then(() => a), b.terms.count(1).then(() => b)]);
    expect(tokenOf(first.terms.fences.at(-1))).toBeGreaterThan(tokenOf(a.terms.fences[0]));
    const write = fencedEval(first.client, a.terms.fences[0] as Fence, 'the state write', STATE_WRITE, {
      keys: ['fw:state:main'],
      args: ['stale'],
    });
    await expect(write).rejects.toThrow(FencedOutError);
    expect(await first.client.get('fw:state:main')).toBeNull();
    await a.terms.count(1, 'stopped');
    expect(a.terms.reasons[0]).toBe("the lease is no longer this instance's (it expired or another instance took it)");
  });
});
