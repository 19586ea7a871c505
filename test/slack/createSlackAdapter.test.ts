import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ForceOrdersResult } from '../../src/queries.js';
import { createSlackAdapter, type SlackAdapter } from '../../src/slack/createSlackAdapter.js';
import type { SlackConfig } from '../../src/slack/slackConfig.js';
import { FORCE_ORDERS_FAILURE, FORCE_ORDERS_REFUSAL } from '../../src/slack/slashCommands.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { singleAccountCommands } from '../fakes/singleAccountCommands.js';
import { ACK_DEADLINE_MS, FakeSlack } from '../fakes/slack/FakeSlack.js';
import { signSlackRequest } from '../fakes/slack/signSlackRequest.js';
import { inputError, okResult } from './results.js';

const SOCKET_BOT_TOKEN = 'xoxb-3333-4444-sockettestbot';
const APP_TOKEN = 'xapp-1-A0FORCEWATCH-5555-sockettestapp';

describe('Slack adapter in Socket Mode, end to end against the fake Slack', () => {
  let slack: FakeSlack;
  let adapter: SlackAdapter;
  let logs: ReturnType<typeof captureLogger>;
  let typed: string[];
  let answer: (text: string) => ForceOrdersResult;
  let config: SlackConfig;

  /** The adapter's commands: each records what it was typed and answers `answer`. */
  const commands = () =>
    singleAccountCommands(
      {
        forceOrders: async (text) => {
          typed.push(String(text));
          return answer(String(text));
        },
      },
      { slack: config },
    );

  beforeEach(async () => {
    slack = new FakeSlack({ botToken: SOCKET_BOT_TOKEN, appToken: APP_TOKEN, pingIntervalMs: 200 });
    await slack.start();
    logs = captureLogger();
    typed = [];
    answer = () => okResult(3);
    config = {
      botToken: SOCKET_BOT_TOKEN,
      alertChannel: 'C0ALERTS',
      connection: { mode: 'socket', appToken: APP_TOKEN },
      apiUrl: slack.apiUrl,
      allowedUsers: ['U0BOSS'],
      allowedChannels: ['C0ALERTS'],
    };
    adapter = createSlackAdapter({ config, logger: logs.logger, commands: commands() });
    await adapter.start();
  });
  afterEach(async () => {
    await adapter.stop();
    await slack.stop();
  });

  it('connects through apps.connections.open after auth.test, then the sink checks its scopes for the channel', () => {
    expect(slack.calls.map((c) => c.method)).toEqual(['auth.test', 'apps.connections.open', 'auth.test', 'conversations.info']);
    expect(logs.lines.filter((l) => l.includes('"level":"warn"'))).toEqual([]);
  });

  it('reconnects when Slack asks it to (disconnect, refresh_requested) and answers the next command', async () => {
    await slack.sendSlashCommand({ text: 'before' });
    // Slack closes the old connection itself only after its grace period; the client must not wait for that.
    await slack.disconnectSockets('refresh_requested', 60_000);
    await slack.until(() => slack.connectionCount === 2 && slack.openConnections === 1);
    expect(slack.calls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(2);
    const ack = await slack.sendSlashCommand({ text: 'after' });
    expect(ack.elapsedMs).toBeLessThan(ACK_DEADLINE_MS);
    await slack.until(() => slack.responses.length === 2);
    expect(typed).toEqual(['before', 'after']);
  });

  it('acks a slash command within 3 s and answers privately at response_url', async () => {
    const ack = await slack.sendSlashCommand({ text: 'BTCUSD' });
    expect(ack.elapsedMs).toBeLessThan(ACK_DEADLINE_MS);
    await slack.until(() => slack.responses.length === 1);
    const body = slack.responses[0]!.body;
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toBe(
      'main · 3 force orders (3 liquidations, 0 ADL), 300 USD notional: BTCUSD (every symbol of the pair), every kind, last 24h',
    );
    expect(JSON.stringify(body.blocks)).toContain('order 300000000');
    expect(typed).toEqual(['BTCUSD']);
  });

  it('answers in the channel when the query says public', async () => {
    answer = () => okResult(1, { public: true });
    await slack.sendSlashCommand({ text: 'BTCUSD public' });
    await slack.until(() => slack.responses.length === 1);
    expect(slack.responses[0]!.body.response_type).toBe('in_channel');
  });

  it('refuses a stranger politely and privately, and never runs the query', async () => {
    const ack = await slack.sendSlashCommand({ user_id: 'U0STRANGER', channel_id: 'C0ELSEWHERE', text: 'BTCUSD' });
    expect(ack.payload).toEqual({ response_type: 'ephemeral', text: FORCE_ORDERS_REFUSAL });
    // An allowed user's command, sent after, is answered: the refused one had its chance to run.
    await slack.sendSlashCommand({ user_id: 'U0BOSS', channel_id: 'C0ELSEWHERE', text: 'after' });
    await slack.until(() => slack.responses.length === 1);
    expect(typed).toEqual(['after']);
    expect(logs.lines.some((l) => l.includes('refused') && l.includes('U0STRANGER') && l.includes('"level":"info"'))).toBe(true);
  });

  it('escapes hostile input in every echo', async () => {
    const hostile = '<!channel> <@U1> &lt; @everyone <https://evil.example|click>';
    answer = inputError;
    await slack.sendSlashCommand({ text: hostile });
    await slack.until(() => slack.responses.length === 1);
    const body = JSON.stringify(slack.responses[0]!.body);
    expect(body).not.toMatch(/<!channel>|<@U1>|<https:|(?<!\u2060)@everyone/);
    expect(body).toContain('&lt;!channel&gt; &lt;@U1&gt; &amp;lt; @\u2060everyone');
    expect(slack.responses[0]!.body.response_type).toBe('ephemeral');
  });

  it('answers privately with a short apology when the command itself fails, and logs why', async () => {
    answer = () => {
      throw new Error('archive unreadable');
    };
    await slack.sendSlashCommand({ text: 'BTCUSD' });
    await slack.until(() => slack.responses.length === 1);
    expect(slack.responses[0]!.body).toEqual({ response_type: 'ephemeral', text: FORCE_ORDERS_FAILURE });
    expect(logs.lines.some((l) => l.includes('"level":"error"') && l.includes('archive unreadable'))).toBe(true);
  });

  it('with several instances, answers only the commands this instance claims: one claimed elsewhere is acked and never run', async () => {
    await adapter.stop();
    const claimed: string[] = [];
    adapter = createSlackAdapter({
      config,
      logger: logs.logger,
      commands: {
        ...commands(),
        // Another instance claimed trigger 1.1.lost (Slack handed the command on after a lost connection).
        claim: async (platform, id) => {
          claimed.push(`${platform}:${id}`);
          return id !== '1.1.lost';
        },
      },
    });
    await adapter.start();
    const lost = await slack.sendSlashCommand({ text: 'lost', trigger_id: '1.1.lost' });
    expect(lost.elapsedMs).toBeLessThan(ACK_DEADLINE_MS);
    expect(lost.payload ?? {}).toEqual({}); // acknowledged, nothing shown to the user
    await slack.sendSlashCommand({ text: 'won', trigger_id: '2.2.won' });
    await slack.until(() => slack.responses.length === 1);
    expect(typed).toEqual(['won']);
    // Each command claimed by its own trigger id, before anything ran.
    expect(claimed).toEqual(['slack:1.1.lost', 'slack:2.2.won']);
  });

  it('keeps tokens out of every log line', async () => {
    await slack.sendSlashCommand({ text: 'BTCUSD' });
    await slack.until(() => slack.responses.length === 1);
    expect(logs.lines.length).toBeGreaterThan(0);
    for (const line of logs.lines) {
      expect(line).not.toContain('sockettestbot');
      expect(line).not.toContain('sockettestapp');
    }
  });
});

const HTTP_BOT_TOKEN = 'xoxb-6666-7777-httptestbot';
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

describe('Slack adapter in HTTP mode, end to end against the fake Slack', () => {
  let slack: FakeSlack;
  let adapter: SlackAdapter;
  let logs: ReturnType<typeof captureLogger>;
  let typed: string[];

  beforeEach(async () => {
    slack = new FakeSlack({ botToken: HTTP_BOT_TOKEN });
    await slack.start();
    logs = captureLogger();
    typed = [];
    const config: SlackConfig = {
      botToken: HTTP_BOT_TOKEN,
      alertChannel: 'C0ALERTS',
      connection: { mode: 'http', signingSecret: SIGNING_SECRET, port: 0 },
      apiUrl: slack.apiUrl,
      allowedUsers: [],
      allowedChannels: ['C0ALERTS'],
    };
    adapter = createSlackAdapter({
      config,
      logger: logs.logger,
      commands: singleAccountCommands(
        {
          forceOrders: async (text) => {
            typed.push(String(text));
            return okResult(2);
          },
        },
        { slack: config },
      ),
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
    expect(slack.responses[0]!.body.text).toMatch(/^main · 2 force orders/);
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
