import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JSONFile } from 'lowdb/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreAccountError, StoreOpenError, StoreWriteError } from '../../src/store/errors.js';
import { StateStore } from '../../src/store/StateStore.js';
import type { StoreDocument } from '../../src/store/StoreDocument.js';
import { WRITE_CHUNK_CHARS } from '../../src/store/textChunks.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { tempDir } from '../pipeline/pipelineHarness.js';
import { GatedFile } from './GatedFile.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

/** A real JSON file adapter whose next `failures` writes fail with `code`. */
function flakyAdapter(path: string, code: string) {
  const real = new JSONFile<StoreDocument>(path);
  const adapter = {
    failures: 0,
    read: () => real.read(),
    write: async (data: StoreDocument) => {
      if (adapter.failures > 0) {
        adapter.failures -= 1;
        throw Object.assign(new Error(`${code}: simulated`), { code });
      }
      await real.write(data);
    },
  };
  return adapter;
}

describe('StateStore', () => {
  it('creates the file on first open with the watermark at the creation time', async () => {
    const path = join(dir, 'state.json');
    const store = await StateStore.open({ path, createAt: 1_000 });
    expect(store.data).toMatchObject({ version: 3, watermark: 1_000, alertFrom: 1_000, outbox: [], account: null });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(store.data);
    const again = await StateStore.open({ path, createAt: 9_999 });
    expect(again.data.watermark).toBe(1_000);
  });

  it.each([
    ['not JSON', '{"version": 1, "watermark": 17', /not valid JSON/],
    ['JSON null', 'null', /holds no document/],
    ['empty', '', /not valid JSON/],
    ['wrong shape', '{"version": 1, "watermark": "soon"}', /watermark is not a number/],
    ['version not a number', '{"version": "1"}', /unknown version "1"/],
  ])('refuses a corrupt store (%s), names the file, says what to do, and leaves it untouched', async (_, text, why) => {
    const path = join(dir, 'state.json');
    await writeFile(path, text);
    const error = await StateStore.open({ path, createAt: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreOpenError);
    const message = (error as Error).message;
    expect(message).toContain(path);
    expect(message).toMatch(why);
    expect(message).toMatch(/restore it from a backup, or move it aside/i);
    expect(message).toMatch(/forgets the watermark/);
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('rolls the document back and names the cause when a write fails', async () => {
    const path = join(dir, 'state.json');
    const adapter = flakyAdapter(path, 'ENOSPC');
    const store = await StateStore.open({ path, createAt: 1_000, adapter });
    await store.update((d) => {
      d.watermark = 2_000;
    });
    adapter.failures = 1;
    const error = await store
      .update((d) => {
        d.watermark = 3_000;
        d.symbols.push('BTCUSD_PERP');
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreWriteError);
    expect((error as Error).message).toMatch(new RegExp(`${path}: disk full`));
    expect(store.data.watermark).toBe(2_000);
    expect(store.data.symbols).toEqual([]);
    await store.update((d) => {
      d.watermark = 4_000;
    });
    expect(JSON.parse(await readFile(path, 'utf8')).watermark).toBe(4_000);
  });

  it('serialises updates so a failed one never undoes a later one', async () => {
    const path = join(dir, 'state.json');
    const adapter = flakyAdapter(path, 'EACCES');
    const store = await StateStore.open({ path, createAt: 0, adapter });
    adapter.failures = 1;
    const first = store.update((d) => void d.symbols.push('A'));
    const second = store.update((d) => void d.symbols.push('B'));
    await expect(first).rejects.toThrow(/permission denied/);
    await second;
    expect(store.data.symbols).toEqual(['B']);
    expect(JSON.parse(await readFile(path, 'utf8')).symbols).toEqual(['B']);
  });
});

describe('StateStore write path', () => {
  const path = () => join(dir, 'state.json');

  it('writes compact JSON and still reads a pretty-printed file from an older build', async () => {
    const pretty = {
      version: 3,
      watermark: 5_000,
      alertFrom: 1_000,
      seen: { 'cm:1': 4_000 },
      outbox: [],
      symbols: ['BTCUSD_PERP'],
      risk: { level: 'MARGIN_CALL', lastEvent: { time: 4_500, level: 'MARGIN_CALL' }, warnArmed: false, outbox: [] },
      account: 'main',
      digest: { lastDay: '2026-11-25', outbox: [], uniMmrLows: [{ hour: 3_600_000, value: '1.8', time: 3_700_000 }] },
    };
    await writeFile(path(), `${JSON.stringify(pretty, null, 2)}\n`);
    const store = await StateStore.open({ path: path(), createAt: 0 });
    expect(store.data).toEqual(pretty);
    await store.update((d) => {
      d.watermark = 6_000;
    });
    const text = await readFile(path(), 'utf8');
    expect(text).toBe(JSON.stringify({ ...pretty, watermark: 6_000 }));
  });

  it('writes an outbox of several write chunks whole: the text JSON.stringify makes, read back the same', async () => {
    const store = await StateStore.open({ path: path(), createAt: 0 });
    const orders = Array.from({ length: 1_500 }, (_, i) => forceOrderFixture({ orderId: i + 1, updateTime: 10_000 + i }));
    await store.update((d) => {
      d.outbox = orders.map((order) => ({ id: `cm:${order.orderId}`, order, queuedAt: 20_000, deliveredTo: [] }));
    });
    const text = await readFile(path(), 'utf8');
    expect(text.length).toBeGreaterThan(2 * WRITE_CHUNK_CHARS);
    expect(text).toBe(JSON.stringify(store.data));
    expect((await StateStore.open({ path: path(), createAt: 0 })).data).toEqual(store.data);
  });

  it('shows an update only once the file holds it, and never one whose write failed', async () => {
    const file = new GatedFile(path());
    const store = await StateStore.open({ path: path(), createAt: 1_000, adapter: file });
    const held = file.holdNextWrite();
    const update = store.update((d) => {
      d.watermark = 2_000;
      d.symbols.push('BTCUSD_PERP');
    });
    expect((await held.started).watermark).toBe(2_000);
    expect(store.data.watermark).toBe(1_000); // in flight: readers still see what the file holds
    held.release(Object.assign(new Error('ENOSPC: simulated'), { code: 'ENOSPC' }));
    await expect(update).rejects.toBeInstanceOf(StoreWriteError);
    expect(store.data).toMatchObject({ watermark: 1_000, symbols: [] });

    const next = file.holdNextWrite();
    const retried = store.update((d) => {
      d.watermark = 3_000;
    });
    await next.started;
    expect(store.data.watermark).toBe(1_000);
    next.release();
    await retried;
    expect(store.data.watermark).toBe(3_000);
    expect(JSON.parse(await readFile(path(), 'utf8')).watermark).toBe(3_000);
  });

  it('leaves the document as it was when the change itself throws, and writes nothing', async () => {
    const file = new GatedFile(path());
    const store = await StateStore.open({ path: path(), createAt: 1_000, adapter: file });
    const writes = file.writes.length;
    const failure = new Error('bad change');
    await expect(
      store.update((d) => {
        d.watermark = 9_000;
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(store.data.watermark).toBe(1_000);
    expect(file.writes).toHaveLength(writes);
  });

  it('freezes what the file holds, so a change that skips the draft throws instead of leaking past a failed write', async () => {
    const order = forceOrderFixture();
    const store = await StateStore.open({ path: path(), createAt: 1_000 });
    await store.update((d) => {
      d.seen = { 'cm:1': 1_000 };
      d.outbox.push({ id: 'cm:1', order, queuedAt: 1_000, deliveredTo: [], attempts: { slack: { key: 'k', at: 1 } } });
    });
    const stored = store.data.outbox[0];
    if (!stored) throw new Error('the entry was not stored');
    await expect(store.update((d) => void d.outbox[0]?.deliveredTo.push('slack'))).rejects.toThrow(TypeError);
    await expect(
      store.update((d) => {
        d.seen['cm:2'] = 2_000;
      }),
    ).rejects.toThrow(TypeError);
    await expect(
      store.update(() => {
        (stored.attempts ?? {}).slack = { key: 'other', at: 2 };
      }),
    ).rejects.toThrow(TypeError);
    expect(() => (store.data as StoreDocument).symbols.push('X')).toThrow(TypeError);
    expect(store.data.outbox).toEqual([{ id: 'cm:1', order, queuedAt: 1_000, deliveredTo: [], attempts: { slack: { key: 'k', at: 1 } } }]);
    expect(store.data.seen).toEqual({ 'cm:1': 1_000 });
  });
});

describe('StateStore.open for an account', () => {
  const path = () => join(dir, 'state.json');

  it('creates a new store claimed by the account that opens it, and opens it again for that account', async () => {
    await StateStore.open({ path: path(), createAt: 1_000, account: 'desk-a' });
    expect(JSON.parse(await readFile(path(), 'utf8')).account).toBe('desk-a');
    const again = await StateStore.open({ path: path(), createAt: 1_000, account: 'desk-a' });
    expect(again.data.account).toBe('desk-a');
  });

  it('claims a store no account owns yet, in the file, and keeps everything else', async () => {
    const unclaimed = await StateStore.open({ path: path(), createAt: 1_000 });
    await unclaimed.update((d) => void d.symbols.push('BTCUSDT'));
    const claimed = await StateStore.open({ path: path(), createAt: 5_000, account: 'desk-a' });
    expect(claimed.data).toMatchObject({ account: 'desk-a', watermark: 1_000, symbols: ['BTCUSDT'] });
    expect(JSON.parse(await readFile(path(), 'utf8')).account).toBe('desk-a');
  });

  it("refuses another account's store, names the owner and what to fix, and leaves the file untouched", async () => {
    await StateStore.open({ path: path(), createAt: 1_000, account: 'desk-a' });
    const before = await readFile(path(), 'utf8');
    const error = await StateStore.open({ path: path(), createAt: 1_000, account: 'desk-b' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreAccountError);
    expect(error).toMatchObject({ owner: 'desk-a', account: 'desk-b', retryable: false, file: path() });
    expect((error as Error).message).toBe(
      `the forcewatch store ${path()} belongs to account "desk-a", not "desk-b"; each account keeps its own store ` +
        '(its watermark, outbox and digest). The file was left untouched. Give account "desk-b" a store path of its own, ' +
        'or, if "desk-a" was renamed to "desk-b", set the store\'s "account" field to "desk-b" while forcewatch is stopped.',
    );
    expect(await readFile(path(), 'utf8')).toBe(before);
  });

  it('opens an owned store without an account given, and leaves its owner as it is', async () => {
    await StateStore.open({ path: path(), createAt: 1_000, account: 'desk-a' });
    const store = await StateStore.open({ path: path(), createAt: 1_000 });
    expect(store.data.account).toBe('desk-a');
  });
});
