import { join } from 'node:path';
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryDispatcher } from '../../src/pipeline/DeliveryDispatcher.js';
import { EventBus } from '../../src/pipeline/EventBus.js';
import { Outbox } from '../../src/pipeline/Outbox.js';
import { isSinkError, type SinkError } from '../../src/sinks/Sink.js';
import { createSlackWebClient } from '../../src/slack/createSlackAdapter.js';
import { alertMetadata, findPostedAlert, SLACK_ALERT_EVENT_TYPE, SlackSink, type SlackSinkOptions } from '../../src/slack/SlackSink.js';
import { StateStore } from '../../src/store/StateStore.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { FAKE_BOT, FakeSlack, type FakeSlackOptions } from '../fakes/slack/FakeSlack.js';
import { nextEvent, tempDir } from '../pipeline/pipelineHarness.js';
import { group, single } from './notifications.js';

const BOT_TOKEN = 'xoxb-1111-2222-sinktestsecret';

async function failure(promise: Promise<unknown>): Promise<SinkError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSinkError(error)) throw new Error(`expected a SinkError, got ${String(error)}`);
  return error;
}

describe('SlackSink against the fake Slack', () => {
  let slack: FakeSlack;
  let logs: ReturnType<typeof captureLogger>;

  beforeEach(async () => {
    slack = new FakeSlack({ botToken: BOT_TOKEN, channels: { C0ALERTS: { member: true }, C0OUTSIDE: { member: false } } });
    await slack.start();
    logs = captureLogger();
  });
  afterEach(async () => {
    await slack.stop();
  });

  /** Replaces the fake Slack with one made with `options` (and our bot token). */
  const reopen = async (options: Omit<FakeSlackOptions, 'botToken'>) => {
    await slack.stop();
    slack = new FakeSlack({ botToken: BOT_TOKEN, ...options });
    await slack.start();
  };
  /** Every scope but groups:history, with channels:read and groups:read for conversations.info. */
  const withoutGroupsHistory = ['chat:write', 'commands', 'channels:history', 'channels:read', 'groups:read'];

  const sink = (overrides: Partial<SlackSinkOptions> = {}) =>
    new SlackSink({
      client: createSlackWebClient(BOT_TOKEN, slack.apiUrl, logs.logger),
      channel: 'C0ALERTS',
      logger: logs.logger,
      minIntervalMs: 0,
      ...overrides,
    });

  it('posts an alert that Slack accepts, with blocks, fallback text and the order id', async () => {
    await sink().deliver(single());
    expect(slack.messages).toHaveLength(1);
    const [message] = slack.messages;
    expect(message?.channel).toBe('C0ALERTS');
    expect(message?.text).toContain('order 165123080');
    expect(JSON.stringify(message?.blocks)).toContain('*Order id*\\n165123080');
    expect(message?.args.unfurl_links).toBe('false');
  });

  it('delivers a group of 1,000 orders that passes Slack’s block validation', async () => {
    await sink().deliver(group(1000));
    expect(slack.messages).toHaveLength(1);
    expect(JSON.stringify(slack.messages[0]?.blocks)).toMatch(/… and \d+ more orders/);
  });

  it('surfaces a 429 as retryable with Retry-After, then posts exactly once on retry', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 7 });
    const s = sink();
    const error = await failure(s.deliver(single()));
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(7000);
    expect(slack.messages).toHaveLength(0);
    await s.deliver(single());
    expect(slack.messages).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(2);
  });

  it('treats a 500 as retryable', async () => {
    slack.failNext('chat.postMessage', { status: 500 });
    const error = await failure(sink().deliver(single()));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('HTTP 500');
  });

  it('treats Slack being unreachable (connection refused) as retryable', async () => {
    const s = sink();
    await slack.down();
    const error = await failure(s.deliver(single()));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/could not reach Slack/);
  });

  it('says what to fix, without retry, when the bot is not in the channel', async () => {
    const error = await failure(sink({ channel: 'C0OUTSIDE' }).deliver(single()));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('not_in_channel');
    expect(error.message).toContain('/invite');
  });

  it('says what to fix for an unknown channel and a bad token', async () => {
    const unknown = await failure(sink({ channel: 'C0NOWHERE' }).deliver(single()));
    expect([unknown.retryable, unknown.message.includes('channel_not_found')]).toEqual([false, true]);
    slack.failNext('chat.postMessage', { error: 'invalid_auth' });
    const auth = await failure(sink().deliver(single()));
    expect([auth.retryable, auth.message.includes('SLACK_BOT_TOKEN')]).toEqual([false, true]);
  });

  it('mentions only at or above the notional threshold', async () => {
    const s = sink({ mention: '<!subteam^S0ONCALL>', mentionNotionalUsd: '100000' });
    await s.deliver(single(forceOrderFixture({ notionalUsd: '99999.99' })));
    await s.deliver(single(forceOrderFixture({ orderId: 2, notionalUsd: '100000' })));
    await s.deliver(group(3)); // 900 USD in all
    expect(slack.messages.map((m) => m.text?.startsWith('<!subteam^S0ONCALL>'))).toEqual([false, true, false]);
    expect(JSON.stringify(slack.messages[0])).not.toContain('subteam');
  });

  it('mentions by the account’s own threshold when the notification carries one', async () => {
    const s = sink({ mention: '<!subteam^S0ONCALL>', mentionNotionalUsd: '100000' });
    const desk = (notionalUsd: string, orderId: number, mentionNotionalUsd?: string) => ({
      ...single(forceOrderFixture({ orderId, notionalUsd })),
      account: { name: 'desk-a', ...(mentionNotionalUsd !== undefined && { mentionNotionalUsd }) },
    });
    await s.deliver(desk('20000', 1, '10000'));
    await s.deliver(desk('150000', 2, '200000'));
    await s.deliver(desk('150000', 3));
    expect(slack.messages.map((m) => m.text?.startsWith('<!subteam^S0ONCALL> desk-a · '))).toEqual([true, false, true]);
  });

  it('posts an operational notice inert and within the limits, never with the mention, whatever its text quotes', async () => {
    const hostile = `Binance said: <!channel> @here <@U0ALICE> <https://evil.example|click> ${'x'.repeat(20_000)}`;
    const s = sink({ mention: '<!subteam^S0ONCALL>', mentionNotionalUsd: '0' });
    await s.deliver({
      type: 'notice',
      key: 'notice:poll:1:warning:2',
      notice: { severity: 'warning', title: 'forcewatch is blind <!here>', text: hostile },
    });
    expect(slack.messages).toHaveLength(1);
    const [message] = slack.messages;
    const all = JSON.stringify(message);
    for (const live of ['<!channel>', '<!here>', '<@U0ALICE>', '<https://', 'subteam']) expect(all).not.toContain(live);
    expect(all).toContain('@\u2060here');
    expect(message?.metadata).toEqual(alertMetadata('notice:poll:1:warning:2'));
    // The fake refused nothing: blocks within Slack's limits (validateBlocks), text within 40,000.
    expect(JSON.stringify(message?.blocks)).toContain(':warning: forcewatch is blind');
  });

  it('classifies each failure for the reason label: auth, rate_limited, client_error, server_error, network', async () => {
    const s = sink();
    slack.failNext('chat.postMessage', { error: 'invalid_auth' });
    slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
    slack.failNext('chat.postMessage', { error: 'is_archived' });
    slack.failNext('chat.postMessage', { status: 503 });
    const reasons = [];
    for (let i = 0; i < 4; i += 1) reasons.push((await failure(s.deliver(single()))).reason);
    await slack.stop();
    reasons.push((await failure(s.deliver(single()))).reason);
    expect(reasons).toEqual(['auth', 'rate_limited', 'client_error', 'server_error', 'network']);
  });

  it('spaces messages to one channel by the configured interval, from Slack’s answer to the next post', async () => {
    const s = sink({ minIntervalMs: 150 });
    await Promise.all([s.deliver(single()), s.deliver(single()), s.deliver(single())]);
    const gaps = slack.messages.slice(1).map((m, i) => m.at - slack.messages[i]!.at);
    expect(gaps).toHaveLength(2);
    // Measured where the fake receives them: the next post leaves only after the previous answer came back.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(150);
  });

  it('keeps Slack’s one second between posts when a request was slow on the way, so the strict limit never answers 429', async () => {
    await reopen({ channelBurst: 1 });
    const s = sink({ minIntervalMs: undefined });
    // The first post reaches Slack 400 ms after it left: spaced from its start, the second would follow 600 ms later.
    slack.delayNext('chat.postMessage', 400);
    await Promise.all([s.deliver(single()), s.deliver(group(3))]);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(2);
    expect(slack.messages[1]!.at - slack.messages[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('drops posts still waiting their turn when stopped, and takes no more', async () => {
    const s = sink({ minIntervalMs: 60_000 });
    await s.deliver(single());
    const waiting = failure(s.deliver(group(3)));
    await s.stop();
    expect((await waiting).retryable).toBe(true);
    expect((await failure(s.deliver(group(4)))).message).toContain('stopping');
    expect(slack.messages).toHaveLength(1);
  });

  it('tags every alert with its key in message metadata', async () => {
    const s = sink();
    await s.deliver(single());
    await s.deliver(group(7));
    expect(slack.messages.map((m) => m.metadata)).toEqual([
      { event_type: 'forcewatch_alert', event_payload: { key: 'cm:165123080' } },
      { event_type: 'forcewatch_alert', event_payload: { key: 'group:7' } },
    ]);
  });

  it('does not post again what an earlier attempt already posted, when told it may have', async () => {
    const since = Date.now();
    await sink().deliver(group(7));
    slack.addMessage('C0ALERTS', { user: 'U0ALICE', text: 'on it' });
    const restarted = sink();
    await restarted.deliver(group(7), { maybeDelivered: { since } });
    expect(slack.messages).toHaveLength(1);
    await restarted.deliver(single(), { maybeDelivered: { since } });
    expect(slack.messages.map((m) => m.metadata?.event_payload.key)).toEqual(['group:7', 'cm:165123080']);
    expect(logs.lines.filter((l) => l.includes('already posted by an earlier attempt'))).toHaveLength(1);
  });

  it('posts anyway, with a warning, when the history read is rate-limited', async () => {
    const since = Date.now();
    await sink().deliver(single());
    slack.failNext('conversations.history', { status: 429, retryAfterSec: 60 });
    await sink().deliver(single(), { maybeDelivered: { since } });
    expect(slack.messages).toHaveLength(2);
    expect(logs.lines.some((l) => l.includes('"level":"warn"') && l.includes('rate-limited the history read'))).toBe(true);
  });

  it('skips the history search on a retry after Slack only said no, not after an unknown outcome', async () => {
    const since = Date.now();
    const s = sink();
    const historyReads = () => slack.calls.filter((c) => c.method === 'conversations.history').length;
    slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
    await failure(s.deliver(single()));
    await s.deliver(single(), { maybeDelivered: { since } });
    expect(historyReads()).toBe(0);
    slack.failNext('chat.postMessage', { status: 503 });
    await failure(s.deliver(group(7)));
    slack.failNext('chat.postMessage', { error: 'internal_error' });
    await failure(s.deliver(group(7), { maybeDelivered: { since } }));
    await s.deliver(group(7), { maybeDelivered: { since } });
    expect(historyReads()).toBe(2);
    expect(slack.messages).toHaveLength(2);
  });

  it('warns at start-up when the token cannot read the alert channel’s history, and only then', async () => {
    await sink().checkHistoryAccess();
    expect(logs.lines.filter((l) => l.includes('"level":"warn"'))).toEqual([]);
    await reopen({ scopes: withoutGroupsHistory, channels: { G0PRIVATE: { member: true, private: true } } });
    await sink({ channel: 'G0PRIVATE' }).checkHistoryAccess();
    expect(logs.lines.filter((l) => l.includes('"level":"warn"') && l.includes('lacks groups:history'))).toHaveLength(1);
  });

  it('asks conversations.info, once, whether the channel is private: a C… channel can be', async () => {
    // Made private after it was created: Slack kept its C… id.
    await reopen({ scopes: withoutGroupsHistory, channels: { C0TURNED: { member: true, private: true } } });
    const s = sink({ channel: 'C0TURNED' });
    await s.checkHistoryAccess();
    await s.checkHistoryAccess();
    const warnings = logs.lines.filter((l) => l.includes('"level":"warn"'));
    expect(warnings).toHaveLength(2);
    expect(warnings.every((l) => l.includes('lacks groups:history:'))).toBe(true);
    expect(slack.calls.filter((c) => c.method === 'conversations.info').map((c) => c.args.channel)).toEqual(['C0TURNED']);
  });

  it('names both history scopes when conversations.info cannot say whether the channel is private', async () => {
    await reopen({ scopes: ['chat:write', 'commands', 'channels:history'] });
    await sink().checkHistoryAccess();
    const [warning] = logs.lines.filter((l) => l.includes('"level":"warn"'));
    expect(warning).toContain('lacks groups:history (conversations.info could not say whether C0ALERTS is private or public');
    expect(slack.calls.filter((c) => c.method === 'conversations.info')).toHaveLength(1);
  });

  it('never prints the bot token', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
    const s = sink();
    await failure(s.deliver(single()));
    await s.deliver(single());
    expect(logs.lines.length).toBeGreaterThan(0);
    for (const line of logs.lines) expect(line).not.toContain('sinktestsecret');
  });
});

const HISTORY_BOT_TOKEN = 'xoxb-5555-6666-historytestsecret';
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

describe('findPostedAlert against the fake Slack', () => {
  let slack: FakeSlack;
  let now: number;
  let client: webApi.WebClient;

  beforeEach(async () => {
    now = T0;
    slack = new FakeSlack({
      botToken: HISTORY_BOT_TOKEN,
      now: () => now,
      channels: { C0ALERTS: { member: true }, G0PRIVATE: { member: true } },
    });
    await slack.start();
    client = createSlackWebClient(HISTORY_BOT_TOKEN, slack.apiUrl, captureLogger().logger);
  });
  afterEach(async () => {
    await slack.stop();
  });

  const post = (key: string, channel = 'C0ALERTS') =>
    client.chat.postMessage({ channel, text: `alert ${key}`, metadata: alertMetadata(key) });
  const find = (key: string, extra: Partial<Parameters<typeof findPostedAlert>[1]> = {}) =>
    findPostedAlert(client, { channel: 'C0ALERTS', key, botId: FAKE_BOT.botId, oldestMs: T0 - 1, ...extra });

  it('finds our message by its metadata key and reports its ts', async () => {
    const posted = await post('cm:1');
    await post('cm:2');
    expect(await find('cm:1')).toEqual({ ts: posted.ts });
    expect(await find('cm:3')).toEqual({ ts: undefined, complete: true });
    const [call] = slack.calls.filter((c) => c.method === 'conversations.history');
    expect(call?.args).toMatchObject({ channel: 'C0ALERTS', include_all_metadata: 'true', oldest: ((T0 - 1) / 1000).toFixed(6) });
  });

  it('ignores the same key on another bot’s message, and messages before `oldest`', async () => {
    slack.addMessage('C0ALERTS', {
      bot_id: 'B0OTHER',
      text: 'copy',
      metadata: { event_type: SLACK_ALERT_EVENT_TYPE, event_payload: { key: 'cm:1' } },
    });
    expect(await find('cm:1')).toEqual({ ts: undefined, complete: true });
    await post('cm:1');
    now += 60_000;
    expect(await find('cm:1', { oldestMs: T0 + 1 })).toEqual({ ts: undefined, complete: true });
  });

  it('follows next_cursor through a busy channel, and stops at the page cap', async () => {
    const ours = await post('cm:1');
    for (let i = 0; i < 25; i += 1) {
      now += 1_000;
      slack.addMessage('C0ALERTS', { user: 'U0ALICE', text: `chatter ${i}` });
    }
    expect(await find('cm:1', { pageLimit: 10 })).toEqual({ ts: ours.ts });
    const history = slack.calls.filter((c) => c.method === 'conversations.history');
    expect(history.map((c) => c.args.cursor === undefined)).toEqual([true, false, false]);
    expect(await find('cm:1', { pageLimit: 10, maxPages: 2 })).toEqual({ ts: undefined, complete: false });
  });

  it('serves history newest first, with metadata only when asked, as Slack documents', async () => {
    await post('cm:1');
    now += 1_000;
    const human = slack.addMessage('C0ALERTS', { user: 'U0ALICE', text: 'seen it' });
    const plain = await client.conversations.history({ channel: 'C0ALERTS', limit: 1 });
    expect(plain.messages?.map((m) => m.ts)).toEqual([human]);
    expect(plain.has_more).toBe(true);
    const next = await client.conversations.history({ channel: 'C0ALERTS', limit: 1, cursor: plain.response_metadata?.next_cursor });
    expect(next.messages?.[0]).toMatchObject({ bot_id: FAKE_BOT.botId, text: 'alert cm:1' });
    expect(next.messages?.[0]?.metadata).toBeUndefined();
    expect(next.has_more).toBe(false);
    const full = await client.conversations.history({ channel: 'C0ALERTS', include_all_metadata: true });
    expect(full.messages?.[1]?.metadata).toEqual({ event_type: 'forcewatch_alert', event_payload: { key: 'cm:1' } });
  });

  it('needs groups:history for a private channel and channels:history for a public one, whatever the id', async () => {
    await slack.stop();
    slack = new FakeSlack({
      botToken: HISTORY_BOT_TOKEN,
      now: () => now,
      scopes: ['chat:write', 'channels:history'],
      channels: { C0ALERTS: { member: true }, C0TURNED: { member: true, private: true } },
    });
    await slack.start();
    client = createSlackWebClient(HISTORY_BOT_TOKEN, slack.apiUrl, captureLogger().logger);
    expect(await find('cm:1')).toEqual({ ts: undefined, complete: true });
    const error = await find('cm:1', { channel: 'C0TURNED' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: webApi.ErrorCode.PlatformError, data: { error: 'missing_scope', needed: 'groups:history' } });
  });

  it('refuses malformed metadata on a post as Slack does', async () => {
    const error = await client.chat
      .postMessage({ channel: 'C0ALERTS', text: 'x', metadata: { event_type: 'has spaces', event_payload: {} } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ data: { error: 'invalid_metadata_schema' } });
    expect(slack.messages).toHaveLength(0);
  });
});

/** A channel problem only the operator can fix: how to cause it at Slack, how to fix it, and what our error must tell them. */
const CHANNEL_PROBLEMS: { code: string; cause: (slack: FakeSlack) => void; fix: (slack: FakeSlack) => void; says: RegExp }[] = [
  {
    code: 'is_archived',
    cause: (slack) => slack.setChannel('C0ALERTS', { archived: true }),
    fix: (slack) => slack.setChannel('C0ALERTS', { archived: false }),
    says: /SLACK_ALERT_CHANNEL is archived: unarchive it, or set SLACK_ALERT_CHANNEL to another channel/,
  },
  {
    code: 'not_in_channel',
    cause: (slack) => slack.setChannel('C0ALERTS', { member: false }),
    fix: (slack) => slack.setChannel('C0ALERTS', { member: true }),
    says: /the bot is not a member of SLACK_ALERT_CHANNEL: invite it \(\/invite @forcewatch in the channel\)/,
  },
  {
    code: 'missing_scope',
    cause: (slack) => slack.setScopes(['commands', 'channels:history', 'groups:history']),
    fix: (slack) => slack.setScopes(['chat:write', 'commands', 'channels:history', 'groups:history']),
    says: /the bot token lacks the chat:write scope: add it to the bot token scopes .* and reinstall the app/,
  },
];

describe('a channel Slack refuses, end to end through the dispatcher: nothing lost', () => {
  let slack: FakeSlack;
  let clock: FakeClock;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let dispatcher: DeliveryDispatcher | undefined;
  const log = captureLogger();

  beforeEach(async () => {
    clock = new FakeClock();
    slack = new FakeSlack({ botToken: BOT_TOKEN, now: () => clock.now() });
    await slack.start();
    dir = await tempDir();
  });
  afterEach(async () => {
    await dispatcher?.stop();
    dispatcher = undefined;
    await slack.stop();
    await dir.cleanup();
  });

  for (const problem of CHANNEL_PROBLEMS) {
    it(`${problem.code}: says what to do, retries nothing in vain, keeps the alert and posts it once fixed`, async () => {
      problem.cause(slack);
      const store = await StateStore.open({ path: join(dir.dir, 'state.json'), createAt: clock.now() });
      const outbox = new Outbox(store, ['slack']);
      const bus = new EventBus(log.logger);
      const sink = new SlackSink({
        client: createSlackWebClient(BOT_TOKEN, slack.apiUrl, log.logger),
        channel: 'C0ALERTS',
        logger: log.logger,
      });
      dispatcher = new DeliveryDispatcher({ sinks: [sink], outbox, bus, clock, logger: log.logger, retry: { random: () => 0.5 } });
      const order = forceOrderFixture({ orderId: 777, updateTime: clock.now() - 1_000 });
      await outbox.commitPoll({ fresh: [order], seen: {}, watermark: clock.now() }, clock.now());

      const failed = nextEvent(bus, 'deliveryFailed');
      dispatcher.start();
      const { error, retryInMs } = await failed;
      if (!isSinkError(error)) throw new Error(`expected a SinkError, got ${String(error)}`);
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(`(${problem.code})`);
      expect(error.message).toMatch(problem.says);
      expect(error.message).toContain('alerts wait in the outbox until then');
      expect([outbox.depth('slack'), slack.messages.length]).toEqual([1, 0]);

      problem.fix(slack);
      const delivered = nextEvent(bus, 'delivered');
      await clock.advance(retryInMs);
      expect(await delivered).toMatchObject({ sink: 'slack', alertIds: ['cm:777'] });
      expect(slack.messages.map((m) => m.metadata?.event_payload.key)).toEqual(['cm:777']);
      expect(outbox.depth('slack')).toBe(0);
    });
  }
});
