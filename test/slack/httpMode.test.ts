import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../src/slack/createSlackAdapter.js';
import type { SlackConfig } from '../../src/slack/slackConfig.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeSlack } from '../fakes/slack/FakeSlack.js';
import { signSlackRequest } from '../fakes/slack/signSlackRequest.js';
import { okResult } from './results.js';

const BOT_TOKEN = 'xoxb-6666-7777-httptestbot';
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

describe('Slack adapter in HTTP mode, end to end against the fake Slack', () => {
  let slack: FakeSlack;
  let adapter: SlackAdapter;
  let logs: ReturnType<typeof captureLogger>;
  let typed: string[];

  beforeEach(async () => {
    slack = new FakeSlack({ botToken: BOT_TOKEN });
    await slack.start();
    logs = captureLogger();
    typed = [];
    const config: SlackConfig = {
      botToken: BOT_TOKEN,
      alertChannel: 'C0ALERTS',
      connection: { mode: 'http', signingSecret: SIGNING_SECRET, port: 0 },
      apiUrl: slack.apiUrl,
      allowedUsers: [],
      allowedChannels: ['C0ALERTS'],
    };
    adapter = createSlackAdapter({
      config,
      logger: logs.logger,
      runForceOrders: async (text) => {
        typed.push(text);
        return okResult(2);
      },
    });
    await adapter.start();
  });
  afterEach(async () => {
    await adapter.stop();
    await slack.stop();
  });

  /** POSTs a slash command to Bolt's endpoint as Slack would, signed with `secret` at `timestampSec`. */
  const post = (text: string, secret = SIGNING_SECRET, timestampSec = Math.floor(Date.now() / 1000)) => {
    const body = new URLSearchParams(slack.slashCommand({ text })).toString();
    return fetch(`http://127.0.0.1:${adapter.httpPort}/slack/events`, {
      method: 'POST',
      headers: signSlackRequest(secret, body, timestampSec),
      body,
    });
  };

  it('answers a correctly signed command: ack at once, the answer at response_url', async () => {
    const res = await post('BTCUSD');
    expect(res.status).toBe(200);
    await slack.until(() => slack.responses.length === 1);
    expect(slack.responses[0]!.body.text).toMatch(/^2 force orders/);
    expect(typed).toEqual(['BTCUSD']);
  });

  it('refuses a forged signature with 401 and never runs the handler', async () => {
    const res = await post('forged', 'not-the-signing-secret-at-all');
    expect(res.status).toBe(401);
    // A valid request after it is answered, so a forged one that slipped through would show by now.
    await post('valid');
    await slack.until(() => slack.responses.length === 1);
    expect(typed).toEqual(['valid']);
  });

  it('refuses a stale timestamp (replay) with 401 and never runs the handler', async () => {
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await post('stale', SIGNING_SECRET, sixMinutesAgo);
    expect(res.status).toBe(401);
    await post('fresh');
    await slack.until(() => slack.responses.length === 1);
    expect(typed).toEqual(['fresh']);
  });

  it('keeps the bot token and signing secret out of every log line', async () => {
    await post('forged', 'not-the-signing-secret-at-all');
    await post('BTCUSD');
    await slack.until(() => slack.responses.length === 1);
    for (const line of logs.lines) {
      expect(line).not.toContain('httptestbot');
      expect(line).not.toContain(SIGNING_SECRET);
    }
  });
});
