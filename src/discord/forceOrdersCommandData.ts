import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { MAX_LIMIT } from '../../commands/parseForceOrdersArgs.js';

/** The slash command's name. */
export const FORCE_ORDERS_COMMAND = 'forceorders';

/** Option names, shared by the definition and the handler. */
export const OPTION = { symbol: 'symbol', type: 'type', since: 'since', limit: 'limit', public: 'public' } as const;

/**
 * `/forceorders` as registered with Discord. Every option is optional, so order does not matter.
 * `symbol` autocompletes (and so may not also have choices); `type` offers fixed choices.
 * Guild-only (`contexts: [Guild]`, and `dm_permission: false` for clients that still read it): the
 * answer is account history, never for DMs. `default_member_permissions` is View Channel, a floor
 * server admins can raise under Server Settings -> Integrations; the bot's own role and channel
 * check (DISCORD_ALLOWED_ROLE_IDS / DISCORD_ALLOWED_CHANNEL_IDS) is what guards the data.
 * https://discord.com/developers/docs/interactions/application-commands#application-command-object
 */
export function forceOrdersCommandData(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    name: FORCE_ORDERS_COMMAND,
    type: ApplicationCommandType.ChatInput,
    description: "The account's recent liquidations and ADLs",
    default_member_permissions: String(PermissionFlagsBits.ViewChannel),
    dm_permission: false,
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    options: [
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
        choices: [
          { name: 'all', value: 'all' },
          { name: 'liquidation', value: 'liquidation' },
          { name: 'adl', value: 'adl' },
        ],
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
