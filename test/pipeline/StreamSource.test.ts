import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ForceOrder, ForceOrderPage, ForceOrderSource, ForceOrderWindow, Market } from '../../src/binance/types.js';
import { STREAM_HOLD_MS } from '../../src/pipeline/StreamIngest.js';
import type { StreamState } from '../../src/stream/UserDataStream.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { MemoryForceOrderSource } from '../fakes/memoryForceOrderSource.js';
import { FakeOrderStream } from './fakeOrderStream.js';
import { nextEvent, PipelineHarness, tempDir, usePipelineHarnesses } from './pipelineHarness.js';

const POLL_MS = 5_000;
const RECONCILE_MS = 60_000;

const harness = usePipelineHarnesses();

/**
 * A pipeline on the stream and a memory REST source (seen through `wrap`, if given), polling every 5 s,
 * reconciling every 60 s while the stream is open.
 */
async function start(
  options: { wrap?: (source: MemoryForceOrderSource) => ForceOrderSource; state?: StreamState; markets?: Market[] } = {},
) {
  const clock = new FakeClock();
  const source = new MemoryForceOrderSource([], () => clock.now());
  const h = harness({ clock, source, exchange: options.wrap?.(source) ?? source });
  const stream = new FakeOrderStream();
  const markets = options.markets ? { markets: options.markets } : {};
  await h.start({
    stream: { stream, contractSize: async () => '100', reconcileIntervalMs: RECONCILE_MS, ...markets },
    pollIntervalMs: POLL_MS,
  });
  stream.state(options.state ?? 'open');
  return { h, stream };
}

/**
 * Advances the clock by `ms`; a poll that this wakes is waited for (its store write is real I/O, which
 * the fake clock does not wait for). Returns the poll's result, if one ran.
 */
async function step(h: PipelineHarness, ms = 1_000): Promise<{ newOrders: number } | undefined> {
  const windows = h.source.windows.length;
  const polled = nextEvent(h.bus, 'pollSucceeded');
  await h.clock.advance(ms);
  return h.source.windows.length > windows ? await polled : undefined;
}

/** The stream's `ORDER_TRADE_UPDATE` fields for a USD-M liquidation at `t`, final unless overridden. */
function update(t: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { T: t, X: 'FILLED', ...overrides };
}

/** The REST record of the same USD-M order (`orderTradeUpdate`'s BTCUSDT example). */
function restRecord(orderId: number, updateTime: number): ForceOrder {
  return forceOrderFixture({
    orderId,
    updateTime,
    market: 'um',
    symbol: 'BTCUSDT',
    pair: 'BTCUSDT',
    cumBase: undefined,
    cumQuote: '7.10304',
    executedQty: '0.001',
    avgPrice: '7103.04',
    notionalUsd: '7.10304',
  });
}

async function storeDocument(h: PipelineHarness): Promise<{ watermark: number; seen: Record<string, number>; outbox: { id: string }[] }> {
  return JSON.parse(await readFile(h.storePath, 'utf8'));
}

/** Advances the clock in 1 s steps until a poll queues `count` alerts in all, then waits for the sinks; returns the time it took. */
async function untilAlerted(h: PipelineHarness, count: number, limitMs: number): Promise<number> {
  const from = h.clock.now();
  let queued = h.sinks[0]?.alertIds.length ?? 0;
  while (queued < count) {
    if (h.clock.now() - from >= limitMs) throw new Error(`not alerted within ${limitMs} ms`);
    queued += (await step(h))?.newOrders ?? 0;
  }
  const took = h.clock.now() - from;
  await Promise.all(h.sinks.map((s) => s.untilAlerts(count)));
  return took;
}

