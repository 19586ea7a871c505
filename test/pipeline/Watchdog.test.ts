import { describe, expect, it } from 'vitest';
import { BinanceApiError, BinanceNetworkError } from '../../src/binance/errors.js';
import { type Notification, type Sink, SinkError } from '../../src/sinks/Sink.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { RecordingSink } from '../fakes/recordingSink.js';
import { nextEvent, type PipelineHarness, usePipelineHarnesses } from './pipelineHarness.js';

const MINUTE = 60_000;

const harness = usePipelineHarnesses();

/** A started pipeline (two recording sinks, 5 s polls) whose watchdog speaks after 2 minutes. */
async function started(sinks?: RecordingSink[]): Promise<PipelineHarness> {
  const h = harness(sinks ? { sinks } : {});
  await h.start({ watchdogAfterMs: 2 * MINUTE });
  return h;
}

/** Lets `ms` of fake time pass, a poll interval at a time, each step once the pipeline is idle on time. */
async function pass(h: PipelineHarness, ms: number, idleSleepers = 2): Promise<void> {
  const end = h.clock.now() + ms;
  while (h.clock.now() < end) {
    await h.clock.untilSleeping(idleSleepers);
    await h.clock.advance(Math.min(5_000, end - h.clock.now()));
  }
}

const notices = (sink: RecordingSink) => sink.notices.map((n) => n.notice);

