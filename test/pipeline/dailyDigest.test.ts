import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ForceOrder } from '../../src/binance/types.js';
import { DIGEST_SETTLE_MS } from '../../src/pipeline/DigestScheduler.js';
import type { PipelineOptions } from '../../src/pipeline/Pipeline.js';
import type { DigestNotification } from '../../src/sinks/Sink.js';
import type { StoreDocument } from '../../src/store/StoreDocument.js';
import { HOUR_MS, MINUTE_MS } from '../../src/time.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { RecordingSink } from '../fakes/recordingSink.js';
import { type PipelineHarness, usePipelineHarnesses } from './pipelineHarness.js';
import { startRiskWorld } from './riskHarness.js';

/**
 * The daily digest in the whole pipeline: a real store and archive in a temp dir, a memory exchange,
 * recording sinks, one fake clock. DIGEST_AT is 00:00 UTC, so a digest is built at 00:01:30.
 */
const harness = usePipelineHarnesses();

const at = (iso: string) => Date.parse(iso);
/** Polls once an hour, so a fake day passes in 24 polls; the digest at 00:00 UTC. */
const DIGEST_ON: Partial<PipelineOptions> = { pollIntervalMs: HOUR_MS, digest: { atMinuteOfDay: 0 } };
/** When the digest of a day is built: DIGEST_AT plus the settling time. */
const builtAt = (day: string) => at(`${day}T00:00:00Z`) + DIGEST_SETTLE_MS;

const digestsOf = (sink: RecordingSink) => sink.received.filter((n): n is DigestNotification => n.type === 'digest');
const readStore = async (h: PipelineHarness) => JSON.parse(await readFile(h.storePath, 'utf8')) as StoreDocument;

/** Moves the fake clock to `time` (never back), polling on the way as the loop does. */
async function advanceTo(h: PipelineHarness, time: number): Promise<void> {
  await h.tick(Math.max(0, time - h.clock.now()));
}

