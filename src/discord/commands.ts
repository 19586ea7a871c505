/**
 * `/forceorders` and `/risk` on Discord: the commands as registered, their registration, who may run
 * them, symbol suggestions, and the interaction handler that answers them with the platform-neutral commands.
 */

import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  DiscordAPIError,
  type Interaction,
  InteractionContextType,
  type InteractionReplyOptions,
  MessageFlags,
  PermissionFlagsBits,
  REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type RESTPutAPIApplicationCommandsResult,
  Routes,
} from 'discord.js';
import { type BotCommands, type CommandCaller, type CommandOutcome, chooseAccountText } from '../../commands/accountScope.js';
import type { ForceOrdersArgs } from '../../commands/forceOrdersCommand.js';
import { MAX_LIMIT } from '../../commands/parseForceOrdersArgs.js';
import type { RiskArgs } from '../../commands/riskCommand.js';
import { RISK_USAGE } from '../format/accountRiskText.js';
import { forceOrdersUsage } from '../format/orderText.js';
import type { Logger } from '../ops/logger.js';
import type { Clock } from '../time.js';
import { type DiscordConfig, discordRestOptions } from './DiscordConfig.js';
import { describeDiscordError } from './DiscordSink.js';
import { errorReply, type ForceOrdersReply, renderForceOrdersAnswers, renderRiskAnswers } from './renderDiscord.js';

// The command and its registration

/** The slash commands' names. */
const FORCE_ORDERS_COMMAND = 'forceorders';
const RISK_COMMAND = 'risk';
/** Every command `registerCommands` registers (the doctor checks each is there). */
export const SLASH_COMMAND_NAMES = [FORCE_ORDERS_COMMAND, RISK_COMMAND] as const;

/** Option names, shared by the definition and the handler. */
const OPTION = { account: 'account', symbol: 'symbol', type: 'type', since: 'since', limit: 'limit', public: 'public' } as const;

/**
 * The `account` option both commands take: which account to ask (autocompleted with the accounts the
 * member may read). Left out: the accounts alerting to the channel, else the only one they may read.
 */
const ACCOUNT_OPTION = {
  type: ApplicationCommandOptionType.String,
  name: OPTION.account,
  description: 'Which account (default: the account alerting to this channel)',
  autocomplete: true,
  max_length: 32,
} as const;

/** The `type` option's choices, shared by the definition and the handler. */
const KIND_CHOICES = ['all', 'liquidation', 'adl', 'settlement'] as const satisfies readonly NonNullable<ForceOrdersArgs['kind']>[];

/**
 * What both commands share: a chat-input command for guilds only (`contexts: [Guild]`, and
 * `dm_permission: false` for clients that still read it), as their answers are account data, never
 * for DMs; `default_member_permissions` is View Channel, a floor server admins can raise under
 * Server Settings -> Integrations. The bot's own role and channel check (DISCORD_ALLOWED_ROLE_IDS /
 * DISCORD_ALLOWED_CHANNEL_IDS) is what guards the data.
 */
const GUILD_ONLY: Pick<
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  'type' | 'default_member_permissions' | 'dm_permission' | 'contexts' | 'integration_types'
> = {
  type: ApplicationCommandType.ChatInput,
  default_member_permissions: String(PermissionFlagsBits.ViewChannel),
  dm_permission: false,
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
};

/**
 * `/forceorders` as registered with Discord. Every option is optional, so order does not matter.
 * `symbol` autocompletes (and so may not also have choices); `type` offers fixed choices.
 * https://discord.com/developers/docs/interactions/application-commands#application-command-object
 */
function forceOrdersCommandData(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    name: FORCE_ORDERS_COMMAND,
    description: "The account's recent liquidations and ADLs",
    ...GUILD_ONLY,
    options: [
      ACCOUNT_OPTION,
      {
        type: ApplicationCommandOptionType.String,
        name: OPTION.symbol,
        description: 'Symbol or pair: BTCUSD_PERP, BTCUSD_261225, BTCUSD',
        autocomplete: true,
        max_length: 32,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: OPTION.type,
        description: 'Which force orders (default: all)',
        // The one choice whose word alone does not say what it is gets the words it needs.
        choices: KIND_CHOICES.map((kind) => ({ name: kind === 'settlement' ? 'settlement (delivery/delisting)' : kind, value: kind })),
      },
      {
        type: ApplicationCommandOptionType.String,
        name: OPTION.since,
        description: 'How far back: 30m, 24h, 7d (default 24h)',
        max_length: 16,
      },
      {
        type: ApplicationCommandOptionType.Integer,
        name: OPTION.limit,
        description: `Rows to show, 1-${MAX_LIMIT} (default 20)`,
        min_value: 1,
        max_value: MAX_LIMIT,
      },
      {
        type: ApplicationCommandOptionType.Boolean,
        name: OPTION.public,
        description: 'Answer in the channel for everyone (default: only you see it)',
      },
    ],
  };
}

