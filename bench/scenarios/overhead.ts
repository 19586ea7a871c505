import type { BenchOptions } from '../benchOptions.js';
import { driveInMemoryPipeline } from '../driveInMemoryPipeline.js';
import { round, type ScenarioResult } from '../Figure.js';
import { RssSampler } from '../RssSampler.js';
import { withTempDir } from '../tempDir.js';

/** Target from the product's issue: the pipeline's own time per order. */
export const OVERHEAD_TARGET_MS = 0.1;

/**
 * Scenario 2: the pipeline's own time per order (diff, archive append, outbox write, dispatch, delivery
 * record), with no exchange behind it: `overheadOrders` orders in batches of `overheadBatch` per poll
 * (by default all at once, a cascade) through an in-memory source to a counting sink.
 */
export async function runOverhead(options: BenchOptions): Promise<ScenarioResult> {
  return withTempDir(async (dir) => {
    const rss = new RssSampler();
    const run = await driveInMemoryPipeline({ dir, orders: options.overheadOrders, batch: options.overheadBatch, intervalMs: 5_000 });
    const peak = rss.stop();
    const perOrder = run.pipelineMs / options.overheadOrders;
    const failures = run.sink.violations(run.expectedIds);
    const label = `${options.overheadOrders} orders, ${options.overheadBatch} per poll`;
    return {
      failures,
      figures: [
        {
          scenario: 'overhead',
          figure: `pipeline time per order (${label})`,
          value: round(perOrder, 4),
          unit: 'ms',
          target: `< ${OVERHEAD_TARGET_MS} ms`,
          met: perOrder < OVERHEAD_TARGET_MS,
        },
        { scenario: 'overhead', figure: 'pipeline time in all', value: round(run.pipelineMs, 0), unit: 'ms' },
        {
          scenario: 'overhead',
          figure: 'peak RSS (pipeline alone, no HTTP client)',
          value: round(Math.max(peak.sampledMb, peak.maxRssMb), 1),
          unit: 'MB',
        },
        {
          scenario: 'overhead',
          figure: 'delivered exactly once',
          value: run.sink.firstSeenAt.size,
          unit: 'alerts',
          target: `= ${options.overheadOrders}`,
          met: failures.length === 0,
        },
      ],
    };
  });
}
