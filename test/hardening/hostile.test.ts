import type { APIEmbed } from 'discord.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ForceOrdersDeps, forceOrdersCommand } from '../../commands/forceOrdersCommand.js';
import { MAX_LIMIT, MAX_SINCE_MS, MIN_SINCE_MS } from '../../commands/parseForceOrdersArgs.js';
import { parseForceOrders } from '../../src/binance/parseForceOrders.js';
import type { ForceOrder } from '../../src/binance/types.js';
import { sumDecimals } from '../../src/decimal.js';
import {
  type ForceOrdersReply,
  renderAlertEmbeds,
  renderForceOrdersAnswers as renderDiscordAnswers,
} from '../../src/discord/renderDiscord.js';
import type { ForceOrdersResult } from '../../src/queries.js';
import { renderAlert, renderForceOrdersAnswers, type SlackCommandResponse } from '../../src/slack/blockKit.js';
import { validateMessage } from '../fakes/discord/validateMessage.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { validateBlocks } from '../fakes/slack/validateBlocks.js';
import { hostileNotification, hostileOrders, hostileText } from './hostileArbitraries.js';
import { discordMarkup, discordTexts, slackMarkup, slackTexts } from './hostileInertness.js';

/** One account's answer, as a channel with one account gets it. */
function renderForceOrdersReply(result: ForceOrdersResult): ForceOrdersReply {
  return renderDiscordAnswers([{ account: 'main', result }]);
}

/** One account's answer, as a channel with one account gets it. */
function renderForceOrders(result: ForceOrdersResult, typed: string): SlackCommandResponse {
  return renderForceOrdersAnswers([{ account: 'main', result }], typed);
}

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

/** The bot's command deps over a fixed set of orders (a clean exchange: only the input is hostile here). */
function deps(orders: ForceOrder[] = [forceOrderFixture({ updateTime: NOW - 60_000 })]): ForceOrdersDeps {
  return {
    now: () => NOW,
    exchange: {
      allForceOrders: async (w) => ({
        orders: orders.filter((o) => o.updateTime >= w.startTime && o.updateTime <= w.endTime),
        weight: 50,
        requests: 1,
      }),
    },
    archive: { read: async () => [] },
  };
}

/** Asserts a Slack message is accepted by Slack's documented limits and carries no live markup. */
function expectSafeSlack(message: Parameters<typeof slackTexts>[0], allowedMention?: string): void {
  expect(validateBlocks(message.blocks)).toBeUndefined();
  for (const text of slackTexts(message)) expect(slackMarkup(text, allowedMention), text).toEqual([]);
}

/** Asserts a Discord body is within Discord's limits and carries no live mention or link. */
function expectSafeDiscord(body: Parameters<typeof discordTexts>[0]): void {
  expect(validateMessage(body as Parameters<typeof validateMessage>[0], { requireContentOrEmbeds: true })).toEqual([]);
  for (const text of discordTexts(body)) expect(discordMarkup(text), text).toEqual([]);
}

/** The embeds of a successful reply (a result always renders as embeds). */
function embedsOf(reply: ReturnType<typeof renderForceOrdersReply>): APIEmbed[] {
  if (!reply.ok) throw new Error(`expected embeds, got content ${reply.content}`);
  return reply.embeds;
}

/** A successful result listing `orders`, as runForceOrders builds it. */
function resultOf(orders: ForceOrder[], note?: string): ForceOrdersResult {
  const rows = [...orders].sort((a, b) => b.updateTime - a.updateTime).slice(0, MAX_LIMIT);
  return {
    ok: true,
    query: { sinceMs: 7 * 86_400_000, limit: MAX_LIMIT, public: false },
    rows,
    total: orders.length,
    totals: {
      notionalUsd: sumDecimals(orders.map((o) => o.notionalUsd)),
      liquidations: orders.filter((o) => o.kind === 'LIQUIDATION').length,
      adl: orders.filter((o) => o.kind === 'ADL').length,
      settlement: orders.filter((o) => o.kind === 'SETTLEMENT').length,
    },
    window: { startTime: NOW - 7 * 86_400_000, endTime: NOW },
    source: 'exchange+archive',
    weightSpent: 50,
    ...(note === undefined ? {} : { note }),
  };
}

