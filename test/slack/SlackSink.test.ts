import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSinkError, type SinkError } from '../../src/sinks/SinkError.js';
import { createSlackWebClient } from '../../src/slack/createSlackWebClient.js';
import { SlackSink, type SlackSinkOptions } from '../../src/slack/SlackSink.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { FakeSlack } from '../fakes/slack/FakeSlack.js';
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