/**
 * `/risk` as registered: the same guild-only floor as `/forceorders` (the answer is the account's
 * margin state), one optional `public` option.
 */
function riskCommandData(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    name: RISK_COMMAND,
    description: "The account's margin status, uniMMR, equity and ADL quantiles",
    ...GUILD_ONLY,
    options: [
      ACCOUNT_OPTION,
      {
        type: ApplicationCommandOptionType.Boolean,
        name: OPTION.public,
        description: 'Answer in the channel for everyone (default: only you see it)',
      },
    ],
  };
}

/** Where the commands were registered and what Discord stored. */
export interface RegisteredCommands {
  scope: 'guild' | 'global';
  commands: RESTPutAPIApplicationCommandsResult;
}

/**
 * Registers `/forceorders` and `/risk` idempotently with a bulk overwrite (PUT replaces the whole set, so
 * running it twice changes nothing): in DISCORD_GUILD_ID when set (instant), else globally.
 * https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-guild-application-commands
 */
export async function registerCommands(
  config: Pick<DiscordConfig, 'token' | 'applicationId' | 'guildId' | 'apiUrl'>,
  options: { rest?: REST } = {},
): Promise<RegisteredCommands> {
  const rest = options.rest ?? new REST(discordRestOptions(config.apiUrl)).setToken(config.token);
  const route = config.guildId
    ? Routes.applicationGuildCommands(config.applicationId, config.guildId)
    : Routes.applicationCommands(config.applicationId);
  const commands = (await rest.put(route, { body: [forceOrdersCommandData(), riskCommandData()] })) as RESTPutAPIApplicationCommandsResult;
  return { scope: config.guildId ? 'guild' : 'global', commands };
}

// Who is asking

/**
 * The member asking and where, as the commands' scope takes it (commands/accountScope.ts decides
 * which accounts they may read). Role and channel ids are global snowflakes, so another server the
 * bot is added to matches no account's lists.
 */
function callerOf(interaction: ChatInputCommandInteraction | AutocompleteInteraction): CommandCaller {
  const member = interaction.member;
  // discord.js gives a GuildMember when the guild is cached, else the raw API member with role ids.
  const roleIds = !member ? [] : Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  return { platform: 'discord', userId: interaction.user.id, channelId: interaction.channelId, roleIds };
}

// Symbol suggestions

/**
 * Choices in an autocomplete answer and in a string option.
 * Docs: https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-structure
 */
const CHOICES_MAX = 25;
/** Characters of a choice's name and value. */
const CHOICE_NAME_MAX = 100;
/**
 * Autocomplete choices for what the user has typed so far: symbols starting with it first, then
 * those containing it, shortest first within each (a pair before its perpetual before its
 * deliveries), each once, at most 25 (Discord's cap).
 * https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-autocomplete
 */
export function suggestSymbols(known: readonly string[], typed: string): { name: string; value: string }[] {
  const needle = typed.trim().toUpperCase();
  const symbols = [...new Set(known.map((s) => s.toUpperCase()))]
    .filter((s) => s.length > 0 && s.length <= CHOICE_NAME_MAX)
    .sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  const starts = symbols.filter((s) => s.startsWith(needle));
  const contains = symbols.filter((s) => !s.startsWith(needle) && s.includes(needle));
  return [...starts, ...contains].slice(0, CHOICES_MAX).map((s) => ({ name: s, value: s }));
}

// The interaction handler

/** What the interaction handler needs. */
export interface InteractionHandlerDeps {
  /** The bot's commands (commands/); without `risk`, `/risk` answers that this bot cannot read the account's risk. */
  commands: Pick<BotCommands, 'forceOrders' | 'risk' | 'readableAccounts' | 'knownSymbols' | 'claim'>;
  /** How far back `/forceorders` reaches (ARCHIVE_DAYS), as the usage under an error states it. */
  maxSinceMs: number;
  logger: Logger;
  clock: Clock;
}

