import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisClient, type RedisClient } from '../../src/ha/redisClient.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { RedisServer } from '../fakes/RedisServer.js';

describe('createRedisClient (REDIS_URL to a client that survives Redis going away)', () => {
  let server: RedisServer | undefined;
  let client: RedisClient | undefined;
  afterEach(async () => {
    client?.destroy();
    client = undefined;
    await server?.stop();
    server = undefined;
  });

  it('connects with a password in the URL and never prints the URL or the password', async () => {
    const password = 'p@ss/word-that-is-long';
    server = await RedisServer.start({ password });
    const { logger, lines } = captureLogger();
    const url = server.url(password);
    client = createRedisClient(url, logger);
    await once(client, 'ready');
    expect(client.isReady).toBe(true);
    expect(await client.ping()).toBe('PONG');
    await server.stop();
    await once(client, 'error');
    logger.error('a line that would leak', { url, password });
    const output = lines.join('\n');
    expect(output).toContain('Redis is unreachable');
    expect(output).not.toContain(password);
    expect(output).not.toContain(encodeURIComponent(password));
    expect(output).not.toContain(url);
  });

  it('stays up while Redis is down: commands fail at once, the outage is logged once, and it reconnects when Redis is back', async () => {
    server = await RedisServer.start();
    await server.stop();
    const { logger, lines } = captureLogger('info');
    client = createRedisClient(server.url(), logger);
    for (let failures = 0; failures < 3; failures += 1) await once(client, 'error');
    expect(client.isReady).toBe(false);
    await expect(client.get('k')).rejects.toThrow();
    expect(lines.filter((line) => line.includes('Redis is unreachable'))).toHaveLength(1);
    await server.restart();
    await once(client, 'ready');
    expect(client.isReady).toBe(true);
    expect(await client.set('k', 'v')).toBe('OK');
    expect(lines.some((line) => line.includes('Redis is reachable again'))).toBe(true);
  });

  it.each(['http://127.0.0.1:6379', 'not a url with secret-password-in-it'])('refuses %s without repeating it', (url) => {
    let message = '';
    try {
      createRedisClient(url, captureLogger().logger);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^REDIS_URL is not valid \(value not shown: it may hold a password\): expected redis:\/\//);
    expect(message).not.toContain(url);
  });

  it('refuses a badly percent-encoded password with what to do', () => {
    expect(() => createRedisClient('redis://:bad%zzpassword@127.0.0.1:1', captureLogger().logger)).toThrow(
      /percent-encoded password: encode it/,
    );
  });
});
