import { stat } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/simulator/SeededRandom.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { PipelineHarness, tempDir } from '../pipeline/pipelineHarness.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** One poll a minute keeps a week at 10,080 polls (each a real store write) within seconds of test time. */
const POLL_MS = MINUTE;

/** A week of polling on a fake clock, orders arriving throughout: the store must not grow with time. */
describe('a week of simulated polling', () => {
  let dir: { dir: string; cleanup: () => Promise<void> };
  let harness: PipelineHarness;

  beforeEach(async () => {
    dir = await tempDir();
    harness = new PipelineHarness(dir.dir);
  });

  afterEach(async () => {
    await harness.stop();
    await dir.cleanup();
  });

  it('keeps the store file small and stable in size while the archive takes the history', async () => {
    const { clock, source } = harness;
    await harness.start({ pollIntervalMs: POLL_MS });
    const random = new SeededRandom(7);
    const startedAt = clock.now(); // orders before the store was created are history, never alerted
    let orderId = 500_000_000;
    let added = 0;
    const storeSizes: number[] = [];
    const archiveSizes: number[] = [];
    let peak = 0; // sampled hourly, cascades included
    for (let day = 0; day < 7; day += 1) {
      for (let minute = 0; minute < DAY / MINUTE; minute += 1) {
        // About one order every 10 minutes, and a cascade of 40 once a day.
        const count = minute === 600 ? 40 : random.chance(0.1) ? 1 : 0;
        for (let i = 0; i < count; i += 1) {
          orderId += random.int(1, 40);
          source.add(
            forceOrderFixture({
              orderId,
              updateTime: Math.max(startedAt, clock.now() - random.int(0, 20_000)),
            }),
          );
          added += 1;
        }
        if (minute % 60 === 0) peak = Math.max(peak, (await stat(harness.storePath)).size);
        await clock.untilSleeping(2);
        await clock.advance(POLL_MS);
      }
      await harness.pipeline!.pollOnce();
      storeSizes.push((await stat(harness.storePath)).size);
      archiveSizes.push((await stat(`${harness.storePath}.archive.jsonl`)).size);
    }
    await harness.sinks[0]!.untilAlerts(added);
    await harness.sinks[1]!.untilAlerts(added);

    console.info(
      `week: ${added} orders; store bytes per day ${storeSizes.join(', ')} (hourly peak ${peak}); archive bytes per day ${archiveSizes.join(', ')}`,
    );
    for (const sink of harness.sinks) expect(new Set(sink.alertIds).size).toBe(added);
    expect(Math.max(peak, ...storeSizes)).toBeLessThan(16 * 1024);
    // Stable: the last day's store is no bigger than the first day's plus the noise of one poll's seen ids.
    expect(storeSizes.at(-1)!).toBeLessThanOrEqual(storeSizes[0]! + 4 * 1024);
    // The history is not lost, it is in the archive, which grows with the orders, not with the polls.
    expect(archiveSizes.at(-1)!).toBeGreaterThan(archiveSizes[0]!);
    expect(archiveSizes.at(-1)! / added).toBeLessThan(1_500);
  }, 120_000);
});
