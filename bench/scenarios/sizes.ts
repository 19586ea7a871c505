import { stat } from 'node:fs/promises';
import type { BenchOptions } from '../benchOptions.js';
import { driveInMemoryPipeline } from '../driveInMemoryPipeline.js';
import { round, type ScenarioResult } from '../Figure.js';
import { withTempDir } from '../tempDir.js';
import { OVERHEAD_TARGET_MS } from './overhead.js';

/** Target from the product's issue: the lowdb document, rewritten on every write, stays small. */
const STORE_TARGET_BYTES = 1024 * 1024;
const MB = 1024 * 1024;

/**
 * Scenario 4: the store and archive sizes after `sizesOrders` orders went through in batches of
 * `sizesBatch` per poll, one poll every `sizesIntervalMs` of clock time (a sustained storm), with the
 * pipeline's time per order in that steady flow as a second overhead figure.
 */
export async function runSizes(options: BenchOptions): Promise<ScenarioResult> {
  return withTempDir(async (dir) => {
    const run = await driveInMemoryPipeline({
      dir,
      orders: options.sizesOrders,
      batch: options.sizesBatch,
      intervalMs: options.sizesIntervalMs,
      watchStore: true,
    });
    const store = (await stat(run.storePath)).size;
    const archive = (await stat(run.archivePath)).size;
    const perOrder = run.pipelineMs / options.sizesOrders;
    const failures = run.sink.violations(run.expectedIds);
    const label = `${options.sizesOrders} orders`;
    return {
      failures,
      figures: [
        {
          scenario: 'sizes',
          figure: `store file after ${label}`,
          value: round(store / MB, 3),
          unit: 'MB',
          target: '< 1 MB',
          met: store < STORE_TARGET_BYTES,
        },
        {
          scenario: 'sizes',
          figure: `largest store file, as a poll's ${options.sizesBatch} alerts wait in the outbox`,
          value: round(run.maxStoreBytes / MB, 3),
          unit: 'MB',
        },
        { scenario: 'sizes', figure: `archive (JSONL) after ${label}`, value: round(archive / MB, 1), unit: 'MB' },
        { scenario: 'sizes', figure: 'archive bytes per order', value: Math.round(archive / options.sizesOrders), unit: 'B' },
        {
          scenario: 'sizes',
          figure: `pipeline time per order (${options.sizesBatch} per poll)`,
          value: round(perOrder, 4),
          unit: 'ms',
          target: `< ${OVERHEAD_TARGET_MS} ms`,
          met: perOrder < OVERHEAD_TARGET_MS,
        },
        {
          scenario: 'sizes',
          figure: 'delivered exactly once',
          value: run.sink.firstSeenAt.size,
          unit: 'alerts',
          target: `= ${options.sizesOrders}`,
          met: failures.length === 0,
        },
      ],
    };
  });
}
