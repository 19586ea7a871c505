import type { FakeDiscord } from '../../fakes/discord/FakeDiscord.js';

/** The bot token and signing secret the hardening tests give the fake Slack and the bot. */
export const SLACK_BOT_TOKEN = 'xoxb-1111-2222-hardeningbot';
const SLACK_SIGNING_SECRET = 'hardening0signing0secret0abcdef01';
/** The fake Slack's default alert channel. */
const SLACK_CHANNEL = 'C0ALERTS';

/**
 * SLACK_* (HTTP mode on a free port) and DISCORD_* settings that point the bot at the fakes;
 * `slackApiUrl` / `discordApiUrl` may name an HttpSwitch in front of them instead.
 */
export function chatEnv(slackApiUrl: string, discord: FakeDiscord, discordApiUrl = discord.apiUrl): Record<string, string> {
  return {
    SLACK_BOT_TOKEN,
    SLACK_SIGNING_SECRET,
    SLACK_PORT: '0',
    SLACK_ALERT_CHANNEL: SLACK_CHANNEL,
    SLACK_API_URL: slackApiUrl,
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_ALERT_CHANNEL_ID: discord.alertChannelId,
    DISCORD_API_URL: discordApiUrl,
  };
}