describe('Watchdog', () => {
  it('warns every sink once when polling fails past WATCHDOG_AFTER, reminds after an hour, and tells the recovery with the blind time and the orders found in the gap', async () => {
    const h = await started();
    const down = new BinanceNetworkError('/papi/v1/cm/forceOrders: connection failed (ECONNREFUSED)', {
      path: '/papi/v1/cm/forceOrders',
      timedOut: false,
    });
    const lastSuccess = h.clock.now();
    h.source.failWith(down);
    await pass(h, 2 * MINUTE - 5_000);
    expect(h.sinks.flatMap(notices)).toEqual([]);
    const warned = nextEvent(h.bus, 'noticeSent');
    await pass(h, 5_000);
    await warned;
    const warnedAfter = h.clock.now() - lastSuccess;
    for (const sink of h.sinks) {
      expect(notices(sink)).toEqual([
        {
          severity: 'warning',
          title: 'forcewatch is blind: Binance cannot be reached',
          text: expect.stringContaining('No force order has been read for 2m'),
        },
      ]);
      expect(sink.notices[0]!.notice.text).toContain('ECONNREFUSED');
    }
    // Every failed poll of the next hour is still the same incident: no second notice before the hour is up.
    await pass(h, 59 * MINUTE);
    expect(h.sinks.map((s) => s.notices.length)).toEqual([1, 1]);
    await pass(h, MINUTE);
    expect(h.sinks.map((s) => s.notices.length)).toEqual([2, 2]);
    expect(h.sinks[0]!.notices[1]!.notice.text).toContain('No force order has been read for 62m');
    expect(h.sinks[0]!.notices[1]!.key).not.toBe(h.sinks[0]!.notices[0]!.key);

    h.source.add([1, 2, 3].map((orderId) => forceOrderFixture({ orderId, updateTime: h.clock.now() + orderId })));
    h.source.failWith(undefined);
    const recovered = nextEvent(h.bus, 'noticeSent', (e) => e.severity === 'recovered');
    await pass(h, 5_000);
    await recovered;
    await Promise.all(h.sinks.map((s) => s.untilAlerts(3)));
    for (const sink of h.sinks) {
      const recovery = sink.notices[2]!.notice;
      expect(recovery).toMatchObject({ severity: 'recovered', title: 'forcewatch reads Binance again' });
      // 62 minutes and 5 s, rounded up to the minute.
      expect(recovery.text).toMatch(/after 63m blind \(no successful poll since 2026-11-25T12:00:00Z\)/);
      expect(recovery.text).toContain('3 force orders were found in the gap');
      expect(sink.alertIds).toEqual(['cm:1', 'cm:2', 'cm:3']);
    }
    // Working again: quiet.
    await pass(h, 2 * HOUR);
    expect(h.sinks.map((s) => s.notices.length)).toEqual([3, 3]);
    console.info(`watchdog: exchange unreachable -> warning after ${warnedAfter / 1000} s of fake time (WATCHDOG_AFTER 2m, 5 s polls)`);
  });

  it('says nothing about a failure shorter than WATCHDOG_AFTER, neither warning nor recovery', async () => {
    const h = await started();
    h.source.failWith(new Error('HTTP 502 from a proxy'));
    await pass(h, 90_000);
    h.source.failWith(undefined);
    await pass(h, 10 * MINUTE);
    expect(h.sinks.flatMap((s) => s.notices)).toEqual([]);
  });

  it('names the settings and the Binance page to fix when the key is refused', async () => {
    const h = await started();
    h.source.failWith(
      new BinanceApiError(-2015, 'Invalid API-key, IP, or permissions for action.', { status: 401, path: '/papi/v1/cm/forceOrders' }),
    );
    const warned = nextEvent(h.bus, 'noticeSent');
    // Refused: one poll a minute; the third failure is past 2 minutes.
    await pass(h, 3 * MINUTE);
    await warned;
    const [notice] = notices(h.sinks[0]!);
    expect(notice?.title).toBe('forcewatch is blind: Binance refuses the API key');
    for (const words of [
      'BINANCE_API_KEY',
      'BINANCE_API_SECRET',
      'BINANCE_PRIVATE_KEY_PATH',
      'IP',
      'allow-list',
      'API Management',
      'https://www.binance.com/en/my/settings/api-management',
      '-2015',
      'retries once a minute',
    ]) {
      expect(notice?.text).toContain(words);
    }
    h.source.failWith(undefined);
    const recovered = nextEvent(h.bus, 'noticeSent', (e) => e.severity === 'recovered');
    await pass(h, MINUTE);
    await recovered;
    expect(notices(h.sinks[0]!).at(-1)?.text).toContain('No force order was found in the gap: nothing was skipped');
  });

  it('warns the other sinks once when a sink fails past WATCHDOG_AFTER, and tells every sink, that one too, once it delivers again', async () => {
    const h = await started();
    const [slack, discord] = h.sinks as [RecordingSink, RecordingSink];
    slack.failUntilRecovered(
      new SinkError('Slack answered HTTP 503: Slack is having trouble', { retryable: true, reason: 'server_error' }),
    );
    h.source.add(forceOrderFixture({ orderId: 7, updateTime: h.clock.now() + 1_000 }));
    const firstFailure = nextEvent(h.bus, 'deliveryFailed');
    await pass(h, 5_000);
    await firstFailure;
    const failingSince = h.clock.now();
    const warned = nextEvent(h.bus, 'noticeSent');
    // The poll loop, the compaction and Slack's backoff sleep.
    await pass(h, 3 * MINUTE, 3);
    await warned;
    expect(notices(discord)).toEqual([
      {
        severity: 'warning',
        title: 'forcewatch cannot deliver to slack',
        text: expect.stringContaining('Slack answered HTTP 503'),
      },
    ]);
    expect(slack.notices).toEqual([]);
    await pass(h, 30 * MINUTE, 3);
    expect(discord.notices).toHaveLength(1);

    slack.recover();
    const recovered = nextEvent(h.bus, 'noticeSent', (e) => e.sink === 'slack' && e.severity === 'recovered');
    await pass(h, 2 * MINUTE);
    await recovered;
    await slack.untilAlerts(1);
    for (const sink of [slack, discord]) {
      expect(notices(sink).at(-1)).toMatchObject({ severity: 'recovered', title: 'forcewatch delivers to slack again' });
      expect(notices(sink).at(-1)?.text).toMatch(/after 3\dm of failures/);
    }
    expect(discord.notices[0]!.notice.text).toContain(`since ${new Date(failingSince).toISOString().replace('.000', '')}`);
  });

  it('tries a notice a few times, then gives it up, and polling and alerts carry on', async () => {
    const noticeAttempts: string[] = [];
    /** Delivers alerts, refuses every notice. */
    class NoticeRefusingSink extends RecordingSink {
      override async deliver(notification: Notification): Promise<void> {
        if (notification.type !== 'notice') return super.deliver(notification);
        noticeAttempts.push(notification.key);
        throw new SinkError('Discord server error 500 after retries', { retryable: true, reason: 'server_error' });
      }
    }
    const discord = new NoticeRefusingSink('discord');
    const h = await started([new RecordingSink('slack'), discord]);
    h.source.failWith(new Error('HTTP 502 from a proxy'));
    const gaveUp = nextEvent(h.bus, 'noticeFailed');
    // The poll loop, the compaction and the notice's retry sleep.
    await pass(h, 2 * MINUTE + 5_000);
    await h.clock.untilSleeping(3);
    await h.clock.advance(5_000);
    await h.clock.untilSleeping(3);
    await h.clock.advance(20_000);
    expect(await gaveUp).toMatchObject({ sink: 'discord', severity: 'warning' });
    expect(noticeAttempts).toHaveLength(3);
    expect(new Set(noticeAttempts).size).toBe(1);
    expect(h.log.lines.some((l) => l.includes('could not send an operational notice'))).toBe(true);
    h.source.failWith(undefined);
    h.source.add(forceOrderFixture({ orderId: 9, updateTime: h.clock.now() + 1_000 }));
    await pass(h, 10_000);
    await discord.untilAlerts(1);
    expect(discord.alertIds).toEqual(['cm:9']);
  });

  it('never lets a sink that throws on a notice reach the poller', async () => {
    const throwing: Sink = {
      name: 'console',
      deliver: (n) => (n.type === 'notice' ? Promise.reject(new TypeError('a renderer bug')) : Promise.resolve()),
    };
    const h = harness();
    await h.start({ sinks: [throwing], watchdogAfterMs: 2 * MINUTE });
    h.source.failWith(new Error('HTTP 502 from a proxy'));
    await pass(h, 3 * MINUTE);
    h.source.failWith(undefined);
    const polled = nextEvent(h.bus, 'pollSucceeded');
    await pass(h, 5_000);
    await polled;
  });
});

const HOUR = 60 * MINUTE;