/** Nothing the bot says in answer to a user may ping anyone. */
const NO_MENTIONS = { parse: [] as [] };
/** The polite answer to a member not allowed to run `command` (both commands follow the same rules). */
function refusal(command: string): string {
  return `Sorry, /${command} is limited to members with an allowed role or to the alert channel. Ask a server admin if you need access.`;
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
      // With several instances every gateway session sees the interaction: only the one that claims it answers.
      const { claim } = deps.commands;
      if (claim && (interaction.isAutocomplete() || interaction.isChatInputCommand()) && !(await claim('discord', interaction.id))) {
        logger.debug('discord interaction answered by another instance', { interactionId: interaction.id });
        return;
      }
      if (interaction.isAutocomplete()) await autocomplete(interaction, deps);
      else if (interaction.isChatInputCommand() && interaction.commandName === FORCE_ORDERS_COMMAND) await forceOrders(interaction, deps);
      else if (interaction.isChatInputCommand() && interaction.commandName === RISK_COMMAND) await risk(interaction, deps);
    } catch (error) {
      logInteractionFailure(logger, interaction.id, error);
    }
  };
}

/**
 * JSON error codes of an answer Discord no longer takes: the first response came after the 3 s
 * Discord allows, or an edit or follow-up after the token's 15 minutes.
 * https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes
 * https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
 */
const UNKNOWN_INTERACTION = 10062;
const INVALID_WEBHOOK_TOKEN = 50027;

/**
 * Logs why an interaction could not be answered. Too late is said in words, at warn: the asker
 * saw "The application did not respond" or a reply stuck at "thinking…", and nothing is broken.
 */
function logInteractionFailure(logger: Logger, interactionId: string, error: unknown): void {
  const facts = { interactionId, ...describeDiscordError(error) };
  if (error instanceof DiscordAPIError && error.code === UNKNOWN_INTERACTION) {
    logger.warn('discord interaction not answered: the first response came after the 3 s Discord allows', {
      ...facts,
      hint: 'a command replayed after a gateway resume, or one met by a stalled event loop, is too old to answer; the asker can run it again',
    });
  } else if (error instanceof DiscordAPIError && error.code === INVALID_WEBHOOK_TOKEN) {
    logger.warn('discord /forceorders answer not delivered: Discord takes answers for 15 minutes after the command and refused this one', {
      ...facts,
      hint: 'the query took longer than the interaction token lives; the asker can run it again',
    });
  } else {
    logger.error('discord interaction failed', facts);
  }
}

/**
 * Suggestions for the focused option: the accounts the member may read, or the symbols those accounts
 * traded. Both are account information: strangers, and anyone outside a guild, get none.
 */
async function autocomplete(interaction: AutocompleteInteraction, deps: InteractionHandlerDeps): Promise<void> {
  const caller = callerOf(interaction);
  const focused = interaction.options.getFocused(true);
  const typed = String(focused.value);
  const { commands } = deps;
  const choices = !interaction.guildId
    ? []
    : focused.name === OPTION.account
      ? suggestAccounts(commands.readableAccounts(caller), typed)
      : focused.name === OPTION.symbol && interaction.commandName === FORCE_ORDERS_COMMAND
        ? suggestSymbols(commands.knownSymbols(caller), typed)
        : [];
  await interaction.respond(choices);
}

/** Account names starting with what was typed, then containing it, at most 25 (Discord's cap). */
function suggestAccounts(readable: readonly string[], typed: string): { name: string; value: string }[] {
  const needle = typed.trim().toLowerCase();
  const starts = readable.filter((name) => name.startsWith(needle));
  const contains = readable.filter((name) => !name.startsWith(needle) && name.includes(needle));
  return [...starts, ...contains].slice(0, CHOICES_MAX).map((name) => ({ name, value: name }));
}

/**
 * The slash command's options as the command's typed arguments, each value as the user gave it (no
 * round trip through text for the parser to split again); an option not given is absent.
 */
function forceOrdersArgs(options: ChatInputCommandInteraction['options']): ForceOrdersArgs {
  const args: ForceOrdersArgs = {};
  const target = options.getString(OPTION.symbol);
  if (target !== null) args.target = target;
  // Discord sends only a registered choice; anything else counts as not given.
  const kind = KIND_CHOICES.find((choice) => choice === options.getString(OPTION.type));
  if (kind !== undefined) args.kind = kind;
  const since = options.getString(OPTION.since);
  if (since !== null) args.since = since;
  const rows = options.getInteger(OPTION.limit);
  if (rows !== null) args.rows = rows;
  const isPublic = options.getBoolean(OPTION.public);
  if (isPublic !== null) args.public = isPublic;
  return args;
}

