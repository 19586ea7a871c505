import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Adapter } from 'lowdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ForceOrder } from '../../src/binance/types.js';
import { DeliveryDispatcher } from '../../src/pipeline/DeliveryDispatcher.js';
import { EventBus } from '../../src/pipeline/EventBus.js';
import { groupKey } from '../../src/pipeline/groupAlerts.js';
import { Outbox } from '../../src/pipeline/Outbox.js';
import type { DeliverOptions, Notification, Sink } from '../../src/sinks/Sink.js';
import { SinkError } from '../../src/sinks/Sink.js';
import { createSlackWebClient } from '../../src/slack/createSlackAdapter.js';
import { SlackSink } from '../../src/slack/SlackSink.js';
import { StateStore } from '../../src/store/StateStore.js';
import type { StoreDocument } from '../../src/store/StoreDocument.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { FakeSlack } from '../fakes/slack/FakeSlack.js';
import { FlakyFile } from '../store/FlakyFile.js';
import { nextEvent, tempDir } from './pipelineHarness.js';

const BOT_TOKEN = 'xoxb-3333-4444-markertestsecret';

/** A sink that keeps what it was handed and fails while told to. */
class ProbeSink implements Sink {
  readonly name = 'slack';
  readonly calls: { notification: Notification; options: DeliverOptions | undefined; stored: StoreDocument }[] = [];
  failures: unknown[] = [];

  constructor(private readonly storePath: string) {}

  async deliver(notification: Notification, options?: DeliverOptions): Promise<void> {
    const stored = JSON.parse(await readFile(this.storePath, 'utf8')) as StoreDocument;
    this.calls.push({ notification, options, stored });
    if (this.failures.length > 0) throw this.failures.shift();
  }
}

let dir: string;
let cleanup: () => Promise<void>;
let clock: FakeClock;
let slack: FakeSlack;
let log: ReturnType<typeof captureLogger>;
const running: DeliveryDispatcher[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  clock = new FakeClock();
  log = captureLogger();
  slack = new FakeSlack({ botToken: BOT_TOKEN, now: () => clock.now() });
  await slack.start();
});

afterEach(async () => {
  for (const d of running.splice(0)) await d.stop();
  await slack.stop();
  await cleanup();
});

const storePath = () => join(dir, 'state.json');

/** One process's delivery side: store, outbox and a started dispatcher for `sink`. */
async function boot(sink: Sink, adapter?: Adapter<StoreDocument>) {
  const store = await StateStore.open({ path: storePath(), createAt: clock.now(), adapter });
  const outbox = new Outbox(store, [sink.name]);
  const bus = new EventBus(log.logger);
  const dispatcher = new DeliveryDispatcher({ sinks: [sink], outbox, bus, clock, logger: log.logger, retry: { random: () => 0.5 } });
  running.push(dispatcher);
  return { store, outbox, bus, dispatcher };
}

/** Queues `orders` as one poll would. */
function queue(outbox: Outbox, orders: ForceOrder[]) {
  return outbox.commitPoll({ fresh: orders, seen: {}, watermark: clock.now() }, clock.now());
}

/** A SlackSink on the fake Slack (a new one per process, like a restart). */
function slackSink(): SlackSink {
  return new SlackSink({
    client: createSlackWebClient(BOT_TOKEN, slack.apiUrl, log.logger),
    channel: 'C0ALERTS',
    logger: log.logger,
    minIntervalMs: 0,
  });
}

function orders(count: number, from = 1): ForceOrder[] {
  return Array.from({ length: count }, (_, i) => forceOrderFixture({ orderId: from + i, updateTime: clock.now() - 1_000 + i }));
}

/** Runs a process until Slack has accepted `ids` but the store failed to record it, then kills it. */
async function crashAfterSlackAccepted(toQueue: ForceOrder[], ids: string[]): Promise<void> {
  const flaky = new FlakyFile(storePath());
  const first = await boot(slackSink(), flaky);
  await queue(first.outbox, toQueue);
  // The write that would record the delivery (the alerts leave the outbox) fails.
  flaky.failWhen = (doc) => ids.some((id) => !doc.outbox.some((e) => e.id === id));
  const recordFailed = nextEvent(first.bus, 'deliveryFailed');
  first.dispatcher.start();
  expect(String((await recordFailed).error)).toMatch(/store/i);
  await first.dispatcher.stop();
}

