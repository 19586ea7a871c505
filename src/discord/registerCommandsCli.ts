import { createLogger } from '../ops/logger.js';
import { registerCommands } from './commands.js';
import { inviteUrl } from './createDiscordAdapter.js';
import { parseDiscordConfig } from './DiscordConfig.js';
import { describeDiscordError } from './DiscordSink.js';

/**
 * `npm run register`: registers or updates `/forceorders` and `/risk` from the DISCORD_* environment, then
 * prints the invite URL. Exit code 1 on bad settings or a refusal from Discord.
 */
async function main(): Promise<number> {
  const logger = createLogger();
  const parsed = parseDiscordConfig(process.env);
  if (!parsed.ok) {
    for (const error of parsed.errors) logger.error('bad Discord setting', { error });
    return 1;
  }
  if (!parsed.config) {
    logger.error('Discord is not configured: set DISCORD_TOKEN, DISCORD_APPLICATION_ID and DISCORD_ALERT_CHANNEL_ID');
    return 1;
  }
  try {
    const { scope, commands } = await registerCommands(parsed.config);
    logger.info('slash commands registered', {
      scope,
      ...(scope === 'guild' && { guildId: parsed.config.guildId }),
      commands: commands.map((c) => `/${c.name}`),
      note: scope === 'global' ? 'global commands can take up to an hour to appear' : 'available now',
    });
    logger.info('invite the bot with', { url: inviteUrl(parsed.config.applicationId) });
    return 0;
  } catch (error) {
    logger.error('registration failed', describeDiscordError(error));
    return 1;
  }
}

process.exitCode = await main();
