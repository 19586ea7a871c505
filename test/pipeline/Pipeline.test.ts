import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_BACKFILL_MS, Pipeline } from '../../src/pipeline/Pipeline.js';
import { SinkError } from '../../src/sinks/Sink.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { RecordingSink } from '../fakes/recordingSink.js';
import { nextEvent, PipelineHarness, tempDir } from './pipelineHarness.js';

let dir: string;
let cleanup: () => Promise<void>;
const harnesses: PipelineHarness[] = [];

function harness(options?: ConstructorParameters<typeof PipelineHarness>[1]): PipelineHarness {
  const h = new PipelineHarness(dir, options);
  harnesses.push(h);
  return h;
}

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.stop();
  await cleanup();
});

describe('Pipeline', () => {
  it('does not replay history on first start, then alerts a new order once to every sink', async () => {
    const h = harness();
    h.source.add(forceOrderFixture({ orderId: 1, updateTime: h.clock.now() - 10_000 }));
    await h.start();
    h.source.add(forceOrderFixture({ orderId: 2, updateTime: h.clock.now() + 1_000 }));
    await h.tick();
    await Promise.all(h.sinks.map((s) => s.untilAlerts(1)));
    await h.tick();
    await h.tick();
    for (const sink of h.sinks) expect(sink.alertIds).toEqual(['cm:2']);
    expect(h.sinks[0]!.received[0]).toMatchObject({ type: 'single', key: 'cm:2' });
  });

  it('replays history on first start only as far back as the backfill asks', async () => {
    const h = harness();
    const now = h.clock.now();
    h.source.add([
      forceOrderFixture({ orderId: 1, updateTime: now - 3 * 3_600_000 }),
      forceOrderFixture({ orderId: 2, updateTime: now - 3_600_000 }),
    ]);
    await h.start({ backfillMs: 2 * 3_600_000 });
    await h.sinks[0]!.untilAlerts(1);
    expect(h.sinks[0]!.alertIds).toEqual(['cm:2']);
    expect(() => new Pipeline({ ...baseOptions(h), backfillMs: MAX_BACKFILL_MS + 1 })).toThrow(/7 days/);
  });

  it('alerts orders sharing a millisecond, one of them listed late inside the overlap, once each', async () => {
    const h = harness();
    await h.start();
    const t = h.clock.now() + 2_000;
    h.source.add(forceOrderFixture({ orderId: 10, updateTime: t }));
    h.source.add(forceOrderFixture({ orderId: 11, updateTime: t }), t + 30_000);
    h.source.add(forceOrderFixture({ orderId: 12, updateTime: t + 1 }), t + 50_000);
    for (let i = 0; i < 14; i += 1) await h.tick();
    await h.sinks[1]!.untilAlerts(3);
    for (const sink of h.sinks) expect([...sink.alertIds].sort()).toEqual(['cm:10', 'cm:11', 'cm:12']);
  });

  it('restarts without duplicates or gaps, and records every symbol seen', async () => {
    const h = harness();
    await h.start();
    h.source.add(forceOrderFixture({ orderId: 1, updateTime: h.clock.now() + 1_000 }));
    await h.tick();
    await Promise.all(h.sinks.map((s) => s.untilAlerts(1)));
    await h.stop();
    // Down for 10 minutes: orders happen meanwhile, one of them at the very edge of the old watermark.
    const edge = h.clock.now();
    h.source.add(forceOrderFixture({ orderId: 2, updateTime: edge, symbol: 'ETHUSD_PERP' }));
    await h.clock.advance(600_000);
    h.source.add(forceOrderFixture({ orderId: 3, updateTime: h.clock.now() - 1 }));
    const p = await h.start();
    await Promise.all(h.sinks.map((s) => s.untilAlerts(3)));
    await h.tick();
    for (const sink of h.sinks) expect(sink.alertIds).toEqual(['cm:1', 'cm:2', 'cm:3']);
    expect(p.knownSymbols()).toEqual(['BTCUSD_PERP', 'ETHUSD_PERP']);
  });

  it('keeps retrying a failing sink with backoff and delivers once it recovers', async () => {
    const h = harness();
    await h.start();
    const [slack] = h.sinks;
    slack!.failUntilRecovered(new SinkError('slack 503', { retryable: true }));
    const failures: number[] = [];
    h.bus.on('deliveryFailed', (e) => void failures.push(e.retryInMs));
    h.source.add(forceOrderFixture({ orderId: 7, updateTime: h.clock.now() + 1 }));
    const failure = (attempts: number) => nextEvent(h.bus, 'deliveryFailed', (e) => e.sink === 'slack' && e.attempts === attempts);
    const first = failure(1);
    await h.tick();
    await first;
    const second = failure(2);
    await h.clock.advance(750);
    await second;
    const third = failure(3);
    await h.clock.advance(1_500);
    await third;
    // random() = 0.5: equal jitter gives 3/4 of 1 s, 2 s, 4 s.
    expect(failures).toEqual([750, 1_500, 3_000]);
    slack!.recover();
    const delivered = nextEvent(h.bus, 'delivered', (e) => e.sink === 'slack');
    await h.clock.advance(3_000);
    expect(await delivered).toMatchObject({ sink: 'slack', alertIds: ['cm:7'], grouped: false });
    expect(h.log.lines.some((l) => l.includes('"level":"warn"') && l.includes('delivery failed'))).toBe(true);
  });

  it('never drops an alert on a non-retryable error: logs an error and retries at the cap', async () => {
    const h = harness();
    await h.start({ retry: { random: () => 0.5, capMs: 60_000 } });
    h.sinks[0]!.failNext(new SinkError('channel_not_found', { retryable: false }));
    const failed = nextEvent(h.bus, 'deliveryFailed');
    h.source.add(forceOrderFixture({ orderId: 8, updateTime: h.clock.now() + 1 }));
    await h.tick();
    expect((await failed).retryInMs).toBe(60_000);
    expect(h.log.lines.some((l) => l.includes('"level":"error"') && l.includes('channel_not_found'))).toBe(true);
    await h.clock.advance(60_000);
    await h.sinks[0]!.untilAlerts(1);
    expect(h.sinks[0]!.alertIds).toEqual(['cm:8']);
  });

  it("honours the platform's Retry-After", async () => {
    const h = harness();
    await h.start();
    h.sinks[1]!.failNext(new SinkError('rate limited', { retryable: true, retryAfterMs: 42_000 }));
    const failed = nextEvent(h.bus, 'deliveryFailed');
    h.source.add(forceOrderFixture({ orderId: 9, updateTime: h.clock.now() + 1 }));
    await h.tick();
    expect(await failed).toMatchObject({ sink: 'discord', retryInMs: 42_000, attempts: 1 });
    await h.clock.advance(41_999);
    expect(h.sinks[1]!.alertIds).toEqual([]);
    await h.clock.advance(1);
    await h.sinks[1]!.untilAlerts(1);
  });

  it('delivers alerts left undelivered by a failing sink after a restart', async () => {
    const slack = new RecordingSink('slack');
    const h = harness({ sinks: [slack] });
    await h.start();
    slack.failUntilRecovered(new SinkError('down', { retryable: true }));
    const failed = nextEvent(h.bus, 'deliveryFailed');
    h.source.add(forceOrderFixture({ orderId: 20, updateTime: h.clock.now() + 1 }));
    await h.tick();
    await failed;
    await h.stop();
    const stored = JSON.parse(await readFile(h.storePath, 'utf8')) as { outbox: { id: string }[] };
    expect(stored.outbox.map((e) => e.id)).toEqual(['cm:20']);

    const fresh = new RecordingSink('slack');
    const again = harness({ clock: h.clock, source: h.source, sinks: [fresh] });
    await again.start();
    await fresh.untilAlerts(1);
    expect(fresh.alertIds).toEqual(['cm:20']);
  });

  it('lets a healthy sink deliver while another sink hangs', async () => {
    const h = harness();
    await h.start();
    const [slack, discord] = h.sinks;
    const release = slack!.hold();
    h.source.add(forceOrderFixture({ orderId: 30, updateTime: h.clock.now() + 1 }));
    await h.tick();
    h.source.add(forceOrderFixture({ orderId: 31, updateTime: h.clock.now() + 1 }));
    await h.tick();
    await discord!.untilAlerts(2);
    expect(discord!.alertIds).toEqual(['cm:30', 'cm:31']);
    expect(slack!.alertIds).toEqual([]);
    release();
    await slack!.untilAlerts(2);
    expect(slack!.alertIds).toEqual(['cm:30', 'cm:31']);
  });

  it('groups a cascade above the threshold into one notification with an exact summary, settlement closes counted apart', async () => {
    const h = harness();
    await h.start();
    const t = h.clock.now() + 1;
    h.source.add([
      ...Array.from({ length: 4 }, (_, i) => forceOrderFixture({ orderId: 100 + i, updateTime: t + i, notionalUsd: '0.1' })),
      forceOrderFixture({ orderId: 104, updateTime: t + 4, symbol: 'ETHUSD_PERP', kind: 'ADL', notionalUsd: '0.2' }),
      forceOrderFixture({ orderId: 105, updateTime: t + 9, symbol: 'ETHUSD_PERP', notionalUsd: '1000000.05' }),
      forceOrderFixture({ orderId: 106, updateTime: t + 10, symbol: 'BTCUSD_261225', kind: 'SETTLEMENT', notionalUsd: '0.3' }),
    ]);
    const delivered = nextEvent(h.bus, 'delivered', (e) => e.sink === 'slack');
    await h.tick();
    expect(await delivered).toMatchObject({ grouped: true });
    const group = h.sinks[0]!.received[0]!;
    if (group.type !== 'group') throw new Error('expected a group');
    expect(group.alerts).toHaveLength(7);
    expect(group.key).toMatch(/^g-[\w-]{20}$/);
    expect(group.summary).toEqual({
      count: 7,
      totalNotionalUsd: '1000000.95',
      byKind: { LIQUIDATION: 5, ADL: 1, SETTLEMENT: 1 },
      symbols: [
        { symbol: 'BTCUSD_PERP', count: 4, notionalUsd: '0.4' },
        { symbol: 'ETHUSD_PERP', count: 2, notionalUsd: '1000000.25' },
        { symbol: 'BTCUSD_261225', count: 1, notionalUsd: '0.3' },
      ],
      firstTime: t,
      lastTime: t + 10,
    });
    await h.sinks[1]!.untilAlerts(7);
    expect(h.sinks[1]!.received[0]!.key).toBe(group.key);
  });

  it('polls on after a merely non-retryable error, and through a refused key once a minute, resuming by itself with nothing lost', async () => {
    const h = harness();
    const p = await h.start();
    let ended = false;
    void p.done.then(() => (ended = true));
    // Asleep: the poll loop and the daily archive compaction.
    await h.clock.untilSleeping(2);
    // A body that broke the schema: not worth repeating at once, yet the next poll may well succeed.
    const transient = Object.assign(new Error('response broke the schema'), { retryable: false, fatal: false });
    h.source.failNext(transient);
    const failed = nextEvent(h.bus, 'pollFailed');
    await h.clock.advance(5_000);
    expect(await failed).toEqual({ error: transient, fatal: false });
    await h.clock.untilSleeping(2);
    const recovered = nextEvent(h.bus, 'pollSucceeded');
    await h.clock.advance(5_000);
    await recovered;
    await h.clock.untilSleeping(2);
    const auth = Object.assign(new Error('-2015 Invalid API-key, IP, or permissions'), { retryable: false, fatal: true });
    h.source.failWith(auth);
    const refused = nextEvent(h.bus, 'pollFailed');
    await h.clock.advance(5_000);
    expect(await refused).toEqual({ error: auth, fatal: true });
    // An order while the key is refused: the watermark stays, so the first poll that works finds it.
    h.source.add(forceOrderFixture({ orderId: 42, updateTime: h.clock.now() + 1_000 }));
    const asked = h.source.windows.length;
    for (let minute = 0; minute < 10; minute += 1) {
      await h.clock.untilSleeping(2);
      await h.clock.advance(60_000);
    }
    // One poll a minute while refused, not one per 5 s interval; and the poller is still running.
    expect(h.source.windows.length - asked).toBe(10);
    expect(ended).toBe(false);
    h.source.failWith(undefined);
    await h.clock.untilSleeping(2);
    const back = nextEvent(h.bus, 'pollSucceeded');
    await h.clock.advance(60_000);
    expect((await back).newOrders).toBe(1);
    await Promise.all(h.sinks.map((s) => s.untilAlerts(1)));
    for (const sink of h.sinks) expect(sink.alertIds).toEqual(['cm:42']);
    // Working again: back to the 5 s interval.
    const resumedAt = h.source.windows.length;
    await h.clock.untilSleeping(2);
    await h.clock.advance(5_000);
    expect(h.source.windows.length).toBe(resumedAt + 1);
    await h.stop();
    expect(ended).toBe(true);
  });

  it('retries the same group with the same key even when more alerts arrive meanwhile', async () => {
    const h = harness();
    await h.start();
    const [slack] = h.sinks;
    const keys: string[] = [];
    const deliver = slack!.deliver.bind(slack);
    slack!.deliver = (n) => {
      keys.push(n.key);
      return deliver(n);
    };
    slack!.failNext(new SinkError('timeout', { retryable: true }));
    const failed = nextEvent(h.bus, 'deliveryFailed');
    h.source.add(Array.from({ length: 6 }, (_, i) => forceOrderFixture({ orderId: 40 + i, updateTime: h.clock.now() + 1 })));
    await h.tick();
    await failed;
    h.source.add(forceOrderFixture({ orderId: 50, updateTime: h.clock.now() + 1 }));
    await h.tick();
    await h.clock.advance(1_000);
    await slack!.untilAlerts(7);
    expect(keys[1]).toBe(keys[0]);
    expect(slack!.received.map((n) => n.type)).toEqual(['group', 'single']);
  });

  it('refuses a corrupt store at start, leaves it untouched and frees the lock', async () => {
    const h = harness();
    await writeFile(h.storePath, '{"version":1,');
    await expect(h.start()).rejects.toThrow(/Restore it from a backup/);
    expect(await readFile(h.storePath, 'utf8')).toBe('{"version":1,');
    await expect(readFile(`${h.storePath}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a second pipeline on the same store and releases the lock on stop', async () => {
    const h = harness();
    await h.start();
    const second = new Pipeline(baseOptions(h));
    await expect(second.start()).rejects.toThrow(`another forcewatch (pid ${process.pid}`);
    await h.stop();
    await second.start();
    await second.stop();
  });
});

function baseOptions(h: PipelineHarness) {
  return { source: h.source, storePath: h.storePath, sinks: h.sinks, clock: h.clock, logger: h.log.logger };
}
