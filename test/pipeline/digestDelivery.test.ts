import { join } from 'node:path';
import type { Adapter } from 'lowdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryDispatcher } from '../../src/pipeline/DeliveryDispatcher.js';
import { DigestOutbox } from '../../src/pipeline/DigestOutbox.js';
import { EventBus } from '../../src/pipeline/EventBus.js';
import { Outbox } from '../../src/pipeline/Outbox.js';
import { RiskOutbox } from '../../src/pipeline/RiskOutbox.js';
import type { DailyDigest, RiskAlert, Sink } from '../../src/sinks/Sink.js';
import { createSlackWebClient } from '../../src/slack/createSlackAdapter.js';
import { SlackSink } from '../../src/slack/SlackSink.js';
import { StateStore } from '../../src/store/StateStore.js';
import type { StoreDocument } from '../../src/store/StoreDocument.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { RecordingSink } from '../fakes/recordingSink.js';
import { FakeSlack } from '../fakes/slack/FakeSlack.js';
import { FlakyFile } from '../store/FlakyFile.js';
import { nextEvent, tempDir } from './pipelineHarness.js';

const BOT_TOKEN = 'xoxb-5555-6666-digesttestsecret';

const digest = (day: string): DailyDigest => ({
  day,
  from: Date.parse(`${day}T00:00:00Z`) - 86_400_000,
  to: Date.parse(`${day}T00:00:00Z`),
  count: 0,
  totalNotionalUsd: '0',
  byKind: { LIQUIDATION: 0, ADL: 0, SETTLEMENT: 0 },
  symbols: [],
});

/** Digests in the delivery dispatcher, from a real store: the risk outbox's machinery, under its own key. */
describe('digest delivery', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let clock: FakeClock;
  let slack: FakeSlack;
  const log = captureLogger();
  const running: DeliveryDispatcher[] = [];
  const storePath = () => join(dir.dir, 'state.json');

  beforeEach(async () => {
    dir = await tempDir();
    clock = new FakeClock();
    slack = new FakeSlack({ botToken: BOT_TOKEN, now: () => clock.now() });
    await slack.start();
  });
  afterEach(async () => {
    for (const d of running.splice(0)) await d.stop();
    await slack.stop();
    await dir.cleanup();
  });

  /** One process's delivery side over the store: both keyed outboxes and a dispatcher to `sink`. */
  async function boot(sink: Sink, adapter?: Adapter<StoreDocument>) {
    const store = await StateStore.open({ path: storePath(), createAt: clock.now(), adapter });
    const digestOutbox = new DigestOutbox(store, [sink.name]);
    const riskOutbox = new RiskOutbox(store, [sink.name]);
    const bus = new EventBus(log.logger);
    const outbox = new Outbox(store, [sink.name]);
    const dispatcher = new DeliveryDispatcher({ sinks: [sink], outbox, riskOutbox, digestOutbox, bus, clock, logger: log.logger });
    running.push(dispatcher);
    return { store, digestOutbox, riskOutbox, bus, dispatcher };
  }

  function slackSink(): SlackSink {
    return new SlackSink({
      client: createSlackWebClient(BOT_TOKEN, slack.apiUrl, log.logger),
      channel: 'C0ALERTS',
      logger: log.logger,
      minIntervalMs: 0,
    });
  }

  it('after Slack accepted a digest the killed process never recorded, finds it by its key and does not post it again', async () => {
    const flaky = new FlakyFile(storePath());
    const first = await boot(slackSink(), flaky);
    await first.digestOutbox.commit('2026-11-26', digest('2026-11-26'), clock.now());
    // The write that records the delivery (the digest leaves the outbox) fails: the process dies there.
    flaky.failWhen = (doc) => doc.digest.outbox.length === 0;
    const recordFailed = nextEvent(first.bus, 'deliveryFailed');
    first.dispatcher.start();
    expect(String((await recordFailed).error)).toMatch(/store/i);
    await first.dispatcher.stop();
    expect(slack.messages.map((m) => m.metadata?.event_payload.key)).toEqual(['digest:2026-11-26']);
    expect(first.store.data.digest.outbox[0]?.attempts?.slack?.key).toBe('digest:2026-11-26');

    await clock.advance(60_000);
    const second = await boot(slackSink());
    const delivered = nextEvent(second.bus, 'delivered');
    second.dispatcher.start();
    expect(await delivered).toMatchObject({ sink: 'slack', alertIds: ['digest:2026-11-26'], grouped: false });
    expect(slack.messages).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === 'conversations.history')).toHaveLength(1);
    expect(second.store.data.digest.outbox).toEqual([]);
    expect(second.store.data.digest.lastDay).toBe('2026-11-26');
  });

  it('delivers a risk alert before a digest queued earlier, and records each in its own outbox', async () => {
    const sink = new RecordingSink('slack');
    const { store, digestOutbox, riskOutbox, dispatcher } = await boot(sink);
    await digestOutbox.commit('2026-11-26', digest('2026-11-26'), 1);
    const alert: RiskAlert = {
      id: 'risk:2:REDUCE_ONLY',
      risk: {
        kind: 'level',
        level: 'REDUCE_ONLY',
        time: 2,
        uniMmr: '1.1',
        equity: '1100',
        actualEquity: '1200',
        maintenanceMargin: '1000',
      },
    };
    await riskOutbox.commit({ level: 'REDUCE_ONLY' }, [alert], 2);
    dispatcher.start();
    await sink.untilAlerts(2);
    await dispatcher.stop();
    expect(sink.received.map((n) => n.key)).toEqual(['risk:2:REDUCE_ONLY', 'digest:2026-11-26']);
    expect(store.data.risk.outbox).toEqual([]);
    expect(store.data.digest.outbox).toEqual([]);
  });

  it('keeps a digest for the sink that has not had it, and lets it go once every sink has', async () => {
    const store = await StateStore.open({ path: storePath(), createAt: 0 });
    const digestOutbox = new DigestOutbox(store, ['slack', 'discord']);
    await digestOutbox.commit('2026-11-26', digest('2026-11-26'), 5);
    await digestOutbox.recordDelivery('slack', 'digest:2026-11-26');
    expect([digestOutbox.depth('slack'), digestOutbox.depth('discord')]).toEqual([0, 1]);
    expect(digestOutbox.pending('slack', new Set())).toBeUndefined();
    expect(digestOutbox.pending('discord', new Set())?.key).toBe('digest:2026-11-26');
    await digestOutbox.recordDelivery('discord', 'digest:2026-11-26');
    expect(store.data.digest.outbox).toEqual([]);
  });
});
