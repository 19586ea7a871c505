import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DigestOutbox } from '../../src/pipeline/DigestOutbox.js';
import { DIGEST_SETTLE_MS, DigestScheduler } from '../../src/pipeline/DigestScheduler.js';
import { UniMmrLows } from '../../src/pipeline/UniMmrLows.js';
import { ForceOrderArchive } from '../../src/store/ForceOrderArchive.js';
import { StateStore } from '../../src/store/StateStore.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { GatedFile } from '../store/GatedFile.js';
import { tempDir } from './pipelineHarness.js';

/** The scheduler alone over a real store (its file gated) and a real archive, on a fake clock. */
describe('DigestScheduler', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let scheduler: DigestScheduler | undefined;
  const log = captureLogger();

  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
    await dir.cleanup();
  });

  it('retries a digest whose store write failed, and queues it once the store takes it', async () => {
    const clock = new FakeClock(Date.parse('2026-11-26T00:00:00Z') + DIGEST_SETTLE_MS);
    const file = new GatedFile(join(dir.dir, 'state.json'));
    const store = await StateStore.open({ path: join(dir.dir, 'state.json'), createAt: 0, adapter: file });
    await store.update((doc) => {
      doc.digest = { ...doc.digest, lastDay: '2026-11-25' };
    });
    const digestOutbox = new DigestOutbox(store, ['slack']);
    const archive = new ForceOrderArchive({ path: join(dir.dir, 'archive.jsonl'), now: () => clock.now(), logger: log.logger });
    let queued = 0;
    scheduler = new DigestScheduler({
      atMinuteOfDay: 0,
      digestOutbox,
      archive,
      uniMmrLows: new UniMmrLows(store, 0),
      clock,
      logger: log.logger,
      onQueued: () => {
        queued += 1;
      },
    });
    const held = file.holdNextWrite();
    scheduler.start();
    await held.started;
    held.release(new Error('disk full (test)'));
    await clock.untilSleeping(1);
    expect(log.lines.some((l) => l.includes('could not build or queue the daily digest; retrying'))).toBe(true);
    expect(store.data.digest.lastDay).toBe('2026-11-25');
    await clock.advance(5 * 60_000);
    await clock.untilSleeping(1);
    expect(queued).toBe(1);
    expect(store.data.digest).toMatchObject({ lastDay: '2026-11-26', outbox: [{ id: 'digest:2026-11-26' }] });
  });

  it('refuses a DIGEST_AT that is not a minute of the day', () => {
    const make = (atMinuteOfDay: number) => () =>
      new DigestScheduler({ atMinuteOfDay } as ConstructorParameters<typeof DigestScheduler>[0]);
    expect(make(1440)).toThrow(/from 0 to 1439, got 1440/);
    expect(make(-1)).toThrow(RangeError);
    expect(make(1.5)).toThrow(RangeError);
    expect(make(1439)).not.toThrow();
  });
});
