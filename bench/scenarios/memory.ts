import type { BenchOptions } from '../benchOptions.js';
import { round, type ScenarioResult } from '../Figure.js';
import { runCascadeBurst } from './burst.js';

/**
 * The stated bound on what a cascade adds to the bot's resident memory, per 1,000 orders queued at
 * once: one stored copy of each order (about 0.6 KB as a V8 object, 0.5 KB as JSON text) and its id in
 * the seen ids, plus the benchmark's own per-order records (the placed ids, the sink's tally), with
 * room for the garbage collector's slack. Several full copies of each order (the order, the
 * archive line, its outbox entry's text, the whole document's text per write) cost far more.
 */
const RSS_PER_1000_ORDERS_BOUND_MB = 2.5;

/**
 * Scenario "memory": scenario 1's cascade at `memoryOrders` orders (100,000 by default), all queued by
 * one poll: the bot's peak RSS, and what the cascade added to it per 1,000 queued orders against
 * {@link RSS_PER_1000_ORDERS_BOUND_MB}.
 */
export async function runMemory(options: BenchOptions): Promise<ScenarioResult> {
  const run = await runCascadeBurst(options, 'memory', options.memoryOrders);
  const peakMb = Math.max(run.peak.sampledMb, run.peak.maxRssMb);
  const perThousand = (peakMb - run.peak.baselineMb) / (run.orders / 1000);
  return {
    failures: run.failures,
    figures: [
      ...run.figures,
      { scenario: 'memory', figure: 'peak RSS, the larger of sampled and maxRSS', value: round(peakMb, 1), unit: 'MB' },
      {
        scenario: 'memory',
        figure: 'RSS added per 1,000 queued orders (peak - idle)',
        value: round(perThousand, 2),
        unit: 'MB',
        target: `<= ${RSS_PER_1000_ORDERS_BOUND_MB} MB`,
        met: perThousand <= RSS_PER_1000_ORDERS_BOUND_MB,
      },
    ],
  };
}
