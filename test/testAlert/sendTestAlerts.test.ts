import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings, type Settings } from '../../src/app/loadSettings.js';
import { sumDecimals } from '../../src/decimal.js';
import { sampleNotifications, TEST_CLIENT_ORDER_ID_PREFIX } from '../../src/testAlert/sampleNotifications.js';
import { sendTestAlerts } from '../../src/testAlert/sendTestAlerts.js';
import { FakeDiscord } from '../fakes/discord/FakeDiscord.js';
import { FakeSlack } from '../fakes/slack/FakeSlack.js';
import { tempDir } from '../pipeline/pipelineHarness.js';

const BOT_TOKEN = 'xoxb-1111-2222-testalertbottoken';
const APP_TOKEN = 'xapp-1-A0FORCEWATCH-3333-testalertapptoken';
const AT = Date.UTC(2026, 10, 25, 12, 0, 0);

let slack: FakeSlack;
let discord: FakeDiscord;
let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  slack = new FakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
  await slack.start();
  discord = await FakeDiscord.start();
});

afterEach(async () => {
  await Promise.all([slack.stop(), discord.close()]);
  await cleanup();
});

function settings(overrides: Record<string, string | undefined> = {}): Settings {
  const loaded = loadSettings({
    BINANCE_API_KEY: 'k'.repeat(64),
    BINANCE_API_SECRET: 's'.repeat(64),
    FORCEWATCH_DB: `${dir}/forcewatch.json`,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_ALERT_CHANNEL: 'C0ALERTS',
    SLACK_API_URL: slack.apiUrl,
    SLACK_MENTION: '<!here>',
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_ALERT_CHANNEL_ID: discord.alertChannelId,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_MENTION_ROLE_ID: discord.pingRoleId,
    ...overrides,
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.settings;
}

describe('sampleNotifications', () => {
  it('is one realistic liquidation and a group of six, marked only by their clientOrderId, with exact notionals', () => {
    const [single, group] = sampleNotifications(AT);
    if (single.type !== 'single' || group.type !== 'group') throw new Error('wrong shapes');
    expect(single.alert.order).toMatchObject({
      symbol: 'BTCUSD_PERP',
      status: 'FILLED',
      kind: 'LIQUIDATION',
      notionalUsd: '1200',
      cumBase: '0.0125',
      updateTime: AT,
    });
    expect(group.alerts).toHaveLength(6);
    expect(group.summary).toMatchObject({
      count: 6,
      byKind: { LIQUIDATION: 4, ADL: 2, SETTLEMENT: 0 },
      totalNotionalUsd: sumDecimals(group.alerts.map((a) => a.order.notionalUsd)),
    });
    for (const { order } of [single.alert, ...group.alerts]) {
      expect(order.clientOrderId.startsWith(TEST_CLIENT_ORDER_ID_PREFIX)).toBe(true);
      // cumBase = contracts x contract size / price, exactly as Binance reports it for COIN-M.
      const size = order.symbol === 'BTCUSD_PERP' ? 100 : 10;
      expect(Number(order.cumBase)).toBe((Number(order.executedQty) * size) / Number(order.avgPrice));
    }
    // Discord nonces are at most 25 characters, and a later run must not repeat an earlier key.
    expect(group.key.length).toBeLessThanOrEqual(25);
    expect(sampleNotifications(AT + 60_000)[0].key).not.toBe(single.key);
  });
});

describe('sendTestAlerts', () => {
  it('posts a note, one alert and one grouped alert to Slack and Discord, pinging nobody and opening no store', async () => {
    const outcomes = await sendTestAlerts({ settings: settings(), now: AT, slackMinIntervalMs: 0 });
    expect(outcomes).toEqual([
      { sink: 'slack', ok: true, detail: 'a note, one sample alert and one grouped sample (6 orders) sent' },
      { sink: 'discord', ok: true, detail: 'a note, one sample alert and one grouped sample (6 orders) sent' },
    ]);

    // Slack: the fake validated the Block Kit of each; the single alert's context shows the test clientOrderId.
    expect(slack.messages).toHaveLength(3);
    expect(slack.messages[0]?.text).toMatch(/^forcewatch TEST from .* \(npm run test-alert\): the next two messages are samples/);
    expect(JSON.stringify(slack.messages[1]?.blocks)).toContain(`${TEST_CLIENT_ORDER_ID_PREFIX}liquidation-${AT}`);
    expect(slack.messages[2]?.text).toMatch(/^6 force orders \(4 LIQUIDATION, 2 ADL\)/);
    expect(slack.messages.some((m) => (m.text ?? '').includes('<!here>'))).toBe(false);

    // Discord: the fake validated each body; embeds for the alerts, no role pinged.
    expect(discord.messages).toHaveLength(3);
    expect(discord.messages[0]?.body.content).toMatch(/^forcewatch TEST from /);
    // The Discord renderer escapes markdown in exchange strings (BTCUSD\_PERP); either spelling is the same order.
    expect(discord.messages[1]?.body.embeds?.[0]?.title).toMatch(/^LIQUIDATION BTCUSD\\?_PERP SELL/);
    expect(discord.messages[2]?.body.embeds?.[0]?.title).toBe('6 force orders: 4 LIQUIDATION, 2 ADL');
    expect(discord.messages.every((m) => !m.pinged.everyone && m.pinged.roles.length === 0)).toBe(true);

    expect(await readdir(dir)).toEqual([]);
  });

  it('a second run posts again (the nonce is new), and a failing sink is reported without stopping the others', async () => {
    await sendTestAlerts({ settings: settings(), now: AT, slackMinIntervalMs: 0 });
    const second = await sendTestAlerts({
      settings: settings({ SLACK_ALERT_CHANNEL: 'C0NOWHERE' }),
      now: AT + 300_000,
      slackMinIntervalMs: 0,
    });
    expect(second[0]).toMatchObject({ sink: 'slack', ok: false, detail: expect.stringMatching(/channel_not_found/) });
    expect(second[1]).toMatchObject({ sink: 'discord', ok: true });
    expect(discord.messages).toHaveLength(6);
  });

  it('prints to the console when no chat platform is configured', async () => {
    const chatless = settings();
    let printed = '';
    const outcomes = await sendTestAlerts({
      settings: { slack: undefined, discord: undefined, core: chatless.core } as Settings,
      now: AT,
      write: (text) => (printed += text),
    });
    expect(outcomes).toEqual([{ sink: 'console', ok: true, detail: 'a note, one sample alert and one grouped sample (6 orders) sent' }]);
    expect(printed).toMatch(/^forcewatch TEST from [\s\S]*LIQUIDATION BTCUSD_PERP[\s\S]*FORCE ORDERS: 6 orders/);
  });
});
