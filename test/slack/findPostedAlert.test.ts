import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackWebClient } from '../../src/slack/createSlackWebClient.js';
import { alertMetadata, findPostedAlert, SLACK_ALERT_EVENT_TYPE } from '../../src/slack/findPostedAlert.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FAKE_BOT, FakeSlack } from '../fakes/slack/FakeSlack.js';

const BOT_TOKEN = 'xoxb-5555-6666-historytestsecret';
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

describe('findPostedAlert against the fake Slack', () => {
  let slack: FakeSlack;
  let now: number;
  let client: webApi.WebClient;

  beforeEach(async () => {
    now = T0;
    slack = new FakeSlack({ botToken: BOT_TOKEN, now: () => now, channels: { C0ALERTS: { member: true }, G0PRIVATE: { member: true } } });
    await slack.start();
    client = createSlackWebClient(BOT_TOKEN, slack.apiUrl, captureLogger().logger);
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
      botToken: BOT_TOKEN,
      now: () => now,
      scopes: ['chat:write', 'channels:history'],
      channels: { C0ALERTS: { member: true }, G0PRIVATE: { member: true } },
    });
    await slack.start();
    client = createSlackWebClient(BOT_TOKEN, slack.apiUrl, captureLogger().logger);
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
