import { REST, type RESTPutAPIApplicationCommandsResult, Routes } from 'discord.js';
import type { DiscordConfig } from './DiscordConfig.js';
import { discordRestOptions } from './DiscordConfig.js';
import { forceOrdersCommandData } from './forceOrdersCommandData.js';

/** Where the commands were registered and what Discord stored. */
export interface RegisteredCommands {
  scope: 'guild' | 'global';
  commands: RESTPutAPIApplicationCommandsResult;
}

/**
 * Registers `/forceorders` idempotently with a bulk overwrite (PUT replaces the whole set, so
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
  const commands = (await rest.put(route, { body: [forceOrdersCommandData()] })) as RESTPutAPIApplicationCommandsResult;
  return { scope: config.guildId ? 'guild' : 'global', commands };
}
