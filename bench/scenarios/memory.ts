import type { BenchOptions } from '../benchOptions.js';
import { round, type ScenarioResult } from '../Figure.js';
import { runCascadeBurst } from './burst.js';

/**
 * The stated bound on what a cascade adds to the bot's resident memory, per 1,000 orders queued at once.
 * What stays alive per queued order is about 1.6 KB (a heap snapshot with 30,000 queued): the order
 * object (0.5 KB with its strings), ONE JSON text of it, in its outbox entry's text that the store keeps
 * so a write need not serialise it again (0.6 KB), the entry and its seen id (0.25 KB), and the
 * benchmark's own tally of it (0.2 KB). V8 lets the heap grow to about 2.5 times what is alive before
 * it collects, so 5 MB per 1,000. Before this bound the same cascade took 11.3 MB per 1,000: the whole
 * document's text and its buffer on every write, the archive append's, a hidden class per order.
 */
const RSS_PER_1000_ORDERS_BOUND_MB = 5;

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
      { scenario: 'memory', figure: 'peak V8 heap used (garbage included), sampled', value: round(run.peak.heapUsedMb, 1), unit: 'MB' },
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
