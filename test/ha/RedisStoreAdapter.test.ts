import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FencedOutError } from '../../src/ha/Fence.js';
import { RedisStoreAdapter, RedisStoreVersionError } from '../../src/ha/RedisStoreAdapter.js';
import { StateStore } from '../../src/store/StateStore.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { useRedis } from './useRedis.js';

/** A store as forcewatch wrote it before the schema was versioned. */
const V0_FIXTURE = new URL('../store/fixtures/store-v0.json', import.meta.url);
const PREFIX = 'fw-test:';
const redis = useRedis(PREFIX);

async function openStore(fenceValue = 'i1:1') {
  const fence = await redis.lease('desk-a', fenceValue);
  const adapter = new RedisStoreAdapter({ client: redis.client, prefix: PREFIX, account: 'desk-a', fence, now: () => 1_234 });
  const log = captureLogger();
  const store = await StateStore.open({
    path: `Redis key ${adapter.key}`,
    location: adapter,
    createAt: 1_000,
    account: 'desk-a',
    logger: log.logger,
  });
  return { store, adapter, log };
}

describe('RedisStoreAdapter (the state document in Redis, fenced)', () => {
  it('creates the document and the schema key at open, and a new store reads back what updates wrote', async () => {
    const { store } = await openStore();
    await store.update((draft) => {
      draft.watermark = 5_000;
    });
    expect(await redis.client.get(`${PREFIX}schema`)).toBe('3');
    const again = await openStore();
    expect(again.store.data).toMatchObject({ version: 3, account: 'desk-a', watermark: 5_000, alertFrom: 1_000 });
  });

  it('refuses a write once another instance took the lease: FencedOutError, Redis unchanged, data unchanged', async () => {
    const { store } = await openStore('i1:1');
    const before = await redis.client.get(`${PREFIX}state:desk-a`);
    await redis.lease('desk-a', 'i2:2');
    const write = store.update((draft) => {
      draft.watermark = 9_999;
    });
    await expect(write).rejects.toBeInstanceOf(FencedOutError);
    await expect(write).rejects.toThrow(/desk-a.*no longer holds/);
    expect(await redis.client.get(`${PREFIX}state:desk-a`)).toBe(before);
    expect(store.data.watermark).not.toBe(9_999);
  });

  it('refuses a write with no lease at all (expired): nothing is written', async () => {
    const fence = { leaseKey: `${PREFIX}lease:desk-a`, value: 'i1:1' };
    const adapter = new RedisStoreAdapter({ client: redis.client, prefix: PREFIX, account: 'desk-a', fence });
    await expect(StateStore.open({ path: 'x', location: adapter, createAt: 1 })).rejects.toBeInstanceOf(FencedOutError);
    expect(await redis.client.exists([`${PREFIX}state:desk-a`, `${PREFIX}schema`])).toBe(0);
  });

  it('refuses a Redis store of a newer schema, naming Redis and the key, and writes nothing', async () => {
    await redis.client.set(`${PREFIX}schema`, '4');
    const opening = openStore();
    await expect(opening).rejects.toBeInstanceOf(RedisStoreVersionError);
    await expect(opening).rejects.toThrow(`the forcewatch store in Redis has schema version 4 (key ${PREFIX}schema)`);
    expect(await redis.client.exists([`${PREFIX}state:desk-a`])).toBe(0);
    expect(await redis.client.get(`${PREFIX}schema`)).toBe('4');
  });

  it('never lets an older instance overwrite a store a newer one raised meanwhile', async () => {
    const { store } = await openStore();
    const before = await redis.client.get(`${PREFIX}state:desk-a`);
    await redis.client.set(`${PREFIX}schema`, '4');
    await expect(store.update(() => {})).rejects.toThrow(/schema version 4/);
    expect(await redis.client.get(`${PREFIX}state:desk-a`)).toBe(before);
  });

  it('migrates a store from before the schema was versioned after copying it to <key>:v0.bak', async () => {
    const v0 = await readFile(V0_FIXTURE, 'utf8');
    await redis.client.set(`${PREFIX}state:desk-a`, v0);
    const { store, log } = await openStore();
    expect(store.migration).toMatchObject({ from: 0, to: 3, backup: `${PREFIX}state:desk-a:v0.bak` });
    expect(await redis.client.get(`${PREFIX}state:desk-a:v0.bak`)).toBe(v0);
    const migrated = JSON.parse((await redis.client.get(`${PREFIX}state:desk-a`)) ?? 'null');
    expect(migrated).toMatchObject({ version: 3, watermark: JSON.parse(v0).watermark, account: 'desk-a' });
    expect(await redis.client.get(`${PREFIX}schema`)).toBe('3');
    expect(log.lines.some((line) => line.includes('migrated the store'))).toBe(true);
  });

  it('keeps an earlier, different backup of the same version, and backs up beside it under a timestamped key', async () => {
    const v0 = await readFile(V0_FIXTURE, 'utf8');
    await redis.client.set(`${PREFIX}state:desk-a`, v0);
    await redis.client.set(`${PREFIX}state:desk-a:v0.bak`, '{"an":"older backup"}');
    const { store } = await openStore();
    expect(store.migration?.backup).toBe(`${PREFIX}state:desk-a:v0.1234.bak`);
    expect(await redis.client.get(`${PREFIX}state:desk-a:v0.1234.bak`)).toBe(v0);
    expect(await redis.client.get(`${PREFIX}state:desk-a:v0.bak`)).toBe('{"an":"older backup"}');
  });

  it('refuses a document that is not JSON, leaving it as it is', async () => {
    await redis.client.set(`${PREFIX}state:desk-a`, '{"version":3,');
    await expect(openStore()).rejects.toThrow(/cannot open the forcewatch store Redis key fw-test:state:desk-a: it is not valid JSON/);
    expect(await redis.client.get(`${PREFIX}state:desk-a`)).toBe('{"version":3,');
  });
});