describe('the user data stream as the primary source', () => {
  it('alerts a force order from the stream before any REST poll sees it, and the REST record that comes later never again', async () => {
    const { h, stream } = await start();
    const windowsBefore = h.source.windows.length;
    const t = h.clock.now() + 200;
    stream.order(7, update(t));
    await Promise.all(h.sinks.map((s) => s.untilAlerts(1)));
    expect(h.source.windows.length).toBe(windowsBefore); // no poll in between
    const notification = h.sinks[0]?.received[0];
    expect(notification).toMatchObject({
      type: 'single',
      alert: {
        id: 'um:7',
        order: { market: 'um', kind: 'LIQUIDATION', executedQty: '0.00100000', avgPrice: '7103.04000', status: 'FILLED', updateTime: t },
      },
    });
    // USD-M: z x ap, exactly (the stream has no cumQuote).
    expect(notification?.type === 'single' && notification.alert.order.notionalUsd).toBe('7.10304');
    h.source.add(restRecord(7, t));
    for (let i = 0; i < 3; i += 1) expect((await h.tick(RECONCILE_MS)).newOrders).toBe(0);
    stream.order(7, update(t)); // the same update again (a rotation's overlap)
    await h.tick(RECONCILE_MS);
    for (const sink of h.sinks) expect(sink.alertIds).toEqual(['um:7']);
  });

  it(`holds an order whose final update does not come for ${STREAM_HOLD_MS} ms, then alerts what was filled so far, once`, async () => {
    const { h, stream } = await start();
    const t = h.clock.now();
    stream.order(8, update(t, { X: 'PARTIALLY_FILLED', z: '0.0004', ap: '7100' }));
    await h.clock.advance(STREAM_HOLD_MS - 1);
    expect(h.sinks[0]?.attempts).toBe(0);
    await h.clock.advance(1);
    await Promise.all(h.sinks.map((s) => s.untilAlerts(1)));
    expect(h.sinks[0]?.received[0]).toMatchObject({
      alert: { id: 'um:8', order: { status: 'PARTIALLY_FILLED', executedQty: '0.0004', avgPrice: '7100', notionalUsd: '2.84' } },
    });
    stream.order(8, update(t + 10));
    h.source.add(restRecord(8, t + 10));
    await h.tick(RECONCILE_MS);
    for (const sink of h.sinks) expect(sink.alertIds).toEqual(['um:8']);
  });

  it('prices a COIN-M order as contracts x contract size, as REST does', async () => {
    const { h, stream } = await start();
    stream.order(9, update(h.clock.now(), { s: 'BTCUSD_PERP', z: '3', ap: '90000' }), { fs: 'CM' });
    await Promise.all(h.sinks.map((s) => s.untilAlerts(1)));
    expect(h.sinks[0]?.received[0]).toMatchObject({ alert: { id: 'cm:9', order: { pair: 'BTCUSD', notionalUsd: '300' } } });
  });

  it('takes only the books BINANCE_MARKETS names: the stream pushes every book, REST reads only those', async () => {
    const { h, stream } = await start({ markets: ['cm'] });
    const t = h.clock.now();
    stream.order(30, update(t)); // USD-M
    stream.order(31, update(t, { s: 'BTCUSD_PERP' }), { fs: 'CM' });
    await Promise.all(h.sinks.map((s) => s.untilAlerts(1)));
    await h.clock.advance(STREAM_HOLD_MS);
    for (const sink of h.sinks) expect(sink.alertIds).toEqual(['cm:31']);
  });

  it('ignores orders that are not force orders, and leaves an update off the schema to REST', async () => {
    const { h, stream } = await start();
    const t = h.clock.now();
    stream.order(10, update(t, { c: 'my-own-order' }));
    stream.order(11, update(t, { s: 'BTC<@everyone>' }));
    await h.clock.advance(STREAM_HOLD_MS);
    expect(h.sinks[0]?.attempts).toBe(0);
    expect(h.log.lines.join('\n')).toContain('order symbol is not shaped like');
    h.source.add(restRecord(11, t));
    await untilAlerted(h, 1, RECONCILE_MS + POLL_MS);
    for (const sink of h.sinks) expect(sink.alertIds).toEqual(['um:11']);
  });

  it('does not alert again an order the stream committed while a REST poll was fetching it', async () => {
    let gate: Promise<void> | undefined;
    let fetching: () => void = () => {};
    const fetched = new Promise<void>((resolve) => (fetching = resolve));
    const { h, stream } = await start({
      wrap: (source) => ({
        async allForceOrders(window: ForceOrderWindow): Promise<ForceOrderPage> {
          const answer = await source.allForceOrders(window);
          if (gate !== undefined) {
            fetching();
            await gate;
          }
          return answer;
        },
      }),
    });
    const t = h.clock.now() + 100;
    h.source.add(restRecord(12, t));
    let release: () => void = () => {};
    gate = new Promise((resolve) => (release = resolve));
    await h.clock.advance(200);
    const poll = h.pipeline?.pollOnce();
    await fetched; // the poll has its answer (order 12, unseen when it started) and waits
    stream.order(12, update(t));
    stream.order(14, update(t)); // one the poll's answer does not list at all
    await Promise.all(h.sinks.map((s) => s.untilAlerts(2)));
    gate = undefined;
    release();
    expect((await poll)?.newOrders).toBe(0);
    // The poll's write kept the id the stream added while it fetched, so the REST record that comes later is known.
    expect((await storeDocument(h)).seen).toHaveProperty(['um:14']);
    h.source.add(restRecord(14, t));
    await h.tick(RECONCILE_MS);
    for (const sink of h.sinks) expect([...sink.alertIds].sort()).toEqual(['um:12', 'um:14']);
  });

  it('never moves the REST watermark for a stream order, and keeps its id seen until REST can no longer list it', async () => {
    const { h, stream } = await start();
    const before = (await storeDocument(h)).watermark;
    const t = h.clock.now() + 1_000;
    await h.clock.advance(1_000);
    stream.order(13, update(t));
    await Promise.all(h.sinks.map((s) => s.untilAlerts(1)));
    expect((await storeDocument(h)).watermark).toBe(before);
    // REST lists the order only 70 s later (late, but inside two polls' overlap): the first reconciliation
    // poll does not see it, yet moves the watermark past it; its id must still be seen for the second.
    h.source.add(restRecord(13, t), t + 70_000);
    await h.tick(RECONCILE_MS);
    expect((await storeDocument(h)).watermark).toBeGreaterThan(t);
    expect((await storeDocument(h)).seen).toHaveProperty(['um:13']);
    await h.tick(RECONCILE_MS);
    for (const sink of h.sinks) expect(sink.alertIds).toEqual(['um:13']);
    // Once the watermark is past it by the overlap, no window reaches it again and the id goes.
    await h.tick(RECONCILE_MS);
    expect((await storeDocument(h)).seen).not.toHaveProperty(['um:13']);
  });
});

