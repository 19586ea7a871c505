import { join } from 'node:path';
import { BINANCE_IP_WEIGHT_PER_MINUTE } from '../../src/binance/WeightLimiter.js';
import { DEFAULT_OVERLAP_MS, DEFAULT_POLL_INTERVAL_MS } from '../../src/pipeline/ForceOrderPoller.js';
import { Pipeline } from '../../src/pipeline/Pipeline.js';
import { benchLogger } from '../benchLogger.js';
import type { BenchOptions } from '../benchOptions.js';
import { type WithBurstStore, withLowdbStore } from '../burstStore.js';
import { CountingSink } from '../CountingSink.js';
import { round, type ScenarioResult } from '../Figure.js';
import { type RssPeak, RssSampler } from '../RssSampler.js';
import { withTempDir } from '../tempDir.js';
import { waitFor } from '../waitFor.js';
import { withSimulatorClient } from '../withSimulatorClient.js';

/** Target from the product's issue: the bot stays under this resident size through a 10,000-order cascade. */
const RSS_TARGET_MB = 150;
/** Longest the cascade may take to deliver before the scenario gives up: at Binance's limit a poll of it takes minutes. */
const DELIVERY_TIMEOUT_MS = 600_000;

/** A burst's figures and checks, and the bot's peak memory through it. */
export interface BurstRun extends ScenarioResult {
  peak: RssPeak;
  /** Orders the cascade placed. */
  orders: number;
}

/**
 * Scenario 1 ("burst" compiled, "burst-tsx" under tsx, "burst-redis" compiled on the Redis store):
 * `runCascadeBurst` with `burstOrders` orders, and the bot's peak RSS against the target.
 */
export async function runBurst(
  options: BenchOptions,
  scenario: string,
  withStore: WithBurstStore = withLowdbStore,
): Promise<ScenarioResult> {
  const run = await runCascadeBurst(options, scenario, options.burstOrders, withStore);
  const rssMb = Math.max(run.peak.sampledMb, run.peak.maxRssMb);
  return {
    failures: run.failures,
    figures: [
      ...run.figures,
      { scenario, figure: 'peak RSS, sampled every 20 ms', value: round(run.peak.sampledMb, 1), unit: 'MB' },
      {
        scenario,
        figure: 'peak RSS, resourceUsage().maxRSS',
        value: round(run.peak.maxRssMb, 1),
        unit: 'MB',
        target: `< ${RSS_TARGET_MB} MB`,
        met: rssMb < RSS_TARGET_MB,
      },
    ],
  };
}

/**
 * A liquidation cascade of `orders` orders over the last `burstSpreadMs` appears at the simulator at
 * once; the bot (real client over HTTP, real pipeline, product intervals) polls and delivers. The
 * simulator runs in its own process, so the RSS figures are the bot's alone. Figures are labelled
 * `scenario`; the peak RSS is left to the caller, which knows its target. The pipeline keeps its state
 * in `withStore`'s store (default lowdb files), whose own figures and failures join the run's.
 */
export async function runCascadeBurst(
  options: BenchOptions,
  scenario: string,
  orders: number,
  withStore: WithBurstStore = withLowdbStore,
): Promise<BurstRun> {
  const weightLimitPerMinute = options.weightLimit;
  return withSimulatorClient({ seed: options.seed, weightLimitPerMinute }, (sim, client) =>
    withTempDir((dir) =>
      withStore(async (store) => {
        const sink = new CountingSink();
        const pipeline = new Pipeline({
          source: client.source('cm'),
          storePath: join(dir, 'state.json'),
          storage: store.storage,
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
          const stopMeasuringStore = await store.measure(scenario);
          const rss = new RssSampler();
          pollWeights.length = 0;
          const placed = await sim.burst(orders, options.burstSpreadMs, options.burstSymbols);
          const visibleAt = placed.reduce((min, o) => Math.min(min, o.visibleAt), Number.POSITIVE_INFINITY);
          // Poll at once: the wait for the next poll is scenario 3's figure, not this one's.
          const firstCatch = pipeline.pollOnce().catch((error: unknown) => error);
          const delivered = Promise.race([sink.untilDistinct(placed.length), store.broken]);
          await waitFor(delivered, DELIVERY_TIMEOUT_MS, `${placed.length} deliveries`).catch((error: unknown) =>
            console.error(String(error)),
          );
          const lastDeliveryAt = sink.lastAt || Number.NaN; // NaN when nothing arrived before the timeout
          const polls = pollWeights.length;
          const catchWeight = pollWeights[0] ?? Number.NaN;
          const peak = rss.stop();
          const storeCost = await stopMeasuringStore();
          const tally = await sim.requestLog(visibleAt, lastDeliveryAt);
          const pollError = await firstCatch;
          // One more poll re-reads the overlap, which still holds the whole cascade: nothing may go out twice.
          const recheck = await pipeline.pollOnce();
          const failures = [...sink.violations(placed.map((o) => o.id)), ...storeCost.failures];
          if (recheck.newOrders > 0) failures.push(`a re-poll of the overlap queued ${recheck.newOrders} orders again`);
          if (pollError instanceof Error) console.error(`the first poll after the burst failed: ${pollError.message}`);
          const refused = Object.entries(tally.statuses).filter(([status]) => status !== '200');
          // The budget is per clock minute: a poll needing W weight crosses ceil(W / limit) - 1 minute
          // boundaries, so it ends between (that - 1) and that many minutes after it starts.
          const boundaries = Math.max(0, Math.ceil(catchWeight / BINANCE_IP_WEIGHT_PER_MINUTE) - 1);
          const limitNote =
            weightLimitPerMinute === BINANCE_IP_WEIGHT_PER_MINUTE ? "at Binance's 6000/min" : `weight limit ${weightLimitPerMinute}/min`;
          return {
            peak,
            orders: placed.length,
            failures,
            figures: [
              {
                scenario,
                figure: `${placed.length} orders delivered exactly once`,
                value: sink.firstSeenAt.size,
                unit: 'alerts',
                target: `= ${placed.length}, no duplicate`,
                met: failures.length === 0,
              },
              {
                scenario,
                figure: `wall time, visible -> last delivery (${limitNote})`,
                value: round((lastDeliveryAt - visibleAt) / 1000, 2),
                unit: 's',
              },
              { scenario, figure: 'weight of the poll that caught the cascade', value: catchWeight, unit: 'weight' },
              {
                scenario,
                figure: 'its wait for the weight budget at 6000/min, at least',
                value: Math.max(0, boundaries - 1) * 60,
                unit: 's',
              },
              { scenario, figure: 'its wait for the weight budget at 6000/min, at most', value: boundaries * 60, unit: 's' },
              { scenario, figure: 'polls in that time', value: polls, unit: 'polls' },
              { scenario, figure: 'requests made, visible -> last delivery', value: tally.requests, unit: 'requests' },
              { scenario, figure: 'requests refused (non-200)', value: refused.reduce((n, [, c]) => n + c, 0), unit: 'requests' },
              { scenario, figure: 'request weight spent, visible -> last delivery', value: tally.weight, unit: 'weight' },
              { scenario, figure: 'notifications (groups of <= 500)', value: sink.notifications, unit: 'messages' },
              { scenario, figure: 'RSS before the cascade (idle bot)', value: round(peak.baselineMb, 1), unit: 'MB' },
              ...storeCost.figures,
            ],
          };
        } finally {
          await pipeline.stop();
        }
      }),
    ),
  );
}
