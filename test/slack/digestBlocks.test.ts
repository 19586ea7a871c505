import { describe, expect, it } from 'vitest';
import type { SlackBlock } from '../../src/slack/blockKit.js';
import { renderDigest } from '../../src/slack/digestBlocks.js';
import { digestNotification, hostileSymbols } from '../fakes/digestFixture.js';
import { validateBlocks } from '../fakes/slack/validateBlocks.js';

/** Every text of a message's blocks (header, section text and fields, context elements). */
function textsOf(blocks: SlackBlock[]): string[] {
  return blocks.flatMap((block) => {
    if (block.type === 'header') return [block.text.text];
    if (block.type === 'section') return [...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((f) => f.text)];
    return block.type === 'context' ? block.elements.map((e) => e.text) : [];
  });
}

describe('renderDigest (Slack)', () => {
  it('names the account and the day in the header and shows the figures, the largest order and the symbols', () => {
    const message = renderDigest(digestNotification());
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':bar_chart: Daily digest · desk-a · 2026-11-26', emoji: true },
    });
    const unix = Date.UTC(2026, 10, 25, 22, 0, 0) / 1000;
    expect(message.blocks[1]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Force orders*\n3' },
        { type: 'mrkdwn', text: '*Notional (USD)*\n2,700.5' },
        { type: 'mrkdwn', text: '*By kind*\n2 LIQUIDATION, 1 ADL' },
        { type: 'mrkdwn', text: `*Lowest uniMMR*\n1.2346 at <!date^${unix}^{date_short_pretty} {time_secs}|2026-11-25T22:00:00Z>` },
      ],
    });
    expect(JSON.stringify(message.blocks[2])).toContain('*Largest:* LIQUIDATION ETHUSDT SELL closing a LONG');
    expect(message.blocks[3]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '• ETHUSDT: 1 order, 2,500.5 USD\n• BTCUSD_PERP: 2 orders, 200 USD' },
    });
    expect(message.text).toBe('Daily digest · desk-a · 2026-11-26: 3 force orders, 2,700.5 USD notional (2 LIQUIDATION, 1 ADL)');
    expect(validateBlocks(message.blocks)).toBeUndefined();
  });

  it('says "no force orders" on a quiet day', () => {
    const quiet = digestNotification({ count: 0, totalNotionalUsd: '0', symbols: [], largest: undefined });
    const message = renderDigest(quiet);
    expect(message.text).toBe('Daily digest · desk-a · 2026-11-26: no force orders');
    expect(message.blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'No force orders in the last 24 hours.' } });
    expect(validateBlocks(message.blocks)).toBeUndefined();
  });

  it("stays within Slack's limits and mentions nobody with 500 hostile symbols: top 10 listed, the rest counted", () => {
    const message = renderDigest(digestNotification({ symbols: hostileSymbols(500) }));
    expect(validateBlocks(message.blocks)).toBeUndefined();
    const texts = textsOf(message.blocks);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(3_000);
    expect(texts.join('').length).toBeLessThan(12_000);
    const all = JSON.stringify(message);
    for (const live of ['<!channel>', '<@&1>', '<https://', 'subteam']) expect(all).not.toContain(live);
    expect(all).toContain('… and 490 more symbols');
    expect(all.match(/<!/g)).toHaveLength(1); // the uniMMR's date markup, nothing else
  });
});
