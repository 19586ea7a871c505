import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ForceOrdersResult } from '../../src/queries.js';
import { renderAlert, renderForceOrdersAnswers, type SlackCommandResponse } from '../../src/slack/blockKit.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { validateBlocks } from '../fakes/slack/validateBlocks.js';
import { hostileText } from '../hardening/hostileArbitraries.js';
import { slackMarkup } from '../hardening/hostileInertness.js';
import { group, single } from './notifications.js';
import { inputError, okResult } from './results.js';

/** One account's answer, as a channel with one account gets it. */
function renderForceOrders(result: ForceOrdersResult, typed: string): SlackCommandResponse {
  return renderForceOrdersAnswers([{ account: 'main', result }], typed);
}

describe('renderAlert', () => {
  it('renders a single liquidation with header, fields, fallback text and the order id', () => {
    const message = renderAlert(single());
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':rotating_light: LIQUIDATION · BTCUSD_PERP SELL', emoji: true },
    });
    const unix = Date.UTC(2026, 10, 25, 11, 58, 0) / 1000;
    expect(message.blocks[1]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Contracts*\n1' },
        { type: 'mrkdwn', text: '*Avg price*\n11,326.9' },
        { type: 'mrkdwn', text: '*Notional (USD)*\n100' },
        { type: 'mrkdwn', text: '*cumBase*\n0.00882854' },
        { type: 'mrkdwn', text: '*Status*\nFILLED' },
        { type: 'mrkdwn', text: '*Order id*\n165123080' },
        { type: 'mrkdwn', text: `*Time*\n<!date^${unix}^{date_short_pretty} {time_secs}|2026-11-25T11:58:00Z>` },
      ],
    });
    expect(message.text).toBe('LIQUIDATION BTCUSD_PERP SELL closing a LONG: 1 @ 11,326.9 = 100 USD, 2026-11-25T11:58:00Z, order 165123080');
    expect(validateBlocks(message.blocks)).toBeUndefined();
  });

  it('says ADL in the header of an ADL', () => {
    const message = renderAlert(single(forceOrderFixture({ kind: 'ADL', clientOrderId: 'adl_autoclose' })));
    expect(message.blocks[0]).toMatchObject({ text: { text: ':warning: ADL · BTCUSD_PERP SELL' } });
  });

  it('shows a settlement close as SETTLEMENT with its own icon and says what it is', () => {
    const message = renderAlert(single(forceOrderFixture({ kind: 'SETTLEMENT', symbol: 'BTCUSD_261225' })));
    expect(message.blocks[0]).toMatchObject({ text: { text: ':calendar: SETTLEMENT · BTCUSD_261225 SELL' } });
    expect(message.text).toMatch(/^SETTLEMENT BTCUSD_261225 SELL closing a LONG: /);
    const context = message.blocks.find((b) => b.type === 'context');
    expect(context?.type === 'context' && context.elements[0]?.text).toMatch(/^Settlement \(delivery\/delisting\): /);
    expect(JSON.stringify(renderAlert(single()).blocks)).not.toContain('Settlement (delivery');
    expect(validateBlocks(message.blocks)).toBeUndefined();
  });

  it('counts settlement closes apart in a group, and marks a group of nothing else with their icon', () => {
    const notification = group(6);
    notification.summary.byKind = { LIQUIDATION: 3, ADL: 2, SETTLEMENT: 1 };
    const message = renderAlert(notification);
    expect(message.blocks[0]).toMatchObject({ text: { text: ':rotating_light: 6 force orders: 3 LIQUIDATION, 2 ADL, 1 SETTLEMENT' } });
    expect(message.text).toBe('6 force orders (3 LIQUIDATION, 2 ADL, 1 SETTLEMENT), 2,100 USD notional');
    notification.summary.byKind = { LIQUIDATION: 0, ADL: 0, SETTLEMENT: 6 };
    expect(renderAlert(notification).blocks[0]).toMatchObject({
      text: { text: ':calendar: 6 force orders: 0 LIQUIDATION, 0 ADL, 6 SETTLEMENT' },
    });
  });

  it('escapes every dynamic string so nothing from the exchange can mention or link', () => {
    const message = renderAlert(single(forceOrderFixture({ clientOrderId: 'autoclose-<!channel>&<@U1>', status: '<https://evil|x>' })));
    const all = JSON.stringify(message);
    expect(all).not.toMatch(/<!channel>|<@U1>|<https/);
    expect(all).toContain('autoclose-&lt;!channel&gt;&amp;&lt;@U1&gt;');
  });

  it('puts the mention first only when asked to', () => {
    const plain = renderAlert(single());
    const loud = renderAlert(single(), { mention: '<!subteam^S123>' });
    expect(JSON.stringify(plain)).not.toContain('subteam');
    expect(loud.text.startsWith('<!subteam^S123> ')).toBe(true);
    expect(loud.blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '<!subteam^S123>' } });
  });

  it('keeps a group of 1,000 orders inside every Slack limit and says how many it left out', () => {
    const notification = group(1000);
    const message = renderAlert(notification);
    expect(validateBlocks(message.blocks)).toBeUndefined();
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    const json = JSON.stringify(message.blocks);
    const shown = (json.match(/order 2000\d{5}/g) ?? []).length;
    expect(shown).toBeGreaterThan(50);
    // Newest first: the last order of the cascade is listed, the first is not.
    expect(json).toContain('order 200000999');
    expect(json).not.toMatch(/order 200000000(?!\d)/);
    expect(json).toContain(`… and ${1000 - shown} more orders`);
    expect(message.text).toBe('1000 force orders (666 LIQUIDATION, 334 ADL), 399,700 USD notional');
  });
});