describe('the daily digest', () => {
  it("posts the day's figures once to every sink: count, notional, kinds, symbols by notional, the largest; orders never queued count too", async () => {
    const h = harness({ clock: new FakeClock(at('2026-11-25T12:00:00Z')) });
    await h.start(DIGEST_ON);
    const orders: ForceOrder[] = [
      forceOrderFixture({ orderId: 1, updateTime: at('2026-11-25T13:00:00Z'), notionalUsd: '100' }),
      forceOrderFixture({
        orderId: 2,
        kind: 'ADL',
        market: 'um',
        symbol: 'ETHUSDT',
        pair: 'ETHUSDT',
        updateTime: at('2026-11-25T18:00:00Z'),
        notionalUsd: '2500.5',
      }),
      // The window's last millisecond is in it; DIGEST_AT itself starts the next one.
      forceOrderFixture({ orderId: 3, updateTime: at('2026-11-26T00:00:00Z') - 1, notionalUsd: '300.25' }),
      forceOrderFixture({ orderId: 4, updateTime: at('2026-11-26T00:00:00Z'), notionalUsd: '7000' }),
    ];
    h.source.add(orders);
    await advanceTo(h, at('2026-11-26T00:00:30Z'));
    // An order the archive holds that never went to the outbox (a route that does not post it).
    const unposted = forceOrderFixture({
      orderId: 5,
      kind: 'SETTLEMENT',
      symbol: 'SOLUSD_PERP',
      updateTime: at('2026-11-25T20:00:00Z'),
      notionalUsd: '50',
    });
    await h.pipeline?.archive.append([unposted]);
    await advanceTo(h, builtAt('2026-11-26'));
    await Promise.all(h.sinks.map((s) => s.untilAlerts(5)));

    for (const sink of h.sinks) {
      expect(digestsOf(sink)).toEqual([
        {
          type: 'digest',
          key: 'digest:2026-11-26',
          digest: {
            day: '2026-11-26',
            from: at('2026-11-25T00:00:00Z'),
            to: at('2026-11-26T00:00:00Z'),
            count: 4,
            totalNotionalUsd: '2950.75',
            byKind: { LIQUIDATION: 2, ADL: 1, SETTLEMENT: 1 },
            symbols: [
              { symbol: 'ETHUSDT', count: 1, notionalUsd: '2500.5' },
              { symbol: 'BTCUSD_PERP', count: 2, notionalUsd: '400.25' },
              { symbol: 'SOLUSD_PERP', count: 1, notionalUsd: '50' },
            ],
            largest: orders[1],
          },
        },
      ]);
    }
    expect((await readStore(h)).digest).toMatchObject({ lastDay: '2026-11-26', outbox: [] });
  });

  it('does not post a digest for the day a fresh store did not watch: the first comes at the next DIGEST_AT', async () => {
    const h = harness({ clock: new FakeClock(at('2026-11-25T23:59:00Z')) });
    await h.start(DIGEST_ON);
    await h.stop();
    // Started a minute before DIGEST_AT: the day ending then was not watched, and the store says so.
    expect((await readStore(h)).digest.lastDay).toBe('2026-11-25');
    await h.start(DIGEST_ON);
    await advanceTo(h, builtAt('2026-11-26'));
    await Promise.all(h.sinks.map((s) => s.untilAlerts(1)));
    expect(digestsOf(h.sinks[0]!).map((n) => n.key)).toEqual(['digest:2026-11-26']);
    expect(digestsOf(h.sinks[0]!)[0]?.digest).toMatchObject({ count: 0, totalNotionalUsd: '0', symbols: [] });
    expect(digestsOf(h.sinks[0]!)[0]?.digest.largest).toBeUndefined();
  });

  it('posts one digest a day however often the bot restarts before, at and after DIGEST_AT', async () => {
    const clock = new FakeClock(at('2026-11-25T12:00:00Z'));
    const sinks = [new RecordingSink('slack'), new RecordingSink('discord')];
    const restartAt = async (time: number) => {
      const h = harness({ clock, sinks });
      await advanceToIdle(clock, time);
      await h.start(DIGEST_ON);
      return h;
    };
    for (const time of ['2026-11-25T12:00:00Z', '2026-11-25T23:59:59Z']) await (await restartAt(at(time))).stop();
    // At DIGEST_AT (before the digest is built), then when it is built: delivered once.
    await (await restartAt(at('2026-11-26T00:00:00Z'))).stop();
    const building = await restartAt(builtAt('2026-11-26'));
    await Promise.all(sinks.map((s) => s.untilAlerts(1)));
    await building.stop();
    // Three restarts later the same day: nothing more.
    for (const time of ['2026-11-26T00:02:00Z', '2026-11-26T09:00:00Z', '2026-11-26T23:58:00Z']) await (await restartAt(at(time))).stop();
    for (const sink of sinks) expect(digestsOf(sink).map((n) => n.key)).toEqual(['digest:2026-11-26']);
    // The next day's comes as usual.
    const next = await restartAt(builtAt('2026-11-27'));
    await Promise.all(sinks.map((s) => s.untilAlerts(2)));
    await next.stop();
    for (const sink of sinks) expect(digestsOf(sink).map((n) => n.key)).toEqual(['digest:2026-11-26', 'digest:2026-11-27']);
  });

  it('posts the latest missed day once when it starts after being down at DIGEST_AT, not the days before it', async () => {
    const clock = new FakeClock(at('2026-11-25T12:00:00Z'));
    const sinks = [new RecordingSink('slack')];
    const first = harness({ clock, sinks });
    await first.start(DIGEST_ON);
    first.source.add(forceOrderFixture({ orderId: 1, updateTime: at('2026-11-25T13:00:00Z') }));
    await first.tick(2 * HOUR_MS);
    await sinks[0]!.untilAlerts(1);
    await first.stop();
    // Down for three DIGEST_ATs (26, 27, 28), back on the 28th at 09:00.
    clock.jump(at('2026-11-28T09:00:00Z') - clock.now());
    const back = harness({ clock, sinks });
    await back.start(DIGEST_ON);
    await sinks[0]!.untilAlerts(2);
    await back.stop();
    const again = harness({ clock, sinks });
    await again.start(DIGEST_ON);
    await again.stop();
    expect(digestsOf(sinks[0]!).map((n) => [n.key, n.digest.from, n.digest.to, n.digest.count])).toEqual([
      ['digest:2026-11-28', at('2026-11-27T00:00:00Z'), at('2026-11-28T00:00:00Z'), 0],
    ]);
  });
  it('names the lowest uniMMR the risk monitor saw in the window, from the account it reads every 5 minutes', async () => {
    const world = await startRiskWorld(3);
    try {
      world.sim.risk.set({ status: 'NORMAL', uniMMR: '3' });
      const h = harness({ clock: world.clock });
      await h.start({ ...DIGEST_ON, risk: { account: world.binance.account() } });
      await advanceTo(h, at('2026-11-25T14:59:00Z'));
      world.sim.risk.set({ status: 'NORMAL', uniMMR: '1.7' });
      const low = world.sim.risk.information().uniMMR;
      // Five-minute steps, so the monitor's reads see 1.7 before it goes back up.
      for (let step = 0; step < 6; step += 1) await h.tick(5 * MINUTE_MS);
      world.sim.risk.set({ status: 'NORMAL', uniMMR: '2.4' });
      await advanceTo(h, builtAt('2026-11-26'));
      await h.sinks[0]!.untilAlerts(1);
      const lowest = digestsOf(h.sinks[0]!)[0]?.digest.lowestUniMmr;
      expect(lowest?.value).toBe(low);
      expect(lowest?.time).toBeGreaterThanOrEqual(at('2026-11-25T14:59:00Z'));
      expect(lowest?.time).toBeLessThanOrEqual(at('2026-11-25T15:30:00Z'));
      await h.stop();
    } finally {
      await world.close();
    }
  });
});

/** Moves a clock nothing is running on to `time` (between two processes: nobody sleeps on it). */
async function advanceToIdle(clock: FakeClock, time: number): Promise<void> {
  if (time > clock.now()) await clock.advance(time - clock.now());
}
