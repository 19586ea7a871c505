import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Fence, FencedOutError } from '../../src/ha/Fence.js';
import { fencedEval } from '../../src/ha/fencedEval.js';
import { AccountLease, LEASE_DURATION_DEFAULT_MS, leaseTimings } from '../../src/ha/Lease.js';
import type { RedisClient } from '../../src/ha/redisClient.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { RedisServer } from '../fakes/RedisServer.js';
import { readyRedisClient } from './readyRedisClient.js';

const LEASE_MS = 10_000;
const { renewDeadlineMs } = leaseTimings(LEASE_MS);

/** The token in a lease's value `<instanceId>:<token>`. */
function token(fence: Fence | undefined): number {
  return Number(fence?.value.split(':').at(-1));
}

describe('lease timings (client-go: LeaseDuration > RenewDeadline > RetryPeriod)', () => {
  it('renews every quarter of the lease and stops leading at two thirds of it', () => {
    expect(leaseTimings(LEASE_DURATION_DEFAULT_MS)).toEqual({ leaseMs: 10_000, renewDeadlineMs: 6_666, retryPeriodMs: 2_500 });
    expect(() => leaseTimings(0)).toThrow(/whole number of ms/);
  });
});

describe('AccountLease (one account, SET NX PX with a fencing token)', () => {
  let server: RedisServer;
  let client: RedisClient;
  const clock = new FakeClock();
  let prefix = 't0:';
  const lease = (instanceId: string) => new AccountLease({ client, prefix, account: 'main', instanceId, leaseMs: LEASE_MS, clock });
  beforeAll(async () => {
    server = await RedisServer.start();
    client = await readyRedisClient(server.url());
  });
  afterEach(() => {
    prefix = `t${Number(prefix.slice(1, -1)) + 1}:`;
  });
  afterAll(async () => {
    client.destroy();
    await server.stop();
  });

  it('goes to one instance at a time, as `<instanceId>:<token>` with a full lease in Redis', async () => {
    const a = lease('a');
    const b = lease('b');
    const fence = await a.tryAcquire();
    expect(fence).toEqual({ leaseKey: `${prefix}lease:main`, value: expect.stringMatching(/^a:\d+$/) });
    expect(await b.tryAcquire()).toBeUndefined();
    expect(await client.get(`${prefix}lease:main`)).toBe(fence?.value);
    expect(await client.pTTL(`${prefix}lease:main`)).toBeGreaterThan(LEASE_MS - 1_000);
    expect(b.isHeld()).toBe(false);
  });

  it('counts itself held only until the last renewal START plus the renew deadline, and renewing restores the full PX', async () => {
    const a = lease('a');
    const acquiring = a.tryAcquire();
    clock.jump(100);
    await acquiring;
    await clock.advance(renewDeadlineMs - 101);
    expect(a.isHeld()).toBe(true);
    await clock.advance(1);
    expect(a.isHeld()).toBe(false);
    await client.pExpire(`${prefix}lease:main`, 50);
    const renewStart = clock.now();
    const renewing = a.renew();
    clock.jump(1_000); // the reply took a second: the deadline still counts from the start
    expect(await renewing).toBe(true);
    expect(await client.pTTL(`${prefix}lease:main`)).toBeGreaterThan(LEASE_MS - 1_000);
    expect(a.heldUntil).toBe(renewStart + renewDeadlineMs);
    expect(a.isHeld()).toBe(true);
  });

  it('gives a successor a higher token; the old holder can neither renew, nor release, nor write', async () => {
    const a = lease('a');
    const b = lease('b');
    const old = await a.tryAcquire();
    await client.del(`${prefix}lease:main`); // a's lease expired (a was paused past it)
    const successor = await b.tryAcquire();
    expect(token(successor)).toBeGreaterThan(token(old));
    await client.set(`${prefix}state:main`, 'successor');
    const staleWrite = fencedEval(client, old as Fence, 'the state write', "return redis.call('SET', KEYS[1], ARGV[1])", {
      keys: [`${prefix}state:main`],
      args: ['stale'],
    });
    await expect(staleWrite).rejects.toThrow(FencedOutError);
    expect(await client.get(`${prefix}state:main`)).toBe('successor');
    expect(await a.renew()).toBe(false);
    expect(a.isHeld()).toBe(false);
    expect(await a.release()).toBe(false);
    expect(await client.get(`${prefix}lease:main`)).toBe(successor?.value);
  });

  it('is handed over at once by release', async () => {
    const a = lease('a');
    const b = lease('b');
    await a.tryAcquire();
    expect(await a.release()).toBe(true);
    expect(a.isHeld()).toBe(false);
    expect(await b.tryAcquire()).toBeDefined();
  });

  it('keeps tokens growing across a Redis restart that lost the fence counter (no persistence)', async () => {
    const a = lease('a');
    const first = await a.tryAcquire();
    await a.release();
    const second = await a.tryAcquire();
    expect(token(second)).toBe(token(first) + 1);
    await server.restart();
    await new Promise((resolve) => client.once('ready', resolve));
    expect(await client.exists(`${prefix}fence:main`)).toBe(0);
    expect(await a.renew()).toBe(false);
    const afterRestart = await lease('b').tryAcquire();
    expect(token(afterRestart)).toBeGreaterThan(token(second));
  });
});
