import { describe, expect, it } from 'vitest';
import { FencedOutError } from '../../src/ha/Fence.js';
import { RedisArchive } from '../../src/ha/RedisArchive.js';
import { DAY_MS } from '../../src/time.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { useRedis } from './useRedis.js';

const PREFIX = 'fw-test:';
const redis = useRedis(PREFIX);
const NOW = Date.UTC(2026, 11, 1);

async function archive(fenceValue = 'i1:1', client = redis.client) {
  const fence = await redis.lease('desk-a', fenceValue);
  const log = captureLogger();
  return new RedisArchive({ client, prefix: PREFIX, account: 'desk-a', fence, archiveDays: 90, now: () => NOW, logger: log.logger });
}

describe('RedisArchive (every order seen, in Redis)', () => {
  it('stores the same order once, however often it is appended, and reads windows by updateTime inclusive', async () => {
    const a = await archive();
    const orders = [1, 2, 3].map((i) => forceOrderFixture({ orderId: i, updateTime: NOW - i * 1_000 }));
    await a.append(orders);
    await a.append([orders[0]!, forceOrderFixture({ orderId: 1, updateTime: NOW - 1_000, market: 'um', symbol: 'BTCUSDT' })]);
    const all = await a.read({ startTime: 0, endTime: NOW });
    expect(all.map((o) => `${o.market}:${o.orderId}`).sort()).toEqual(['cm:1', 'cm:2', 'cm:3', 'um:1']);
    const window = await a.read({ startTime: NOW - 2_000, endTime: NOW - 1_000 });
    expect(window.map((o) => `${o.market}:${o.orderId}`).sort()).toEqual(['cm:1', 'cm:2', 'um:1']);
    expect(window.find((o) => o.orderId === 2)).toEqual(orders[1]);
  });

  it('appends a 2,500-order cascade in slices, every order readable', async () => {
    const a = await archive();
    const orders = Array.from({ length: 2_500 }, (_, i) => forceOrderFixture({ orderId: i, updateTime: NOW - i }));
    await a.append(orders);
    expect((await a.read({ startTime: NOW - 10_000, endTime: NOW })).length).toBe(2_500);
  });

  it('compacts away orders older than archiveDays, keeping the one exactly at the cutoff', async () => {
    const a = await archive();
    const cutoff = NOW - 90 * DAY_MS;
    await a.append([
      forceOrderFixture({ orderId: 1, updateTime: cutoff - 1 }),
      forceOrderFixture({ orderId: 2, updateTime: cutoff }),
      forceOrderFixture({ orderId: 3, updateTime: NOW }),
    ]);
    expect(await a.compact()).toEqual({ dropped: 1 });
    expect((await a.read({ startTime: 0, endTime: NOW })).map((o) => o.orderId).sort()).toEqual([2, 3]);
    expect(await redis.client.hExists(`${PREFIX}archive:desk-a`, 'cm:1')).toBe(0);
  });

  it('refuses appends and compactions after another instance took the lease, while a standby still reads', async () => {
    const a = await archive('i1:1');
    await a.append([forceOrderFixture({ orderId: 1, updateTime: NOW - 100 * DAY_MS })]);
    await redis.lease('desk-a', 'i2:2');
    await expect(a.append([forceOrderFixture({ orderId: 2, updateTime: NOW })])).rejects.toBeInstanceOf(FencedOutError);
    await expect(a.compact()).rejects.toBeInstanceOf(FencedOutError);
    const standby = await archive('i3:3', await redis.connect());
    await redis.lease('desk-a', 'i2:2');
    expect((await standby.read({ startTime: 0, endTime: NOW })).map((o) => o.orderId)).toEqual([1]);
  });
});
