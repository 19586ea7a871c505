import { describe, expect, it } from 'vitest';
import {
  alertNonce,
  alertRef,
  cut,
  embedLength,
  escapeDiscordText,
  type ForceOrdersReply,
  field,
  KIND_COLOUR,
  packEmbeds,
  renderAlertEmbeds,
  renderForceOrdersAnswers,
} from '../../src/discord/renderDiscord.js';
import type { ForceOrdersResult } from '../../src/queries.js';
import { validateMessage } from '../fakes/discord/validateMessage.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { inputError, okResult } from '../slack/results.js';
import { cascade, singleNotification } from './alertFixtures.js';

/** One account's answer, as a channel with one account gets it. */
function renderForceOrdersReply(result: ForceOrdersResult): ForceOrdersReply {
  return renderForceOrdersAnswers([{ account: 'main', result }]);
}

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
  it('keeps room for the first item within a smaller budget, shortening the head’s description instead', () => {
    const embeds = packEmbeds(
      { title: 'desk-a · Account risk: REDUCE_ONLY', description: 'd'.repeat(1000) },
      ['riskiest', 'next'],
      (name) => field(name, 'v'.repeat(100)),
      (omitted) => `…and ${omitted} more`,
      { embeds: 1, chars: 600 },
    );
    expect(embeds).toHaveLength(1);
    expect(embeds[0]?.fields?.map((f) => f.name)).toEqual(['riskiest']);
    expect(embeds[0]?.footer?.text).toBe('…and 1 more');
    expect(embedLength(embeds[0]!)).toBeLessThanOrEqual(600);
    // Only the room the overflow note can take is held back, not a fixed 120 characters.
    expect(embedLength(embeds[0]!)).toBeGreaterThanOrEqual(600 - '…and 2 more'.length - 1);
  });

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
    expect(head!.title).toBe('main · Force orders: all symbols, settlements (delivery/delisting) only, last 7d');
    expect(head!.description).toContain('**1 matched** (0 liquidations, 0 ADL, 1 settlement)');
    expect(head!.color).toBe(KIND_COLOUR.SETTLEMENT);
    expect(head!.fields![0]!.name).toMatch(/^SETTLEMENT BTCUSD\\_261225 /);
  });
});

/** `count` accounts' answers of 100 rows each (of 5,000 matched), with a note. */
function manyAnswers(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const result = okResult(100);
    if (!result.ok) throw new Error('fixture');
    return { account: `desk-${i}`, result: { ...result, total: 5000, note: 'older than 7 days: from the bot’s archive' } };
  });
}

describe('renderForceOrdersAnswers', () => {
  it.each([1, 3, 12])('puts %i accounts’ answers in one reply within Discord’s limits, each in its own embeds, rows cut', (count) => {
    const reply = renderForceOrdersAnswers(manyAnswers(count));
    if (!reply.ok) throw new Error(reply.content);
    expect(validateMessage({ embeds: reply.embeds, allowed_mentions: { parse: [] } }, { requireContentOrEmbeds: true })).toEqual([]);
    expect(reply.embeds.length).toBeLessThanOrEqual(10);
    const heads = reply.embeds.filter((e) => e.title?.includes(' · Force orders: '));
    const inFull = Math.min(count, count > 10 ? 9 : count);
    expect(heads.map((e) => e.title?.split(' · ')[0])).toEqual(Array.from({ length: inFull }, (_, i) => `desk-${i}`));
    // Each account's rows, then the count of those cut, in its own embeds.
    const all = texts(reply.embeds).join('\n');
    for (let i = 0; i < inFull; i += 1) expect(all).toContain(`desk-${i} · Force orders`);
    expect(reply.embeds.flatMap((e) => e.fields ?? []).length).toBeGreaterThanOrEqual(inFull);
    expect(all.match(/…and \d+ more rows that do not fit/g)).toHaveLength(inFull);
    if (count > 10) {
      const last = reply.embeds.at(-1);
      expect(last?.title).toBe(`${count - 9} more accounts`);
      for (let i = 9; i < count; i += 1) expect(last?.description).toContain(`desk-${i} · 5000 force orders (100 liquidations, 0 ADL)`);
    }
  });

  it('shows a refusal among answers as its own embed under the account’s name', () => {
    const [first] = manyAnswers(1);
    const reply = renderForceOrdersAnswers([first!, { account: 'desk-b', result: inputError('xyz') }]);
    if (!reply.ok) throw new Error(reply.content);
    const refused = reply.embeds.find((e) => e.title === 'desk-b · Force orders');
    expect(refused?.description).toMatch(/^:x: unknown argument "xyz"\n```\nUsage: \/forceorders/);
    expect(validateMessage({ embeds: reply.embeds }, { requireContentOrEmbeds: true })).toEqual([]);
  });

  it('answers with the errors alone, each under its account, when every account refused', () => {
    const reply = renderForceOrdersAnswers(
      Array.from({ length: 12 }, (_, i) => ({ account: `desk-${i}`, result: inputError('x'.repeat(300)) })),
    );
    if (reply.ok) throw new Error('expected an error reply');
    expect(reply.content.length).toBeLessThanOrEqual(2000);
    expect(reply.content.startsWith(':x: desk-0 · unknown argument')).toBe(true);
    expect(reply.content.match(/^:x: desk-\d+ · /gm)).toHaveLength(12);
    expect(reply.content).toContain('```\nUsage: /forceorders');
    expect(renderForceOrdersAnswers([{ account: 'main', result: inputError('xyz') }])).toEqual({
      ok: false,
      content: ':x: main · unknown argument "xyz"\n```\nUsage: /forceorders [BTCUSD] [liq | adl] [24h] [public]\n```',
    });
  });
});
