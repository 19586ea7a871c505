import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UniMmrLows } from '../../src/pipeline/UniMmrLows.js';
import { StateStore } from '../../src/store/StateStore.js';
import { UNIMMR_LOW_HOURS } from '../../src/store/StoreDocument.js';
import { HOUR_MS, MINUTE_MS } from '../../src/time.js';
import { tempDir } from './pipelineHarness.js';

/** The digest's uniMMR record over a real store file. */
describe('UniMmrLows', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let store: StateStore;
  const path = () => join(dir.dir, 'state.json');
  const t0 = Date.parse('2026-11-25T00:00:00Z');

  beforeEach(async () => {
    dir = await tempDir();
    store = await StateStore.open({ path: path(), createAt: 0 });
  });
  afterEach(() => dir.cleanup());

  it('keeps the lowest of each hour, and the window asks exactly its own hours', async () => {
    const lows = new UniMmrLows(store, 0);
    await lows.record({ value: '2.5', time: t0 + 10 * MINUTE_MS });
    await lows.record({ value: '1.75', time: t0 + 20 * MINUTE_MS });
    await lows.record({ value: '1.9', time: t0 + 30 * MINUTE_MS }); // not lower: kept out
    await lows.record({ value: '1.6', time: t0 + HOUR_MS + 5 * MINUTE_MS });
    expect(store.data.digest.uniMmrLows).toEqual([
      { hour: t0, value: '1.75', time: t0 + 20 * MINUTE_MS },
      { hour: t0 + HOUR_MS, value: '1.6', time: t0 + HOUR_MS + 5 * MINUTE_MS },
    ]);
    expect(lows.lowest(t0, t0 + HOUR_MS)).toEqual({ value: '1.75', time: t0 + 20 * MINUTE_MS });
    expect(lows.lowest(t0, t0 + 2 * HOUR_MS)).toEqual({ value: '1.6', time: t0 + HOUR_MS + 5 * MINUTE_MS });
    expect(lows.lowest(t0 + 2 * HOUR_MS, t0 + 3 * HOUR_MS)).toBeUndefined();
    // It is in the file: a restart's digest still has it.
    const reopened = await StateStore.open({ path: path(), createAt: 0 });
    expect(new UniMmrLows(reopened, 0).lowest(t0, t0 + 2 * HOUR_MS)?.value).toBe('1.6');
  });

  it('compares uniMMR as decimals, not as text', async () => {
    const lows = new UniMmrLows(store, 0);
    await lows.record({ value: '10.5', time: t0 });
    await lows.record({ value: '9.8', time: t0 + HOUR_MS });
    expect(lows.lowest(t0, t0 + 2 * HOUR_MS)?.value).toBe('9.8');
  });

  it('starts its hours at the DIGEST_AT minute, so a reading just before the window never hides one inside it', async () => {
    // DIGEST_AT 00:30: the window starts at 00:30, and 00:20 belongs to the hour before it.
    const lows = new UniMmrLows(store, 30 * MINUTE_MS);
    await lows.record({ value: '1.2', time: t0 + 20 * MINUTE_MS });
    await lows.record({ value: '1.4', time: t0 + 40 * MINUTE_MS });
    expect(lows.lowest(t0 + 30 * MINUTE_MS, t0 + 90 * MINUTE_MS)).toEqual({ value: '1.4', time: t0 + 40 * MINUTE_MS });
  });

  it(`stays bounded: ${UNIMMR_LOW_HOURS} hours at most, the oldest dropped`, async () => {
    const lows = new UniMmrLows(store, 0);
    for (let hour = 0; hour < 60; hour += 1) await lows.record({ value: `${3 - hour / 100}`, time: t0 + hour * HOUR_MS });
    const kept = store.data.digest.uniMmrLows;
    expect(kept).toHaveLength(UNIMMR_LOW_HOURS);
    expect(kept[0]?.hour).toBe(t0 + (60 - UNIMMR_LOW_HOURS) * HOUR_MS);
    expect(JSON.parse(await readFile(path(), 'utf8')).digest.uniMmrLows).toHaveLength(UNIMMR_LOW_HOURS);
  });

  it('writes nothing for a value that is not a new low, and ignores one that is not a decimal', async () => {
    const lows = new UniMmrLows(store, 0);
    await lows.record({ value: '1.5', time: t0 });
    const before = await readFile(path(), 'utf8');
    await lows.record({ value: '1.5', time: t0 + MINUTE_MS });
    await lows.record({ value: 'NaN', time: t0 + 2 * MINUTE_MS });
    expect(await readFile(path(), 'utf8')).toBe(before);
    expect(store.data.digest.uniMmrLows).toHaveLength(1);
  });
});
