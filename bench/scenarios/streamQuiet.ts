import type { EventBus } from '../../src/pipeline/EventBus.js';
import { DEFAULT_POLL_INTERVAL_MS } from '../../src/pipeline/ForceOrderPoller.js';
import { DEFAULT_RECONCILE_INTERVAL_MS } from '../../src/pipeline/StreamSource.js';
import { MINUTE_MS } from '../../src/time.js';
import { FakeClock } from '../../test/fakes/FakeClock.js';
import type { BenchOptions } from '../benchOptions.js';
import { benchPipeline } from '../benchPipeline.js';
import { benchStream } from '../benchStream.js';
import { type Figure, round, type ScenarioResult } from '../Figure.js';
import { LockstepClocks } from '../LockstepClocks.js';
import type { RemoteSimulator, RequestTally, VisibleOrder } from '../RemoteSimulator.js';
import { withTempDir } from '../tempDir.js';
import { waitFor } from '../waitFor.js';
import { withSimulatorClient } from '../withSimulatorClient.js';

/** Target from the product's issue: a quiet account on the stream costs at most this share of polling's weight. */
const WEIGHT_TARGET_SHARE = 0.1;
/** Clock step while only weight is counted: the shortest interval, so no poll is due twice in one step. */
const QUIET_STEP_MS = DEFAULT_POLL_INTERVAL_MS;
/** Clock step while a dropped order is waited for: the resolution of its figure. */
const DROP_STEP_MS = 1_000;
/** Real time allowed for the last deliveries once the clocks stop. */
const DELIVERY_TIMEOUT_MS = 30_000;
/** Real time a streamed order may take to be alerted while the clocks stand still. */
const STREAMED_TIMEOUT_MS = 10_000;
const SCENARIO = 'stream quiet';

/**
 * Scenario "stream quiet": a quiet account for `streamQuietMinutes` simulated minutes, first polled every
 * 5 s (stream off), then on the user data stream (REST reconciling every RECONCILE_INTERVAL_MS, its default
 * 60 s; listenKey keepalives every 30 min), by the real pipeline, client and stream client against the
 * simulator in its own process. Both sides run on hand-moved clocks moved in lockstep (`LockstepClocks`:
 * the simulator's over IPC, then the bot's fake clock, waiting for the requests each step wakes), so an
 * hour takes seconds and the figures do not depend on the machine. Weight is what the simulator charged,
 * per API. Then, still on the stream, `streamDroppedOrders` orders whose stream events the simulator drops
 * (`dropNextEvents`), placed at spread moments of the reconciliation cycle, each beside one it streams:
 * the time each dropped one takes to be alerted, and every one alerted exactly once.
 */
export async function runStreamQuiet(options: BenchOptions): Promise<ScenarioResult> {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const quietMs = options.streamQuietMinutes * MINUTE_MS;
  return withSimulatorClient({ seed: options.seed, weightLimitPerMinute: options.weightLimit, clock }, (sim, client) => {
    const clocks = new LockstepClocks(sim, clock, client);
    /** Moves both clocks over the quiet span and returns what the simulator charged in it. */
    const quietTally = async (): Promise<RequestTally> => {
      const since = clock.now() + 1;
      await clocks.run(quietMs, QUIET_STEP_MS);
      return sim.requestLog(since, clock.now());
    };
    return withTempDir(async (pollDir) => {
      // Polling every 5 s, stream off.
      const polled = benchPipeline(pollDir, clocks.source(), { clock, pollIntervalMs: DEFAULT_POLL_INTERVAL_MS });
      clocks.watch(polled.pipeline.bus);
      await polled.pipeline.start();
      let polling: RequestTally;
      try {
        await clocks.settle();
        polling = await quietTally();
      } finally {
        await polled.pipeline.stop();
      }
      // A quiet account: any alert from the poller is one nobody placed.
      const pollFailures = polled.sink.violations([]).map((f) => `polling: ${f}`);
      return withTempDir(async (streamDir) => {
        const streamed = benchPipeline(streamDir, clocks.source(), {
          clock,
          pollIntervalMs: DEFAULT_POLL_INTERVAL_MS,
          stream: benchStream(sim, clocks.access, clock, DEFAULT_RECONCILE_INTERVAL_MS),
        });
        clocks.watch(streamed.pipeline.bus);
        const opened = new Promise<void>((resolve) =>
          streamed.pipeline.bus.on('streamState', ({ state }) => {
            if (state === 'open') resolve();
          }),
        );
        const queued = new QueuedAlerts(streamed.pipeline.bus, clock);
        await streamed.pipeline.start();
        try {
          await waitFor(opened, 30_000, 'the user data stream to open');
          await clocks.settle();
          const stream = await quietTally();
          const drops = await dropRounds(sim, clocks, clock, queued, options.streamDroppedOrders);
          // One more reconciliation, and a poll: a duplicate from REST would show now.
          await clocks.run(DEFAULT_RECONCILE_INTERVAL_MS + DEFAULT_POLL_INTERVAL_MS, DROP_STEP_MS);
          const expected = [...drops.dropped, ...drops.streamed].map((o) => o.id);
          await waitFor(streamed.sink.untilDistinct(expected.length), DELIVERY_TIMEOUT_MS, `${expected.length} deliveries`).catch(
            (error: unknown) => console.error(String(error)),
          );
          const failures = [...pollFailures, ...streamed.sink.violations(expected)];
          const took = drops.dropped.flatMap((o) => {
            const at = queued.at.get(o.id);
            return at === undefined ? [] : [at - o.visibleAt];
          });
          const delivered = streamed.sink.firstSeenAt.size;
          return {
            failures,
            figures: figures(options, polling, stream, {
              took,
              streamedAtOnce: drops.streamedAtOnce,
              streamed: drops.streamed.length,
              failures,
              expected: expected.length,
              delivered,
            }),
          };
        } finally {
          await streamed.pipeline.stop();
        }
      });
    });
  });
}

