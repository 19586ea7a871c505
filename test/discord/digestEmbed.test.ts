import { describe, expect, it } from 'vitest';
import { alertMentions } from '../../src/discord/DiscordSink.js';
import { renderDigestEmbed } from '../../src/discord/digestEmbed.js';
import { alertRef, embedLength } from '../../src/discord/renderDiscord.js';
import { digestNotification, hostileSymbols } from '../fakes/digestFixture.js';
import { validateMessage } from '../fakes/discord/validateMessage.js';

describe('renderDigestEmbed (Discord)', () => {
  it('names the account and the day, shows the figures as fields, the largest and the symbols, and carries the ref', () => {
    const notification = digestNotification();
    const embed = renderDigestEmbed(notification);
    expect(embed.title).toBe('Daily digest · desk-a · 2026-11-26');
    expect(embed.fields).toEqual([
      { name: 'Force orders', value: '3', inline: true },
      { name: 'Notional (USD)', value: '2,700.5', inline: true },
      { name: 'By kind', value: '2 LIQUIDATION, 1 ADL', inline: true },
      { name: 'Lowest uniMMR', value: '1.2346 at 2026-11-25T22:00:00Z', inline: true },
    ]);
    expect(embed.description?.split('\n')).toEqual([
      expect.stringMatching(/^\*\*Largest:\*\* LIQUIDATION ETHUSDT SELL closing a LONG/),
      '• ETHUSDT: 1 order, 2,500.5 USD',
      '• BTCUSD\\_PERP: 2 orders, 200 USD',
    ]);
    expect(embed.footer?.text).toContain(alertRef('digest:2026-11-26'));
    expect(validateMessage({ embeds: [embed] }, { requireContentOrEmbeds: true })).toEqual([]);
  });

  it('says "no force orders" on a quiet day and names no account when none is set', () => {
    const quiet = digestNotification({ count: 0, totalNotionalUsd: '0', symbols: [], largest: undefined }, null);
    const embed = renderDigestEmbed(quiet);
    expect(embed.title).toBe('Daily digest · 2026-11-26');
    expect(embed.description).toBe('No force orders in the last 24 hours.');
  });

  it("stays within Discord's limits with 500 hostile symbols, and makes them inert", () => {
    const embed = renderDigestEmbed(digestNotification({ symbols: hostileSymbols(500) }));
    expect(validateMessage({ embeds: [embed] }, { requireContentOrEmbeds: true })).toEqual([]);
    expect(embed.description!.length).toBeLessThanOrEqual(4_096);
    expect(embedLength(embed)).toBeLessThanOrEqual(6_000);
    expect(embed.description).not.toMatch(/@everyone|<[@#]|\]\(\s*https?:/);
    expect(embed.description).toContain('… and 490 more symbols');
  });

  it('is never sent with a mention, whatever the role and threshold', () => {
    expect(alertMentions(digestNotification(), { roleId: '42', minNotionalUsd: '0' })).toEqual({
      content: undefined,
      allowedMentions: { parse: [] },
    });
  });
});
