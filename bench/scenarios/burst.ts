import { join } from 'node:path';
import { BINANCE_IP_WEIGHT_PER_MINUTE } from '../../src/binance/WeightLimiter.js';
import { DEFAULT_OVERLAP_MS, DEFAULT_POLL_INTERVAL_MS } from '../../src/pipeline/ForceOrderPoller.js';
import { Pipeline } from '../../src/pipeline/Pipeline.js';
import { benchLogger } from '../benchLogger.js';
import type { BenchOptions } from '../benchOptions.js';
import { CountingSink } from '../CountingSink.js';
import { round, type ScenarioResult } from '../Figure.js';
import { RssSampler } from '../RssSampler.js';
import { withTempDir } from '../tempDir.js';
import { waitFor } from '../waitFor.js';
import { withSimulatorClient } from '../withSimulatorClient.js';

/** Target from the product's issue: the bot stays under this resident size through a 10,000-order cascade. */
const RSS_TARGET_MB = 150;
/** Longest the cascade may take to deliver before the scenario gives up: at Binance's limit a poll of it takes minutes. */
const DELIVERY_TIMEOUT_MS = 600_000;

/**
 * Scenario 1: a liquidation cascade of `burstOrders` orders over the last `burstSpreadMs` appears at
 * the simulator at once; the bot (real client over HTTP, real pipeline, product intervals) polls and
 * delivers. The simulator runs in its own process, so the RSS figures are the bot's alone.
 */
export async function runBurst(options: BenchOptions): Promise<ScenarioResult> {
  const weightLimitPerMinute = options.weightLimit;
  return withSimulatorClient({ seed: options.seed, weightLimitPerMinute }, (sim, client) =>
    withTempDir(async (dir) => {
      const sink = new CountingSink();
      const pipeline = new Pipeline({
        source: client.source('cm'),
        storePath: join(dir, 'state.json'),
        sinks: [sink],
        logger: benchLogger(),
        pollIntervalMs: DEFAULT_POLL_INTERVAL_MS,
        // The whole cascade must lie inside the first poll's overlap and after the store's creation.
        overlapMs: Math.max(DEFAULT_OVERLAP_MS, options.burstSpreadMs + 10_000),
        backfillMs: options.burstSpreadMs + 10_000,
      });
      const pollWeights: number[] = [];
      pipeline.bus.on('pollSucceeded', (poll) => void pollWeights.push(poll.weight));
      const firstPoll = new Promise((resolve) => pipeline.bus.on('pollSucceeded', resolve));
      await pipeline.start();
      try {
        await waitFor(firstPoll, 30_000, 'the first (empty) poll');
        const rss = new RssSampler();
        pollWeights.length = 0;
        const placed = await sim.burst(options.burstOrders, options.burstSpreadMs, options.burstSymbols);
        const visibleAt = Math.min(...placed.map((o) => o.visibleAt));
        // Poll at once: the wait for the next poll is scenario 3's figure, not this one's.
        const firstCatch = pipeline.pollOnce().catch((error: unknown) => error);
        await waitFor(sink.untilDistinct(placed.length), DELIVERY_TIMEOUT_MS, `${placed.length} deliveries`).catch((error: unknown) =>
          console.error(String(error)),
        );
        const lastDeliveryAt = sink.lastAt || Number.NaN; // NaN when nothing arrived before the timeout
        const polls = pollWeights.length;
        const catchWeight = pollWeights[0] ?? Number.NaN;
        const peak = rss.stop();
        const tally = await sim.requestLog(visibleAt, lastDeliveryAt);
        const pollError = await firstCatch;
        // One more poll re-reads the overlap, which still holds the whole cascade: nothing may go out twice.
        const recheck = await pipeline.pollOnce();
        const failures = sink.violations(placed.map((o) => o.id));
        if (recheck.newOrders > 0) failures.push(`a re-poll of the overlap queued ${recheck.newOrders} orders again`);
        if (pollError instanceof Error) console.error(`the first poll after the burst failed: ${pollError.message}`);
        const refused = Object.entries(tally.statuses).filter(([status]) => status !== '200');
        const rssMb = Math.max(peak.sampledMb, peak.maxRssMb);
        // The budget is per clock minute: a poll needing W weight crosses ceil(W / limit) - 1 minute
        // boundaries, so it ends between (that - 1) and that many minutes after it starts.
        const boundaries = Math.max(0, Math.ceil(catchWeight / BINANCE_IP_WEIGHT_PER_MINUTE) - 1);
        const limitNote =
          weightLimitPerMinute === BINANCE_IP_WEIGHT_PER_MINUTE ? "at Binance's 6000/min" : `weight limit ${weightLimitPerMinute}/min`;
        return {
          failures,
          figures: [
            {
              scenario: 'burst',
              figure: `${placed.length} orders delivered exactly once`,
              value: sink.firstSeenAt.size,
              unit: 'alerts',
              target: `= ${placed.length}, no duplicate`,
              met: failures.length === 0,
            },
            {
              scenario: 'burst',
              figure: `wall time, visible -> last delivery (${limitNote})`,
              value: round((lastDeliveryAt - visibleAt) / 1000, 2),
              unit: 's',
            },
            { scenario: 'burst', figure: 'weight of the poll that caught the cascade', value: catchWeight, unit: 'weight' },
            {
              scenario: 'burst',
              figure: 'its wait for the weight budget at 6000/min, at least',
              value: Math.max(0, boundaries - 1) * 60,
              unit: 's',
            },
            { scenario: 'burst', figure: 'its wait for the weight budget at 6000/min, at most', value: boundaries * 60, unit: 's' },
            { scenario: 'burst', figure: 'polls in that time', value: polls, unit: 'polls' },
            { scenario: 'burst', figure: 'requests made, visible -> last delivery', value: tally.requests, unit: 'requests' },
            { scenario: 'burst', figure: 'requests refused (non-200)', value: refused.reduce((n, [, c]) => n + c, 0), unit: 'requests' },
            { scenario: 'burst', figure: 'request weight spent, visible -> last delivery', value: tally.weight, unit: 'weight' },
            { scenario: 'burst', figure: 'notifications (groups of <= 500)', value: sink.notifications, unit: 'messages' },
            { scenario: 'burst', figure: 'RSS before the cascade (idle bot)', value: round(peak.baselineMb, 1), unit: 'MB' },
            { scenario: 'burst', figure: 'peak RSS, sampled every 20 ms', value: round(peak.sampledMb, 1), unit: 'MB' },
            {
              scenario: 'burst',
              figure: 'peak RSS, resourceUsage().maxRSS',
              value: round(peak.maxRssMb, 1),
              unit: 'MB',
              target: `< ${RSS_TARGET_MB} MB`,
              met: rssMb < RSS_TARGET_MB,
            },
          ],
        };
      } finally {
        await pipeline.stop();
      }
    }),
  );
}
