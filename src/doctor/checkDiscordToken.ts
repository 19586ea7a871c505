import { type APIUser, type REST, Routes } from 'discord.js';
import { type CheckResult, fail, pass } from './CheckResult.js';
import { discordAdvice, discordErrorSummary } from './discordAdvice.js';

/** What the token check learnt: the result, and the bot's user id for the permission check. */
export interface DiscordTokenCheck {
  result: CheckResult;
  botUserId: string | undefined;
}

/** `GET /users/@me` with the bot token. https://discord.com/developers/docs/resources/user#get-current-user */
export async function checkDiscordToken(rest: REST, apiUrl: string): Promise<DiscordTokenCheck> {
  const name = 'discord: bot token';
  try {
    const user = (await rest.get(Routes.user())) as APIUser;
    if (!user.bot)
      return {
        result: fail(
          name,
          `the token belongs to ${user.username}, not a bot`,
          'DISCORD_TOKEN must be the token from Developer Portal → Bot',
        ),
        botUserId: undefined,
      };
    return { result: pass(name, `valid: bot ${user.username} (${user.id})`), botUserId: user.id };
  } catch (error) {
    return {
      result: fail(name, `GET /users/@me failed (${discordErrorSummary(error)})`, discordAdvice(error, apiUrl)),
      botUserId: undefined,
    };
  }
}
