import { describe, expect, it } from 'vitest';
import {
  alertNonce,
  alertRef,
  cut,
  embedLength,
  escapeDiscordText,
  field,
  KIND_COLOUR,
  packEmbeds,
  renderAlertEmbeds,
  renderForceOrdersReply,
} from '../../src/discord/renderDiscord.js';
import { validateMessage } from '../fakes/discord/validateMessage.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { cascade, singleNotification } from './alertFixtures.js';

/** Every string of the embeds Discord would render. */
function texts(embeds: ReturnType<typeof renderAlertEmbeds>): string[] {
  return embeds.flatMap((e) => [
    e.title ?? '',
    e.description ?? '',
    e.footer?.text ?? '',
    ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
  ]);
}

describe('embed budget', () => {
  it('cuts without splitting a surrogate pair', () => {
    expect(cut('abcdef', 6)).toBe('abcdef');
    expect(cut('abcdef', 4)).toBe('abc…');
    const cutEmoji = cut('ab😀cd', 4);
    expect(cutEmoji).toBe('ab…');
    expect(cutEmoji.length).toBeLessThanOrEqual(4);
  });

  it('keeps a head whose parts each fit but together pass 6,000 within the total', () => {
    const embeds = packEmbeds(
      { title: 't'.repeat(300), description: 'd'.repeat(5000), footer: { text: 'f'.repeat(2100) } },
      [] as string[],
      (s) => field(s, s),
      () => 'more',
    );
    expect(embeds.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(6000);
    expect(validateMessage({ embeds }, { requireContentOrEmbeds: true })).toEqual([]);
  });

  it('spreads fields over at most 10 embeds of 25 and counts what it drops', () => {
    const built: number[] = [];
    const embeds = packEmbeds(
      { title: 'head' },
      Array.from({ length: 400 }, (_, i) => i),
      (i) => {
        built.push(i);
        return field(`#${i}`, 'v');
      },
      (n) => `${n} more`,
    );
    expect(built.length).toBeLessThanOrEqual(251);
    expect(embeds).toHaveLength(10);
    expect(embeds.every((e) => (e.fields?.length ?? 0) <= 25)).toBe(true);
    expect(embeds.at(-1)!.footer!.text).toBe(`${400 - 250} more`);
    expect(validateMessage({ embeds }, { requireContentOrEmbeds: true })).toEqual([]);
  });

  it('adds the overflow note under an existing footer instead of replacing it', () => {
    const values = Array.from({ length: 30 }, (_, i) => i);
    const [only, ...rest] = packEmbeds(
      { title: 'head', footer: { text: 'ref abc' } },
      values,
      (i) => field(`#${i}`, 'x'.repeat(1000)),
      (n) => `${n} more`,
    );
    expect(rest).toEqual([]);
    expect(only!.footer!.text).toBe(`ref abc\n${30 - only!.fields!.length} more`);
  });

  it('never leaves a field empty or over its limits', () => {
    expect(field('', '')).toEqual({ name: '\u200b', value: '\u200b', inline: false });
    const long = field('n'.repeat(300), 'v'.repeat(2000));
    expect(long.name.length).toBe(256);
    expect(long.value.length).toBe(1024);
  });

  it('makes mentions and markdown inert', () => {
    const text = escapeDiscordText('@everyone <@&123> <#456> **bold**', 100);
    expect(text).not.toContain('@everyone');
    expect(text).not.toMatch(/<@&\d+>|<#\d+>/);
    expect(text).toContain('\\*\\*bold\\*\\*');
  });
});

describe('renderAlertEmbeds', () => {
  it('shows hostile exchange strings inert: no mention, no masked link', () => {
    const order = forceOrderFixture({ symbol: '@everyone<@&1>', pair: '[pay](https://evil.example)', status: '<#123>[x](http://a)' });
    const embeds = renderAlertEmbeds(singleNotification(order));
    for (const text of texts(embeds)) {
      expect(text).not.toMatch(/@everyone|<[@#]|\]\(\s*https?:/);
    }
    expect(validateMessage({ embeds }, { requireContentOrEmbeds: true })).toEqual([]);
  });

  it('shows a settlement close as SETTLEMENT in its own colour and says what it is', () => {
    const order = forceOrderFixture({ kind: 'SETTLEMENT', symbol: 'BTCUSD_261225' });
    const [embed] = renderAlertEmbeds(singleNotification(order));
    expect(embed!.title).toBe('SETTLEMENT BTCUSD\\_261225 SELL closing a LONG');
    expect(embed!.color).toBe(KIND_COLOUR.SETTLEMENT);
    expect(new Set(Object.values(KIND_COLOUR)).size).toBe(3);
    expect(embed!.description).toMatch(/^Settlement \(delivery\/delisting\): /);
    // A liquidation needs no such line.
    expect(renderAlertEmbeds(singleNotification())[0]!.description).toBeUndefined();
  });

  it('counts settlement closes apart in a group title, and only a group of nothing else takes their colour', () => {
    const notification = cascade(8);
    notification.summary.byKind = { LIQUIDATION: 5, ADL: 2, SETTLEMENT: 1 };
    const [summary] = renderAlertEmbeds(notification);
    expect(summary!.title).toBe('8 force orders: 5 LIQUIDATION, 2 ADL, 1 SETTLEMENT');
    expect(summary!.color).toBe(KIND_COLOUR.LIQUIDATION);
    notification.summary.byKind = { LIQUIDATION: 0, ADL: 0, SETTLEMENT: 8 };
    expect(renderAlertEmbeds(notification)[0]!.color).toBe(KIND_COLOUR.SETTLEMENT);
  });

  it('leaves the timestamp out rather than throwing on a time a Date cannot hold', () => {
    const notification = cascade(3);
    notification.summary.lastTime = 9e15;
    expect(renderAlertEmbeds(notification)[0]!.timestamp).toBeUndefined();
  });
});

describe('alert nonce', () => {
  it('derives the same 25-character nonce from the same key, different ones from different keys', () => {
    const long = 'cm:'.repeat(5000);
    expect(alertNonce(long)).toHaveLength(25);
    expect(alertNonce(long)).toBe(alertNonce(long));
    expect(alertNonce('cm:1')).not.toBe(alertNonce('cm:2'));
    expect(alertRef('cm:1')).toBe(`ref ${alertNonce('cm:1')}`);
  });
});

describe('renderForceOrdersReply', () => {
  it('counts settlement closes apart from liquidations and lists them as SETTLEMENT', () => {
    const end = Date.UTC(2026, 10, 25, 12, 0, 0);
    const reply = renderForceOrdersReply({
      ok: true,
      query: { kind: 'SETTLEMENT', sinceMs: 7 * 86_400_000, limit: 20, public: false },
      rows: [forceOrderFixture({ kind: 'SETTLEMENT', symbol: 'BTCUSD_261225', updateTime: end - 60_000 })],
      total: 1,
      totals: { notionalUsd: '100', liquidations: 0, adl: 0, settlement: 1 },
      window: { startTime: end - 7 * 86_400_000, endTime: end },
      source: 'exchange',
      weightSpent: 50,
    });
    if (!reply.ok) throw new Error(reply.content);
    const [head] = reply.embeds;
    expect(head!.title).toBe('Force orders: all symbols, settlements (delivery/delisting) only, last 7d');
    expect(head!.description).toContain('**1 matched** (0 liquidations, 0 ADL, 1 settlement)');
    expect(head!.color).toBe(KIND_COLOUR.SETTLEMENT);
    expect(head!.fields![0]!.name).toMatch(/^SETTLEMENT BTCUSD\\_261225 /);
  });
});
