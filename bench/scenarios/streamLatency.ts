import { DEFAULT_POLL_INTERVAL_MS } from '../../src/pipeline/ForceOrderPoller.js';
import { systemClock } from '../../src/time.js';
import type { BenchOptions } from '../benchOptions.js';
import { benchPipeline } from '../benchPipeline.js';
import { benchStream } from '../benchStream.js';
import type { CountingSink } from '../CountingSink.js';
import type { Figure, ScenarioResult } from '../Figure.js';
import { percentile } from '../percentile.js';
import type { VisibleOrder } from '../RemoteSimulator.js';
import { withTempDir } from '../tempDir.js';
import { waitFor } from '../waitFor.js';
import { withSimulatorClient } from '../withSimulatorClient.js';

/** Target from the product's issue: stream p99 under this on loopback (the round trip plus our own processing). */
const STREAM_P99_TARGET_MS = 100;
/** Real time allowed for the last deliveries after the last order: one poll interval, and room for a slow machine. */
const DELIVERY_TIMEOUT_MS = 30_000;

/**
 * Scenario "stream latency": real clock, the simulator in its own process, two bots side by side on one
 * Binance client, each with its own store and counting sink: one on the user data stream (the real stream
 * client on the simulator's WebSocket, REST reconciling every 60 s), one polling every 5 s (stream off).
 * `streamOrders` orders appear at seeded random moments over `streamSpreadMs`; latency is from an
 * order's visibility at the simulator to its delivery at each sink, so both see the same schedule.
 */
export async function runStreamLatency(options: BenchOptions): Promise<ScenarioResult> {
  return withSimulatorClient({ seed: options.seed, weightLimitPerMinute: options.weightLimit }, (sim, client) =>
    withTempDir((streamDir) =>
      withTempDir(async (pollDir) => {
        const streamed = benchPipeline(streamDir, client.source('cm'), {
          stream: benchStream(sim, { listenKeys: client.listenKeys(), contractSize: (s, p) => client.contractSize(s, p) }, systemClock),
        });
        const polled = benchPipeline(pollDir, client.source('cm'), { pollIntervalMs: DEFAULT_POLL_INTERVAL_MS });
        const ready = Promise.all([
          new Promise<void>((resolve) =>
            streamed.pipeline.bus.on('streamState', ({ state }) => {
              if (state === 'open') resolve();
            }),
          ),
          new Promise((resolve) => streamed.pipeline.bus.on('pollSucceeded', resolve)),
          new Promise((resolve) => polled.pipeline.bus.on('pollSucceeded', resolve)),
        ]);
        await streamed.pipeline.start();
        try {
          await polled.pipeline.start();
          try {
            await waitFor(ready, 30_000, 'the stream to open and both first polls');
            const placed = await sim.trickle(options.streamOrders, options.streamSpreadMs, options.seed);
            const delivered = (sink: CountingSink) =>
              waitFor(sink.untilDistinct(placed.length), DELIVERY_TIMEOUT_MS, `${placed.length} deliveries`).catch((error: unknown) =>
                console.error(String(error)),
              );
            await Promise.all([delivered(streamed.sink), delivered(polled.sink)]);
            const streamFailures = streamed.sink.violations(placed.map((o) => o.id));
            const pollFailures = polled.sink.violations(placed.map((o) => o.id));
            const stream = latencies(placed, streamed.sink);
            const poll = latencies(placed, polled.sink);
            const streamP99 = percentile(stream, 99);
            const per = `${placed.length} orders over ${options.streamSpreadMs / 1000} s`;
            const rows: Figure[] = [
              {
                scenario: 'stream latency',
                figure: `stream: p50 visible -> delivered (${per})`,
                value: percentile(stream, 50),
                unit: 'ms',
              },
              {
                scenario: 'stream latency',
                figure: 'stream: p99 visible -> delivered',
                value: streamP99,
                unit: 'ms',
                target: `< ${STREAM_P99_TARGET_MS} ms`,
                met: streamP99 < STREAM_P99_TARGET_MS,
              },
              { scenario: 'stream latency', figure: 'stream: max visible -> delivered', value: Math.max(...stream), unit: 'ms' },
              {
                scenario: 'stream latency',
                figure: `polling every ${DEFAULT_POLL_INTERVAL_MS / 1000} s (stream off): p50 visible -> delivered`,
                value: percentile(poll, 50),
                unit: 'ms',
              },
              { scenario: 'stream latency', figure: 'polling: p99 visible -> delivered', value: percentile(poll, 99), unit: 'ms' },
              { scenario: 'stream latency', figure: 'polling: max visible -> delivered', value: Math.max(...poll), unit: 'ms' },
              exactlyOnce('stream: delivered exactly once', streamed.sink, placed.length, streamFailures),
              exactlyOnce('polling: delivered exactly once', polled.sink, placed.length, pollFailures),
            ];
            return {
              failures: [...streamFailures.map((f) => `stream: ${f}`), ...pollFailures.map((f) => `polling: ${f}`)],
              figures: rows,
            };
          } finally {
            await polled.pipeline.stop();
          }
        } finally {
          await streamed.pipeline.stop();
        }
      }),
    ),
  );
}

/** Each delivered order's time from visible at the simulator to its first delivery at `sink` (ms). */
function latencies(placed: readonly VisibleOrder[], sink: CountingSink): number[] {
  return placed.flatMap((o) => {
    const deliveredAt = sink.firstSeenAt.get(o.id);
    return deliveredAt === undefined ? [] : [deliveredAt - o.visibleAt];
  });
}

/** The exactly-once row of one bot. */
function exactlyOnce(figure: string, sink: CountingSink, expected: number, failures: readonly string[]): Figure {
  return {
    scenario: 'stream latency',
    figure,
    value: sink.firstSeenAt.size,
    unit: 'alerts',
    target: `= ${expected}, no duplicate`,
    met: failures.length === 0,
  };
}
