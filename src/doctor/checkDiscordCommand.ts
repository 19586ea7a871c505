import { type APIApplicationCommand, type REST, Routes } from 'discord.js';
import type { DiscordConfig } from '../discord/DiscordConfig.js';
import { type CheckResult, fail, pass } from './CheckResult.js';
import { discordAdvice, discordErrorSummary } from './discordAdvice.js';

/**
 * `/forceorders` is registered where the bot expects it: in DISCORD_GUILD_ID when set, else globally.
 * https://discord.com/developers/docs/interactions/application-commands#get-guild-application-commands
 */
export async function checkDiscordCommand(
  rest: REST,
  config: Pick<DiscordConfig, 'applicationId' | 'guildId' | 'apiUrl'>,
): Promise<CheckResult> {
  const name = 'discord: /forceorders command';
  const where = config.guildId ? `in guild ${config.guildId}` : 'globally';
  const route = config.guildId
    ? Routes.applicationGuildCommands(config.applicationId, config.guildId)
    : Routes.applicationCommands(config.applicationId);
  try {
    const commands = (await rest.get(route)) as APIApplicationCommand[];
    if (commands.some((c) => c.name === 'forceorders')) return pass(name, `registered ${where}`);
    return fail(name, `not registered ${where}`, 'run npm run register (with the same DISCORD_* settings)', { critical: false });
  } catch (error) {
    return fail(name, `cannot list the commands ${where} (${discordErrorSummary(error)})`, discordAdvice(error, config.apiUrl), {
      critical: false,
    });
  }
}
