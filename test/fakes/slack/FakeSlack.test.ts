import { once } from 'node:events';
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createSlackWebClient } from '../../../src/slack/createSlackAdapter.js';
import { captureLogger } from '../captureLogger.js';
import { FakeSlack, type FakeSlackOptions } from './FakeSlack.js';

const BOT_TOKEN = 'xoxb-8888-9999-faketestsecret';
const APP_TOKEN = 'xapp-1-A0FORCEWATCH-8888-faketestapp';

/** What the fake itself promises, each as Slack documents it: the tests of the bot rely on these. */
describe('FakeSlack, as Slack documents it', () => {
  let slack: FakeSlack;
  let client: webApi.WebClient;

  const open = async (options: Partial<FakeSlackOptions> = {}) => {
    await slack?.stop();
    slack = new FakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN, ...options });
    await slack.start();
    client = createSlackWebClient(BOT_TOKEN, slack.apiUrl, captureLogger().logger);
  };
  const post = (channel = 'C0ALERTS') => client.chat.postMessage({ channel, text: 'x' });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => (e as webApi.WebAPIPlatformError).data,
    );

  beforeEach(() => open());
  afterEach(() => slack.stop());

  describe('chat.postMessage, one message a second per channel', () => {
    it('strict (channelBurst 1): answers 429 with Retry-After in seconds to a second post within a second, per channel', async () => {
      await open({ channelBurst: 1, channels: { C0ALERTS: { member: true }, C0OTHER: { member: true } } });
      await post();
      const limited = await post().catch((e: unknown) => e);
      expect(limited).toMatchObject({ code: webApi.ErrorCode.RateLimitedError, retryAfter: 1 });
      await post('C0OTHER');
      expect(slack.messages.map((m) => m.channel)).toEqual(['C0ALERTS', 'C0OTHER']);
    });

    it('by default takes a short burst of 3, then answers 429', async () => {
      for (let i = 0; i < 3; i += 1) await post();
      expect(await post().catch((e: unknown) => e)).toMatchObject({ code: webApi.ErrorCode.RateLimitedError });
      expect(slack.messages).toHaveLength(3);
    });

    it('refuses a post it did not take without spending the channel’s allowance', async () => {
      await open({ channelBurst: 1 });
      slack.setChannel('C0ALERTS', { archived: true });
      expect(await refusal(post())).toMatchObject({ error: 'is_archived' });
      slack.setChannel('C0ALERTS', { archived: false });
      await post();
      expect(slack.messages).toHaveLength(1);
    });
  });

  describe('chat.postMessage refusals', () => {
    it('missing_scope without chat:write, naming what was needed and what the token was provided', async () => {
      slack.setScopes(['commands']);
      expect(await refusal(post())).toEqual({
        ok: false,
        error: 'missing_scope',
        needed: 'chat:write',
        provided: 'commands',
        response_metadata: expect.anything(),
      });
    });

    it('channel_not_found for an unknown channel and for a private one the bot is not in', async () => {
      slack.setChannel('C0SECRET', { private: true, member: false });
      expect(await refusal(post('C0NOWHERE'))).toMatchObject({ error: 'channel_not_found' });
      expect(await refusal(post('C0SECRET'))).toMatchObject({ error: 'channel_not_found' });
    });

    it('not_in_channel for a public channel the bot is not in, unless the token has chat:write.public', async () => {
      slack.setChannel('C0PUBLIC', { member: false });
      expect(await refusal(post('C0PUBLIC'))).toMatchObject({ error: 'not_in_channel' });
      slack.setScopes(['chat:write', 'chat:write.public']);
      await post('C0PUBLIC');
      expect(slack.messages.map((m) => m.channel)).toEqual(['C0PUBLIC']);
    });
  });

  describe('conversations.info', () => {
    it('tells a private channel by is_private, not by its id', async () => {
      slack.setChannel('C0TURNED', { member: true, private: true, name: 'ops' });
      const info = await client.conversations.info({ channel: 'C0TURNED' });
      expect(info.channel).toMatchObject({ id: 'C0TURNED', name: 'ops', is_private: true, is_archived: false, is_member: true });
      expect((await client.conversations.info({ channel: 'C0ALERTS' })).channel?.is_private).toBe(false);
    });

    it('needs channels:read for a public channel and groups:read for a private one', async () => {
      slack.setChannel('C0TURNED', { member: true, private: true });
      slack.setScopes(['chat:write', 'channels:read']);
      expect((await client.conversations.info({ channel: 'C0ALERTS' })).ok).toBe(true);
      expect(await refusal(client.conversations.info({ channel: 'C0TURNED' }))).toMatchObject({
        error: 'missing_scope',
        needed: 'groups:read',
      });
    });
  });

  describe('Socket Mode', () => {
    /** Opens a Socket Mode connection as a client would (apps.connections.open, then the URL it names); resolves on Slack's first message. */
    const connect = async (): Promise<{ ws: WebSocket; messages: Record<string, unknown>[] }> => {
      const res = await fetch(`${slack.apiUrl}apps.connections.open`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${APP_TOKEN}` },
      });
      const { url } = (await res.json()) as { url: string };
      const ws = new WebSocket(url);
      const messages: Record<string, unknown>[] = [];
      ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
      await once(ws, 'message');
      return { ws, messages };
    };

    it('sends disconnect with its reason, then closes a connection the client keeps past the grace period', async () => {
      const { ws, messages } = await connect();
      const closed = once(ws, 'close');
      await slack.disconnectSockets('refresh_requested', 50);
      expect(messages.map((m) => m.type)).toEqual(['hello', 'disconnect']);
      expect(messages[1]).toMatchObject({ type: 'disconnect', reason: 'refresh_requested' });
      const [code] = await closed;
      expect(code).toBe(1000);
    });

    it('takes ten connections per app; an eleventh is told too_many_websockets and closed', async () => {
      const first = await Promise.all(Array.from({ length: 10 }, () => connect()));
      const extra = await connect();
      if (extra.ws.readyState !== WebSocket.CLOSED) await once(extra.ws, 'close');
      expect(extra.messages).toEqual([{ type: 'disconnect', reason: 'too_many_websockets', debug_info: { host: 'fake' } }]);
      expect([slack.openConnections, slack.connectionCount]).toEqual([10, 10]);
      for (const { ws } of first) ws.close();
    });
  });
});