/** When the pipeline queued each alert, on the fake clock; and a wait for one id. */
class QueuedAlerts {
  /** Alert id -> fake-clock ms at which the store queued it. */
  readonly at = new Map<string, number>();
  private readonly waiters = new Map<string, () => void>();

  constructor(bus: EventBus, clock: FakeClock) {
    bus.on('alertsQueued', ({ alerts }) => {
      for (const { id } of alerts) {
        if (this.at.has(id)) continue;
        this.at.set(id, clock.now());
        this.waiters.get(id)?.();
      }
    });
  }

  /** Resolves once `id` is queued. */
  until(id: string): Promise<void> {
    if (this.at.has(id)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.set(id, resolve));
  }
}

/**
 * `count` rounds, each right after a reconciliation poll: one order streamed as usual, waited for with
 * the clocks stopped (real time: the stream alone can alert it); then, `round / count` of the
 * reconciliation interval later, one whose stream events are dropped, the clocks moved 1 s at a time
 * until it is alerted (or the bound has passed twice over).
 */
async function dropRounds(
  sim: RemoteSimulator,
  clocks: LockstepClocks,
  clock: FakeClock,
  queued: QueuedAlerts,
  count: number,
): Promise<{ dropped: VisibleOrder[]; streamed: VisibleOrder[]; streamedAtOnce: number }> {
  const dropped: VisibleOrder[] = [];
  const streamed: VisibleOrder[] = [];
  let streamedAtOnce = 0;
  const giveUpMs = 2 * (DEFAULT_RECONCILE_INTERVAL_MS + DEFAULT_POLL_INTERVAL_MS);
  /** Visible from now on both clocks (no random updateTime a few ms ahead). */
  const now = () => ({ time: clock.now(), updateTime: clock.now() });
  for (let round = 0; round < count; round += 1) {
    const [control] = await sim.addOrders([now()]);
    if (!control) throw new Error('the simulator placed no order');
    streamed.push(control);
    const atOnce = await waitFor(queued.until(control.id), STREAMED_TIMEOUT_MS, 'a streamed order').then(
      () => true,
      () => false,
    );
    if (atOnce) streamedAtOnce += 1;
    await clocks.settle();
    await clocks.run(Math.floor((round * DEFAULT_RECONCILE_INTERVAL_MS) / count), DROP_STEP_MS);
    const [order] = await sim.addOrdersUnstreamed([now()]);
    if (!order) throw new Error('the simulator placed no order');
    dropped.push(order);
    for (let waited = 0; !queued.at.has(order.id) && waited < giveUpMs; waited += DROP_STEP_MS) await clocks.step(DROP_STEP_MS);
  }
  return { dropped, streamed, streamedAtOnce };
}

/** The scenario's rows. */
function figures(
  options: BenchOptions,
  polling: RequestTally,
  stream: RequestTally,
  drops: { took: number[]; streamedAtOnce: number; streamed: number; failures: string[]; expected: number; delivered: number },
): Figure[] {
  const minutes = options.streamQuietMinutes;
  const perMinute = (tally: RequestTally) => round(tally.weight / minutes, 1);
  const share = stream.weight / polling.weight;
  /** Where the weight went: requests per route, then weight per API (each limited on its own). */
  const spent = (tally: RequestTally) =>
    [
      ...Object.entries(tally.requestsByRoute).map(([route, count]) => `${count} ${route}`),
      ...Object.entries(tally.weightByApi).map(([api, weight]) => `${api} weight ${weight}`),
    ].join(', ');
  const bound = DEFAULT_RECONCILE_INTERVAL_MS + DEFAULT_POLL_INTERVAL_MS;
  const longest = Math.max(...drops.took);
  const s = (ms: number) => round(ms / 1_000, 1);
  return [
    {
      scenario: SCENARIO,
      figure: `polling every ${DEFAULT_POLL_INTERVAL_MS / 1000} s (stream off): weight per minute over ${minutes} min (${spent(polling)})`,
      value: perMinute(polling),
      unit: 'weight/min',
    },
    {
      scenario: SCENARIO,
      figure: `stream, reconciling every ${DEFAULT_RECONCILE_INTERVAL_MS / 1000} s: weight per minute (${spent(stream)})`,
      value: perMinute(stream),
      unit: 'weight/min',
    },
    {
      scenario: SCENARIO,
      figure: 'stream / polling',
      value: round(share, 3),
      unit: 'x',
      target: `<= ${WEIGHT_TARGET_SHARE}`,
      met: share <= WEIGHT_TARGET_SHARE,
    },
    {
      scenario: SCENARIO,
      figure: `stream events dropped: longest visible -> alerted (each: ${drops.took.map(s).join(', ')} s; ${DROP_STEP_MS / 1000} s steps)`,
      value: s(longest),
      unit: 's',
      target: `<= ${s(bound)} s (RECONCILE_INTERVAL_MS + one poll)`,
      met: drops.took.length > 0 && longest <= bound,
    },
    {
      scenario: SCENARIO,
      figure: 'streamed beside them: alerted by the stream alone (clocks stopped, no poll)',
      value: drops.streamedAtOnce,
      unit: 'orders',
      target: `= ${drops.streamed}`,
      met: drops.streamedAtOnce === drops.streamed,
    },
    {
      scenario: SCENARIO,
      figure: 'delivered exactly once (dropped and streamed, over one more reconciliation)',
      value: drops.delivered,
      unit: 'alerts',
      target: `= ${drops.expected}, no duplicate`,
      met: drops.failures.length === 0,
    },
  ];
}
