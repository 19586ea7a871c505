import { type BotCommands, scopedCommands } from '../../commands/accountScope.js';
import type { ForceOrdersArgs } from '../../commands/forceOrdersCommand.js';
import type { RiskArgs } from '../../commands/riskCommand.js';
import type { DiscordConfig } from '../../src/discord/DiscordConfig.js';
import type { ForceOrdersResult, RiskResult } from '../../src/queries.js';
import type { SlackConfig } from '../../src/slack/slackConfig.js';

/** What the one account runs; a command left out throws if it is ever run. */
export interface SingleAccountRunners {
  forceOrders?: (input: string | ForceOrdersArgs) => Promise<ForceOrdersResult>;
  risk?: (input: string | RiskArgs) => Promise<RiskResult>;
  knownSymbols?: () => readonly string[];
}

/**
 * The real scoped commands over one account, `main`, that a platform's settings allow as the bot
 * built from the BINANCE_* variables does (SLACK_ALLOWED_*, DISCORD_ALLOWED_*): what adapter tests
 * hand their adapter in place of a running bot.
 */
export function singleAccountCommands(
  runners: SingleAccountRunners,
  access: {
    slack?: Pick<SlackConfig, 'alertChannel' | 'allowedUsers' | 'allowedChannels'>;
    discord?: Pick<DiscordConfig, 'alertChannelId' | 'allowedRoleIds' | 'allowedChannelIds'>;
  },
): BotCommands {
  const { slack, discord } = access;
  const account = {
    name: 'main',
    alertChannels: { ...(slack && { slack: slack.alertChannel }), ...(discord && { discord: discord.alertChannelId }) },
    access: {
      slackAllowedUsers: slack?.allowedUsers ?? [],
      slackAllowedChannels: slack?.allowedChannels ?? [],
      discordAllowedRoleIds: discord?.allowedRoleIds ?? [],
      discordAllowedChannelIds: discord?.allowedChannelIds ?? [],
    },
  };
  const { risk } = runners;
  return scopedCommands(() => [account], {
    forceOrders: (_account, input) => (runners.forceOrders ?? notRun('/forceorders'))(input),
    ...(risk && { risk: (_account: string, input: string | RiskArgs) => risk(input) }),
    knownSymbols: () => runners.knownSymbols?.() ?? [],
  });
}

function notRun(command: string): () => never {
  return () => {
    throw new Error(`${command} was not expected to run in this test`);
  };
}
