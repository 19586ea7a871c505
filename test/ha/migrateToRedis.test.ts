import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToRedis } from '../../src/ha/migrateToRedis.js';
import { RedisArchive } from '../../src/ha/RedisArchive.js';
import { ForceOrderArchive } from '../../src/store/ForceOrderArchive.js';
import { ProcessLock } from '../../src/store/ProcessLock.js';
import { StateStore } from '../../src/store/StateStore.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { useRedis } from './useRedis.js';

const PREFIX = 'fw-test:';
const redis = useRedis(PREFIX);
const NOW = Date.UTC(2026, 11, 1);
const log = captureLogger();

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'forcewatch-migrate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A real lowdb store with a watermark and one queued alert, and its archive of three orders (one line twice). */
async function filesOf(account: string) {
  const storePath = join(dir, `${account}.json`);
  const archivePath = join(dir, `${account}.archive.jsonl`);
  const store = await StateStore.open({ path: storePath, createAt: NOW - 60_000, account, logger: log.logger });
  const orders = [1, 2, 3].map((i) => forceOrderFixture({ orderId: i, updateTime: NOW - i * 1_000 }));
  await store.update((draft) => {
    draft.watermark = NOW;
    draft.outbox.push({ id: 'cm:1', order: orders[0]!, queuedAt: NOW, deliveredTo: ['slack'] });
  });
  const archive = new ForceOrderArchive({ path: archivePath, now: () => NOW, logger: log.logger });
  await archive.append([...orders, orders[0]!]);
  return { account, storePath, archivePath };
}

async function filesAsTheyAre(paths: string[]) {
  return Promise.all(paths.map(async (p) => ({ text: await readFile(p, 'utf8'), mtimeMs: (await stat(p)).mtimeMs })));
}

describe('migrateToRedis (npm run migrate-to-redis)', () => {
  it('copies each account store and archive into Redis, leaving the files exactly as they were', async () => {
    const sources = [await filesOf('desk-a'), await filesOf('desk-b')];
    const paths = sources.flatMap((s) => [s.storePath, s.archivePath]);
    const before = await filesAsTheyAre(paths);
    const { results, exitCode } = await migrateToRedis({ client: redis.client, prefix: PREFIX, sources, now: () => NOW });
    expect(results).toEqual([
      { account: 'desk-a', ok: true, orders: 3 },
      { account: 'desk-b', ok: true, orders: 3 },
    ]);
    expect(exitCode).toBe(0);
    const file = JSON.parse(await readFile(sources[0]!.storePath, 'utf8'));
    expect(JSON.parse((await redis.client.get(`${PREFIX}state:desk-a`)) ?? 'null')).toEqual(file);
    expect(await redis.client.get(`${PREFIX}schema`)).toBe('3');
    const archive = new RedisArchive({
      client: redis.client,
      prefix: PREFIX,
      account: 'desk-b',
      fence: { leaseKey: 'none', value: '' },
      now: () => NOW,
      logger: log.logger,
    });
    expect((await archive.read({ startTime: 0, endTime: NOW })).map((o) => o.orderId).sort()).toEqual([1, 2, 3]);
    expect(await redis.client.exists([`${PREFIX}lease:desk-a`, `${PREFIX}lease:desk-b`])).toBe(0); // released
    expect(await filesAsTheyAre(paths)).toEqual(before);
  });

  it('refuses an account whose Redis store is not empty, naming the keys and how to clear them, and writes nothing', async () => {
    const source = await filesOf('desk-a');
    await redis.client.hSet(`${PREFIX}archive:desk-a`, 'cm:9', '{}');
    const { results, exitCode } = await migrateToRedis({ client: redis.client, prefix: PREFIX, sources: [source], now: () => NOW });
    expect(exitCode).toBe(1);
    expect(results[0]).toMatchObject({ ok: false, problem: expect.stringContaining(`Redis already holds ${PREFIX}archive:desk-a`) });
    expect(results[0]).toMatchObject({ problem: expect.stringContaining(`redis-cli DEL ${PREFIX}state:desk-a ${PREFIX}archive:desk-a`) });
    expect(await redis.client.exists([`${PREFIX}state:desk-a`])).toBe(0);
  });

  it('refuses to run twice: the second run finds the first copy', async () => {
    const source = await filesOf('desk-a');
    await migrateToRedis({ client: redis.client, prefix: PREFIX, sources: [source], now: () => NOW });
    const second = await migrateToRedis({ client: redis.client, prefix: PREFIX, sources: [source], now: () => NOW });
    expect(second.exitCode).toBe(1);
    expect(second.results[0]).toMatchObject({ problem: expect.stringContaining(`Redis already holds ${PREFIX}state:desk-a`) });
  });

  it('refuses while an instance leads the account, or the store is missing, and still copies the others', async () => {
    const led = await filesOf('desk-a');
    const free = await filesOf('desk-b');
    await redis.lease('desk-a', 'i1:1');
    const missing = { account: 'desk-c', storePath: join(dir, 'nope.json'), archivePath: join(dir, 'nope.archive.jsonl') };
    const { results, exitCode } = await migrateToRedis({
      client: redis.client,
      prefix: PREFIX,
      sources: [led, missing, free],
      now: () => NOW,
    });
    expect(exitCode).toBe(1);
    expect(results.map((r) => r.ok)).toEqual([false, false, true]);
    expect(results[0]).toMatchObject({ problem: expect.stringContaining('a forcewatch instance leads account "desk-a"') });
    expect(results[1]).toMatchObject({ problem: expect.stringContaining(`there is no store file ${missing.storePath}`) });
    expect(await redis.client.get(`${PREFIX}lease:desk-a`)).toBe('i1:1');
    expect(await redis.client.exists([`${PREFIX}state:desk-a`, `${PREFIX}archive:desk-a`])).toBe(0);
  });

  it('refuses a store a running forcewatch holds (its lock file), leaving Redis empty', async () => {
    const source = await filesOf('desk-a');
    const lock = await ProcessLock.acquire({ path: `${source.storePath}.lock`, logger: log.logger });
    try {
      const { results } = await migrateToRedis({ client: redis.client, prefix: PREFIX, sources: [source], now: () => NOW });
      expect(results[0]).toMatchObject({
        ok: false,
        problem: `forcewatch (pid ${process.pid}) is running on ${source.storePath}: stop it first, then migrate`,
      });
      expect(await redis.client.exists([`${PREFIX}state:desk-a`, `${PREFIX}archive:desk-a`])).toBe(0);
    } finally {
      await lock.release();
    }
  });

  it('migrates an older store in Redis only: the file stays at its old schema as the backup', async () => {
    const storePath = join(dir, 'old.json');
    const v0 = await readFile(new URL('../store/fixtures/store-v0.json', import.meta.url), 'utf8');
    await writeFile(storePath, v0);
    const source = { account: 'desk-a', storePath, archivePath: join(dir, 'old.archive.jsonl') };
    const { results } = await migrateToRedis({ client: redis.client, prefix: PREFIX, sources: [source], now: () => NOW });
    expect(results).toEqual([{ account: 'desk-a', ok: true, orders: 0, migratedFrom: 0 }]);
    expect(JSON.parse((await redis.client.get(`${PREFIX}state:desk-a`)) ?? 'null')).toMatchObject({ version: 3, account: 'desk-a' });
    expect(await readFile(storePath, 'utf8')).toBe(v0);
  });
});
