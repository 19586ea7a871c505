import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fence, FencedOutError } from '../../src/ha/Fence.js';
import { fencedEval } from '../../src/ha/fencedEval.js';
import type { RedisClient } from '../../src/ha/redisClient.js';
import { RedisServer } from '../fakes/RedisServer.js';
import { readyRedisClient } from './readyRedisClient.js';

const WRITE = "redis.call('SET', KEYS[1], ARGV[1]); return #KEYS * 100 + #ARGV";

describe('fencedEval (every account write checks the lease first)', () => {
  let server: RedisServer;
  let client: RedisClient;
  beforeAll(async () => {
    server = await RedisServer.start();
    client = await readyRedisClient(server.url());
  });
  afterAll(async () => {
    client.destroy();
    await server.stop();
  });

  const fence: Fence = { leaseKey: 't:lease:main', value: 'a:7' };

  it("runs the script while the fence holds, with the caller's own KEYS and ARGV", async () => {
    await client.set(fence.leaseKey, fence.value);
    const reply = await fencedEval(client, fence, 'the test write', WRITE, { keys: ['t:state:main', 'unused'], args: ['{"v":1}'] });
    expect(reply).toBe(201);
    expect(await client.get('t:state:main')).toBe('{"v":1}');
  });

  it('refuses a write whose fence no longer holds (FencedOutError) and changes nothing', async () => {
    await client.set(fence.leaseKey, 'b:8');
    await client.set('t:state:main', 'before');
    const write = fencedEval(client, fence, 'the state write of account main', WRITE, { keys: ['t:state:main'], args: ['after'] });
    await expect(write).rejects.toThrow(FencedOutError);
    await expect(write).rejects.toThrow(/^the state write of account main was refused/);
    expect(await client.get('t:state:main')).toBe('before');
    await client.del(fence.leaseKey);
    await expect(fencedEval(client, fence, 'a write without a lease', WRITE, { keys: ['t:state:main'], args: ['after'] })).rejects.toThrow(
      FencedOutError,
    );
    expect(await client.get('t:state:main')).toBe('before');
  });

  it("passes any other error on as it came (a script's own error is not a fence failure)", async () => {
    await client.set(fence.leaseKey, fence.value);
    const broken = fencedEval(client, fence, 'a broken write', "return redis.call('NOSUCHCOMMAND')");
    await expect(broken).rejects.toThrow(/Unknown Redis command/i);
    await expect(broken).rejects.not.toThrow(FencedOutError);
  });

  it('takes more arguments than Lua can unpack (a large archive append)', async () => {
    await client.set(fence.leaseKey, fence.value);
    const args = Array.from({ length: 20_000 }, (_, i) => `order-${i}`);
    const reply = await fencedEval(client, fence, 'the archive append', 'return {#ARGV, ARGV[1], ARGV[#ARGV]}', { args });
    expect(reply).toEqual([20_000, 'order-0', 'order-19999']);
  });
});
