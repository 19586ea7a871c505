import type { webApi } from '@slack/bolt';
import { type CheckResult, fail, pass } from './CheckResult.js';
import { slackAdvice, slackErrorCode } from './slackAdvice.js';

/**
 * `conversations.info` on the alert channel: it exists, is not archived, and the bot is a member
 * (`is_member`), which `chat.postMessage` needs. The method needs `channels:read` (public channels) or
 * `groups:read` (private ones); without them only this check is skipped, alerts still work.
 * https://api.slack.com/methods/conversations.info
 */
export async function checkSlackChannel(client: webApi.WebClient, channel: string, apiUrl: string): Promise<CheckResult> {
  const name = 'slack: alert channel';
  try {
    const answer = await client.conversations.info({ channel });
    const info = answer.channel ?? {};
    const label = `#${info.name ?? channel} (${channel})`;
    if (info.is_archived) return fail(name, `${label} is archived`, 'unarchive it, or set SLACK_ALERT_CHANNEL to another channel');
    if (!info.is_member)
      return fail(
        name,
        `the bot is not a member of ${label}`,
        `in ${label}, type /invite @forcewatch (or add the app from the channel's settings → Integrations)`,
      );
    return pass(name, `the bot is a member of ${label}`);
  } catch (error) {
    if (slackErrorCode(error) === 'missing_scope') {
      const needed = (error as { data?: { needed?: string } }).data?.needed ?? 'channels:read,groups:read';
      return fail(
        name,
        `cannot check membership of ${channel}: the bot token lacks ${needed}`,
        `add the bot scopes channels:read and groups:read (OAuth & Permissions, or oauth_config.scopes.bot in slack-app-manifest.yml) and reinstall the app; until then make sure the bot was invited to ${channel}`,
        { critical: false },
      );
    }
    return fail(name, `conversations.info failed for ${channel}: ${(error as Error).message}`, slackAdvice(error, apiUrl));
  }
}
