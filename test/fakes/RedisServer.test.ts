import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisServer } from './RedisServer.js';

describe('RedisServer (the real redis-server the HA tests run against)', () => {
  let server: RedisServer | undefined;
  afterEach(async () => {
    await server?.stop();
  });

  it('starts on a free loopback port, answers, and keeps nothing across a restart unless asked', async () => {
    server = await RedisServer.start();
    const client = createClient({ url: server.url() });
    client.on('error', () => {});
    await client.connect();
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');
    client.destroy();
    await server.restart();
    const again = createClient({ url: server.url() });
    again.on('error', () => {});
    await again.connect();
    expect(await again.get('k')).toBeNull();
    again.destroy();
  });
});
