import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RiskDeps, riskCommand } from '../../commands/riskCommand.js';
import { type ForceOrdersReply, renderRiskAnswers as renderDiscordAnswers } from '../../src/discord/renderDiscord.js';
import type { RiskResult } from '../../src/queries.js';
import { renderRiskAnswers, type SlackCommandResponse } from '../../src/slack/blockKit.js';
import { validateMessage } from '../fakes/discord/validateMessage.js';
import { riskResultFixture } from '../fakes/riskResultFixture.js';
import { validateBlocks } from '../fakes/slack/validateBlocks.js';
import { hostileText } from './hostileArbitraries.js';
import { discordMarkup, discordTexts, slackMarkup, slackTexts } from './hostileInertness.js';

/** One account's answer, as a channel with one account gets it. */
function renderRiskReply(result: RiskResult): ForceOrdersReply {
  return renderDiscordAnswers([{ account: 'main', result }]);
}

/** One account's answer, as a channel with one account gets it. */
function renderRisk(result: RiskResult, typed: string): SlackCommandResponse {
  return renderRiskAnswers([{ account: 'main', result }], typed);
}

/** An account port answering what the fixture holds (parsing and rendering are under test, not the wire). */
const deps: RiskDeps = {
  account: {
    account: async () => riskResultFixture().account,
    adlQuantiles: async (market) => riskResultFixture(4).positions.filter((p) => p.market === market),
  },
  markets: ['cm', 'um'],
  now: () => Date.UTC(2026, 10, 25, 12, 0, 0),
};

describe('/risk under hostile input, parsed and rendered on every platform', () => {
  it('never throws; answers the account only for "public" or nothing, else a clear input error, and both renderings stay inert', async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, async (text) => {
        const result = await riskCommand(text, deps);
        const words = text.trim().split(/\s+/).filter(Boolean);
        expect(result.ok).toBe(words.every((word) => word.toLowerCase() === 'public'));
        if (!result.ok) {
          expect(result.reason).toBe('input');
          expect(result.usage).toBe('Usage: /risk [public]');
        }
        const slack = renderRisk(result, text);
        expect(validateBlocks(slack.blocks)).toBeUndefined();
        for (const shown of slackTexts(slack)) expect(slackMarkup(shown), shown).toEqual([]);
        const reply = renderRiskReply(result);
        const body = reply.ok ? { embeds: reply.embeds } : { content: reply.content };
        expect(validateMessage(body, { requireContentOrEmbeds: true })).toEqual([]);
        for (const shown of discordTexts(body)) expect(discordMarkup(shown), shown).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});