describe('renderForceOrders', () => {
  it('renders rows newest first with totals, window, source and weight', () => {
    const message = renderForceOrders(okResult(3), 'BTCUSD');
    const json = JSON.stringify(message.blocks);
    expect(message.response_type).toBe('ephemeral');
    expect(json.indexOf('order 300000000')).toBeLessThan(json.indexOf('order 299999998'));
    expect(json).toContain('*Matched*\\n3 (3 liquidations, 0 ADL)');
    expect(json).toContain('*Source*\\nexchange');
    expect(json).toContain('*Binance weight*\\n20');
    expect(json).toContain('`/forceorders BTCUSD`');
    expect(validateBlocks(message.blocks)).toBeUndefined();
  });

  it('stays within Slack’s limits at 100 rows of a 5,000-order answer and says what it left out', () => {
    const result = okResult(100);
    if (!result.ok) throw new Error('fixture');
    const message = renderForceOrders({ ...result, total: 5000, note: 'older than 7 days: from the bot’s archive' }, 'all 7d rows 100');
    expect(validateBlocks(message.blocks)).toBeUndefined();
    const json = JSON.stringify(message.blocks);
    const shown = (json.match(/order \d{9}/g) ?? []).length;
    expect(json).toContain(`… and ${5000 - shown} more orders`);
    expect(json).toContain('from the bot’s archive');
  });

  it('counts settlement closes apart in an answer', () => {
    const result = okResult(2, { kind: 'SETTLEMENT' });
    if (!result.ok) throw new Error('fixture');
    const message = renderForceOrders({ ...result, totals: { notionalUsd: '200', liquidations: 0, adl: 0, settlement: 2 } }, 'settlement');
    const json = JSON.stringify(message.blocks);
    expect(json).toContain('*Matched*\\n2 (0 liquidations, 0 ADL, 2 settlements)');
    expect(json).toContain('settlements (delivery/delisting) only');
  });

  it('says when nothing matched', () => {
    expect(JSON.stringify(renderForceOrders(okResult(0), '').blocks)).toContain('No force orders in this window.');
  });

  it('answers an error privately with the usage line', () => {
    const message = renderForceOrders(inputError('xyz'), 'xyz');
    expect(message.response_type).toBe('ephemeral');
    expect(message.text).toBe('main · unknown argument "xyz"');
    expect(message.blocks.slice(0, 2)).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'main · Force orders', emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: ':x: unknown argument "xyz"' } },
    ]);
    expect(JSON.stringify(message.blocks)).toContain('Usage: /forceorders [BTCUSD] [liq | adl] [24h] [public]');
  });
});

/** The echo's code span of an answer: the context text that starts with it (after "You typed" on an error). */
function echoOf(message: SlackCommandResponse): string {
  for (const block of message.blocks) {
    if (block.type !== 'context') continue;
    const echo = block.elements.map((e) => e.text.replace(/^You typed /, '')).find((t) => t.startsWith('`/forceorders'));
    if (echo !== undefined) return echo;
  }
  throw new Error('no echo in the answer');
}

/** Every code point no echo may carry: invisible, reordering, or not a character at all. */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

/** Invisible and reordering characters people paste, on purpose or not. */
const INVISIBLES = [
  '\u0000',
  '\u202e',
  '\u2066',
  '\u200b',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u2028',
  '\u3164',
  '\ud800',
  '\u{e0041}',
  '`',
  '```',
];

/** Any string, hostile fragments, and invisibles sprinkled into either. */
const typedText = fc.oneof(
  hostileText,
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fc.oneof(fc.constantFrom(...INVISIBLES), fc.string({ maxLength: 8 })), { maxLength: 40 }).map((parts) => parts.join('')),
);

