import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkRedis } from '../../src/doctor/redisChecks.js';
import { STORE_SCHEMA_VERSION } from '../../src/store/StoreDocument.js';
import { RedisServer } from '../fakes/RedisServer.js';

const PASSWORD = 'doctorRedisPassword123';
const ha = (url: string) => ({ redisUrl: url, leaseMs: 10_000, prefix: 'fw:', ipGroup: 'default' });

describe('the doctor’s Redis checks (REDIS_URL)', () => {
  let redis: RedisServer;
  beforeEach(async () => {
    redis = await RedisServer.start({ password: PASSWORD });
  });
  afterEach(() => redis.stop());

  it('says Redis answers, the store is new, and who leads each account', async () => {
    const client = createClient({ url: redis.url(PASSWORD) });
    await client.connect();
    await client.set('fw:lease:desk-a', 'host-1-4242-abcd1234:1795000000000', { PX: 10_000 });
    await client.set('fw:state:desk-a', '{}');
    client.destroy();
    const results = await checkRedis(ha(redis.url(PASSWORD)), ['desk-a', 'desk-b']);
    expect(results.map((r) => [r.name, r.ok, r.detail])).toEqual([
      ['redis', true, 'reachable (REDIS_URL)'],
      [
        'redis: persistence',
        false,
        'appendonly is off: a Redis restart forgets every lease and watermark, and the force orders of the outage are never alerted',
      ],
      ['redis: store', true, 'empty under fw:: the first leader creates it'],
      ['redis: desk-a', true, 'led by instance host-1-4242-abcd1234; its state is in Redis'],
      ['redis: desk-b', true, 'no instance leads it now; no state in Redis yet'],
    ]);
  });

  it('fails on a store a newer forcewatch wrote, and on a Redis it cannot reach, never showing the password', async () => {
    const client = createClient({ url: redis.url(PASSWORD) });
    await client.connect();
    await client.set('fw:schema', String(STORE_SCHEMA_VERSION + 1));
    client.destroy();
    const newer = await checkRedis(ha(redis.url(PASSWORD)), []);
    expect(newer.find((r) => r.name === 'redis: store')).toMatchObject({ ok: false });
    const wrong = await checkRedis(ha(redis.url('notThePassword')), ['desk-a']);
    expect(wrong).toHaveLength(1);
    expect(wrong[0]).toMatchObject({ name: 'redis', ok: false });
    expect(JSON.stringify(wrong)).not.toContain('notThePassword');
    await redis.stop();
    const down = await checkRedis(ha(redis.url(PASSWORD)), ['desk-a']);
    expect(down[0]!.detail).toMatch(/^cannot be reached/);
    expect(JSON.stringify(down)).not.toContain(PASSWORD);
  });

  it('says nothing of persistence when Redis keeps an append-only file', async () => {
    await redis.stop();
    const dir = await mkdtemp(join(tmpdir(), 'fw-redis-'));
    const persistent = await RedisServer.start({ persist: { dir } });
    try {
      const results = await checkRedis(ha(persistent.url()), []);
      expect(results.map((r) => r.name)).toEqual(['redis', 'redis: store']);
    } finally {
      await persistent.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