describe('attempt markers', () => {
  it('are in the store before the sink is handed the notification, and cleared with the delivery', async () => {
    const sink = new ProbeSink(storePath());
    const { outbox, bus, dispatcher } = await boot(sink);
    await queue(outbox, orders(1));
    const at = clock.now();
    const delivered = nextEvent(bus, 'delivered');
    dispatcher.start();
    await delivered;
    const [call] = sink.calls;
    expect(call?.stored.outbox[0]?.attempts).toEqual({ slack: { key: 'cm:1', at } });
    expect(call?.options?.maybeDelivered).toBeUndefined();
    const after = JSON.parse(await readFile(storePath(), 'utf8')) as StoreDocument;
    expect(after.outbox).toEqual([]);
  });

  it('hold the send back while the marker cannot be written', async () => {
    const sink = new ProbeSink(storePath());
    const flaky = new FlakyFile(storePath());
    const { outbox, bus, dispatcher } = await boot(sink, flaky);
    await queue(outbox, orders(1));
    flaky.failWhen = (doc) => doc.outbox.some((e) => e.attempts);
    const failed = nextEvent(bus, 'deliveryFailed');
    dispatcher.start();
    expect(await failed).toMatchObject({ sink: 'slack', attempts: 1, retryInMs: 750 });
    expect(sink.calls).toHaveLength(0);
    expect(log.lines.some((l) => l.includes('could not mark the attempt'))).toBe(true);
    flaky.failWhen = undefined;
    const delivered = nextEvent(bus, 'delivered');
    await clock.advance(750);
    await delivered;
    expect(sink.calls).toHaveLength(1);
  });

  it('make a retry after a failed attempt say maybeDelivered, since the first attempt, with the same key', async () => {
    const sink = new ProbeSink(storePath());
    sink.failures.push(new SinkError('timed out', { retryable: true }));
    const { outbox, bus, dispatcher } = await boot(sink);
    await queue(outbox, orders(6));
    const firstAt = clock.now();
    const failed = nextEvent(bus, 'deliveryFailed');
    dispatcher.start();
    await failed;
    const delivered = nextEvent(bus, 'delivered');
    await clock.advance(750);
    await delivered;
    const [first, retry] = sink.calls;
    expect(first?.options?.maybeDelivered).toBeUndefined();
    expect(retry?.options?.maybeDelivered).toEqual({ since: firstAt });
    expect(retry?.notification.key).toBe(first?.notification.key);
  });
});

describe('a restart after Slack accepted an alert the store never recorded', () => {
  it('does not post the alert again', async () => {
    await crashAfterSlackAccepted(orders(1), ['cm:1']);
    expect(slack.messages).toHaveLength(1);
    const stored = JSON.parse(await readFile(storePath(), 'utf8')) as StoreDocument;
    expect(stored.outbox[0]?.attempts?.slack?.key).toBe('cm:1');

    await clock.advance(60_000);
    const second = await boot(slackSink());
    const delivered = nextEvent(second.bus, 'delivered');
    second.dispatcher.start();
    expect(await delivered).toMatchObject({ sink: 'slack', alertIds: ['cm:1'], grouped: false });
    expect(slack.messages).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === 'conversations.history')).toHaveLength(1);
    expect(log.lines.some((l) => l.includes('already posted by an earlier attempt'))).toBe(true);
    expect(second.store.data.outbox).toEqual([]);
  });

  it('does not post a group again, and resumes it unchanged although more alerts were queued meanwhile', async () => {
    const cascade = orders(6, 100);
    const ids = cascade.map((o) => `cm:${o.orderId}`);
    await crashAfterSlackAccepted(cascade, ids);
    const key = groupKey(ids.map((id, i) => ({ id, order: cascade[i]! })));
    expect(slack.messages.map((m) => m.metadata?.event_payload.key)).toEqual([key]);

    const second = await boot(slackSink());
    // A poll before the dispatcher starts: the pending set is now 7, which would make another group.
    await queue(second.outbox, orders(1, 200));
    const groupDone = nextEvent(second.bus, 'delivered', (e) => e.grouped);
    const singleDone = nextEvent(second.bus, 'delivered', (e) => !e.grouped);
    second.dispatcher.start();
    expect((await groupDone).alertIds).toEqual(ids);
    expect((await singleDone).alertIds).toEqual(['cm:200']);
    expect(slack.messages.map((m) => m.metadata?.event_payload.key)).toEqual([key, 'cm:200']);
  });

  it('posts once more, with a warning, when the history cannot be read (at-least-once stays the floor)', async () => {
    await slack.stop();
    slack = new FakeSlack({ botToken: BOT_TOKEN, now: () => clock.now(), scopes: ['chat:write', 'commands'] });
    await slack.start();
    await crashAfterSlackAccepted(orders(1), ['cm:1']);

    const second = await boot(slackSink());
    const delivered = nextEvent(second.bus, 'delivered');
    second.dispatcher.start();
    await delivered;
    expect(slack.messages.map((m) => m.metadata?.event_payload.key)).toEqual(['cm:1', 'cm:1']);
    const warning = log.lines.find((l) => l.includes('"level":"warn"') && l.includes('missing_scope'));
    expect(warning).toContain('channels:history');
    for (const line of log.lines) expect(line).not.toContain('markertestsecret');
  });

  it('posts the alert when the process died before Slack got it', async () => {
    const first = await boot(new ProbeSink(storePath()));
    await queue(first.outbox, orders(1));
    await first.outbox.markAttempt('slack', ['cm:1'], { key: 'cm:1', at: clock.now() });
    await first.store.flush();

    const second = await boot(slackSink());
    const delivered = nextEvent(second.bus, 'delivered');
    second.dispatcher.start();
    await delivered;
    expect(slack.messages.map((m) => m.metadata?.event_payload.key)).toEqual(['cm:1']);
    expect(slack.calls.map((c) => c.method)).toEqual(['auth.test', 'conversations.history', 'chat.postMessage']);
  });
});
