import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JSONFile } from 'lowdb/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/store/StateStore.js';
import type { StoreDocument } from '../../src/store/StoreDocument.js';
import { StoreOpenError } from '../../src/store/StoreOpenError.js';
import { StoreWriteError } from '../../src/store/StoreWriteError.js';
import { tempDir } from '../pipeline/pipelineHarness.js';

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
    expect(store.data).toMatchObject({ version: 1, watermark: 1_000, alertFrom: 1_000, outbox: [] });
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
    await store.update((d) => void (d.watermark = 2_000));
    adapter.failures = 1;
    const error = await store.update((d) => {
      d.watermark = 3_000;
      d.symbols.push('BTCUSD_PERP');
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreWriteError);
    expect((error as Error).message).toMatch(new RegExp(`${path}: disk full`));
    expect(store.data.watermark).toBe(2_000);
    expect(store.data.symbols).toEqual([]);
    await store.update((d) => void (d.watermark = 4_000));
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
