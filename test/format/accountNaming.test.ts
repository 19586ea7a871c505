import { describe, expect, it } from 'vitest';
import { ConsoleSink } from '../../src/console/ConsoleSink.js';
import { renderAlertEmbeds } from '../../src/discord/renderDiscord.js';
import { accountTitle } from '../../src/format/accountText.js';
import type { DigestNotification, Notification } from '../../src/sinks/Sink.js';

/** The notifications the alert renderers take (a digest has renderers of its own). */
type AlertLike = Exclude<Notification, DigestNotification>;

import { renderAlert } from '../../src/slack/blockKit.js';
import { validateMessage } from '../fakes/discord/validateMessage.js';
import { validateBlocks } from '../fakes/slack/validateBlocks.js';
import { group, single } from '../slack/notifications.js';

const figures = { uniMmr: '1.05', equity: '1000', actualEquity: '1000', maintenanceMargin: '950' };

/** One notification of each type the platforms render, without an account. */
const notifications: Record<string, AlertLike> = {
  single: single(),
  group: group(40),
  risk: {
    type: 'risk',
    key: 'risk:1:REDUCE_ONLY',
    alert: { id: 'risk:1:REDUCE_ONLY', risk: { kind: 'level', level: 'REDUCE_ONLY', time: Date.UTC(2026, 11, 1), ...figures } },
  },
  notice: {
    type: 'notice',
    key: 'notice:auth:1:warning',
    notice: { severity: 'warning', title: 'forcewatch is blind: Binance refuses the API key', text: 'Check BINANCE_API_KEY.' },
  },
};

const named = (notification: AlertLike, name: string): AlertLike => ({ ...notification, account: { name } });

/** The header or title each platform shows first, and the Slack notification text. */
async function titles(notification: AlertLike): Promise<{ slackHeader: string; slackText: string; discord: string; console: string }> {
  const slack = renderAlert(notification);
  const header = slack.blocks[0];
  const printed: string[] = [];
  await new ConsoleSink({ write: (text) => void printed.push(text) }).deliver(notification);
  return {
    slackHeader: header?.type === 'header' ? header.text.text : '',
    slackText: slack.text,
    discord: renderAlertEmbeds(notification)[0]?.title ?? '',
    console: printed.join('').split('\n')[0] ?? '',
  };
}

describe('the account in every alert and notice', () => {
  it.each(Object.keys(notifications))('a %s names its account first on Slack, Discord and the console, in one form', async (type) => {
    const plain = notifications[type] as AlertLike;
    const before = await titles(plain);
    const after = await titles(named(plain, 'desk-a'));
    // Slack's header keeps its icon in front; the account's name follows it.
    const icon = before.slackHeader.split(' ')[0] ?? '';
    expect(after.slackHeader).toBe(`${icon} desk-a · ${before.slackHeader.slice(icon.length + 1)}`);
    expect(after.slackText).toBe(`desk-a · ${before.slackText}`);
    expect(after.discord).toBe(`desk-a · ${before.discord}`);
    expect(after.console).toBe(`desk-a · ${before.console}`);
    for (const title of Object.values(before)) expect(title).not.toContain('desk-a');
  });

  it('keeps the mention in front of the named text on Slack', () => {
    const message = renderAlert(named(single(), 'desk-a'), { mention: '<!subteam^S0ONCALL>' });
    expect(message.text).toMatch(/^<!subteam\^S0ONCALL> desk-a · LIQUIDATION BTCUSD_PERP SELL/);
  });

  it('stays within each platform’s limits with the longest account name and a cascade', () => {
    const longest = `a${'b'.repeat(31)}`;
    for (const notification of [...Object.values(notifications), group(5000)]) {
      const slack = renderAlert(named(notification, longest), { mention: '<!subteam^S0ONCALL>' });
      expect(validateBlocks(slack.blocks)).toBeUndefined();
      const embeds = renderAlertEmbeds(named(notification, longest));
      expect(validateMessage({ embeds, allowed_mentions: { parse: [] } }, { requireContentOrEmbeds: true })).toEqual([]);
      expect(embeds[0]?.title?.startsWith(`${longest} · `)).toBe(true);
    }
  });

  it('names the account in front of a title, and leaves a title alone without one', () => {
    expect(accountTitle('desk-a', 'Force orders')).toBe('desk-a · Force orders');
    expect(accountTitle(undefined, 'Force orders')).toBe('Force orders');
  });
});