describe('REST as the reconciliation', () => {
  it(`alerts an order whose stream events were all dropped within RECONCILE_INTERVAL_MS + one poll, not at the poll interval`, async () => {
    const { h } = await start();
    await h.clock.advance(1_000);
    h.source.add(restRecord(20, h.clock.now()));
    const took = await untilAlerted(h, 1, RECONCILE_MS + POLL_MS);
    expect(took).toBeGreaterThan(POLL_MS); // the stream is open: REST reconciles at 60 s, it does not poll at 5 s
    expect(took).toBeLessThanOrEqual(RECONCILE_MS + POLL_MS);
  });

  it('covers a stream that is connected but silent', async () => {
    const { h } = await start();
    // The stream says open and sends nothing at all, for many minutes.
    const orders = [21, 22, 23];
    for (const [i, id] of orders.entries()) {
      for (let s = 0; s < 100; s += 1) await step(h);
      h.source.add(restRecord(id, h.clock.now()));
      await untilAlerted(h, i + 1, RECONCILE_MS + POLL_MS);
    }
    for (const sink of h.sinks) expect(sink.alertIds).toEqual(['um:21', 'um:22', 'um:23']);
  });

  it('polls at POLL_INTERVAL_MS while the stream is not open, at RECONCILE_INTERVAL_MS while it is', async () => {
    const { h, stream } = await start();
    const pollsIn = async (ms: number) => {
      let polls = 0;
      for (let elapsed = 0; elapsed < ms; elapsed += 1_000) if (await step(h)) polls += 1;
      return polls;
    };
    expect(await pollsIn(RECONCILE_MS)).toBe(1);
    stream.state('reconnecting');
    // The 60 s sleep in progress is cut short: the next poll comes within one poll interval.
    expect(await pollsIn(POLL_MS)).toBe(1);
    expect(await pollsIn(RECONCILE_MS)).toBe(RECONCILE_MS / POLL_MS);
    stream.state('open');
    expect(await pollsIn(RECONCILE_MS)).toBeLessThanOrEqual(1);
    stream.state('stopped');
    expect(await pollsIn(RECONCILE_MS)).toBeGreaterThanOrEqual(RECONCILE_MS / POLL_MS - 1);
  });
});