describe('/forceorders under hostile input, parsed and rendered on every platform', () => {
  it('never throws; answers a bounded query or a clear input error, and both renderings stay inert', async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, async (text) => {
        const result = await forceOrdersCommand(text, deps());
        if (result.ok) {
          expect(result.query.limit).toBeGreaterThanOrEqual(1);
          expect(result.query.limit).toBeLessThanOrEqual(MAX_LIMIT);
          expect(result.query.sinceMs).toBeGreaterThanOrEqual(MIN_SINCE_MS);
          expect(result.query.sinceMs).toBeLessThanOrEqual(MAX_SINCE_MS);
        } else {
          expect(result.reason).toBe('input');
          expect(result.error.length).toBeGreaterThan(0);
          expect(result.usage).toMatch(/\/forceorders/);
        }
        expectSafeSlack(renderForceOrders(result, text));
        const reply = renderForceOrdersReply(result);
        expectSafeDiscord(reply.ok ? { embeds: reply.embeds } : { content: reply.content });
      }),
      { numRuns: 400 },
    );
  });

  it('refuses huge, negative, exponent and reversed windows and counts instead of reading them', async () => {
    for (const text of [
      '-7d',
      '7d-1d',
      '1d..7d',
      '99999999999999999999d',
      '1e3',
      'NaN',
      'Infinity',
      '-1',
      '0',
      '1000000',
      '9007199254740993',
      '0x10',
      '0d',
      '91d',
      '13w',
    ]) {
      const result = await forceOrdersCommand(`BTCUSD ${text}`, deps());
      expect(result.ok, text).toBe(false);
    }
  });

  it('refuses unicode look-alikes of valid words instead of folding them into a symbol', async () => {
    for (const text of ['ＢＴＣＵＳＤ', 'ΒΤCUSD', 'BTCUSD\u200b', 'BTCUS\u0110', 'ＡＤＬ', 'ſ']) {
      const result = await forceOrdersCommand(text, deps());
      expect(result.ok, text).toBe(false);
    }
  });
});

describe('Slack renderers over hostile exchange data', () => {
  it('alerts (single and grouped, with and without a mention) keep every limit and no live markup', () => {
    fc.assert(
      fc.property(hostileNotification, fc.boolean(), (notification, mention) => {
        const options = mention ? { mention: '<!subteam^S0ONCALL>' } : {};
        expectSafeSlack(renderAlert(notification, options), options.mention);
      }),
      { numRuns: 150 },
    );
  });

  it('/forceorders results listing hostile orders keep every limit and no live markup', () => {
    fc.assert(
      fc.property(hostileOrders(120), hostileText, (orders, typed) => {
        expectSafeSlack(renderForceOrders(resultOf(orders), typed));
      }),
      { numRuns: 100 },
    );
  });
});

describe('Discord renderers over hostile exchange data', () => {
  it('alerts and /forceorders results stay within every limit', () => {
    fc.assert(
      fc.property(hostileNotification, hostileOrders(120), (notification, orders) => {
        for (const body of [{ embeds: renderAlertEmbeds(notification) }, { embeds: embedsOf(renderForceOrdersReply(resultOf(orders))) }]) {
          expect(validateMessage(body, { requireContentOrEmbeds: true })).toEqual([]);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a group summary lists hostile symbols without a live mention', () => {
    fc.assert(
      fc.property(
        hostileNotification.filter((n) => n.type === 'group'),
        (notification) => {
          const summary = renderAlertEmbeds(notification)[0]!;
          expect(discordMarkup(summary.description ?? '')).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  // Was a known bug until 22990d6 (exchange strings went into embeds unescaped; masked links survived).
  it('alerts and results show exchange strings with no live mention or masked link', () => {
    fc.assert(
      fc.property(hostileNotification, hostileOrders(40), (notification, orders) => {
        expectSafeDiscord({ embeds: renderAlertEmbeds(notification) });
        expectSafeDiscord({ embeds: embedsOf(renderForceOrdersReply(resultOf(orders))) });
      }),
      { numRuns: 100 },
    );
  });
});

describe('extreme times at the exchange boundary', () => {
  // A Date holds at most 8.64e15 ms: a later time would crash every renderer, so the boundary refuses it.
  it('refuses an order timed past year 275760 instead of handing it to the renderers', () => {
    const order = forceOrderFixture({ updateTime: Number.MAX_SAFE_INTEGER, time: Number.MAX_SAFE_INTEGER });
    const { market: _market, kind: _kind, notionalUsd: _notional, ...wire } = order;
    expect(() => parseForceOrders([wire], 'cm', '/papi/v1/cm/forceOrders')).toThrow(/time: expected a time a Date can hold/);
  });
});
