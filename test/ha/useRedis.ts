import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Fence } from '../../src/ha/Fence.js';
import { RedisServer } from '../fakes/RedisServer.js';

/** What `useRedis` gives each test: the server, a connected client, and a lease to write under. */
export interface RedisContext {
  server: RedisServer;
  client: ReturnType<typeof createClient>;
  /** A connected client of the server (closed after the file's tests). */
  connect(): Promise<ReturnType<typeof createClient>>;
  /** Writes `value` as the account's lease, as a take-over does, and returns its fence. */
  lease(account: string, value: string): Promise<Fence>;
}

/** Starts one real redis-server for a test file and empties it before each test. */
export function useRedis(prefix: string): RedisContext {
  const clients: ReturnType<typeof createClient>[] = [];
  const context = {
    async connect() {
      const client = createClient({ url: context.server.url() });
      client.on('error', () => {});
      await client.connect();
      clients.push(client);
      return client;
    },
    async lease(account: string, value: string) {
      const leaseKey = `${prefix}lease:${account}`;
      await context.client.set(leaseKey, value);
      return { leaseKey, value };
    },
  } as RedisContext;
  beforeAll(async () => {
    context.server = await RedisServer.start();
    context.client = await context.connect();
  });
  beforeEach(async () => {
    await context.client.flushAll();
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await context.server.stop();
  });
  return context;
}
