import { DEFAULT_OVERLAP_MS } from '../../src/pipeline/ForceOrderPoller.js';
import type { SimOrderInput } from '../../src/simulator/types.js';
import { MINUTE_MS } from '../../src/time.js';
import type { BenchOptions } from '../benchOptions.js';
import { benchPipeline } from '../benchPipeline.js';
import { round, type ScenarioResult } from '../Figure.js';
import { ManualClock } from '../ManualClock.js';
import { withTempDir } from '../tempDir.js';
import { waitFor } from '../waitFor.js';
import { withSimulatorClient } from '../withSimulatorClient.js';

/** Target from the product's issue: the minute after a cascade costs at most this many quiet minutes. */
const COST_TARGET_RATIO = 1.5;
/**
 * The same scenario's figures for the poller before the late sweep (every poll re-read the whole
 * overlap), measured once on commit f56431d: a quiet minute 3,000 weight (60 requests), the minute
 * after the cascade starts 11,651 (234 requests, 3.88x), the second minute 3,950 (79 requests).
 */
const BEFORE_SWEEP = { minuteAfter: 11_651, ratio: 3.88 };
/** Every this many orders of the cascade one becomes visible late, the last of them a whole overlap late. */
const LATE_EVERY = 30;
/** Minutes polled after the cascade: the late orders and two sweeps of the overlap fit in them. */
const MINUTES_AFTER = 3;
/** Real time allowed for the last deliveries once the polling is done. */
const DELIVERY_TIMEOUT_MS = 30_000;

/**
 * Scenario 5, "cascade cost": a `cascadeOrders`-order cascade over `cascadeSpreadMs`, polled every
 * `cascadeIntervalMs` (stream off) by the real pipeline and client over HTTP against the simulator in
 * its own process. Both run on a hand-moved clock, so a minute of polling takes a moment and the
 * figures do not depend on the machine. Orders become visible at the simulator as their updateTime
 * arrives; every `LATE_EVERY`th one later, up to `DEFAULT_OVERLAP_MS` late (the guarantee's bound).
 * Weight is what the simulator charged, per minute: a quiet minute, then each minute after the
 * cascade starts.
 */
export async function runCascadeCost(options: BenchOptions): Promise<ScenarioResult> {
  const interval = options.cascadeIntervalMs;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  return withSimulatorClient({ seed: options.seed, weightLimitPerMinute: options.weightLimit, clock }, (sim, client) =>
    withTempDir(async (dir) => {
      const { pipeline, sink } = benchPipeline(dir, client.source('cm'), { clock, pollIntervalMs: interval });
      const firstPoll = new Promise((resolve) => pipeline.bus.on('pollSucceeded', resolve));
      await pipeline.start(); // the loop polls once, then sleeps on the hand-moved clock: the scenario drives every poll
      try {
        await waitFor(firstPoll, 30_000, 'the first (empty) poll');
        const startedAt = clock.now();
        /** Polls every interval for a minute; returns the minute's span on the simulator's clock. */
        const pollMinute = async (): Promise<{ since: number; until: number }> => {
          const since = clock.now() + 1;
          for (let polled = 0; polled < MINUTE_MS; polled += interval) {
            await sim.advanceClock(interval);
            clock.advance(interval);
            await pipeline.pollOnce();
          }
          return { since, until: clock.now() };
        };
        const quiet = await sim.requestLog(...spanOf(await pollMinute()));
        const placed = await sim.addOrders(cascade(clock.now() + 1, options));
        const after = [];
        for (let minute = 0; minute < MINUTES_AFTER; minute += 1) after.push(await sim.requestLog(...spanOf(await pollMinute())));
        await waitFor(sink.untilDistinct(placed.length), DELIVERY_TIMEOUT_MS, `${placed.length} deliveries`).catch((error: unknown) =>
          console.error(String(error)),
        );
        const failures = sink.violations(placed.map((o) => o.id));
        const [first, second] = after.map((tally) => tally.weight);
        const ratio = (first ?? Number.NaN) / quiet.weight;
        const late = placed.filter((_o, i) => isLate(i)).length;
        const per = `${placed.length} orders over ${options.cascadeSpreadMs / 1000} s, ${interval} ms interval, 1 book`;
        return {
          failures,
          figures: [
            {
              scenario: 'cascade cost',
              figure: `orders alerted exactly once (${late} of them up to the overlap late)`,
              value: sink.firstSeenAt.size,
              unit: 'alerts',
              target: `= ${placed.length}, no duplicate`,
              met: failures.length === 0,
            },
            {
              scenario: 'cascade cost',
              figure: `weight of a quiet minute (${quiet.requests} requests)`,
              value: quiet.weight,
              unit: 'weight',
            },
            {
              scenario: 'cascade cost',
              figure: `weight of the minute after the cascade starts (${after[0]?.requests} requests; ${per})`,
              value: first ?? Number.NaN,
              unit: 'weight',
            },
            {
              scenario: 'cascade cost',
              figure: 'that minute / the quiet minute',
              value: round(ratio, 2),
              unit: 'x',
              target: `<= ${COST_TARGET_RATIO}`,
              met: ratio <= COST_TARGET_RATIO,
            },
            {
              scenario: 'cascade cost',
              figure: `before the late sweep (f56431d): that minute, and / quiet ${BEFORE_SWEEP.ratio}x`,
              value: BEFORE_SWEEP.minuteAfter,
              unit: 'weight',
            },
            {
              scenario: 'cascade cost',
              figure: `weight of the second minute after (${after[1]?.requests} requests)`,
              value: second ?? Number.NaN,
              unit: 'weight',
            },
            {
              scenario: 'cascade cost',
              figure: 'minutes polled (hand-moved clock)',
              value: round((clock.now() - startedAt) / MINUTE_MS, 1),
              unit: 'min',
            },
          ],
        };
      } finally {
        await pipeline.stop();
      }
    }),
  );
}

/** `since` and `until` as `requestLog` takes them. */
function spanOf(span: { since: number; until: number }): [number, number] {
  return [span.since, span.until];
}

/** Whether the `i`th order of the cascade becomes visible late. */
function isLate(i: number): boolean {
  return i % LATE_EVERY === LATE_EVERY - 1;
}

/**
 * The cascade from `start`: orders evenly over the spread, each visible at its updateTime, except the
 * late ones, visible 1/10, 2/10 … 10/10 of the overlap after theirs.
 */
function cascade(start: number, options: BenchOptions): SimOrderInput[] {
  const count = options.cascadeOrders;
  return Array.from({ length: count }, (_, i) => {
    const at = start + Math.floor((i * options.cascadeSpreadMs) / count);
    const lateBy = isLate(i) ? Math.min(DEFAULT_OVERLAP_MS, ((Math.floor(i / LATE_EVERY) + 1) * DEFAULT_OVERLAP_MS) / 10) : 0;
    return { kind: 'LIQUIDATION', time: at, updateTime: at, visibleAt: at + lateBy };
  });
}
