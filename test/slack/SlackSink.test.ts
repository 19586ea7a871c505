import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSinkError, type SinkError } from '../../src/sinks/Sink.js';
import { createSlackWebClient } from '../../src/slack/createSlackAdapter.js';
import { alertMetadata, findPostedAlert, SLACK_ALERT_EVENT_TYPE, SlackSink, type SlackSinkOptions } from '../../src/slack/SlackSink.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { FAKE_BOT, FakeSlack } from '../fakes/slack/FakeSlack.js';
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

  it('spaces messages to one channel by the configured interval', async () => {
    const s = sink({ minIntervalMs: 150 });
    await Promise.all([s.deliver(single()), s.deliver(single()), s.deliver(single())]);
    const gaps = slack.messages.slice(1).map((m, i) => m.at - slack.messages[i]!.at);
    expect(gaps).toHaveLength(2);
    // Measured where the fake receives them: network jitter under load can shorten a gap a little.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(100);
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
    await slack.stop();
    slack = new FakeSlack({
      botToken: BOT_TOKEN,
      scopes: ['chat:write', 'commands', 'channels:history'],
      channels: { G0PRIVATE: { member: true } },
    });
    await slack.start();
    await sink({ channel: 'G0PRIVATE' }).checkHistoryAccess();
    expect(logs.lines.filter((l) => l.includes('"level":"warn"') && l.includes('lacks groups:history'))).toHaveLength(1);
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

  it('needs groups:history for a private channel and channels:history for a public one', async () => {
    await slack.stop();
    slack = new FakeSlack({
      botToken: HISTORY_BOT_TOKEN,
      now: () => now,
      scopes: ['chat:write', 'channels:history'],
      channels: { C0ALERTS: { member: true }, G0PRIVATE: { member: true } },
    });
    await slack.start();
    client = createSlackWebClient(HISTORY_BOT_TOKEN, slack.apiUrl, captureLogger().logger);
    expect(await find('cm:1')).toEqual({ ts: undefined, complete: true });
    const error = await find('cm:1', { channel: 'G0PRIVATE' }).catch((e: unknown) => e);
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