describe('the two sources merged', () => {
  /** What happens to one order: when it happens, how late REST lists it. */
  const orderArb = fc.record({
    offsetMs: fc.integer({ min: 0, max: 5_000 }),
    restDelayMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50_000 })),
  });
  /** One step of the world: time passes, a REST poll starts (not awaited: it may overlap what follows), a stream update arrives. */
  const stepArb = fc.oneof(
    fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 8_000 }) }),
    fc.record({ type: fc.constant('poll' as const) }),
    fc.record({ type: fc.constant('update' as const), order: fc.nat(), final: fc.boolean() }),
    // Every sink has what is queued so far (a delivered alert leaves the outbox: only the seen ids still know it).
    fc.record({ type: fc.constant('deliver' as const) }),
  );

  it('gives each order exactly once to every sink, whatever the interleaving of stream updates (duplicated, unfinished, dropped) and REST polls', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(orderArb, { minLength: 1, maxLength: 6 }), fc.array(stepArb, { maxLength: 30 }), async (orders, steps) => {
        const { dir, cleanup } = await tempDir();
        const clock = new FakeClock();
        const source = new MemoryForceOrderSource([], () => clock.now());
        const h = new PipelineHarness(dir, { clock, source });
        const stream = new FakeOrderStream();
        try {
          await h.start({
            stream: { stream, contractSize: async () => '100', reconcileIntervalMs: RECONCILE_MS },
            pollIntervalMs: POLL_MS,
          });
          stream.state('open');
          const start = clock.now();
          const times = orders.map((o) => start + o.offsetMs);
          for (const [i, o] of orders.entries()) source.add(restRecord(i + 1, times[i] as number), (times[i] as number) + o.restDelayMs);
          const polls: Promise<unknown>[] = [];
          let queued = 0;
          h.bus.on('alertsQueued', ({ alerts }) => {
            queued += alerts.length;
          });
          for (const s of steps) {
            if (s.type === 'advance') await step(h, s.ms);
            else if (s.type === 'poll') polls.push(h.pipeline?.pollOnce() ?? Promise.resolve());
            else if (s.type === 'deliver') await Promise.all(h.sinks.map((sink) => sink.untilAlerts(queued)));
            else {
              const i = s.order % orders.length;
              stream.order(i + 1, update(times[i] as number, s.final ? {} : { X: 'PARTIALLY_FILLED', z: '0.0005' }));
            }
          }
          await Promise.all(polls);
          // Then long enough for every REST record to be listed and reconciled.
          for (let elapsed = 0; elapsed < 3 * RECONCILE_MS; elapsed += 1_000) await step(h);
          await Promise.all(h.sinks.map((sink) => sink.untilAlerts(orders.length)));
          await h.stop();
          const all = orders.map((_, i) => `um:${i + 1}`).sort();
          for (const sink of h.sinks) expect([...sink.alertIds].sort()).toEqual(all);
        } finally {
          await h.stop();
          await cleanup();
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
