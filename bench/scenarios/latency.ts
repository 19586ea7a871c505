import { join } from 'node:path';
import { Pipeline } from '../../src/pipeline/Pipeline.js';
import { benchLogger } from '../benchLogger.js';
import type { BenchOptions } from '../benchOptions.js';
import { CountingSink } from '../CountingSink.js';
import { round, type ScenarioResult } from '../Figure.js';
import { percentile } from '../percentile.js';
import { withTempDir } from '../tempDir.js';
import { waitFor } from '../waitFor.js';
import { withSimulatorClient } from '../withSimulatorClient.js';

/** Target from the product's issue: p99 latency under one poll interval plus this. */
const LATENCY_SLACK_MS = 250;
const MINUTE_MS = 60_000;

/**
 * Scenario 3: real clock, real client over HTTP, real pipeline polling every `latencyIntervalMs`;
 * `latencyOrders` orders appear at the simulator at random moments over `latencyPolls` intervals.
 * Latency is from an order's visibility at the simulator to its delivery at the sink.
 */
export async function runLatency(options: BenchOptions): Promise<ScenarioResult> {
  const interval = options.latencyIntervalMs;
  const durationMs = options.latencyPolls * interval;
  return withSimulatorClient({ seed: options.seed, weightLimitPerMinute: options.weightLimit }, (sim, client) =>
    withTempDir(async (dir) => {
      const sink = new CountingSink();
      const pipeline = new Pipeline({
        source: client.source('cm'),
        storePath: join(dir, 'state.json'),
        sinks: [sink],
        logger: benchLogger(),
        pollIntervalMs: interval,
      });
      const firstPoll = new Promise((resolve) => pipeline.bus.on('pollSucceeded', resolve));
      await pipeline.start();
      try {
        await waitFor(firstPoll, 30_000, 'the first poll');
        const startedAt = Date.now();
        const placed = await sim.trickle(options.latencyOrders, durationMs, options.seed);
        await waitFor(sink.untilDistinct(placed.length), durationMs + 60_000, `${placed.length} deliveries`).catch((error: unknown) =>
          console.error(String(error)),
        );
        const tally = await sim.requestLog(startedAt, Date.now());
        const latencies = placed.flatMap((o) => {
          const deliveredAt = sink.firstSeenAt.get(o.id);
          return deliveredAt === undefined ? [] : [deliveredAt - o.visibleAt];
        });
        const p50 = percentile(latencies, 50);
        const p99 = percentile(latencies, 99);
        const failures = sink.violations(placed.map((o) => o.id));
        const weightPerMinute = (tally.weight * MINUTE_MS) / (Date.now() - startedAt);
        const per = `${placed.length} orders, ${interval} ms interval`;
        return {
          failures,
          figures: [
            { scenario: 'latency', figure: `p50 visible -> delivered (${per})`, value: p50, unit: 'ms' },
            { scenario: 'latency', figure: 'p50 as a fraction of the interval', value: round(p50 / interval, 2), unit: 'x' },
            {
              scenario: 'latency',
              figure: 'p99 visible -> delivered',
              value: p99,
              unit: 'ms',
              target: `< ${interval + LATENCY_SLACK_MS} ms`,
              met: p99 < interval + LATENCY_SLACK_MS,
            },
            { scenario: 'latency', figure: 'p99 as a fraction of the interval', value: round(p99 / interval, 2), unit: 'x' },
            { scenario: 'latency', figure: 'max visible -> delivered', value: Math.max(...latencies), unit: 'ms' },
            {
              scenario: 'latency',
              figure: 'request weight per minute at this interval (Binance allows 6000)',
              value: Math.round(weightPerMinute),
              unit: 'weight/min',
            },
            {
              scenario: 'latency',
              figure: 'delivered exactly once',
              value: sink.firstSeenAt.size,
              unit: 'alerts',
              target: `= ${placed.length}`,
              met: failures.length === 0,
            },
          ],
        };
      } finally {
        await pipeline.stop();
      }
    }),
  );
}