async function forceOrders(interaction: ChatInputCommandInteraction, deps: InteractionHandlerDeps): Promise<void> {
  const args = forceOrdersArgs(interaction.options);
  await answer(interaction, deps, {
    name: FORCE_ORDERS_COMMAND,
    args,
    isPublic: args.public === true,
    scope: (caller, account) => {
      const outcome = deps.commands.forceOrders(args, caller, account);
      return outcome.ok ? { ok: true, run: async () => renderForceOrdersAnswers(await outcome.answers()) } : outcome;
    },
    failure: () =>
      errorReply(
        'Could not get force orders right now; please try again in a minute.',
        forceOrdersUsage({ maxLimit: MAX_LIMIT, maxSinceMs: deps.maxSinceMs }),
      ),
  });
}

async function risk(interaction: ChatInputCommandInteraction, deps: InteractionHandlerDeps): Promise<void> {
  const args: RiskArgs = { public: interaction.options.getBoolean(OPTION.public) === true };
  const { risk: runRisk } = deps.commands;
  await answer(interaction, deps, {
    name: RISK_COMMAND,
    args,
    isPublic: args.public === true,
    scope: (caller, account) => {
      if (!runRisk) return { ok: true, run: async () => errorReply("This bot is not set up to read the account's risk.", RISK_USAGE) };
      const outcome = runRisk(args, caller, account);
      return outcome.ok ? { ok: true, run: async () => renderRiskAnswers(await outcome.answers()) } : outcome;
    },
    failure: () => errorReply("Could not read the account's risk right now; please try again in a minute.", RISK_USAGE),
  });
}

/** One command's run: its name (for refusals and logs), its arguments, and how to answer. */
interface CommandRun {
  name: string;
  args: object;
  isPublic: boolean;
  /** Scopes the command to the accounts `caller` asks about (`account`: the option); `run` runs it and renders the answers. */
  scope: (
    caller: CommandCaller,
    account: string | undefined,
  ) => { ok: true; run: () => Promise<ForceOrdersReply> } | Exclude<CommandOutcome<unknown>, { ok: true }>;
  /** The answer when `run` throws (the error itself goes to the log). */
  failure: () => ForceOrdersReply;
}

/**
 * Refuses a member the access rules do not allow, privately and before anything runs; otherwise
 * defers (privately unless public), runs, and edits in the answer. Errors always go to the asker alone.
 */
async function answer(interaction: ChatInputCommandInteraction, deps: InteractionHandlerDeps, spec: CommandRun): Promise<void> {
  const { logger, clock } = deps;
  const caller = callerOf(interaction);
  const who = { interactionId: interaction.id, userId: interaction.user.id, channelId: interaction.channelId };
  // Never outside a guild: the commands are registered for guilds only, and a DM has no channel to go by.
  const scoped = interaction.guildId ? spec.scope(caller, interaction.options.getString(OPTION.account) ?? undefined) : undefined;
  if (!scoped?.ok) {
    const content = scoped?.why === 'choose' ? chooseAccountText(`/${spec.name}`, scoped.choices) : refusal(spec.name);
    logger.warn(`discord /${spec.name} ${scoped?.why === 'choose' ? 'asked which account' : 'refused'}`, who);
    await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    return;
  }
  await interaction.deferReply(spec.isPublic ? {} : { flags: MessageFlags.Ephemeral });
  const started = clock.now();
  let reply: ForceOrdersReply;
  try {
    reply = await scoped.run();
  } catch (error) {
    logger.error(`discord /${spec.name} query threw`, { ...who, error });
    reply = spec.failure();
  }
  logger.info(`discord /${spec.name} answered`, { ...who, args: spec.args, ok: reply.ok, durationMs: clock.now() - started });
  if (reply.ok) {
    await interaction.editReply({ embeds: reply.embeds, allowedMentions: NO_MENTIONS });
    return;
  }
  const privateAnswer: InteractionReplyOptions = { content: reply.content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS };
  if (!spec.isPublic) {
    await interaction.editReply({ content: reply.content, allowedMentions: NO_MENTIONS });
    return;
  }
  // A public deferral cannot turn private: remove the "thinking…" message and answer the asker alone.
  await interaction.deleteReply();
  await interaction.followUp(privateAnswer);
}
