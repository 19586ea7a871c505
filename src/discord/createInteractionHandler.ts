import {
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type InteractionReplyOptions,
  MessageFlags,
} from 'discord.js';
import { MAX_LIMIT, MAX_SINCE_MS } from '../../commands/parseForceOrdersArgs.js';
import { forceOrdersUsage } from '../format/orderText.js';
import type { Logger } from '../ops/logger.js';
import type { ForceOrdersResult } from '../queries.js';
import type { Clock } from '../time.js';
import { type Asker, mayRunForceOrders } from './commandAccess.js';
import type { DiscordConfig } from './DiscordConfig.js';
import { describeDiscordError } from './DiscordSink.js';
import { FORCE_ORDERS_COMMAND, OPTION } from './forceOrdersCommandData.js';
import { forceOrdersText } from './forceOrdersText.js';
import { errorReply, type ForceOrdersReply, renderForceOrdersReply } from './renderDiscord.js';
import { suggestSymbols } from './suggestSymbols.js';

/** What the interaction handler needs. */
export interface InteractionHandlerDeps {
  access: Pick<DiscordConfig, 'allowedRoleIds' | 'allowedChannelIds'>;
  runForceOrders: (text: string) => Promise<ForceOrdersResult>;
  knownSymbols: () => string[];
  logger: Logger;
  clock: Clock;
}

/** Nothing the bot says in answer to a user may ping anyone. */
const NO_MENTIONS = { parse: [] as [] };
const REFUSAL =
  'Sorry, /forceorders is limited to members with an allowed role or to the alert channel. Ask a server admin if you need access.';

function askerOf(interaction: ChatInputCommandInteraction | AutocompleteInteraction): Asker {
  const member = interaction.member;
  // discord.js gives a GuildMember when the guild is cached, else the raw API member with role ids.
  const roleIds = !member ? [] : Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  return { roleIds, channelId: interaction.channelId, guildId: interaction.guildId };
}

/**
 * Answers `/forceorders` and its autocomplete. The command is deferred at once (Discord wants a
 * first response within 3 s; the query may take longer), privately unless `public` was asked for,
 * then edited with the answer. Errors always go to the asker alone.
 * https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
 */
export function createInteractionHandler(deps: InteractionHandlerDeps): (interaction: Interaction) => Promise<void> {
  const { logger } = deps;
  return async (interaction) => {
    try {
      if (interaction.isAutocomplete() && interaction.commandName === FORCE_ORDERS_COMMAND) await autocomplete(interaction, deps);
      else if (interaction.isChatInputCommand() && interaction.commandName === FORCE_ORDERS_COMMAND) await command(interaction, deps);
    } catch (error) {
      logger.error('discord interaction failed', { interactionId: interaction.id, ...describeDiscordError(error) });
    }
  };
}

async function autocomplete(interaction: AutocompleteInteraction, deps: InteractionHandlerDeps): Promise<void> {
  // The symbols the account traded are account information: strangers get no suggestions.
  const allowed = mayRunForceOrders(deps.access, askerOf(interaction));
  const focused = interaction.options.getFocused(true);
  const choices = allowed && focused.name === OPTION.symbol ? suggestSymbols(deps.knownSymbols(), String(focused.value)) : [];
  await interaction.respond(choices);
}

async function command(interaction: ChatInputCommandInteraction, deps: InteractionHandlerDeps): Promise<void> {
  const { logger, clock } = deps;
  const asker = askerOf(interaction);
  const who = { interactionId: interaction.id, userId: interaction.user.id, channelId: asker.channelId };
  if (!mayRunForceOrders(deps.access, asker)) {
    logger.warn('discord /forceorders refused', who);
    await interaction.reply({ content: REFUSAL, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    return;
  }
  const isPublic = interaction.options.getBoolean(OPTION.public) === true;
  await interaction.deferReply(isPublic ? {} : { flags: MessageFlags.Ephemeral });
  const text = forceOrdersText({
    symbol: interaction.options.getString(OPTION.symbol),
    type: interaction.options.getString(OPTION.type),
    since: interaction.options.getString(OPTION.since),
    limit: interaction.options.getInteger(OPTION.limit),
    public: isPublic,
  });
  const started = clock.now();
  let reply: ForceOrdersReply;
  try {
    reply = renderForceOrdersReply(await deps.runForceOrders(text));
  } catch (error) {
    logger.error('discord /forceorders query threw', { ...who, error });
    reply = errorReply(
      'Could not get force orders right now; please try again in a minute.',
      forceOrdersUsage({ maxLimit: MAX_LIMIT, maxSinceMs: MAX_SINCE_MS }),
    );
  }
  logger.info('discord /forceorders answered', { ...who, text, ok: reply.ok, durationMs: clock.now() - started });
  if (reply.ok) {
    await interaction.editReply({ embeds: reply.embeds, allowedMentions: NO_MENTIONS });
    return;
  }
  const privateAnswer: InteractionReplyOptions = { content: reply.content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS };
  if (!isPublic) {
    await interaction.editReply({ content: reply.content, allowedMentions: NO_MENTIONS });
    return;
  }
  // A public deferral cannot turn private: remove the "thinking…" message and answer the asker alone.
  await interaction.deleteReply();
  await interaction.followUp(privateAnswer);
}