describe('the "You typed" echo', () => {
  it('drops NUL, bidi overrides and zero-width characters, and keeps backticks from closing the code span', () => {
    const typed = 'BTC\u0000USD\u202e7d\u200b `x` @here\u2060 @\u2060channel\nrows\t5';
    const echo = echoOf(renderForceOrders(inputError('x'), typed));
    expect(echo).toBe("`/forceorders BTCUSD7d 'x' ＠here ＠channel rows 5`");
  });

  it('shows at most 200 characters of the input, then an ellipsis, never half a surrogate pair', () => {
    const echo = echoOf(renderForceOrders(okResult(1), `${'a'.repeat(199)}🚀🚀`));
    expect(echo).toBe(`\`/forceorders ${'a'.repeat(199)}🚀…\``);
  });

  it('is never more than one inert, printable code span, whatever was typed', () => {
    fc.assert(
      fc.property(typedText, fc.boolean(), (typed, failed) => {
        const message = renderForceOrders(failed ? inputError('x') : okResult(1), typed);
        const echo = echoOf(message);
        expect(echo).toMatch(/^`\/forceorders[^`]*`$/);
        expect(echo, JSON.stringify(echo)).not.toMatch(FORBIDDEN);
        expect(slackMarkup(echo)).toEqual([]);
        // 200 code points, each at most an entity (`&amp;`), plus the frame and the ellipsis.
        expect(Array.from(echo).length).toBeLessThanOrEqual(200 * 5 + '`/forceorders …`'.length);
        expect(validateBlocks(message.blocks)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});

/** The blocks under each header, by the header's text. */
function sections(message: SlackCommandResponse): { header: string; blocks: string }[] {
  const found: { header: string; blocks: string }[] = [];
  for (const block of message.blocks) {
    if (block.type === 'header') found.push({ header: block.text.text, blocks: '' });
    else if (found.length > 0) (found[found.length - 1] as { blocks: string }).blocks += JSON.stringify(block);
  }
  return found;
}

/** `count` accounts' answers of 100 rows each (of 5,000 matched), with a note. */
function manyAnswers(count: number, query: Parameters<typeof okResult>[1] = {}) {
  return Array.from({ length: count }, (_, i) => {
    const result = okResult(100, query);
    if (!result.ok) throw new Error('fixture');
    return { account: `desk-${i}`, result: { ...result, total: 5000, note: 'older than 7 days: from the bot’s archive' } };
  });
}

describe('renderForceOrdersAnswers', () => {
  it.each([1, 3, 12])('puts %i accounts’ answers in one response within Slack’s limits, each under its own header, rows cut', (count) => {
    const message = renderForceOrdersAnswers(manyAnswers(count), 'all 7d rows 100');
    expect(validateBlocks(message.blocks)).toBeUndefined();
    const found = sections(message);
    expect(found.map((s) => s.header)).toEqual(
      Array.from({ length: count }, (_, i) => `desk-${i} · Force orders: BTCUSD (every symbol of the pair), every kind, last 24h`),
    );
    for (const { blocks } of found) {
      const shown = (blocks.match(/order \d{9}/g) ?? []).length;
      expect(shown).toBeGreaterThan(0);
      expect(blocks).toContain(`… and ${5000 - shown} more orders`);
      expect(blocks).toContain('from the bot’s archive');
    }
    expect(message.text.split('\n')).toHaveLength(count);
    expect(message.text).toMatch(/^desk-0 · 5000 force orders \(100 liquidations, 0 ADL\), 10,000 USD notional: BTCUSD/);
    expect(JSON.stringify(message.blocks.at(-1))).toContain('You typed `/forceorders all 7d rows 100`');
  });

  it('names every account even when 50 blocks cannot hold them all: the rest get one line each', () => {
    const message = renderForceOrdersAnswers(manyAnswers(30), 'x');
    expect(validateBlocks(message.blocks)).toBeUndefined();
    const json = JSON.stringify(message.blocks);
    expect(sections(message)).toHaveLength(12);
    expect(json).toContain('18 more accounts, in one line each');
    for (let i = 0; i < 30; i += 1) expect(json).toContain(`desk-${i} · `);
  });

  it('renders a refusal under its account’s name, as the error with the usage', () => {
    const [first] = manyAnswers(1);
    const message = renderForceOrdersAnswers([first!, { account: 'desk-b', result: inputError('xyz') }], 'xyz');
    const refused = sections(message)[1];
    expect(refused?.header).toBe('desk-b · Force orders');
    expect(refused?.blocks).toContain(':x: unknown argument \\"xyz\\"');
    expect(refused?.blocks).toContain('Usage: /forceorders');
    expect(message.text.split('\n')[1]).toBe('desk-b · unknown argument "xyz"');
    expect(validateBlocks(message.blocks)).toBeUndefined();
  });

  it('answers in the channel only when every answer is public', () => {
    const everyone = manyAnswers(3, { public: true });
    expect(renderForceOrdersAnswers(everyone, 'public').response_type).toBe('in_channel');
    const [a, b] = everyone;
    expect(renderForceOrdersAnswers([a!, b!, ...manyAnswers(1)], 'public').response_type).toBe('ephemeral');
    expect(renderForceOrdersAnswers([a!, { account: 'desk-x', result: inputError('x') }], 'public').response_type).toBe('ephemeral');
  });
});
