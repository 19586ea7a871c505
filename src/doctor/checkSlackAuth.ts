import type { webApi } from '@slack/bolt';
import { type CheckResult, fail, pass } from './CheckResult.js';
import { slackAdvice } from './slackAdvice.js';

/** `auth.test` with the bot token: the token is valid, and for which workspace and bot user. https://api.slack.com/methods/auth.test */
export async function checkSlackAuth(client: webApi.WebClient, apiUrl: string): Promise<CheckResult> {
  const name = 'slack: bot token';
  try {
    const answer = await client.auth.test();
    return pass(name, `valid: bot user ${answer.user ?? '?'} (${answer.user_id ?? '?'}) in workspace ${answer.team ?? '?'}`);
  } catch (error) {
    return fail(name, `auth.test failed: ${(error as Error).message}`, `SLACK_BOT_TOKEN: ${slackAdvice(error, apiUrl)}`);
  }
}
